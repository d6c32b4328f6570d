/**
 * Version numbers as values: parsed once, compared only here. Everything else asks the capability
 * table (topology/capabilities/) what a version can do instead of comparing strings. Only the
 * capability modules import this one.
 */

export type VersionTriple = readonly [number, number, number];

export function parseVersion(text: string): VersionTriple | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

export function compareVersions(a: VersionTriple, b: VersionTriple): number {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** True when `version` lies in `[since, until)`; either bound may be absent. */
export function inRange(version: VersionTriple, since?: string, until?: string): boolean {
  const lo = since === undefined ? undefined : parseVersion(since);
  const hi = until === undefined ? undefined : parseVersion(until);
  if (lo && compareVersions(version, lo) < 0) return false;
  if (hi && compareVersions(version, hi) >= 0) return false;
  return true;
}

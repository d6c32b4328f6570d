/**
 * A capability as a version range, and the one place a version is tested against such a range.
 */
import { inRange, parseVersion } from '../versions';

/** A feature and the versions that have it: `[since, until)`. */
export interface FeatureRow {
  readonly since?: string;
  readonly until?: string;
}

/** True when `version` lies in the row's `[since, until)`. */
export function versionHas(version: string, row: FeatureRow): boolean {
  const parsed = parseVersion(version);
  if (!parsed) throw new Error(`not a version: ${version}`);
  return inRange(parsed, row.since, row.until);
}

/** True when `text` is an exact version (`3.13.7`, `26.2`) that the table can answer for. */
export function isExactVersion(text: string): boolean {
  return parseVersion(text) !== undefined;
}

/** Each feature of `table` as a boolean for `version`. */
export function featuresOf<K extends string>(
  version: string,
  table: Readonly<Record<K, FeatureRow>>,
  what: string,
): Record<K, boolean> {
  if (!isExactVersion(version)) throw new Error(`not a ${what} version: ${version}`);
  const entries = (Object.keys(table) as K[]).map((k) => [k, versionHas(version, table[k])] as const);
  return Object.fromEntries(entries) as Record<K, boolean>;
}

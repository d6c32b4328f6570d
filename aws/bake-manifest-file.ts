/**
 * The pinned-images file of an environment, `<dir>/<stem>.images.json` next to its environment file
 * `<dir>/<stem>.<ext>`: written by `warren bake`, read by the stacks' synth, and tracked in git so
 * every machine deploys the same AMIs. Keyed by the environment's file (not its `name`), so bake and
 * synth always agree on which file it is. A damaged file is a user error naming the file and the fix.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bakeCommandFor, bakeManifestProblem, PINNED_IMAGES_SUFFIX, type BakeManifest } from '../images';
import { sourceFileOf } from '../cloudinit/marker';
import { noPinnedImagesMessage, type StackImages } from '../stacks';
import { UserError, type Topology } from '../topology';
import { shownPath } from '../workspace';

/** The environment as the pinned images need it: its topology and the (absolute) file it came from. */
export interface PinnedImagesOf {
  readonly topology: Topology;
  readonly file: string;
}

/** `environments/dev.ts` → `environments/dev.images.json`. */
export function bakeManifestPath(environmentFile: string): string {
  const abs = path.resolve(environmentFile);
  const stem = path.basename(abs, path.extname(abs));
  return path.join(path.dirname(abs), `${stem}${PINNED_IMAGES_SUFFIX}`);
}

/** The pinned images of an environment, or undefined when it was never baked. A damaged file is an error. */
export function readBakeManifest(env: PinnedImagesOf): BakeManifest | undefined {
  const file = bakeManifestPath(env.file);
  if (!existsSync(file)) return undefined;
  const shown = shownPath(file);
  const fix = `fix or delete it and run ${bakeCommandFor(env.topology)}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`${shown} does not parse as JSON (${(e as Error).message}); ${fix}`);
  }
  const problem = bakeManifestProblem(parsed, env.topology.name);
  if (problem) throw new UserError(`${shown} ${problem}; ${fix}`);
  return parsed as BakeManifest;
}

/** Writes the pinned images next to the environment file; returns the path written. */
export function writeBakeManifest(env: PinnedImagesOf, manifest: BakeManifest): string {
  const file = bakeManifestPath(env.file);
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
  return file;
}

/** The pinned file as the review and messages name it: beside the environment file as markers name it. */
function shownPinnedFile(env: PinnedImagesOf): string {
  return path.posix.join(
    path.posix.dirname(sourceFileOf(env.topology)),
    path.basename(bakeManifestPath(env.file)),
  );
}

/**
 * Where a stack's image ids come from: the pinned file; nothing when the topology asks for the
 * lookup; placeholders for a review-only synth when asked (`placeholders`, WARREN_AMI_PLACEHOLDERS=1).
 * Without any of them, refuses: a deploy must never pick whatever AMI was baked last.
 */
export function stackImagesOf(
  env: PinnedImagesOf,
  placeholders = /^(1|true|yes)$/i.test(process.env.WARREN_AMI_PLACEHOLDERS ?? ''),
): StackImages | undefined {
  const manifest = readBakeManifest(env);
  const file = shownPinnedFile(env);
  if (manifest) return { kind: 'pinned', manifest, file };
  if (env.topology.image.amiLookup === 'latest') return undefined;
  if (placeholders) return { kind: 'placeholder', file };
  throw new UserError(noPinnedImagesMessage(env.topology, file));
}

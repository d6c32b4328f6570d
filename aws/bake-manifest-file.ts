/**
 * The bake manifest file, `images/out/<env>/manifest.json`: read by the stacks' synth, written by
 * `warren bake`. A damaged file is a user error naming the file and the fix.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bakeManifestProblem, type BakeManifest } from '../images';
import { UserError } from '../topology';
import { imageOutDir } from './write-image-templates';

export const BAKE_MANIFEST_FILE = 'manifest.json';

export function bakeManifestPath(envName: string, outDir = imageOutDir(envName)): string {
  return path.join(outDir, BAKE_MANIFEST_FILE);
}

/** The manifest of an environment, or undefined when it was never baked. A damaged file is an error. */
export function readBakeManifest(envName: string, outDir = imageOutDir(envName)): BakeManifest | undefined {
  const file = bakeManifestPath(envName, outDir);
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(
      `${file} does not parse as JSON (${(e as Error).message}); delete it and run npm run bake -- --env ${envName}`,
    );
  }
  const problem = bakeManifestProblem(parsed, envName);
  if (problem) throw new UserError(`${file} ${problem}; delete it and run npm run bake -- --env ${envName}`);
  return parsed as BakeManifest;
}

export function writeBakeManifest(manifest: BakeManifest, outDir = imageOutDir(manifest.env)): string {
  const file = bakeManifestPath(manifest.env, outDir);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
  return file;
}

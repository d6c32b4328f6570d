/**
 * Writing an environment's images: reads the scripts (and pinned .debs), writes `images/out/<env>/<role>/`.
 * Each role directory is replaced as a whole, so no stale script survives a change.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import {
  BOOT_SCRIPTS_DIR,
  imageRolesOf,
  rabbitPackagePlan,
  renderImageFiles,
  STEP_SCRIPTS_DIR,
  type ImageFile,
  type ImageSources,
} from '../images';
import { TopologyError, type Topology } from '../topology';
import { environmentFile, PROJECT_ROOT } from '../workspace';

export const IMAGES_OUT_DIR = path.join(PROJECT_ROOT, 'images', 'out');

export function imageOutDir(envName: string): string {
  return path.join(IMAGES_OUT_DIR, envName);
}

export interface ReadSourcesOptions {
  /** @default environments/<name>.ts (image.debs are relative to its directory) */
  readonly environmentFile?: string;
  /** @default BOOT_SCRIPTS_DIR */
  readonly bootScriptsDir?: string;
}

function regularFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => statSync(path.join(dir, name)).isFile())
    .sort();
}

export function readImageSources(t: Topology, opts: ReadSourcesOptions = {}): ImageSources {
  const bootDir = opts.bootScriptsDir ?? BOOT_SCRIPTS_DIR;
  const envDir = path.dirname(opts.environmentFile ?? environmentFile(t.name));
  const debs =
    rabbitPackagePlan(t).source === 'pinned-debs'
      ? t.image.debs.map((rel, i) => {
          const file = path.resolve(envDir, rel);
          if (!existsSync(file)) {
            throw new TopologyError(`environments/${t.name}.ts`, [
              {
                path: `image.debs[${i}]`,
                message: `no such file: ${file}`,
                fix: 'give the path of the .deb relative to the environment file',
              },
            ]);
          }
          return { name: path.basename(file), content: readFileSync(file) };
        })
      : [];
  return {
    scripts: regularFiles(STEP_SCRIPTS_DIR)
      .filter((n) => n.endsWith('.sh'))
      .map((name) => ({ name, content: readFileSync(path.join(STEP_SCRIPTS_DIR, name), 'utf8') })),
    bootScripts: regularFiles(bootDir).map((name) => ({
      name,
      content: readFileSync(path.join(bootDir, name)),
    })),
    debs,
  };
}

/** The files of every role, without writing them. Pure when `sources` is given. */
export function renderImageTemplates(t: Topology, sources: ImageSources = readImageSources(t)): ImageFile[] {
  return renderImageFiles(t, sources);
}

export interface WriteOptions extends ReadSourcesOptions {
  /** @default images/out/<env> */
  readonly outDir?: string;
}

/** Writes `images/out/<env>/<role>/…` for every role of the environment; returns the paths written. */
export function writeImageTemplates(t: Topology, opts: WriteOptions = {}): string[] {
  const files = renderImageTemplates(t, readImageSources(t, opts));
  const outDir = opts.outDir ?? imageOutDir(t.name);
  for (const role of imageRolesOf(t)) {
    rmSync(path.join(outDir, role), { recursive: true, force: true });
    // The boot-scripts directory is uploaded even when empty (Packer checks the source exists).
    mkdirSync(path.join(outDir, role, 'boot-scripts'), { recursive: true });
  }
  return files.map((f) => {
    const target = path.join(outDir, f.path);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, f.content);
    chmodSync(target, f.mode);
    return target;
  });
}

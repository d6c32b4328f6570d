/**
 * `warren bake`: preflight, write the templates, `packer init` + `packer build` per role with
 * Packer's output streamed line by line, then pin the AMI ids in the tracked file next to the
 * environment file (aws/bake-manifest-file.ts). The I/O
 * edge of images/; everything it decides comes from the pure modules next to it.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import {
  amisFromPackerManifest,
  imageRolesOf,
  PACKER_MANIFEST_FILE,
  withRoleAmis,
  type BakeManifest,
  type ImageRole,
} from '../images';
import { WarrenError } from '../topology';
import { run, type LoadedEnvironment } from '../workspace';
import { readBakeManifest, writeBakeManifest } from './bake-manifest-file';
import {
  BakePreflightError,
  gatherPreflightFacts,
  preflightProblems,
  type PreflightFacts,
} from './bake-preflight';
import { imageOutDir, writeImageTemplates } from './write-image-templates';

export interface BakeOptions {
  /** Only this role. @default every role the environment launches */
  readonly role?: ImageRole;
  /** Each line of progress (Packer's output, prefixed with the role). @default console.log */
  readonly onProgress?: (line: string) => void;
  /** Facts for the preflight. @default gathered from this machine */
  readonly facts?: PreflightFacts;
  /** @default images/out/<env> */
  readonly outDir?: string;
}

/** A bake that stopped for a reason the user can act on (wrong role, Packer failed): exit 1, no trace. */
export class BakeError extends WarrenError {
  override readonly name = 'BakeError';
}

export interface BakeResult {
  readonly manifest: BakeManifest;
  readonly manifestPath: string;
}

export interface RunOptions {
  /**
   * Keep running through Ctrl-C and say so. Ctrl-C reaches the child too (same process group);
   * Packer then terminates its build instance and deletes its temporary key and security group.
   * Exiting before it finishes would cut its output pipe mid-cleanup and leave the instance running
   * (and billing). SIGTERM, which only warren gets, is passed on to the child as SIGINT.
   * @default exit on Ctrl-C as usual
   */
  readonly onInterrupt?: (line: string) => void;
}

/** Runs a command, streaming stdout and stderr lines as they come; resolves with the exit code. */
export async function runStreaming(
  command: string,
  args: readonly string[],
  cwd: string,
  onLine: (line: string) => void,
  opts: RunOptions = {},
): Promise<number> {
  const interrupted = new AbortController();
  const say = opts.onInterrupt;
  const onInt = () => say?.(`interrupted: waiting for ${path.basename(command)} to clean up and exit…`);
  const onTerm = () => {
    onInt();
    interrupted.abort();
  };
  if (say) {
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  }
  try {
    const r = await run(command, args, {
      cwd,
      env: { ...process.env, PACKER_NO_COLOR: '1' },
      onLine,
      signal: interrupted.signal,
      killSignal: 'SIGINT',
    });
    return r.code;
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

export async function bake(loaded: LoadedEnvironment, opts: BakeOptions = {}): Promise<BakeResult> {
  const t = loaded.topology;
  const roles = imageRolesOf(t);
  if (opts.role && !roles.includes(opts.role)) {
    throw new BakeError(
      `environment ${t.name} has no ${opts.role} hosts (front door: ${t.frontDoor.kind}); roles: ${roles.join(', ')}`,
    );
  }
  const facts = opts.facts ?? gatherPreflightFacts();
  const problems = preflightProblems(facts);
  if (problems.length > 0) throw new BakePreflightError(problems);

  const say = opts.onProgress ?? ((line: string) => console.log(line));
  const outDir = opts.outDir ?? imageOutDir(t.name);
  writeImageTemplates(t, { environmentFile: loaded.file, outDir });
  say(`bake ${t.name}: templates written to ${path.relative(process.cwd(), outDir) || outDir}`);

  let manifest = readBakeManifest(loaded);
  let manifestPath = '';
  for (const role of opts.role ? [opts.role] : roles) {
    const dir = path.join(outDir, role);
    const packerManifest = path.join(dir, PACKER_MANIFEST_FILE);
    rmSync(packerManifest, { force: true });
    const prefix = (line: string) => say(`[${role}] ${line}`);
    for (const args of [
      ['init', '.'],
      ['build', '-color=false', '.'],
    ]) {
      say(`[${role}] ${facts.packerCommand} ${args.join(' ')}`);
      const code = await runStreaming(facts.packerCommand, args, dir, prefix, { onInterrupt: say });
      if (code !== 0) {
        throw new BakeError(
          `packer ${args[0]} of the ${role} image failed (exit ${code}); its output is above. Templates: ${dir}`,
        );
      }
    }
    if (!existsSync(packerManifest))
      throw new BakeError(`packer build of ${role} wrote no ${PACKER_MANIFEST_FILE} in ${dir}`);
    const amis = amisFromPackerManifest(JSON.parse(readFileSync(packerManifest, 'utf8')));
    if (Object.keys(amis).length === 0)
      throw new BakeError(`${packerManifest} names no AMI; see Packer's output above`);
    manifest = withRoleAmis(manifest, t, role, amis);
    manifestPath = writeBakeManifest(loaded, manifest);
    say(
      `[${role}] AMIs: ${Object.entries(amis)
        .map(([region, ami]) => `${region} ${ami}`)
        .join(', ')}`,
    );
  }
  if (!manifest) throw new BakeError('nothing was baked');
  return { manifest, manifestPath };
}

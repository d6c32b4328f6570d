// Runs the cdktf app exactly as `cdktf synth` does (cdktf.json: `npx tsx main.ts`, output directory
// from CDKTF_OUTDIR) into a temp dir, from the project root, and reads what it wrote.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './helpers';
import { PROJECT_ROOT } from '../../workspace';

export interface SynthRun {
  readonly outdir: string;
  /** Every file written, relative to outdir. */
  readonly files: readonly string[];
  read(rel: string): string;
}

export function runRealSynth(env: Record<string, string> = {}): SynthRun {
  const outdir = tempDir('warren-cdktf-out-');
  const tsx = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
  const r = spawnSync(tsx, ['main.ts'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    // The shipped environments are never baked: placeholder AMIs, as a review-only synth has them.
    env: { ...process.env, CDKTF_OUTDIR: outdir, WARREN_AMI_PLACEHOLDERS: '1', ...env },
  });
  if (r.status !== 0) throw new Error(`tsx main.ts failed (${r.status}):\n${r.stderr}${r.stdout}`);
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.push(path.relative(outdir, full));
    }
  };
  walk(outdir);
  return { outdir, files: files.sort(), read: (rel) => readFileSync(path.join(outdir, rel), 'utf8') };
}

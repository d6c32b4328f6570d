/**
 * Global setup of the vitest `lab` project. Labs are shared across test files: the first
 * `sharedLab(env)` of a run takes down whatever lab of that environment an earlier (interrupted)
 * run left, boots a fresh one and records it in this run's directory; later calls reuse it
 * (`labUp` on a running lab changes nothing). At the end this setup takes down every lab the run
 * booted, also when the run is interrupted (SIGINT/SIGTERM). Runs that boot no lab (other
 * projects, or lab files that need none) leave every lab on the machine alone.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { detachLoopDevice, LAB_STATE_ROOT, labDown, loopDevicesUnder } from '../../lab';
import { LAB_TEST_RUNS } from './lab-test-runs';
import { PROJECT_ROOT } from '../../workspace';

declare module 'vitest' {
  export interface ProvidedContext {
    /** This run's directory: one file per environment whose lab the run booted. */
    labRunDir: string;
  }
}

function bootedEnvs(runDir: string): string[] {
  return existsSync(runDir) ? readdirSync(runDir) : [];
}

/** vitest exits on a signal before an async teardown could finish: a detached `lab down` outlives it. */
function downDetached(runDir: string): void {
  const tsx = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
  const downs = bootedEnvs(runDir).map((env) => `'${tsx}' cli/main.ts lab down --env ${env}`);
  const script = [...downs, `rm -rf '${runDir}'`].join('; ');
  spawn('sh', ['-c', script], { cwd: PROJECT_ROOT, detached: true, stdio: 'ignore' }).unref();
}

/**
 * Loop devices of lab volumes whose file is gone (an interrupted `down`, a state dir removed by
 * hand): nobody can use them any more. Volumes whose file is still there belong to a lab, which the
 * first `sharedLab` of that environment takes down with everything else.
 */
async function detachOrphanedVolumes(): Promise<void> {
  for (const l of await loopDevicesUnder(LAB_STATE_ROOT)) {
    if (existsSync(l.file)) continue;
    console.log(`lab setup: detaching ${l.device}, left over from ${l.file} (deleted)`);
    await detachLoopDevice(l.device).catch((e: Error) => console.error(e.message));
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await detachOrphanedVolumes();
  const runDir = path.join(LAB_TEST_RUNS, `${process.pid}-${Date.now()}`);
  mkdirSync(runDir, { recursive: true, mode: 0o700 });
  project.provide('labRunDir', runDir);
  const onSignal = () => downDetached(runDir);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return async () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    for (const env of bootedEnvs(runDir)) {
      try {
        await labDown(env);
      } catch (e) {
        console.error(`lab teardown of ${env} failed: ${(e as Error).message}`);
      }
    }
    rmSync(runDir, { recursive: true, force: true });
  };
}

/**
 * Global setup of the vitest `lab` project. Labs are shared: every test file calls `sharedLab(env)`,
 * which boots the environment once (`labUp` on a running lab changes nothing). This setup starts
 * from a clean machine (a lab left by an interrupted run is taken down first) and takes every lab
 * down at the end, also when the run is interrupted (SIGINT/SIGTERM).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { labDown } from '../../lab';
import { PROJECT_ROOT } from '../../topology';
import { LAB_TEST_ENVS } from './lab-test-envs';

/**
 * On SIGINT/SIGTERM vitest exits before an async teardown could finish, so the labs are taken down
 * by a detached `warren lab down` per environment that outlives this process.
 */
function downAllDetached(): void {
  const tsx = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
  const script = LAB_TEST_ENVS.map((env) => `'${tsx}' cli/main.ts lab down --env ${env}`).join('; ');
  spawn('sh', ['-c', script], { cwd: PROJECT_ROOT, detached: true, stdio: 'ignore' }).unref();
}

async function downAll(): Promise<void> {
  for (const env of LAB_TEST_ENVS) {
    try {
      await labDown(env);
    } catch (e) {
      console.error(`lab teardown of ${env} failed: ${(e as Error).message}`);
    }
  }
}

export default async function setup(): Promise<() => Promise<void>> {
  if (process.getuid?.() !== 0) return async () => undefined;
  await downAll();
  const onSignal = () => downAllDetached();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return async () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await downAll();
  };
}

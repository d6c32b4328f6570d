/**
 * Global setup of the vitest `lab` project. Labs are shared: every test file calls `sharedLab(env)`,
 * which boots the environment once (`labUp` on a running lab changes nothing). This setup starts
 * from a clean machine (a lab left by an interrupted run is taken down first) and takes every lab
 * down at the end, also when the run is interrupted (SIGINT/SIGTERM).
 */
import { labDown } from '../../lab';
import { LAB_TEST_ENVS } from './lab-test-envs';

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
  let tearingDown: Promise<void> | undefined;
  const teardown = () => (tearingDown ??= downAll());
  const onSignal = (signal: NodeJS.Signals) => {
    void teardown().finally(() => process.kill(process.pid, signal));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return async () => {
    await teardown();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

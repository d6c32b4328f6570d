/**
 * Runs `provisioningSteps(role)` from this machine against a root directory (WARREN_ROOT): how the
 * lab finishes its Debian image, and how the tests check the steps on a scratch root.
 */
import {
  provisioningSteps,
  type ImageRole,
  type ProvisioningOptions,
  type ProvisioningStep,
} from '../images';
import { run } from '../workspace';

export interface StepRun {
  readonly step: ProvisioningStep;
  readonly code: number;
  readonly output: string;
}

async function runStep(
  step: ProvisioningStep,
  root: string,
  onLine: (line: string) => void,
): Promise<StepRun> {
  // stdout and stderr interleaved as they come, as the failure message shows them.
  const lines: string[] = [];
  const r = await run('bash', [step.path], {
    env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...step.env, WARREN_ROOT: root },
    // The scripts prefix their own lines with their name.
    onLine: (line) => {
      lines.push(line);
      onLine(line);
    },
  });
  return { step, code: r.code, output: lines.map((l) => `${l}\n`).join('') };
}

/** Runs every step in order; throws, naming the step and its output, when one fails. */
export async function applyProvisioningSteps(
  root: string,
  role: ImageRole,
  opts: ProvisioningOptions & { readonly onProgress?: (line: string) => void } = {},
): Promise<StepRun[]> {
  const runs: StepRun[] = [];
  for (const step of provisioningSteps(role, opts)) {
    const run = await runStep(step, root, opts.onProgress ?? (() => {}));
    runs.push(run);
    if (run.code !== 0)
      throw new Error(`provisioning step ${step.name} failed on ${root} (exit ${run.code}):\n${run.output}`);
  }
  return runs;
}

/**
 * Runs `provisioningSteps(role)` from this machine against a root directory (WARREN_ROOT): how the
 * lab finishes its Debian image, and how the tests check the steps on a scratch root.
 */
import { spawn } from 'node:child_process';
import {
  provisioningSteps,
  type ImageRole,
  type ProvisioningOptions,
  type ProvisioningStep,
} from '../images';

export interface StepRun {
  readonly step: ProvisioningStep;
  readonly code: number;
  readonly output: string;
}

function runStep(step: ProvisioningStep, root: string, onLine: (line: string) => void): Promise<StepRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [step.path], {
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...step.env, WARREN_ROOT: root },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const take = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      // The scripts prefix their own lines with their name.
      for (const line of text.split('\n')) if (line !== '') onLine(line);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('close', (code) => resolve({ step, code: code ?? 1, output }));
  });
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

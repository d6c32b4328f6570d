/**
 * Terraform as `warren roll` uses it, in the synthesized stack's directory (cdktf deploy has no
 * `-replace`): `version` to find it, `init` when the directory was never initialised, `show -json`
 * for the deployed state, and one `apply -replace=ADDRESS -target=ADDRESS …` per host. The targets
 * keep each step to that one instance and what refers to it (its volume attachment): without them an apply would also
 * carry out every other pending change of the stack, such as replacing the other nodes of a stack
 * that does not ignore user-data changes, or terminating a node dropped from the topology.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { WarrenError } from '../topology';
import { run, type RunResult } from '../workspace';

/** Terraform missing, failing, or a stack not synthesized: exit 1 with what to do. */
export class TerraformError extends WarrenError {
  override readonly name = 'TerraformError';
}

export interface TerraformOptions {
  /** The synthesized stack directory (`cdktf.out/stacks/warren-<env>`). */
  readonly dir: string;
  /** The program. @default 'terraform' (on PATH) */
  readonly command?: string;
  readonly onLine?: (line: string) => void;
}

export interface Terraform {
  /** The deployed state as `terraform show -json` prints it ({} shape when nothing is deployed). */
  show(): Promise<unknown>;
  /**
   * Replaces one instance, applying only it and `alsoTarget` (what refers to it); throws a
   * TerraformError with Terraform's last lines when it fails.
   */
  replace(address: string, alsoTarget?: readonly string[]): Promise<void>;
}

const tail = (r: RunResult) =>
  (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-12).join('\n') || '(no output)';

export async function terraformIn(opts: TerraformOptions): Promise<Terraform> {
  const cmd = opts.command ?? 'terraform';
  const env = { ...process.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };
  if (!existsSync(path.join(opts.dir, 'cdk.tf.json'))) {
    throw new TerraformError(
      `${opts.dir}/cdk.tf.json does not exist; run \`warren synth --env <name>\` (or npx cdktf synth) first`,
    );
  }
  let version: RunResult;
  try {
    version = await run(cmd, ['version'], { env, cwd: opts.dir, timeoutMs: 30_000 });
  } catch {
    throw new TerraformError(
      `warren roll needs Terraform (≥ 0.15.2, for -replace) on PATH and found no '${cmd}'; install it (https://developer.hashicorp.com/terraform/install) and run again`,
    );
  }
  if (version.code !== 0) throw new TerraformError(`\`${cmd} version\` failed: ${tail(version)}`);
  const tf = async (args: string[], stream: boolean): Promise<RunResult> =>
    run(cmd, args, { env, cwd: opts.dir, ...(stream && opts.onLine ? { onLine: opts.onLine } : {}) });

  if (!existsSync(path.join(opts.dir, '.terraform'))) {
    const init = await tf(['init', '-input=false', '-no-color'], true);
    if (init.code !== 0)
      throw new TerraformError(`terraform init in ${opts.dir} failed (exit ${init.code}): ${tail(init)}`);
  }
  return {
    async show() {
      const r = await tf(['show', '-json', '-no-color'], false);
      if (r.code !== 0)
        throw new TerraformError(`terraform show -json in ${opts.dir} failed (exit ${r.code}): ${tail(r)}`);
      try {
        return JSON.parse(r.stdout || '{}');
      } catch {
        throw new TerraformError(
          `terraform show -json in ${opts.dir} printed no JSON: ${r.stdout.slice(0, 200)}`,
        );
      }
    },
    async replace(address, alsoTarget = []) {
      const targets = [address, ...alsoTarget.filter((a) => a !== address)].map((a) => `-target=${a}`);
      const r = await tf(
        ['apply', '-input=false', '-no-color', '-auto-approve', `-replace=${address}`, ...targets],
        true,
      );
      if (r.code !== 0)
        throw new TerraformError(`terraform apply -replace=${address} failed (exit ${r.code}): ${tail(r)}`);
    },
  };
}

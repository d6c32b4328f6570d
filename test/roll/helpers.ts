/**
 * The roll tests' stack and state: the dev stack synthesized by `warren synth` into a temp dir, with
 * image ids pinned (as a tracked image file makes them), and a Terraform state crafted from it as
 * `terraform show -json` prints one, with chosen hosts deployed from an older image or user-data.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { terraformLiteral } from '../../stacks';
import { PROJECT_ROOT } from '../../workspace';

export const NEW_RABBIT_AMI = 'ami-0aaaaaaaaaaaa0002';
export const OLD_RABBIT_AMI = 'ami-0aaaaaaaaaaaa0001';
export const HAPROXY_AMI = 'ami-0bbbbbbbbbbbb0001';
export const FIXTURES = path.join(__dirname, 'fixtures');

type Json = Record<string, unknown>;

export interface SynthesizedDev {
  readonly dir: string;
  readonly outdir: string;
  readonly stackDir: string;
  readonly stackFile: string;
  stack(): Json;
  /** Terraform addresses by host. */
  readonly addresses: Readonly<Record<string, string>>;
  destroy(): void;
}

/** `warren synth --env dev` into a temp dir; every instance's image id pinned. */
export async function synthesizeDev(): Promise<SynthesizedDev> {
  const dir = mkdtempSync(path.join(tmpdir(), 'warren-roll-'));
  const outdir = path.join(dir, 'cdktf.out');
  // A child process, as `warren synth` runs; placeholder image ids, replaced by pinned ones below.
  const r = spawnSync(
    path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'),
    ['cli/main.ts', 'synth', '--env', 'dev', '--out', outdir, '--images-out', path.join(dir, 'images')],
    {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      env: { ...process.env, CHECKPOINT_DISABLE: '1', WARREN_AMI_PLACEHOLDERS: '1' },
    },
  );
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`warren synth --env dev failed (${r.status}):\n${r.stderr}${r.stdout}`);
  }
  const stackDir = path.join(outdir, 'stacks', 'warren-dev');
  const stackFile = path.join(stackDir, 'cdk.tf.json');
  const stack = JSON.parse(readFileSync(stackFile, 'utf8')) as Json;
  const instances = (stack.resource as Json).aws_instance as Record<string, Json>;
  const addresses: Record<string, string> = {};
  for (const [name, r] of Object.entries(instances)) {
    const tags = r.tags as Record<string, string>;
    r.ami = tags['warren:role'] === 'rabbitmq' ? NEW_RABBIT_AMI : HAPROXY_AMI;
    addresses[tags['warren:host']!] = `aws_instance.${name}`;
  }
  writeFileSync(stackFile, JSON.stringify(stack, null, 2));
  return {
    dir,
    outdir,
    stackDir,
    stackFile,
    stack: () => JSON.parse(readFileSync(stackFile, 'utf8')) as Json,
    addresses,
    destroy: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface DeployedAs {
  readonly ami?: string;
  readonly userData?: string;
  readonly instanceType?: string;
}

/**
 * A `terraform show -json` state of the stack's instances, each as the stack has it unless
 * `deployed` says otherwise; hosts in `absent` are not deployed.
 */
export function craftState(
  stack: Json,
  deployed: Readonly<Record<string, DeployedAs>>,
  absent: readonly string[] = [],
  extra: readonly { host: string; role: string }[] = [],
): Json {
  const instances = (stack.resource as Json).aws_instance as Record<string, Json>;
  const volumes = ((stack.resource as Json).aws_ebs_volume ?? {}) as Record<string, Json>;
  const sha1 = (s: string) => createHash('sha1').update(s, 'utf8').digest('hex');
  const volumeId = (name: string) => `vol-0${sha1(name).slice(0, 16)}`;
  // As Terraform renders it: the volume references filled in, then the escapes undone.
  const rendered = (userData: string) =>
    terraformLiteral(
      userData.replace(/(?<!\$)\$\{aws_ebs_volume\.([A-Za-z0-9_-]+)\.id\}/g, (_, n: string) => volumeId(n)),
    );
  const resources: Json[] = Object.keys(volumes).map((name) => ({
    address: `aws_ebs_volume.${name}`,
    mode: 'managed',
    type: 'aws_ebs_volume',
    name,
    provider_name: 'registry.terraform.io/hashicorp/aws',
    values: { id: volumeId(name), encrypted: true, type: 'gp3' },
  }));
  const instanceResources = Object.entries(instances).flatMap(([name, r]) => {
    const tags = r.tags as Record<string, string>;
    const host = tags['warren:host']!;
    if (absent.includes(host)) return [];
    const d = deployed[host] ?? {};
    return [
      {
        address: `aws_instance.${name}`,
        mode: 'managed',
        type: 'aws_instance',
        name,
        provider_name: 'registry.terraform.io/hashicorp/aws',
        values: {
          id: `i-${sha1(host).slice(0, 17)}`,
          ami: d.ami ?? r.ami,
          instance_type: d.instanceType ?? r.instance_type,
          user_data: sha1(d.userData ?? rendered(String(r.user_data))),
          tags,
        },
      },
    ];
  });
  resources.push(...instanceResources);
  for (const e of extra) {
    resources.push({
      address: `aws_instance.rabbitmq_${e.host}_instance_0000`,
      mode: 'managed',
      type: 'aws_instance',
      name: `rabbitmq_${e.host}_instance_0000`,
      provider_name: 'registry.terraform.io/hashicorp/aws',
      values: {
        id: 'i-0extra',
        ami: OLD_RABBIT_AMI,
        instance_type: 't3.medium',
        user_data: sha1('old'),
        tags: { Name: e.host, 'warren:host': e.host, 'warren:role': e.role },
      },
    });
  }
  return { format_version: '1.0', terraform_version: '1.11.4', values: { root_module: { resources } } };
}

/**
 * Puts the recording `terraform` stand-in first on PATH for this process, logging its calls to
 * `dir/terraform-calls.jsonl` and answering `show -json` from `dir/state.json`; an apply calls `hook`.
 */
export function useFakeTerraform(dir: string, hook: string): { logFile: string; stateFile: string } {
  const logFile = path.join(dir, 'terraform-calls.jsonl');
  const stateFile = path.join(dir, 'state.json');
  writeFileSync(logFile, '');
  process.env.PATH = `${FIXTURES}:${process.env.PATH}`;
  process.env.WARREN_FAKE_TF_LOG = logFile;
  process.env.WARREN_FAKE_TF_STATE = stateFile;
  process.env.WARREN_FAKE_TF_HOOK = hook;
  return { logFile, stateFile };
}

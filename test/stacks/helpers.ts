// Shared by the stacks tests: cdktf's jest matchers under vitest, stacks built in temp dirs that are
// removed afterwards, and readers for the synthesized JSON.
import { Testing, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { tempDir as makeTempDir } from '../support/temp-dir';
import { expect } from 'vitest';
import { renderUserData } from '../../cloudinit';
import { imageRolesOf } from '../../images';
import { terraformLiteral, WarrenStack, type StackImages, type WarrenStackProps } from '../../stacks';
import { hostNamed, stackId, validateTopology, type EnvironmentInput, type Topology } from '../../topology';
import { awsUserData } from '../../aws';
import { loadEnvironment } from '../../workspace';

// cdktf's matchers call the global `expect` (jest's asymmetric matchers); vitest's has the same API.
(globalThis as { expect?: unknown }).expect = expect;
Testing.setupJest();

declare module 'vitest' {
  interface Matchers<T> {
    toHaveResource(resource: { tfResourceType: string }): T;
    toHaveResourceWithProperties(
      resource: { tfResourceType: string },
      properties: Record<string, unknown>,
    ): T;
    toHaveDataSourceWithProperties(
      resource: { tfResourceType: string },
      properties: Record<string, unknown>,
    ): T;
    toHaveProviderWithProperties(
      resource: { tfResourceType: string },
      properties: Record<string, unknown>,
    ): T;
  }
}

/** A temp dir removed after this test file. */
export function tempDir(prefix = 'warren-stacks-'): string {
  return makeTempDir(prefix);
}

/**
 * `Testing.synthScope` in an app whose outdir is one of ours: cdktf's own makes a temp dir per call
 * and never removes it.
 */
export function synthScope(fn: (scope: Construct) => void): string {
  const stack = new TerraformStack(Testing.app({ outdir: tempDir('warren-cdktf-scope-') }), 'test');
  fn(stack);
  return Testing.synth(stack);
}

/** A shipped environment's raw input, a private copy to change for variants. */
export async function envInput(name: string): Promise<EnvironmentInput> {
  const mod = (await import(`../../environments/${name}.ts`)) as { default: EnvironmentInput };
  return structuredClone(mod.default);
}

export async function envTopology(name: string): Promise<Topology> {
  return loadEnvironment(name).topology;
}

export async function variant(name: string, change: (input: EnvironmentInput) => void): Promise<Topology> {
  const input = await envInput(name);
  change(input);
  return validateTopology(input, `variant of environments/${name}.ts`);
}

/** The AMI ids a bake of `topology` would pin, one per role in its region (fake but well-formed). */
export function pinnedTestImages(topology: Topology): StackImages {
  const amis = { rabbitmq: 'ami-0aaaaaaaaaaaaaaa1', haproxy: 'ami-0bbbbbbbbbbbbbbb2' } as const;
  return {
    kind: 'pinned',
    file: `environments/${topology.name}.images.json`,
    manifest: {
      '//': 'test',
      env: topology.name,
      source: `environments/${topology.name}.ts`,
      amis: Object.fromEntries(imageRolesOf(topology).map((r) => [r, { [topology.region]: amis[r] }])),
    },
  };
}

/** A stack in a Testing app whose outdir is a temp dir of ours; its AMIs pinned unless `props` say otherwise. */
export function buildStack(topology: Topology, props: Partial<WarrenStackProps> = {}): WarrenStack {
  const app = Testing.app({ outdir: tempDir('warren-cdktf-') });
  return new WarrenStack(app, stackId(topology), {
    topology,
    source: `environments/${topology.name}.ts`,
    userData: awsUserData,
    images: pinnedTestImages(topology),
    ...props,
  });
}

/** Synthesized Terraform JSON, as cdktf's matchers take it. */
export function synth(stack: WarrenStack): string {
  return Testing.synth(stack, true);
}

export interface TfJson {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output: Record<string, { value: unknown }>;
  terraform: Record<string, unknown>;
  provider: Record<string, unknown[]>;
}

export function parse(json: string): TfJson {
  return JSON.parse(json) as TfJson;
}

/** The resources of one type, as a list of their bodies. */
export function resources(tf: TfJson, type: string): Record<string, unknown>[] {
  return Object.values(tf.resource[type] ?? {});
}

/** Resources of one type by their Terraform address (`aws_instance.<name>`). */
export function resourcesByAddress(tf: TfJson, type: string): Map<string, Record<string, unknown>> {
  return new Map(Object.entries(tf.resource[type] ?? {}).map(([k, v]) => [`${type}.${k}`, v]));
}

/** `${aws_security_group.x.id}` → `aws_security_group.x`. */
export function referencedAddress(ref: unknown): string | undefined {
  const m = /^\$\{([a-z0-9_]+\.[^.}]+)\.[a-z_]+\}$/.exec(String(ref));
  return m?.[1];
}

/** `${aws_ebs_volume.<name>.id}`: where the stack interpolates a node's data volume id into its user-data. */
export const VOLUME_REFERENCE = /\$\{(aws_ebs_volume\.[^.}]+)\.id\}/g;

/** A shape-valid volume id, standing for what Terraform puts where a volume reference is. */
export const SAMPLE_VOLUME_ID = 'vol-0123456789abcdef0';

/**
 * A synthesized user-data as the instance gets it: volume references resolved to SAMPLE_VOLUME_ID,
 * everything else by HCL's template rules (throws at any other unescaped `${` or `%{`).
 */
export function deployedUserData(synthesized: string): string {
  return synthesized
    .split(VOLUME_REFERENCE)
    .map((part, k) => (k % 2 === 1 ? SAMPLE_VOLUME_ID : terraformLiteral(part)))
    .join('');
}

/** What the renderer makes for a host of the stack: RabbitMQ nodes are told SAMPLE_VOLUME_ID. */
export function renderedUserData(t: Topology, host: string): string {
  return hostNamed(t, host).role === 'rabbitmq'
    ? renderUserData(t, host, 'aws', { dataVolumeId: SAMPLE_VOLUME_ID })
    : renderUserData(t, host, 'aws');
}

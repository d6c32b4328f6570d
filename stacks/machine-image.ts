/**
 * Which AMI a role boots: the id `npm run bake` recorded in the bake manifest for this region, or
 * else the newest of this account's AMIs tagged for this environment, role and versions.
 */
import { ConstructError } from './construct-error';
import { Construct } from 'constructs';
import { DataAwsAmi } from '@cdktf/provider-aws/lib/data-aws-ami';
import type { HostRole, Topology } from '../topology';

/** The part of `images/out/<env>/manifest.json` the stacks read (see images/). */
export interface BakedAmis {
  readonly amis: Partial<Record<HostRole, Readonly<Record<string, string>>>>;
}

export interface MachineImageProps {
  readonly topology: Topology;
  readonly role: HostRole;
  /**
   * The bake manifest of this environment.
   * @default none: look the AMI up by tags at plan time
   */
  readonly manifest?: BakedAmis;
}

export class MachineImage extends Construct {
  /** The AMI id: a literal from the manifest, or a reference to the lookup. */
  readonly imageId: string;
  /** Where the id came from, for the review summary. */
  readonly source: 'manifest' | 'lookup';

  constructor(scope: Construct, id: string, props: MachineImageProps) {
    super(scope, id);
    const t = props.topology;
    const baked = props.manifest?.amis[props.role]?.[t.region];
    if (baked !== undefined) {
      if (!/^ami-[0-9a-f]{8,17}$/.test(baked)) {
        throw new ConstructError(
          `MachineImage: the bake manifest of ${t.name} gives '${baked}' for ${props.role} in ${t.region}, which is not an AMI id; run npm run bake again or delete images/out/${t.name}/manifest.json`,
        );
      }
      this.imageId = baked;
      this.source = 'manifest';
      return;
    }
    const tags = amiTags(t, props.role);
    const lookup = new DataAwsAmi(this, 'lookup', {
      owners: ['self'],
      mostRecent: true,
      filter: [
        ...Object.entries(tags).map(([k, v]) => ({ name: `tag:${k}`, values: [v] })),
        { name: 'state', values: ['available'] },
      ],
    });
    this.imageId = lookup.id;
    this.source = 'lookup';
  }
}

/** The tags an AMI of this environment and role carries (set by the bake). */
export function amiTags(t: Topology, role: HostRole): Record<string, string> {
  return {
    'warren:env': t.name,
    'warren:role': role,
    'warren:ubuntu': t.image.ubuntu,
    // The HAProxy image does not depend on the RabbitMQ version, so only rabbitmq images are matched on it.
    ...(role === 'rabbitmq' ? { 'warren:rabbitmq': t.image.rabbitmq } : {}),
  };
}

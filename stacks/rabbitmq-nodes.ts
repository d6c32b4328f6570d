/**
 * The RabbitMQ nodes: one instance per topology node at its fixed private IP, booting the baked
 * rabbitmq image with its user-data, and its own data volume for /var/lib/rabbitmq. Fixed IPs and
 * hostnames from the topology keep node names (`rabbit@rabbit-01`) stable across replacement, and
 * the volume keeps the node's data, so a replaced node comes back as itself rather than blank.
 */
import { ConstructError } from './construct-error';
import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import type { VolumeAttachment } from '@cdktf/provider-aws/lib/volume-attachment';
import type { Topology } from '../topology';
import { DataVolume } from './data-volume';
import { WarrenInstance } from './warren-instance';

/**
 * Stands for the data volume's id while the user-data is rendered; WarrenInstance swaps it for the
 * Terraform reference. Shaped like a real id (`vol-` and 17 hex digits), so renderers accept it and the size check holds.
 */
const VOLUME_ID_PLACEHOLDER = 'vol-0decafc0ffee12345';

export interface RabbitmqNodesProps {
  readonly topology: Topology;
  /** Subnet ids by the topology's subnet name. */
  readonly subnetIds: Readonly<Record<string, string>>;
  readonly securityGroupId: string;
  readonly imageId: string;
  /** One profile for every node, or one per node by name (each node its own role, e.g. for its own TLS key). */
  readonly instanceProfileName: string | Readonly<Record<string, string>>;
  /**
   * The environment key (EnvironmentKey) for the root and data volumes.
   * @default the account's default EBS key
   */
  readonly kmsKeyArn?: string;
  /**
   * The user-data of one host, told its data volume's id (renderUserData(t, host, 'aws',
   * { dataVolumeId })). The id is a stand-in that becomes a Terraform reference.
   */
  readonly userData: (hostName: string, dataVolumeId: string) => string;
  /**
   * Resources the nodes wait for (their secrets).
   * @default none
   */
  readonly dependsOn?: ITerraformDependable[];
}

export interface RabbitmqNode {
  readonly name: string;
  readonly ip: string;
  readonly subnet: string;
  readonly instance: WarrenInstance;
  readonly dataVolume: DataVolume;
  /** The data volume's attachment to this instance. */
  readonly attachment: VolumeAttachment;
}

export class RabbitmqNodes extends Construct {
  readonly nodes: readonly RabbitmqNode[];

  constructor(scope: Construct, id: string, props: RabbitmqNodesProps) {
    super(scope, id);
    const t = props.topology;
    if (t.rabbitmq.nodes.length === 0)
      throw new ConstructError('RabbitmqNodes: the topology has no rabbitmq.nodes; give at least one');
    this.nodes = t.rabbitmq.nodes.map((n) => {
      const subnetId = props.subnetIds[n.subnet];
      if (subnetId === undefined) {
        throw new ConstructError(
          `RabbitmqNodes: node ${n.name} is in subnet '${n.subnet}', which the network does not have; subnets: ${Object.keys(props.subnetIds).join(', ')}`,
        );
      }
      const az = t.network.subnets.find((s) => s.name === n.subnet)?.az;
      if (az === undefined) {
        throw new ConstructError(
          `RabbitmqNodes: node ${n.name} is in subnet '${n.subnet}', which network.subnets does not list; add it there`,
        );
      }
      const dataVolume = new DataVolume(this, `${n.name}-data`, {
        hostName: n.name,
        role: 'rabbitmq',
        availabilityZone: az,
        sizeGiB: t.rabbitmq.dataVolumeGiB,
        ...(props.kmsKeyArn !== undefined ? { kmsKeyArn: props.kmsKeyArn } : {}),
      });
      const instance = new WarrenInstance(this, n.name, {
        hostName: n.name,
        role: 'rabbitmq',
        imageId: props.imageId,
        instanceType: t.rabbitmq.instanceType,
        userData: props.userData(n.name, VOLUME_ID_PLACEHOLDER),
        userDataReferences: { [VOLUME_ID_PLACEHOLDER]: dataVolume.volumeId },
        instanceProfileName:
          typeof props.instanceProfileName === 'string'
            ? props.instanceProfileName
            : profileOf(props.instanceProfileName, n.name),
        volumeGiB: t.rabbitmq.volumeGiB,
        ...(props.kmsKeyArn !== undefined ? { kmsKeyArn: props.kmsKeyArn } : {}),
        placement: { subnetId, privateIp: n.ip, securityGroupIds: [props.securityGroupId] },
        publicIp: t.access.publicIps,
        ...(t.access.sshKeyName !== undefined ? { keyName: t.access.sshKeyName } : {}),
        ...(props.dependsOn ? { dependsOn: props.dependsOn } : {}),
      });
      const attachment = dataVolume.attachTo(instance.instanceId);
      return { name: n.name, ip: n.ip, subnet: n.subnet, instance, dataVolume, attachment };
    });
  }

  /** The instance ids, in topology order (for target groups and the health gate's triggers). */
  get instanceIds(): string[] {
    return this.nodes.map((n) => n.instance.instanceId);
  }
}

function profileOf(profiles: Readonly<Record<string, string>>, node: string): string {
  const p = profiles[node];
  if (p === undefined)
    throw new ConstructError(
      `RabbitmqNodes: instanceProfileName has no profile for node ${node}; give one per node`,
    );
  return p;
}

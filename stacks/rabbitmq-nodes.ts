/**
 * The RabbitMQ nodes: one instance per topology node at its fixed private IP, booting the baked
 * rabbitmq image with its user-data. Fixed IPs and hostnames from the topology keep node names
 * (`rabbit@rabbit-01`) stable across replacement, which cluster formation relies on.
 */
import { ConstructError } from './construct-error';
import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import type { Topology } from '../topology';
import { WarrenInstance } from './warren-instance';

export interface RabbitmqNodesProps {
  readonly topology: Topology;
  /** Subnet ids by the topology's subnet name. */
  readonly subnetIds: Readonly<Record<string, string>>;
  readonly securityGroupId: string;
  readonly imageId: string;
  readonly instanceProfileName: string;
  /** The user-data of one host (renderUserData(t, host, 'aws')). */
  readonly userData: (hostName: string) => string;
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
      const instance = new WarrenInstance(this, n.name, {
        hostName: n.name,
        role: 'rabbitmq',
        imageId: props.imageId,
        instanceType: t.rabbitmq.instanceType,
        userData: props.userData(n.name),
        instanceProfileName: props.instanceProfileName,
        volumeGiB: t.rabbitmq.volumeGiB,
        placement: { subnetId, privateIp: n.ip, securityGroupIds: [props.securityGroupId] },
        publicIp: t.access.publicIps,
        ...(t.access.sshKeyName !== undefined ? { keyName: t.access.sshKeyName } : {}),
        ...(props.dependsOn ? { dependsOn: props.dependsOn } : {}),
      });
      return { name: n.name, ip: n.ip, subnet: n.subnet, instance };
    });
  }

  /** The instance ids, in topology order (for target groups and the health gate's triggers). */
  get instanceIds(): string[] {
    return this.nodes.map((n) => n.instance.instanceId);
  }
}

/**
 * The NLB front door: an AWS Network Load Balancer (internal by default) with TCP listeners on the
 * nodes' client ports (5672 and 15672, 5671 and 15671 with `rabbitmq.tls`, both with 'optional'; TLS
 * passes through to the nodes, so clients verify the nodes' certificates), each forwarding to a target group of the RabbitMQ nodes with TCP health checks. With
 * `rabbitmq.proxyProtocol` the AMQP target group sends PROXY protocol v2. An NLB sends that header
 * on its health-check connections too (a LOCAL header, which RabbitMQ 3.10 crashes on), so the
 * AMQP group's health check then probes the management port instead of the AMQP port.
 */
import { ConstructError } from './construct-error';
import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { LbTargetGroupAttachment } from '@cdktf/provider-aws/lib/lb-target-group-attachment';
import { listenerPorts, PORTS, type Topology } from '../topology';
import type { FrontDoor } from './front-door';

export interface NlbTarget {
  readonly name: string;
  readonly instanceId: string;
}

export interface NlbFrontDoorProps {
  /** An environment whose frontDoor.kind is 'nlb'. */
  readonly topology: Topology;
  readonly vpcId: string;
  /** One subnet per availability zone (an NLB takes at most one per zone). */
  readonly subnetIds: readonly string[];
  /** The nlb role's security group. */
  readonly securityGroupId: string;
  /** The RabbitMQ nodes. */
  readonly targets: readonly NlbTarget[];
  /**
   * Seconds between health checks.
   * @default 10
   */
  readonly healthCheckIntervalSeconds?: number;
  /**
   * Consecutive checks that flip a target's health (both directions).
   * @default 3
   */
  readonly healthCheckThreshold?: number;
  /**
   * Resources the load balancer waits for: the fixed addresses' reservations, so its interfaces
   * never take a node's address.
   * @default none
   */
  readonly dependsOn?: ITerraformDependable[];
}

export interface NlbListenerSpec {
  readonly port: number;
  /** Ends the target group's name, `warren-<env>-<suffix>` (at most 32 characters). */
  readonly targetGroupSuffix: string;
  readonly proxyProtocolV2: boolean;
  /** `traffic-port`, or another port when the listener's own port cannot be probed. */
  readonly healthCheckPort: string;
  /** Source-address stickiness: a client's connections reach one node (AMQP, with `clientAffinity`). */
  readonly sourceIpStickiness: boolean;
}

export class NlbFrontDoor extends Construct implements FrontDoor {
  readonly kind = 'nlb' as const;
  readonly endpoint: string;
  /** The AMQP and management ports clients use (the TLS ones with 'required'). */
  readonly amqpPort: number;
  readonly managementPort: number;
  readonly resources: readonly ITerraformDependable[];
  readonly loadBalancer: Lb;
  readonly listeners: NlbListenerSpecs;
  /** The target group of each listener (the recovery alarms watch their UnHealthyHostCount). */
  readonly targetGroups: Partial<Record<NlbListenerName, LbTargetGroup>> = {};

  constructor(scope: Construct, id: string, props: NlbFrontDoorProps) {
    super(scope, id);
    const t = props.topology;
    const fd = t.frontDoor;
    const fail = (message: string, fix: string): never => {
      throw new ConstructError(`NlbFrontDoor (${t.name}): ${message}; ${fix}`);
    };
    if (fd.kind !== 'nlb') {
      throw new ConstructError(
        `NlbFrontDoor (${t.name}): frontDoor.kind is '${fd.kind}'; use KeepalivedFrontDoor for it`,
      );
    }
    // Load balancer and target group names: at most 32 characters.
    if (`warren-${t.name}-amqp`.length > 32)
      fail(`the name '${t.name}' is too long for NLB names`, 'use at most 20 characters');
    if (props.subnetIds.length === 0) fail('subnetIds is empty', 'give one subnet per availability zone');
    if (props.targets.length === 0) fail('targets is empty', 'give the RabbitMQ nodes');
    const interval = props.healthCheckIntervalSeconds ?? 10;
    const threshold = props.healthCheckThreshold ?? 3;
    if (!Number.isInteger(interval) || interval < 5 || interval > 300) {
      fail(`healthCheckIntervalSeconds ${interval} is out of range`, 'give 5 to 300');
    }
    if (!Number.isInteger(threshold) || threshold < 2 || threshold > 10) {
      fail(`healthCheckThreshold ${threshold} is out of range`, 'give 2 to 10');
    }

    this.listeners = nlbListenerSpecs(t);
    this.amqpPort = this.listeners.amqp.port;
    this.managementPort = this.listeners.management.port;
    this.loadBalancer = new Lb(this, 'nlb', {
      name: `warren-${t.name}`,
      loadBalancerType: 'network',
      internal: fd.internal,
      subnets: [...props.subnetIds],
      securityGroups: [props.securityGroupId],
      // Nodes sit in every zone; cross-zone keeps a zone whose node is down serving.
      enableCrossZoneLoadBalancing: true,
      tags: { Name: `warren-${t.name}` },
      ...(props.dependsOn ? { dependsOn: props.dependsOn } : {}),
    });
    this.endpoint = this.loadBalancer.dnsName;
    const resources: ITerraformDependable[] = [this.loadBalancer];
    for (const [name, spec] of Object.entries(this.listeners) as [NlbListenerName, NlbListenerSpec][]) {
      const group = new LbTargetGroup(this, `${name}-targets`, {
        name: `warren-${t.name}-${spec.targetGroupSuffix}`,
        port: spec.port,
        protocol: 'TCP',
        targetType: 'instance',
        vpcId: props.vpcId,
        proxyProtocolV2: spec.proxyProtocolV2,
        // Close connections to a deregistered node instead of leaving clients on a dead path.
        connectionTermination: true,
        deregistrationDelay: '30',
        // A client's publisher and consumer on one node, where its queues live (docs/benchmarks.md).
        ...(spec.sourceIpStickiness ? { stickiness: { type: 'source_ip', enabled: true } } : {}),
        healthCheck: {
          enabled: true,
          protocol: 'TCP',
          port: spec.healthCheckPort,
          interval,
          healthyThreshold: threshold,
          unhealthyThreshold: threshold,
        },
        tags: { Name: `warren-${t.name}-${name}` },
      });
      const listener = new LbListener(this, `${name}-listener`, {
        loadBalancerArn: this.loadBalancer.arn,
        port: spec.port,
        protocol: 'TCP',
        defaultAction: [{ type: 'forward', targetGroupArn: group.arn }],
      });
      this.targetGroups[name] = group;
      resources.push(group, listener);
      for (const target of props.targets) {
        resources.push(
          new LbTargetGroupAttachment(this, `${name}-${target.name}`, {
            targetGroupArn: group.arn,
            targetId: target.instanceId,
            port: spec.port,
          }),
        );
      }
    }
    this.resources = resources;
  }
}

/**
 * `amqp` and `management` are the mode's client listeners (the TLS ones with 'required'); with
 * 'optional' the TLS ones come as `amqps` and `managementTls` beside the plaintext pair.
 */
export type NlbListenerName = 'amqp' | 'management' | 'amqps' | 'managementTls';
export type NlbListenerSpecs = Readonly<Record<'amqp' | 'management', NlbListenerSpec>> &
  Readonly<Partial<Record<'amqps' | 'managementTls', NlbListenerSpec>>>;

const TARGET_GROUP_SUFFIX: Readonly<Record<number, string>> = {
  [PORTS.amqp]: 'amqp',
  [PORTS.management]: 'mgmt',
  [PORTS.amqps]: 'amqs',
  [PORTS.managementTls]: 'mgms',
};

/**
 * The listeners and how their targets are checked. With the PROXY protocol on, an AMQP group's
 * health check goes to the management port of the same kind: the NLB would send the header (LOCAL)
 * on checks too.
 */
export function nlbListenerSpecs(t: Topology): NlbListenerSpecs {
  const proxy = t.rabbitmq.proxyProtocol;
  const ports = listenerPorts(t.rabbitmq.tls);
  const spec = (amqp: boolean, port: number, managementPort: number): NlbListenerSpec => ({
    port,
    targetGroupSuffix: TARGET_GROUP_SUFFIX[port] as string,
    proxyProtocolV2: amqp && proxy,
    healthCheckPort: amqp && proxy ? String(managementPort) : 'traffic-port',
    sourceIpStickiness: amqp && t.frontDoor.clientAffinity,
  });
  const [amqp, amqps] = ports.amqp as [number, number?];
  const [management, managementTls] = ports.management as [number, number?];
  return {
    amqp: spec(true, amqp, management),
    management: spec(false, management, management),
    ...(amqps !== undefined && managementTls !== undefined
      ? { amqps: spec(true, amqps, managementTls), managementTls: spec(false, managementTls, managementTls) }
      : {}),
  };
}

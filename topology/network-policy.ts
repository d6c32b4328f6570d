/**
 * The network policy: which flows between roles an environment allows. One pure function of the
 * topology; the stacks render it as security-group rules and the lab as iptables rules inside each
 * host (inbound denied by default), so a flow missing here breaks the lab the way it breaks AWS.
 */
import { haproxyDialectOf, rabbitCapabilities } from './capabilities';
import { PORTS } from './ports';
import type { Topology } from './resolve';

/** A role that receives traffic. `nlb` is the AWS load balancer (a HAProxy stand-in in the lab). */
export type PolicyRole = 'rabbitmq' | 'haproxy' | 'nlb';

export type FlowSource =
  | { readonly kind: 'role'; readonly role: PolicyRole }
  | { readonly kind: 'cidrs'; readonly label: 'clients' | 'admins'; readonly cidrs: readonly string[] };

export interface Flow {
  readonly from: FlowSource;
  readonly to: PolicyRole;
  /** `vrrp` is IP protocol 112 (no ports). */
  readonly protocol: 'tcp' | 'vrrp';
  readonly fromPort: number;
  readonly toPort: number;
  /** Why the flow exists; becomes the security-group rule description. */
  readonly purpose: string;
}

const role = (r: PolicyRole): FlowSource => ({ kind: 'role', role: r });

function tcp(
  from: FlowSource,
  to: PolicyRole,
  port: number | readonly [number, number],
  purpose: string,
): Flow {
  const [fromPort, toPort] = typeof port === 'number' ? [port, port] : port;
  return { from, to, protocol: 'tcp', fromPort, toPort, purpose };
}

export interface PolicyOptions {
  /**
   * Let admins reach the nodes' AMQP and management ports directly, past the front door.
   * @default the topology's `access.directNodeAccess` (false unless it asks)
   */
  readonly directNodeAccess?: boolean;
}

/**
 * What the lab renders: admins (the lab's client namespace) keep direct access to the nodes, since
 * `warren lab roll` reads every node's management API and the bench measures AMQP straight to a
 * node. A lab-only choice: the AWS stacks follow the topology.
 */
export const LAB_POLICY_OPTIONS: PolicyOptions = { directNodeAccess: true };

export function networkPolicy(t: Topology, options: PolicyOptions = {}): Flow[] {
  const clients: FlowSource = { kind: 'cidrs', label: 'clients', cidrs: t.access.clientCidrs };
  const admins: FlowSource = { kind: 'cidrs', label: 'admins', cidrs: t.access.adminCidrs };
  const rabbit = role('rabbitmq');
  const flows: Flow[] = [
    tcp(rabbit, 'rabbitmq', PORTS.epmd, 'epmd between cluster nodes'),
    tcp(rabbit, 'rabbitmq', PORTS.distribution, 'Erlang distribution between cluster nodes'),
    tcp(rabbit, 'rabbitmq', [PORTS.cliFrom, PORTS.cliTo], 'CLI tools between cluster nodes'),
  ];
  // Off by default: every client and operator goes through the front door, whose checks and
  // limits a direct connection would skip. `warren roll` needs it (it reads each node's API).
  if (options.directNodeAccess ?? t.access.directNodeAccess) {
    flows.push(
      // With proxyProtocol on, nodes refuse AMQP that does not start with a PROXY header, so this flow
      // then serves only tools that speak it; management and diagnostics still work directly.
      tcp(admins, 'rabbitmq', PORTS.amqp, 'AMQP straight to a node, for operators'),
      tcp(admins, 'rabbitmq', PORTS.management, 'management straight to a node, for operators'),
    );
  }
  if (t.frontDoor.kind === 'keepalived') {
    const proxy = role('haproxy');
    flows.push(
      tcp(proxy, 'rabbitmq', PORTS.amqp, 'AMQP from HAProxy'),
      tcp(proxy, 'rabbitmq', PORTS.management, 'management from HAProxy'),
      tcp(clients, 'haproxy', PORTS.amqp, 'AMQP from clients through the VIP'),
      tcp(admins, 'haproxy', PORTS.management, 'management through the VIP'),
      tcp(admins, 'haproxy', PORTS.haproxyStats, 'HAProxy stats page'),
      {
        from: proxy,
        to: 'haproxy',
        protocol: 'vrrp',
        fromPort: 0,
        toPort: 0,
        purpose: 'VRRP between the keepalived pair',
      },
    );
  } else {
    const nlb = role('nlb');
    flows.push(
      tcp(nlb, 'rabbitmq', PORTS.amqp, 'AMQP and health checks from the NLB'),
      tcp(nlb, 'rabbitmq', PORTS.management, 'management and health checks from the NLB'),
      // The NLB has a security group of its own, and targets allow it by reference even though it
      // keeps clients' addresses, so clients never need a path to the nodes that skips the NLB.
      tcp(clients, 'nlb', PORTS.amqp, 'AMQP from clients to the NLB'),
      tcp(admins, 'nlb', PORTS.management, 'management from admins to the NLB'),
    );
  }
  // Metrics (docs/monitoring.md): admins' Prometheus scrapes every host, each exporter only where it runs.
  flows.push(tcp(admins, 'rabbitmq', PORTS.nodeExporter, 'node_exporter metrics'));
  if (rabbitCapabilities(t.image.rabbitmq).prometheusPlugin)
    flows.push(tcp(admins, 'rabbitmq', PORTS.rabbitmqPrometheus, 'rabbitmq_prometheus metrics'));
  if (t.frontDoor.kind === 'keepalived') {
    flows.push(tcp(admins, 'haproxy', PORTS.nodeExporter, 'node_exporter metrics'));
    if (haproxyDialectOf(t.image.ubuntu).prometheusExporter)
      flows.push(tcp(admins, 'haproxy', PORTS.haproxyMetrics, 'HAProxy Prometheus exporter'));
  }
  if (t.access.sshKeyName !== undefined) {
    const targets: PolicyRole[] = t.frontDoor.kind === 'keepalived' ? ['rabbitmq', 'haproxy'] : ['rabbitmq'];
    for (const to of targets) flows.push(tcp(admins, to, PORTS.ssh, 'SSH for operators'));
  }
  return flows;
}

/** The flows that reach one role, for rendering one security group or one host's firewall. */
export function inboundFlows(t: Topology, to: PolicyRole, options: PolicyOptions = {}): Flow[] {
  return networkPolicy(t, options).filter((f) => f.to === to);
}

/**
 * The flows a role starts, for rendering its egress: a host's outbound traffic to warren's own
 * roles is exactly the policy's flows from it (replies to inbound flows need no rule).
 */
export function outboundFlows(t: Topology, from: PolicyRole, options: PolicyOptions = {}): Flow[] {
  return networkPolicy(t, options).filter((f) => f.from.kind === 'role' && f.from.role === from);
}

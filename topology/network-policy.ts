/**
 * The network policy: which flows between roles an environment allows. One pure function of the
 * topology; the stacks render it as security-group rules and the lab as iptables rules inside each
 * host (inbound denied by default), so a flow missing here breaks the lab the way it breaks AWS.
 */
import { haproxyDialectOf, rabbitCapabilities, tlsSupport } from './capabilities';
import { listenerPorts, PORTS } from './ports';
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

/** The protocol a client port carries, for the rule descriptions. */
function name(port: number): string {
  switch (port) {
    case PORTS.amqp:
      return 'AMQP';
    case PORTS.amqps:
      return 'AMQPS';
    case PORTS.management:
      return 'management';
    default:
      return 'management over HTTPS';
  }
}

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
  // `rabbitmq.tls` decides which of 5672/5671 and 15672/15671 exist; 'required' opens no plaintext.
  const ports = listenerPorts(t.rabbitmq.tls);
  const flows: Flow[] = [
    tcp(rabbit, 'rabbitmq', PORTS.epmd, 'epmd between cluster nodes'),
    tcp(rabbit, 'rabbitmq', PORTS.distribution, 'Erlang distribution between cluster nodes'),
    tcp(rabbit, 'rabbitmq', [PORTS.cliFrom, PORTS.cliTo], 'CLI tools between cluster nodes'),
  ];
  // Off by default: every client and operator goes through the front door, whose checks and
  // limits a direct connection would skip. `warren roll` needs it (it reads each node's API).
  if (options.directNodeAccess ?? t.access.directNodeAccess) {
    // With proxyProtocol on, nodes refuse AMQP that does not start with a PROXY header, so this flow
    // then serves only tools that speak it; management and diagnostics still work directly.
    for (const p of ports.amqp)
      flows.push(tcp(admins, 'rabbitmq', p, `${name(p)} straight to a node, for operators`));
    for (const p of ports.management)
      flows.push(tcp(admins, 'rabbitmq', p, `${name(p)} straight to a node, for operators`));
  }
  if (t.frontDoor.kind === 'keepalived') {
    const proxy = role('haproxy');
    for (const p of ports.amqp) flows.push(tcp(proxy, 'rabbitmq', p, `${name(p)} from HAProxy`));
    for (const p of ports.management) flows.push(tcp(proxy, 'rabbitmq', p, `${name(p)} from HAProxy`));
    for (const p of ports.amqp)
      flows.push(tcp(clients, 'haproxy', p, `${name(p)} from clients through the VIP`));
    for (const p of ports.management) flows.push(tcp(admins, 'haproxy', p, `${name(p)} through the VIP`));
    flows.push(tcp(admins, 'haproxy', PORTS.haproxyStats, 'HAProxy stats page'), {
      from: proxy,
      to: 'haproxy',
      protocol: 'vrrp',
      fromPort: 0,
      toPort: 0,
      purpose: 'VRRP between the keepalived pair',
    });
  } else {
    const nlb = role('nlb');
    for (const p of [...ports.amqp, ...ports.management])
      flows.push(tcp(nlb, 'rabbitmq', p, `${name(p)} and health checks from the NLB`));
    // The NLB has a security group of its own, and targets allow it by reference even though it
    // keeps clients' addresses, so clients never need a path to the nodes that skips the NLB.
    for (const p of ports.amqp) flows.push(tcp(clients, 'nlb', p, `${name(p)} from clients to the NLB`));
    for (const p of ports.management) flows.push(tcp(admins, 'nlb', p, `${name(p)} from admins to the NLB`));
  }
  // Metrics (docs/monitoring.md): admins' Prometheus scrapes every host, each exporter only where it runs.
  flows.push(tcp(admins, 'rabbitmq', PORTS.nodeExporter, 'node_exporter metrics'));
  if (rabbitCapabilities(t.image.rabbitmq).prometheusPlugin && t.rabbitmq.tls !== 'required')
    flows.push(tcp(admins, 'rabbitmq', PORTS.rabbitmqPrometheus, 'rabbitmq_prometheus metrics'));
  if (t.rabbitmq.tls !== 'off' && tlsSupport(t.image.rabbitmq, t.image.erlang).prometheusTls)
    flows.push(tcp(admins, 'rabbitmq', PORTS.rabbitmqPrometheusTls, 'rabbitmq_prometheus metrics over TLS'));
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

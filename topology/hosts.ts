/**
 * The machines an environment consists of, in one flat list: every renderer and the lab iterate
 * this instead of walking the topology's nested shape.
 */
import type { Topology } from './resolve';

export type HostRole = 'rabbitmq' | 'haproxy';

export interface Host {
  readonly name: string;
  readonly role: HostRole;
  readonly ip: string;
  readonly subnet: string;
}

/** RabbitMQ nodes first, then HAProxy hosts, each in topology order. */
export function hostsOf(t: Topology): Host[] {
  const nodes = t.rabbitmq.nodes.map((n) => ({
    name: n.name,
    role: 'rabbitmq' as const,
    ip: n.ip,
    subnet: n.subnet,
  }));
  const proxies =
    t.frontDoor.kind === 'keepalived'
      ? t.frontDoor.haproxy.map((h) => ({
          name: h.name,
          role: 'haproxy' as const,
          ip: h.ip,
          subnet: h.subnet,
        }))
      : [];
  return [...nodes, ...proxies];
}

export function hostNamed(t: Topology, name: string): Host {
  const host = hostsOf(t).find((h) => h.name === name);
  if (!host) {
    throw new Error(
      `environment ${t.name} has no host '${name}'; hosts: ${hostsOf(t)
        .map((h) => h.name)
        .join(', ')}`,
    );
  }
  return host;
}

/** RabbitMQ node name as the cluster knows it (`rabbit@rabbit-01`). */
export function rabbitNodeName(hostName: string): string {
  return `rabbit@${hostName}`;
}

/** The ids stacks and scripts use: the stack and the SSM prefix that holds this environment's secrets. */
export function stackId(t: Topology): string {
  return `warren-${t.name}`;
}

export function ssmPrefix(t: Topology): string {
  return `/warren/${t.name}`;
}

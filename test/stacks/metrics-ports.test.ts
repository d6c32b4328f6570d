// The metrics ports in every environment's security groups: node_exporter (9100) on every host,
// rabbitmq_prometheus (15692) and the HAProxy exporter (8405) only where the versions have them,
// each open to adminCidrs and to nothing else.
import { describe, expect, it } from 'vitest';
import { haproxyDialectOf, PORTS, rabbitCapabilities, tlsSupport } from '../../topology';
import { listEnvironments } from '../../workspace';
import { buildStack, envTopology, parse, resources, synth } from './helpers';

/** The CIDRs an ingress rule on `port` admits, per group (by its Terraform reference). */
function openedTo(tf: ReturnType<typeof parse>, port: number): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const rule of resources(tf, 'aws_vpc_security_group_ingress_rule')) {
    if (rule.ip_protocol !== 'tcp' || Number(rule.from_port) > port || port > Number(rule.to_port)) continue;
    const group = /aws_security_group\.([\w-]+)\.id/.exec(String(rule.security_group_id))?.[1] ?? '?';
    const source = String(rule.cidr_ipv4 ?? rule.referenced_security_group_id ?? rule.cidr_ipv6);
    out.set(group, [...(out.get(group) ?? []), source]);
  }
  return out;
}

describe.each(listEnvironments())('environment %s', (name) => {
  it('opens the metrics ports to adminCidrs only, each where its exporter runs', async () => {
    const t = await envTopology(name);
    const tf = parse(synth(buildStack(t)));
    const admins = [...t.access.adminCidrs].sort();
    const keepalived = t.frontDoor.kind === 'keepalived';
    const expected: [number, number][] = [
      [PORTS.nodeExporter, keepalived ? 2 : 1],
      // rabbitmq.tls: plaintext metrics unless 'required', the TLS port (15691) unless 'off'.
      [
        PORTS.rabbitmqPrometheus,
        rabbitCapabilities(t.image.rabbitmq).prometheusPlugin && t.rabbitmq.tls !== 'required' ? 1 : 0,
      ],
      [
        PORTS.rabbitmqPrometheusTls,
        tlsSupport(t.image.rabbitmq, t.image.erlang).prometheusTls && t.rabbitmq.tls !== 'off' ? 1 : 0,
      ],
      [PORTS.haproxyMetrics, keepalived && haproxyDialectOf(t.image.ubuntu).prometheusExporter ? 1 : 0],
    ];
    for (const [port, groups] of expected) {
      const opened = openedTo(tf, port);
      expect(opened.size, `port ${port}: groups`).toBe(groups);
      for (const [group, sources] of opened)
        expect(sources.sort(), `port ${port} on ${group}`).toEqual(admins);
    }
  });
});

// Security properties every environment's stack must have: nothing sensitive open to the world
// unless the topology says so, IMDSv2 only, encrypted root volumes, no public IPs unless asked.
import { describe, expect, it } from 'vitest';
import { type Topology } from '../../topology';
import { buildStack, envTopology, parse, resources, synth, variant, type TfJson } from './helpers';
import { listEnvironments } from '../../workspace';

const SENSITIVE = [4369, 25672, 5672, 15672];
const WORLD = ['0.0.0.0/0', '::/0'];

/** Ingress rules that open one of the sensitive ports to the whole internet. */
function worldOpen(tf: TfJson): { port: number; rule: Record<string, unknown> }[] {
  const out: { port: number; rule: Record<string, unknown> }[] = [];
  for (const rule of resources(tf, 'aws_vpc_security_group_ingress_rule')) {
    const world = WORLD.includes(String(rule.cidr_ipv4)) || WORLD.includes(String(rule.cidr_ipv6));
    if (!world) continue;
    for (const port of SENSITIVE) {
      const all = rule.ip_protocol === '-1';
      const inRange =
        rule.ip_protocol === 'tcp' && Number(rule.from_port) <= port && port <= Number(rule.to_port);
      if (all || inRange) out.push({ port, rule });
    }
  }
  // Inline rules on aws_security_group would bypass the check above: there must be none.
  for (const sg of resources(tf, 'aws_security_group')) {
    expect(sg.ingress, `${String(sg.name)} has inline ingress`).toBeUndefined();
  }
  return out;
}

const environments = listEnvironments();
const stacks = new Map<string, { t: Topology; tf: TfJson }>();
for (const name of environments) {
  const t = await envTopology(name);
  stacks.set(name, { t, tf: parse(synth(buildStack(t))) });
}

describe.each(environments)('environment %s', (name) => {
  const { t, tf } = stacks.get(name)!;

  it('never opens 4369, 25672, 5672 or 15672 to 0.0.0.0/0', () => {
    const worldInTopology = [...t.access.clientCidrs, ...t.access.adminCidrs].some((c) => WORLD.includes(c));
    expect(worldInTopology, 'a shipped environment does not ask for the world').toBe(false);
    expect(worldOpen(tf)).toEqual([]);
  });

  it('requires IMDSv2 and encrypts the root volume of every instance and every data volume', () => {
    const instances = resources(tf, 'aws_instance');
    expect(instances.length).toBe(t.rabbitmq.nodes.length + (t.frontDoor.kind === 'keepalived' ? 2 : 0));
    for (const i of instances) {
      const name = (i.tags as Record<string, string>).Name;
      expect(i.metadata_options, name).toMatchObject({
        http_tokens: 'required',
        http_endpoint: 'enabled',
        http_put_response_hop_limit: 1,
      });
      expect(i.root_block_device, name).toMatchObject({ encrypted: true });
      expect(i.ebs_block_device, name).toBeUndefined();
    }
    const volumes = resources(tf, 'aws_ebs_volume');
    expect(volumes.length).toBe(t.rabbitmq.nodes.length);
    for (const v of volumes) expect(v.encrypted, String((v.tags as Record<string, string>).Name)).toBe(true);
  });

  it('gives no instance a public IP and adds no route to the internet', () => {
    for (const i of resources(tf, 'aws_instance')) expect(i.associate_public_ip_address ?? false).toBe(false);
    expect(resources(tf, 'aws_eip')).toEqual([]);
    expect(resources(tf, 'aws_internet_gateway')).toEqual([]);
    for (const s of resources(tf, 'aws_subnet')) expect(s.map_public_ip_on_launch).toBe(false);
  });

  it('lets instance roles read only parameters of their environment SSM path, by name', () => {
    for (const p of resources(tf, 'aws_iam_role_policy')) {
      const doc = JSON.parse(String(p.policy)) as {
        Statement: { Action: string | string[]; Resource: string | string[] }[];
      };
      const reads = doc.Statement.filter((s) =>
        [s.Action].flat().some((a) => a.startsWith('ssm:GetParameter')),
      );
      expect(reads).toHaveLength(1);
      for (const arn of [reads[0]!.Resource].flat()) {
        // A key, or a host's TLS material (`tls/ca`, `tls/<host>/cert|key`); never a wildcard.
        expect(arn).toMatch(
          new RegExp(`:parameter/warren/${name}/([a-z-]+|tls/ca|tls/[a-z0-9-]+/(cert|key))$`),
        );
      }
    }
  });
});

describe('when the topology says so', () => {
  it('opens AMQP to the world for clientCidrs 0.0.0.0/0 (and the check above sees it)', async () => {
    const t = await variant('dev', (input) => {
      input.access = { clientCidrs: ['0.0.0.0/0'], adminCidrs: ['10.42.0.0/16'] };
    });
    const open = worldOpen(parse(synth(buildStack(t))));
    expect(open.map((o) => o.port)).toEqual([5672]);
  });

  it('gives public IPs (and an internet gateway) with access.publicIps', async () => {
    const t = await variant('dev', (input) => {
      input.access = { publicIps: true };
    });
    const tf = parse(synth(buildStack(t)));
    const rabbit = resources(tf, 'aws_instance').filter(
      (i) => (i.tags as Record<string, string>)['warren:role'] === 'rabbitmq',
    );
    for (const i of rabbit) expect(i.associate_public_ip_address).toBe(true);
    // The HAProxy pair boots on its own interfaces, so their public addresses are Elastic IPs.
    expect(
      resources(tf, 'aws_eip')
        .map((e) => e.associate_with_private_ip)
        .sort(),
    ).toEqual(['10.42.1.21', '10.42.2.22']);
    expect(resources(tf, 'aws_internet_gateway')).toHaveLength(1);
  });
});

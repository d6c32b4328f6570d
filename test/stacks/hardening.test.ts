// The stacks' AWS hardening (issue 13), asserted on the synthesized Terraform JSON: security groups
// (nodes reachable only through the front door unless the topology asks, egress only where needed).
import { describe, expect, it } from 'vitest';
import { listEnvironments } from '../../workspace';
import {
  buildStack,
  envTopology,
  parse,
  referencedAddress,
  resources,
  resourcesByAddress,
  synth,
  variant,
  type TfJson,
} from './helpers';

const environments = listEnvironments();
const synthed = new Map<string, TfJson>();
for (const env of environments) synthed.set(env, parse(synth(buildStack(await envTopology(env)))));

/** A security group's Name by its address. */
function groupNames(tf: TfJson): Map<string, string> {
  return new Map(
    [...resourcesByAddress(tf, 'aws_security_group')].map(([address, sg]) => [address, String(sg.name)]),
  );
}

/** `<group> <proto> <ports> <cidr or group>` per rule of one kind. */
function ruleLines(tf: TfJson, type: string): string[] {
  const names = groupNames(tf);
  return resources(tf, type).map((r) => {
    const group = names.get(referencedAddress(r.security_group_id)!)!;
    const peer =
      r.cidr_ipv4 !== undefined
        ? String(r.cidr_ipv4)
        : names.get(referencedAddress(r.referenced_security_group_id)!)!;
    const ports = r.from_port === undefined ? '-' : `${String(r.from_port)}-${String(r.to_port)}`;
    return `${group} ${String(r.ip_protocol)} ${ports} ${peer}`;
  });
}

describe('security groups', () => {
  it.each(environments)('%s: node AMQP and management only from the front door by default', (env) => {
    const tf = synthed.get(env)!;
    const toNodes = ruleLines(tf, 'aws_vpc_security_group_ingress_rule').filter((l) =>
      /^warren-[a-z0-9-]+-rabbitmq tcp (5672-5672|15672-15672) /.test(l),
    );
    expect(toNodes.length).toBe(2);
    for (const line of toNodes) expect(line).toMatch(/ warren-[a-z0-9-]+-(haproxy|nlb)$/);
  });

  it('access.directNodeAccess opens them to the admins', async () => {
    const t = await variant('dev', (input) => {
      input.access = { ...input.access, directNodeAccess: true };
    });
    const lines = ruleLines(parse(synth(buildStack(t))), 'aws_vpc_security_group_ingress_rule');
    for (const cidr of t.access.adminCidrs) {
      expect(lines).toContain(`warren-dev-rabbitmq tcp 5672-5672 ${cidr}`);
      expect(lines).toContain(`warren-dev-rabbitmq tcp 15672-15672 ${cidr}`);
    }
  });

  it.each(environments)('%s: egress only to peers, the nodes and the endpoints; never everything', (env) => {
    const tf = synthed.get(env)!;
    const lines = ruleLines(tf, 'aws_vpc_security_group_egress_rule');
    for (const r of resources(tf, 'aws_vpc_security_group_egress_rule')) {
      expect(r.ip_protocol).not.toBe('-1');
      expect(r.cidr_ipv4).toBeUndefined();
    }
    const p = `warren-${env}`;
    const expected = [
      `${p}-rabbitmq tcp 443-443 ${p}-endpoints`,
      `${p}-rabbitmq tcp 4369-4369 ${p}-rabbitmq`,
      `${p}-rabbitmq tcp 25672-25672 ${p}-rabbitmq`,
      `${p}-rabbitmq tcp 35672-35682 ${p}-rabbitmq`,
    ];
    if (env === 'elb') {
      expected.push(`${p}-nlb tcp 5672-5672 ${p}-rabbitmq`, `${p}-nlb tcp 15672-15672 ${p}-rabbitmq`);
    } else {
      expected.push(
        `${p}-haproxy tcp 443-443 ${p}-endpoints`,
        `${p}-haproxy tcp 5672-5672 ${p}-rabbitmq`,
        `${p}-haproxy tcp 15672-15672 ${p}-rabbitmq`,
        `${p}-haproxy 112 - ${p}-haproxy`,
      );
    }
    expect(lines.sort()).toEqual(expected.sort());
  });

  it('an existing VPC, whose route to the AWS APIs warren does not know, gets HTTPS out only', async () => {
    const t = await variant('dev', (input) => {
      input.network = {
        vpcId: 'vpc-0123456789abcdef0',
        subnets: input.network.subnets.map((s, i) => ({ ...s, id: `subnet-0${i}23456789abcdef0` })),
      };
    });
    const tf = parse(synth(buildStack(t)));
    const world = resources(tf, 'aws_vpc_security_group_egress_rule').filter(
      (r) => r.cidr_ipv4 !== undefined,
    );
    expect(world.map((r) => [r.cidr_ipv4, r.ip_protocol, r.from_port, r.to_port])).toEqual([
      ['0.0.0.0/0', 'tcp', 443, 443],
      ['0.0.0.0/0', 'tcp', 443, 443],
    ]);
  });
});

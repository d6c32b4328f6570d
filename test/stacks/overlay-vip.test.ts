// An overlay VIP (frontDoor.vipMode 'overlay'): dev with haproxy-02 in another subnet and AZ and the
// tutorials' 192.168.1.230 as an address outside the VPC. The synthesized stack routes the VIP's /32
// to the first master's interface in the environment's route tables, turns off the source/destination
// check on both interfaces, and lets the pair's role replace exactly those routes.
import { NetworkInterface } from '@cdktf/provider-aws/lib/network-interface';
import { Route } from '@cdktf/provider-aws/lib/route';
import { describe, expect, it } from 'vitest';
import { buildStack, parse, referencedAddress, resources, synth, variant } from './helpers';

type Mutable = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const overlay = (e: Mutable) => {
  e.frontDoor.vipMode = 'overlay';
  e.frontDoor.vip = '192.168.1.230';
  Object.assign(e.frontDoor.haproxy[1], { subnet: 'b', ip: '10.42.2.22' });
};

interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource: string | string[];
}
const policyOf = (tf: ReturnType<typeof parse>, name: string): Statement[] =>
  resources(tf, 'aws_iam_role_policy')
    .filter((p) => p.name === name)
    .map((p) => JSON.parse(p.policy as string) as { Statement: Statement[] })[0]!.Statement;

describe('overlay VIP on a new VPC', async () => {
  const t = await variant('dev', (e) => overlay(e as Mutable));
  const json = synth(buildStack(t));
  const tf = parse(json);
  const enis = tf.resource.aws_network_interface as Record<string, Record<string, unknown>>;

  it("routes 192.168.1.230/32 in the VPC's route table to haproxy-01's interface, ignoring later target changes", () => {
    const routes = resources(tf, 'aws_route').filter((r) => r.destination_cidr_block === '192.168.1.230/32');
    expect(routes).toHaveLength(1);
    expect(referencedAddress(routes[0]!.route_table_id)).toMatch(/^aws_route_table\./);
    const target = referencedAddress(routes[0]!.network_interface_id);
    expect(target).toMatch(/^aws_network_interface\./);
    expect(enis[target!.split('.')[1]!]!.description).toMatch(/haproxy-01 \(VIP starts here\)/);
    expect(json).toHaveResourceWithProperties(Route, {
      destination_cidr_block: '192.168.1.230/32',
      lifecycle: { ignore_changes: ['network_interface_id'] },
    });
  });

  it('puts each interface in its own host subnet, source/destination check off, and the VIP on neither', () => {
    const list = Object.values(enis);
    expect(list).toHaveLength(2);
    for (const eni of list) {
      expect(eni.source_dest_check).toBe(false);
      expect(eni.private_ip_list).not.toContain('192.168.1.230');
    }
    expect(new Set(list.map((e) => referencedAddress(e.subnet_id))).size).toBe(2);
    expect(json).toHaveResourceWithProperties(NetworkInterface, { private_ip_list: ['10.42.2.22'] });
  });

  it('lets the haproxy role replace routes in exactly those tables, describe route tables, and assign no IPs', () => {
    const statements = policyOf(tf, 'warren-dev-haproxy-policy');
    const replace = statements.filter((s) => [s.Action].flat().includes('ec2:ReplaceRoute'));
    expect(replace).toHaveLength(1);
    expect([replace[0]!.Action].flat()).toEqual(['ec2:ReplaceRoute']);
    const tables = [replace[0]!.Resource].flat();
    expect(tables).toHaveLength(1);
    expect(tables[0]).toMatch(
      /^arn:\$\{data\.aws_partition\.[^}]+\}:ec2:eu-west-1:\$\{data\.aws_caller_identity\.[^}]+\}:route-table\/\$\{aws_route_table\.[^}]+\.id\}$/,
    );
    const ec2 = statements.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith('ec2:'));
    expect(ec2.sort()).toEqual(['ec2:DescribeRouteTables', 'ec2:ReplaceRoute']);
  });

  it('reserves no subnet address for the VIP (it belongs to no subnet)', () => {
    const reserved = resources(tf, 'aws_ec2_subnet_cidr_reservation').map((r) => r.cidr_block);
    expect(reserved).not.toContain('192.168.1.230/32');
    expect(reserved).toContain('10.42.2.22/32');
  });
});

describe('overlay VIP in an existing VPC', async () => {
  const tables = ['rtb-0123456789abcdef0', 'rtb-0fedcba9876543210'];
  const t = await variant('dev', (e) => {
    const m = e as Mutable;
    overlay(m);
    delete m.network.vpcCidr;
    m.network.vpcId = 'vpc-0123456789abcdef0';
    m.network.routeTableIds = tables;
    m.network.subnets.forEach((s: Mutable, i: number) => (s.id = `subnet-0123456789abcdef${i}`));
  });
  const tf = parse(synth(buildStack(t)));

  it('adds the /32 route to every listed table and scopes ReplaceRoute to exactly them', () => {
    const routes = resources(tf, 'aws_route').filter((r) => r.destination_cidr_block === '192.168.1.230/32');
    expect(routes.map((r) => r.route_table_id).sort()).toEqual(tables);
    const replace = policyOf(tf, 'warren-dev-haproxy-policy').find((s) =>
      [s.Action].flat().includes('ec2:ReplaceRoute'),
    )!;
    expect(
      [replace.Resource]
        .flat()
        .map((a) => a.split('route-table/')[1])
        .sort(),
    ).toEqual(tables);
  });
});

describe('overlay VIP in the review summary', async () => {
  const { renderReviewSummary } = await import('../../stacks/review-summary');
  const t = await variant('dev', (e) => overlay(e as Mutable));
  const md = renderReviewSummary({
    topology: t,
    source: 'environments/dev.ts',
    stateDescription: 'local',
    images: {},
    endpoints: ['ssm'],
    internetGateway: false,
    healthGate: false,
  });

  it('says how the VIP moves, lists its route per table, and the diagram shows the route', () => {
    expect(md).toMatch(
      /\| 192\.168\.1\.230 \(overlay, outside the VPC\) \| a \(eu-west-1a\), b \(eu-west-1b\) \|/,
    );
    expect(md).toMatch(/ec2:ReplaceRoute of its \/32 route in the route tables below only/);
    expect(md).toMatch(
      /\| warren-dev \(the VPC's own table\) \| 192\.168\.1\.230\/32 \| haproxy-01's interface \| the master's interface/,
    );
    expect(md).toMatch(
      /vip_routes\[\/"route 192\.168\.1\.230\/32 → the master's interface<br\/>in warren-dev/,
    );
    expect(md).toContain('vip_routes --> vip');
    expect(md).toMatch(/fixed IPs reserved/);
  });
});

// Which host holds the VIP on AWS, asked with the real AWS CLI of an EC2 Query API on loopback: the
// secondary private IP's interface, or the overlay VIP's /32 route target, mapped back to a host
// through the Terraform state. Whatever cannot be decided is said, never guessed silently.
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsVipHolder } from '../../aws/vip-holder';
import type { Topology } from '../../topology';
import { loadEnvironment } from '../../workspace';
import { LOOPBACK_AWS_ENV } from '../support/loopback-aws';

const awsCli = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0;

/** What the loopback EC2 answers: interfaces with their addresses, route tables with their routes. */
interface Ec2World {
  interfaces: Record<string, string[]>;
  routeTables: Record<string, { cidr: string; eni: string }[]>;
}

const item = (inner: string) => `<item>${inner}</item>`;

function ec2Xml(world: Ec2World, form: URLSearchParams): string {
  const ids = [...form.entries()]
    .filter(([k]) => /^(NetworkInterfaceId|RouteTableId)\.\d+$/.test(k))
    .map(([, v]) => v);
  const ns = 'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"';
  if (form.get('Action') === 'DescribeNetworkInterfaces') {
    const set = ids
      .map((id) =>
        item(
          `<networkInterfaceId>${id}</networkInterfaceId><privateIpAddressesSet>${(world.interfaces[id] ?? [])
            .map((ip, i) => item(`<privateIpAddress>${ip}</privateIpAddress><primary>${i === 0}</primary>`))
            .join('')}</privateIpAddressesSet>`,
        ),
      )
      .join('');
    return `<DescribeNetworkInterfacesResponse ${ns}><requestId>r1</requestId><networkInterfaceSet>${set}</networkInterfaceSet></DescribeNetworkInterfacesResponse>`;
  }
  const set = ids
    .map((id) =>
      item(
        `<routeTableId>${id}</routeTableId><routeSet>${(world.routeTables[id] ?? [])
          .map((r) =>
            item(
              `<destinationCidrBlock>${r.cidr}</destinationCidrBlock><networkInterfaceId>${r.eni}</networkInterfaceId><state>active</state>`,
            ),
          )
          .join('')}</routeSet>`,
      ),
    )
    .join('');
  return `<DescribeRouteTablesResponse ${ns}><requestId>r2</requestId><routeTableSet>${set}</routeTableSet></DescribeRouteTablesResponse>`;
}

/** A `terraform show -json` state: the two HAProxy instances with their interfaces, and VIP routes. */
function state(routes: { table: string; cidr: string }[] = []) {
  const instance = (host: string, eni: string) => ({
    address: `aws_instance.haproxy_${host}`,
    mode: 'managed',
    type: 'aws_instance',
    values: { primary_network_interface_id: eni, tags: { 'warren:host': host, 'warren:role': 'haproxy' } },
  });
  const route = (r: { table: string; cidr: string }, i: number) => ({
    address: `aws_route.vip_${i}`,
    mode: 'managed',
    type: 'aws_route',
    values: { route_table_id: r.table, destination_cidr_block: r.cidr },
  });
  return {
    values: {
      root_module: {
        resources: [instance('haproxy-01', 'eni-01'), instance('haproxy-02', 'eni-02'), ...routes.map(route)],
      },
    },
  };
}

describe.runIf(awsCli)('the VIP holder on AWS', () => {
  const world: Ec2World = { interfaces: {}, routeTables: {} };
  const actions: string[] = [];
  let server: Server;
  const env0 = { ...process.env };
  const dev = loadEnvironment('dev').topology;
  if (dev.frontDoor.kind !== 'keepalived') throw new Error('dev has a keepalived front door');
  const secondary: Topology = {
    ...dev,
    frontDoor: { ...dev.frontDoor, vipMode: 'secondary-ip', vip: '10.42.1.230' },
  };
  const overlay: Topology = {
    ...dev,
    frontDoor: { ...dev.frontDoor, vipMode: 'overlay', vip: '192.168.1.230' },
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        actions.push(form.get('Action') ?? '');
        res.setHeader('content-type', 'text/xml');
        res.end(ec2Xml(world, form));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    Object.assign(process.env, {
      WARREN_EC2_ENDPOINT_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      ...LOOPBACK_AWS_ENV,
    });
  });
  afterAll(async () => {
    process.env = env0;
    await new Promise((r) => server.close(r));
  });

  it('is the host whose interface carries the secondary private IP, wherever the last failover left it', async () => {
    world.interfaces = { 'eni-01': ['10.42.1.21'], 'eni-02': ['10.42.1.22', '10.42.1.230'] };
    expect(await awsVipHolder(secondary, state())).toEqual({ host: 'haproxy-02' });
    world.interfaces = { 'eni-01': ['10.42.1.21', '10.42.1.230'], 'eni-02': ['10.42.1.22'] };
    expect(await awsVipHolder(secondary, state())).toEqual({ host: 'haproxy-01' });
    expect(actions.at(-1)).toBe('DescribeNetworkInterfaces');
  }, 60_000);

  it('is said to be unknown when no interface carries it', async () => {
    world.interfaces = { 'eni-01': ['10.42.1.21'], 'eni-02': ['10.42.1.22'] };
    expect(await awsVipHolder(secondary, state())).toEqual({
      unknown: 'EC2 shows the VIP 10.42.1.230 on no HAProxy interface',
    });
  }, 60_000);

  it('with an overlay VIP, is the target of its /32 routes; tables that disagree are reported', async () => {
    const routes = [
      { table: 'rtb-a', cidr: '192.168.1.230/32' },
      { table: 'rtb-b', cidr: '192.168.1.230/32' },
    ];
    world.routeTables = {
      'rtb-a': [{ cidr: '192.168.1.230/32', eni: 'eni-02' }],
      'rtb-b': [
        { cidr: '10.0.0.0/8', eni: 'eni-01' },
        { cidr: '192.168.1.230/32', eni: 'eni-02' },
      ],
    };
    expect(await awsVipHolder(overlay, state(routes))).toEqual({ host: 'haproxy-02' });
    expect(actions.at(-1)).toBe('DescribeRouteTables');
    world.routeTables['rtb-a'] = [{ cidr: '192.168.1.230/32', eni: 'eni-01' }];
    const split = await awsVipHolder(overlay, state(routes));
    expect(split).toMatchObject({
      unknown: expect.stringMatching(/on eni-01, eni-02 \(haproxy-01, haproxy-02\)/),
    });
  }, 60_000);

  it('says why when EC2 refuses', async () => {
    const saved = process.env.WARREN_EC2_ENDPOINT_URL;
    // A port nothing listens on (the server's, after it is closed, could be reused): loopback only.
    process.env.WARREN_EC2_ENDPOINT_URL = 'http://127.0.0.1:9';
    process.env.AWS_MAX_ATTEMPTS = '1';
    try {
      const r = await awsVipHolder(secondary, state());
      expect(r).toMatchObject({
        unknown: expect.stringMatching(/^aws ec2 describe-network-interfaces failed: /),
      });
    } finally {
      process.env.WARREN_EC2_ENDPOINT_URL = saved;
    }
  }, 60_000);
});

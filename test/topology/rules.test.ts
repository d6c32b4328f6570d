// Every semantic rule of docs/design.md "The topology": a topology that breaks it is refused, and
// the message names the field path (and a fix). Each case starts from a valid shipped environment.
import { describe, expect, it } from 'vitest';
import dev from '../../environments/dev';
import elb from '../../environments/elb';
import { secondaryIpDev } from '../support/secondary-ip-dev';
import { TopologyError, UBUNTU_RELEASES, validateTopology, type EnvironmentInput } from '../../topology';

type Mutable = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function refuse(base: EnvironmentInput, mutate: (env: Mutable) => void): TopologyError {
  const env = structuredClone(base) as Mutable;
  mutate(env);
  try {
    validateTopology(env, 'environments/test.ts');
  } catch (e) {
    expect(e).toBeInstanceOf(TopologyError);
    return e as TopologyError;
  }
  throw new Error('the topology was accepted');
}

function expectIssue(error: TopologyError, path: string, pattern: RegExp): void {
  const issue = error.issues.find((i) => i.path === path);
  expect(issue, `no issue at ${path}; got ${error.message}`).toBeDefined();
  expect(issue!.message).toMatch(pattern);
  expect(issue!.fix.length).toBeGreaterThan(0);
  expect(error.message).toContain(`environments/test.ts: ${path}: `);
}

describe('shipped environments', () => {
  it('are valid', () => {
    expect(validateTopology(dev).name).toBe('dev');
    expect(validateTopology(elb).frontDoor.kind).toBe('nlb');
  });
});

describe('validation refuses', () => {
  const cases: [string, EnvironmentInput, (e: Mutable) => void, string, RegExp][] = [
    [
      'a net tick time so short that any hiccup is a partition',
      dev,
      (e) => (e.rabbitmq.netTickTimeSeconds = 2),
      'rabbitmq.netTickTimeSeconds',
      /out of range/,
    ],
    [
      'a net tick time of over ten minutes',
      elb,
      (e) => (e.rabbitmq.netTickTimeSeconds = 3600),
      'rabbitmq.netTickTimeSeconds',
      /out of range/,
    ],
    [
      'duplicate host names',
      dev,
      (e) => (e.rabbitmq.nodes[1].name = 'rabbit-01'),
      'rabbitmq.nodes[1].name',
      /already used/,
    ],
    [
      'a HAProxy host named like a node',
      dev,
      (e) => (e.frontDoor.haproxy[0].name = 'rabbit-02'),
      'frontDoor.haproxy[0].name',
      /already used/,
    ],
    [
      'duplicate IPs',
      dev,
      (e) => Object.assign(e.rabbitmq.nodes[2], { ip: '10.42.1.11', subnet: 'a' }),
      'rabbitmq.nodes[2].ip',
      /already used/,
    ],
    [
      'an IP outside its subnet',
      dev,
      (e) => (e.rabbitmq.nodes[1].ip = '10.42.9.11'),
      'rabbitmq.nodes[1].ip',
      /outside subnet 'b'/,
    ],
    [
      'the network address of a subnet',
      dev,
      (e) => (e.rabbitmq.nodes[0].ip = '10.42.1.0'),
      'rabbitmq.nodes[0].ip',
      /reserved by AWS/,
    ],
    [
      'the AWS DNS address',
      dev,
      (e) => (e.rabbitmq.nodes[0].ip = '10.42.1.2'),
      'rabbitmq.nodes[0].ip',
      /reserved by AWS/,
    ],
    [
      'the broadcast address',
      dev,
      (e) => (e.rabbitmq.nodes[0].ip = '10.42.1.255'),
      'rabbitmq.nodes[0].ip',
      /reserved by AWS/,
    ],
    [
      'a subnet outside the VPC',
      dev,
      (e) => (e.network.subnets[2].cidr = '10.99.3.0/24'),
      'network.subnets[2].cidr',
      /outside the VPC/,
    ],
    [
      'overlapping subnets',
      dev,
      (e) => (e.network.subnets[1].cidr = '10.42.1.0/25'),
      'network.subnets[1].cidr',
      /overlaps/,
    ],
    [
      'an unknown subnet',
      dev,
      (e) => (e.rabbitmq.nodes[0].subnet = 'z'),
      'rabbitmq.nodes[0].subnet',
      /no subnet named 'z'/,
    ],
    [
      'a VIP that collides with a host',
      dev,
      (e) => (e.frontDoor.vip = '10.42.1.21'),
      'frontDoor.vip',
      /collides/,
    ],
    [
      'a VIP outside the HAProxy subnet',
      secondaryIpDev,
      (e) => (e.frontDoor.vip = '10.42.2.230'),
      'frontDoor.vip',
      /outside subnet 'a'/,
    ],
    [
      'keepalived peers in different subnets',
      secondaryIpDev,
      (e) => Object.assign(e.frontDoor.haproxy[1], { subnet: 'b', ip: '10.42.2.22' }),
      'frontDoor.haproxy[1].subnet',
      /share a subnet/,
    ],
    [
      'equal priorities',
      dev,
      (e) => (e.frontDoor.haproxy[1].priority = 200),
      'frontDoor.haproxy[1].priority',
      /equals/,
    ],
    ['a router id of 0', dev, (e) => (e.frontDoor.virtualRouterId = 0), 'frontDoor.virtualRouterId', /1–255/],
    [
      'a router id of 256',
      dev,
      (e) => (e.frontDoor.virtualRouterId = 256),
      'frontDoor.virtualRouterId',
      /1–255/,
    ],
    ['one HAProxy host', dev, (e) => e.frontDoor.haproxy.pop(), 'frontDoor.haproxy', /exactly 2/],
    [
      "the tutorials' underscore hostname",
      dev,
      (e) => (e.rabbitmq.nodes[0].name = 'rabbit_01'),
      'rabbitmq.nodes[0].name',
      /not a valid hostname/,
    ],
    [
      'an upper-case hostname',
      dev,
      (e) => (e.frontDoor.haproxy[0].name = 'HAProxy1'),
      'frontDoor.haproxy[0].name',
      /not a valid hostname/,
    ],
    [
      'an even node count with pause_minority',
      dev,
      (e) => e.rabbitmq.nodes.pop(),
      'rabbitmq.nodes',
      /odd number/,
    ],
    ['one node with pause_minority', elb, (e) => e.rabbitmq.nodes.splice(1), 'rabbitmq.nodes', /at least 3/],
    [
      'ha-all on RabbitMQ 4.0',
      elb,
      (e) => (e.image = { ubuntu: '22.04', rabbitmq: '4.0.5' }),
      'rabbitmq.replication',
      /no classic mirroring/,
    ],
    [
      'quorum on RabbitMQ 3.5.7',
      dev,
      (e) => (e.rabbitmq.replication = 'quorum'),
      'rabbitmq.replication',
      /no quorum queues/,
    ],
    [
      'proxyProtocol on RabbitMQ 3.5.7',
      dev,
      (e) => (e.rabbitmq.proxyProtocol = true),
      'rabbitmq.proxyProtocol',
      /PROXY protocol/,
    ],
    [
      'RabbitMQ 3.13 on 16.04',
      dev,
      (e) => (e.image.rabbitmq = '3.13.7'),
      'image.rabbitmq',
      /no package source/,
    ],
    [
      'RabbitMQ 3.5.7 on 22.04',
      elb,
      (e) => (e.image.rabbitmq = '3.5.7'),
      'image.rabbitmq',
      /no package source/,
    ],
    [
      'RabbitMQ 3.6 on 16.04 without .debs',
      dev,
      (e) => Object.assign(e.image, { rabbitmq: '3.6.16', erlang: '20.3' }),
      'image.debs',
      /\.deb files you supply/,
    ],
    [
      'another Erlang than the archive ships',
      dev,
      (e) => (e.image.erlang = '20.3'),
      'image.erlang',
      /ships Erlang 18.3/,
    ],
    ['a non-DNS environment name', dev, (e) => (e.name = 'Dev_1'), 'name', /DNS label/],
    ['a bad region', dev, (e) => (e.region = 'europe'), 'region', /not an AWS region/],
    [
      'an AZ of another region',
      dev,
      (e) => (e.network.subnets[0].az = 'us-east-1a'),
      'network.subnets[0].az',
      /not an availability zone/,
    ],
    [
      'a CIDR with host bits',
      dev,
      (e) => (e.network.vpcCidr = '10.42.0.1/16'),
      'network.vpcCidr',
      /host bits/,
    ],
    [
      'both vpcCidr and vpcId',
      dev,
      (e) => (e.network.vpcId = 'vpc-0123456789abcdef0'),
      'network',
      /exactly one/,
    ],
    [
      'an existing VPC without subnet ids',
      dev,
      (e) => {
        delete e.network.vpcCidr;
        e.network.vpcId = 'vpc-0123456789abcdef0';
      },
      'network.subnets[0].id',
      /id of each subnet/,
    ],
    [
      'a bad client CIDR',
      dev,
      (e) => (e.access = { clientCidrs: ['0.0.0.0/33'] }),
      'access.clientCidrs[0]',
      /not an IPv4 CIDR/,
    ],
    [
      'an unknown key',
      dev,
      (e) => (e.rabbitmq.partitionHandlig = 'autoheal'),
      'rabbitmq.partitionHandlig',
      /unknown key/,
    ],
    ['a wrong type', dev, (e) => (e.rabbitmq.volumeGiB = '20'), 'rabbitmq.volumeGiB', /expected number/],
    ['a missing required field', dev, (e) => delete e.region, 'region', /required/],
    [
      'an unknown front door',
      dev,
      (e) => (e.frontDoor = { kind: 'elb' }),
      'frontDoor.kind',
      /not a known kind/,
    ],
    ['an unknown Ubuntu release', dev, (e) => (e.image.ubuntu = '18.04'), 'image.ubuntu', /not allowed/],
    // What later steps refused before the gate made validate refuse it (issue 11).
    [
      'an inexact RabbitMQ version',
      elb,
      (e) => (e.image.rabbitmq = '3.13'),
      'image.rabbitmq',
      /not an exact/,
    ],
    [
      'an Erlang RabbitMQ 3.13 does not run on',
      elb,
      (e) => (e.image.erlang = '27.3'),
      'image.erlang',
      /3\.13\.7 does not run on Erlang 27\.3/,
    ],
    [
      'Erlang 18.3 on 22.04',
      elb,
      (e) => (e.image.erlang = '18.3'),
      'image.erlang',
      /does not run on Erlang 18\.3/,
    ],
    [
      'an Erlang that is no version',
      elb,
      (e) => (e.image.erlang = 'latest'),
      'image.erlang',
      /not an Erlang version/,
    ],
    [
      'an arm64 node type',
      elb,
      (e) => (e.rabbitmq.instanceType = 'm7g.large'),
      'rabbitmq.instanceType',
      /arm64/,
    ],
    [
      'an arm64 HAProxy type',
      dev,
      (e) => (e.frontDoor.instanceType = 'c6gn.large'),
      'frontDoor.instanceType',
      /arm64/,
    ],
    [
      'an instance type of no EC2 shape',
      dev,
      (e) => (e.rabbitmq.instanceType = 'large'),
      'rabbitmq.instanceType',
      /not an EC2 instance type/,
    ],
    [
      'an NLB environment name over 20 characters',
      elb,
      (e) => (e.name = 'elb-with-a-long-name1'),
      'name',
      /too long for an NLB front door/,
    ],
    [
      "a host named like the lab's client",
      dev,
      (e) => (e.rabbitmq.nodes[0].name = 'client'),
      'rabbitmq.nodes[0].name',
      /the lab adds itself/,
    ],
    [
      "a HAProxy host named like the lab's NLB",
      dev,
      (e) => (e.frontDoor.haproxy[1].name = 'nlb'),
      'frontDoor.haproxy[1].name',
      /the lab adds itself/,
    ],
    [
      'a number where a version string goes',
      elb,
      (e) => (e.image.ubuntu = 24.04),
      'image.ubuntu',
      /is the number 24\.04, not a string/,
    ],
    [
      'a number for the RabbitMQ version',
      elb,
      (e) => (e.image.rabbitmq = 3.13),
      'image.rabbitmq',
      /is the number 3\.13/,
    ],
  ];
  it.each(cases)('%s', (_name, base, mutate, path, pattern) => {
    expectIssue(refuse(base, mutate), path, pattern);
  });

  it("suggests a DNS label for the tutorials' names", () => {
    const error = refuse(dev, (e) => (e.rabbitmq.nodes[0].name = 'rabbit_01'));
    expect(error.issues[0]!.fix).toContain("'rabbit-01'");
  });

  it('suggests the key a typo meant', () => {
    const error = refuse(dev, (e) => (e.rabbitmq.partitionHandlig = 'autoheal'));
    expect(error.issues[0]!.fix).toBe("did you mean 'partitionHandling'?");
  });

  it('accepts a keepalived name longer than the NLB limit, and exact Erlang builds in range', () => {
    expect(
      validateTopology({ ...structuredClone(dev), name: 'a-keepalived-env-name-of-30ch' }).name,
    ).toHaveLength(29);
    const t = validateTopology({
      ...structuredClone(elb),
      image: { ubuntu: '22.04', rabbitmq: '3.13.7', erlang: '26.2.5.13' },
    });
    expect(t.image.erlang).toBe('26.2.5.13');
  });

  it("refuses a first subnet with no room for the lab's own hosts, and accepts one with just enough", () => {
    const packed = (count: number) => (e: Mutable) => {
      e.network.subnets = [{ name: 'a', az: 'us-east-1a', cidr: '10.43.1.0/28' }];
      e.rabbitmq.partitionHandling = 'autoheal';
      e.rabbitmq.nodes = Array.from({ length: count }, (_, i) => ({
        name: `r${i}`,
        subnet: 'a',
        ip: `10.43.1.${4 + i}`,
      }));
    };
    expectIssue(refuse(elb, packed(10)), 'network.subnets[0].cidr', /no 2 free addresses left for the lab/);
    const env = structuredClone(elb) as Mutable;
    packed(9)(env);
    expect(validateTopology(env).rabbitmq.nodes).toHaveLength(9);
  });

  it('tells to quote a number, with the allowed values when it is not one of them', () => {
    const error = refuse(elb, (e) => (e.image.ubuntu = 22.1));
    expect(error.issues[0]!.fix).toBe(
      `write it as a string, in quotes: '22.1' (one of ${UBUNTU_RELEASES.map((r) => `'${r}'`).join(', ')})`,
    );
  });

  it('reports every problem at once', () => {
    const error = refuse(dev, (e) => {
      e.rabbitmq.nodes[0].name = 'rabbit_01';
      e.rabbitmq.nodes[1].ip = '10.42.9.11';
      e.frontDoor.virtualRouterId = 300;
    });
    expect(error.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['rabbitmq.nodes[0].name', 'rabbitmq.nodes[1].ip', 'frontDoor.virtualRouterId']),
    );
  });
});

describe('defaults', () => {
  it('fills every documented default from the five required fields', () => {
    const t = validateTopology({
      name: 'mini',
      region: 'eu-west-1',
      network: { vpcCidr: '10.9.0.0/16', subnets: [{ name: 'a', az: 'eu-west-1a', cidr: '10.9.1.0/24' }] },
      rabbitmq: {
        nodes: [
          { name: 'r1', subnet: 'a', ip: '10.9.1.11' },
          { name: 'r2', subnet: 'a', ip: '10.9.1.12' },
          { name: 'r3', subnet: 'a', ip: '10.9.1.13' },
        ],
      },
      frontDoor: { kind: 'nlb' },
    });
    expect(t.image).toEqual({
      ubuntu: '22.04',
      rabbitmq: '3.13.7',
      erlang: '26.2',
      debs: [],
      amiLookup: 'pinned',
      copyToRegions: [],
      deprecateAfterDays: 730,
    });
    expect(t.rabbitmq).toMatchObject({
      instanceType: 't3.medium',
      volumeGiB: 20,
      replication: 'ha-all',
      partitionHandling: 'pause_minority',
      plugins: ['rabbitmq_management'],
      fileDescriptors: 65536,
      proxyProtocol: false,
      heartbeatSeconds: 60,
      netTickTimeSeconds: 60,
    });
    expect(t.frontDoor).toEqual({ kind: 'nlb', internal: true, clientAffinity: true });
    expect(t.access).toEqual({
      clientCidrs: ['10.9.0.0/16'],
      adminCidrs: ['10.9.0.0/16'],
      publicIps: false,
      directNodeAccess: false,
      sessionManager: true,
    });
    expect(t.tags).toEqual({});
  });

  it('derives quorum replication from RabbitMQ 4 and priorities from HAProxy order', () => {
    const input = structuredClone(dev) as Mutable;
    input.image = { ubuntu: '24.04', rabbitmq: '4.1.4' };
    delete input.rabbitmq.replication;
    for (const h of input.frontDoor.haproxy) delete h.priority;
    const t = validateTopology(input);
    expect(t.rabbitmq.replication).toBe('quorum');
    expect(t.frontDoor.kind === 'keepalived' && t.frontDoor.haproxy.map((h) => h.priority)).toEqual([
      200, 100,
    ]);
  });
});

describe('frontDoor.vipMode', () => {
  /** dev as an overlay front door: haproxy-02 moved to subnet b (another AZ), the VIP outside the VPC. */
  const overlay = (e: Mutable) => {
    e.frontDoor.vipMode = 'overlay';
    e.frontDoor.vip = '192.168.1.230';
    Object.assign(e.frontDoor.haproxy[1], { subnet: 'b', ip: '10.42.2.22' });
  };
  const overlayDev = () => {
    const e = structuredClone(secondaryIpDev) as Mutable;
    overlay(e);
    return e as EnvironmentInput;
  };

  it("defaults to 'secondary-ip' (existing files keep their meaning)", () => {
    const t = validateTopology(secondaryIpDev);
    expect(t.frontDoor.kind === 'keepalived' && t.frontDoor.vipMode).toBe('secondary-ip');
  });

  it('overlay: accepts HAProxy hosts in different subnets and AZs with a VIP outside the VPC', () => {
    const t = validateTopology(overlayDev());
    expect(t.frontDoor.kind === 'keepalived' && t.frontDoor.vipMode).toBe('overlay');
  });

  const cases: [string, (e: Mutable) => void, string, RegExp][] = [
    [
      'secondary-ip with the hosts in different subnets (names the overlay mode as a fix)',
      (e) => Object.assign(e.frontDoor.haproxy[1], { subnet: 'b', ip: '10.42.2.22' }),
      'frontDoor.haproxy[1].subnet',
      /secondary private IP, which cannot cross subnets/,
    ],
    [
      'secondary-ip with a VIP outside the HAProxy subnet',
      (e) => (e.frontDoor.vip = '192.168.1.230'),
      'frontDoor.vip',
      /outside subnet 'a'/,
    ],
    [
      'overlay with a VIP inside the VPC',
      (e) => {
        overlay(e);
        e.frontDoor.vip = '10.42.200.1';
      },
      'frontDoor.vip',
      /inside the VPC 10\.42\.0\.0\/16/,
    ],
    [
      'overlay with a VIP inside a subnet of an existing VPC',
      (e) => {
        overlay(e);
        delete e.network.vpcCidr;
        e.network.vpcId = 'vpc-0123456789abcdef0';
        e.network.routeTableIds = ['rtb-0123456789abcdef0'];
        e.network.subnets.forEach((s: Mutable, i: number) => (s.id = `subnet-0123456789abcdef${i}`));
        e.frontDoor.vip = '10.42.3.200';
      },
      'frontDoor.vip',
      /inside subnet 'c'/,
    ],
    [
      'overlay with a link-local VIP',
      (e) => {
        overlay(e);
        e.frontDoor.vip = '169.254.10.10';
      },
      'frontDoor.vip',
      /link-local/,
    ],
    [
      'overlay in an existing VPC without route tables',
      (e) => {
        overlay(e);
        delete e.network.vpcCidr;
        e.network.vpcId = 'vpc-0123456789abcdef0';
        e.network.subnets.forEach((s: Mutable, i: number) => (s.id = `subnet-0123456789abcdef${i}`));
      },
      'network.routeTableIds',
      /needs the route tables its clients use/,
    ],
    [
      'route tables with a new VPC',
      (e) => {
        overlay(e);
        e.network.routeTableIds = ['rtb-0123456789abcdef0'];
      },
      'network.routeTableIds',
      /belong to an existing VPC/,
    ],
    [
      'route tables without an overlay VIP',
      (e) => {
        delete e.network.vpcCidr;
        e.network.vpcId = 'vpc-0123456789abcdef0';
        e.network.subnets.forEach((s: Mutable, i: number) => (s.id = `subnet-0123456789abcdef${i}`));
        e.network.routeTableIds = ['rtb-0123456789abcdef0'];
      },
      'network.routeTableIds',
      /only used for an overlay VIP/,
    ],
    [
      'a malformed route table id',
      (e) => {
        overlay(e);
        delete e.network.vpcCidr;
        e.network.vpcId = 'vpc-0123456789abcdef0';
        e.network.subnets.forEach((s: Mutable, i: number) => (s.id = `subnet-0123456789abcdef${i}`));
        e.network.routeTableIds = ['table-1'];
      },
      'network.routeTableIds[0]',
      /not a route table id/,
    ],
    ['an unknown mode', (e) => (e.frontDoor.vipMode = 'eip'), 'frontDoor.vipMode', /./],
  ];
  it.each(cases)('refuses %s', (_name, mutate, path, pattern) => {
    expectIssue(refuse(secondaryIpDev, mutate), path, pattern);
  });

  it('refuses vipMode on an NLB front door (it has no VIP)', () => {
    expectIssue(
      refuse(elb, (e) => (e.frontDoor.vipMode = 'overlay')),
      'frontDoor.vipMode',
      /unknown key 'vipMode'/,
    );
  });
});

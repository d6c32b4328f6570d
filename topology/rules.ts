/**
 * Semantic rules: what the schema's shapes can't say (docs/design.md "The topology"). Each rule
 * returns issues with the field path and a fix; all rules run, so users see every problem at once.
 */
import {
  describeSupport,
  ERLANG_VERSION,
  erlangSupported,
  erlangSupportFor,
  isExactVersion,
  OS_PROFILES,
  packageRowFor,
  rabbitCapabilities,
  type PackageRow,
} from './capabilities';
import {
  blockSize,
  cidrContains,
  cidrsOverlap,
  cidrWithin,
  formatIpv4,
  isAwsReserved,
  parseCidr,
  parseIpv4,
  type Cidr,
} from './ipv4';
import { INSTANCE_TYPE, isArm64InstanceType } from './instance-types';
import type { Topology } from './resolve';
import type { TopologyIssue } from './topology-issue';

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
/** An exact RabbitMQ release: Team RabbitMQ's packages are pinned as `<version>-1`, so `3.13` is no version. */
const EXACT_VERSION = /^\d+\.\d+\.\d+$/;

/**
 * NLB and target group names are at most 32 characters and warren names them `warren-<env>-amqp`
 * (stacks/nlb-front-door.ts), which leaves 20 for the environment name.
 */
export const NLB_ENV_NAME_MAX = 32 - 'warren--amqp'.length;

/** Host names the lab gives its own hosts (lab/lab-plan.ts): a topology host so named would collide. */
export const LAB_HOST_NAMES = ['client', 'nlb'] as const;

type Issues = TopologyIssue[];

/** A host as the rules see it: any named machine with a fixed IP in a subnet. */
interface PlacedHost {
  readonly path: string;
  readonly name: string;
  readonly subnet: string;
  readonly ip: string;
}

export function checkTopology(t: Topology): TopologyIssue[] {
  const issues: Issues = [];
  checkName(t, issues);
  checkImage(t, issues);
  const subnets = checkNetwork(t, issues);
  const hosts = placedHosts(t);
  checkHosts(hosts, subnets, issues);
  checkVersions(t, issues);
  checkRabbitmq(t, issues);
  checkFrontDoor(t, subnets, hosts, issues);
  checkAccess(t, issues);
  checkInstanceTypes(t, issues);
  checkLabAddresses(t, issues);
  return issues;
}

export function suggestDnsLabel(text: string): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return s === '' ? 'host-01' : s;
}

function checkName(t: Topology, issues: Issues): void {
  if (!DNS_LABEL.test(t.name) || t.name.length > 32) {
    issues.push({
      path: 'name',
      message: `'${t.name}' is not a lower-case DNS label of at most 32 characters`,
      fix: `use letters, digits and '-', e.g. '${suggestDnsLabel(t.name).slice(0, 32)}'`,
    });
  }
  if (t.frontDoor.kind === 'nlb' && t.name.length > NLB_ENV_NAME_MAX) {
    issues.push({
      path: 'name',
      message: `'${t.name}' is ${t.name.length} characters, too long for an NLB front door: its load balancer and target groups are named warren-<name>-amqp, at most 32 characters`,
      fix: `use at most ${NLB_ENV_NAME_MAX} characters, e.g. '${t.name.slice(0, NLB_ENV_NAME_MAX).replace(/-+$/, '')}'`,
    });
  }
  if (!REGION.test(t.region)) {
    issues.push({
      path: 'region',
      message: `'${t.region}' is not an AWS region name`,
      fix: "write a region such as 'eu-west-1' or 'us-east-2'",
    });
  }
}

/** A KMS key as Packer and EC2 take it: a key id, a key ARN, an alias name or an alias ARN. */
const KMS_KEY =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|alias\/[a-zA-Z0-9/_-]+|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key\/[a-zA-Z0-9-]+|alias\/[a-zA-Z0-9/_-]+))$/;

function checkImage(t: Topology, issues: Issues): void {
  const img = t.image;
  if (img.kmsKeyId !== undefined && !KMS_KEY.test(img.kmsKeyId)) {
    issues.push({
      path: 'image.kmsKeyId',
      message: `'${img.kmsKeyId}' is not a KMS key id, key ARN or alias`,
      fix: "write it like 'alias/warren-images' or 'arn:aws:kms:eu-west-1:123456789012:key/<uuid>'",
    });
  }
  const seen = new Set<string>();
  img.copyToRegions.forEach((region, i) => {
    const path = `image.copyToRegions[${i}]`;
    if (!REGION.test(region)) {
      issues.push({
        path,
        message: `'${region}' is not an AWS region name`,
        fix: "write a region such as 'eu-central-1'",
      });
    } else if (region === t.region) {
      issues.push({
        path,
        message: `'${region}' is the environment's own region, where the bake builds anyway`,
        fix: 'drop it',
      });
    } else if (seen.has(region)) {
      issues.push({ path, message: `'${region}' is listed twice`, fix: 'list each region once' });
    }
    seen.add(region);
  });
  if (img.deprecateAfterDays < 1 || img.deprecateAfterDays > 3650) {
    issues.push({
      path: 'image.deprecateAfterDays',
      message: `${img.deprecateAfterDays} is outside 1 to 3650 days`,
      fix: 'give a lifetime in days, e.g. 730 (two years)',
    });
  }
}

/** Checks the VPC and subnets; returns the subnets that parsed, by name, for the other rules. */
function checkNetwork(t: Topology, issues: Issues): Map<string, Cidr> {
  const net = t.network;
  let vpc: Cidr | undefined;
  if ((net.vpcCidr === undefined) === (net.vpcId === undefined)) {
    issues.push({
      path: 'network',
      message: 'give exactly one of vpcCidr (a new VPC) or vpcId (an existing VPC)',
      fix: "e.g. vpcCidr: '10.42.0.0/16'",
    });
  }
  if (net.vpcCidr !== undefined) {
    vpc = parseCidr(net.vpcCidr);
    if (!vpc) {
      issues.push(badCidr('network.vpcCidr', net.vpcCidr));
    } else if (vpc.prefix < 16 || vpc.prefix > 28) {
      issues.push({
        path: 'network.vpcCidr',
        message: `a VPC CIDR must be between /16 and /28, not /${vpc.prefix}`,
        fix: "use e.g. '10.42.0.0/16'",
      });
    }
  }
  if (net.vpcId !== undefined && !/^vpc-[0-9a-f]{8,17}$/.test(net.vpcId)) {
    issues.push({
      path: 'network.vpcId',
      message: `'${net.vpcId}' is not a VPC id`,
      fix: "write it as 'vpc-0123456789abcdef0'",
    });
  }
  if (net.routeTableIds !== undefined && net.vpcId === undefined) {
    issues.push({
      path: 'network.routeTableIds',
      message:
        'route table ids belong to an existing VPC (network.vpcId); a new VPC routes through its own table',
      fix: 'remove routeTableIds, or set network.vpcId instead of vpcCidr',
    });
  }
  (net.routeTableIds ?? []).forEach((id, i) => {
    if (!/^rtb-[0-9a-f]{8,17}$/.test(id)) {
      issues.push({
        path: `network.routeTableIds[${i}]`,
        message: `'${id}' is not a route table id`,
        fix: "write it as 'rtb-0123456789abcdef0'",
      });
    }
  });
  if (
    net.routeTableIds !== undefined &&
    !(t.frontDoor.kind === 'keepalived' && t.frontDoor.vipMode === 'overlay')
  ) {
    issues.push({
      path: 'network.routeTableIds',
      message:
        "route tables are only used for an overlay VIP (frontDoor.kind 'keepalived', vipMode 'overlay')",
      fix: "remove routeTableIds, or set frontDoor.vipMode: 'overlay'",
    });
  }
  const byName = new Map<string, Cidr>();
  const seen: { name: string; cidr: Cidr; index: number }[] = [];
  net.subnets.forEach((s, i) => {
    const path = `network.subnets[${i}]`;
    if (byName.has(s.name) || seen.some((x) => x.name === s.name)) {
      issues.push({
        path: `${path}.name`,
        message: `subnet name '${s.name}' is used twice`,
        fix: 'give each subnet its own name',
      });
    }
    if (!s.az.startsWith(t.region) || !/^[a-z]$/.test(s.az.slice(t.region.length))) {
      issues.push({
        path: `${path}.az`,
        message: `'${s.az}' is not an availability zone of region ${t.region}`,
        fix: `write the region followed by a letter, e.g. '${t.region}a'`,
      });
    }
    if (net.vpcId !== undefined && s.id === undefined) {
      issues.push({
        path: `${path}.id`,
        message: 'an existing VPC needs the id of each subnet',
        fix: "add id: 'subnet-…'",
      });
    }
    if (net.vpcId === undefined && s.id !== undefined) {
      issues.push({
        path: `${path}.id`,
        message: 'subnet ids belong to an existing VPC (network.vpcId)',
        fix: 'remove id, or set network.vpcId instead of vpcCidr',
      });
    }
    const cidr = parseCidr(s.cidr);
    if (!cidr) {
      issues.push(badCidr(`${path}.cidr`, s.cidr));
      return;
    }
    if (cidr.prefix < 16 || cidr.prefix > 28) {
      issues.push({
        path: `${path}.cidr`,
        message: `AWS subnets are /16 to /28, not /${cidr.prefix}`,
        fix: 'use e.g. a /24',
      });
    }
    if (vpc && !cidrWithin(cidr, vpc)) {
      issues.push({
        path: `${path}.cidr`,
        message: `${s.cidr} is outside the VPC ${net.vpcCidr}`,
        fix: `choose a subnet inside ${net.vpcCidr}`,
      });
    }
    const clash = seen.find((x) => cidrsOverlap(x.cidr, cidr));
    if (clash) {
      issues.push({
        path: `${path}.cidr`,
        message: `${s.cidr} overlaps subnet '${clash.name}' (network.subnets[${clash.index}])`,
        fix: 'give each subnet its own address range',
      });
    }
    seen.push({ name: s.name, cidr, index: i });
    if (!byName.has(s.name)) byName.set(s.name, cidr);
  });
  return byName;
}

function placedHosts(t: Topology): PlacedHost[] {
  const nodes = t.rabbitmq.nodes.map((n, i) => ({ ...n, path: `rabbitmq.nodes[${i}]` }));
  const proxies =
    t.frontDoor.kind === 'keepalived'
      ? t.frontDoor.haproxy.map((h, i) => ({ ...h, path: `frontDoor.haproxy[${i}]` }))
      : [];
  return [...nodes, ...proxies];
}

function checkHosts(hosts: readonly PlacedHost[], subnets: Map<string, Cidr>, issues: Issues): void {
  const names = new Map<string, string>();
  const ips = new Map<number, string>();
  for (const h of hosts) {
    if (!DNS_LABEL.test(h.name)) {
      issues.push({
        path: `${h.path}.name`,
        message: `'${h.name}' is not a valid hostname (a lower-case DNS label: letters, digits, '-')`,
        fix: `rename it to '${suggestDnsLabel(h.name)}'`,
      });
    }
    if ((LAB_HOST_NAMES as readonly string[]).includes(h.name)) {
      issues.push({
        path: `${h.path}.name`,
        message: `'${h.name}' is the name of a host the lab adds itself (${LAB_HOST_NAMES.join(', ')}), so warren lab could not boot this environment`,
        fix: `rename it, e.g. to '${h.name}-01'`,
      });
    }
    const other = names.get(h.name);
    if (other !== undefined) {
      issues.push({
        path: `${h.path}.name`,
        message: `host name '${h.name}' is already used by ${other}`,
        fix: 'give every host its own name',
      });
    } else {
      names.set(h.name, h.path);
    }
    const subnet = subnets.get(h.subnet);
    if (!subnets.has(h.subnet)) {
      issues.push({
        path: `${h.path}.subnet`,
        message: `there is no subnet named '${h.subnet}'`,
        fix: `use one of: ${[...subnets.keys()].map((n) => `'${n}'`).join(', ') || '(define network.subnets first)'}`,
      });
    }
    const ip = parseIpv4(h.ip);
    if (ip === undefined) {
      issues.push({
        path: `${h.path}.ip`,
        message: `'${h.ip}' is not an IPv4 address`,
        fix: "write it like '10.42.1.11'",
      });
      continue;
    }
    const clash = ips.get(ip);
    if (clash !== undefined) {
      issues.push({
        path: `${h.path}.ip`,
        message: `${h.ip} is already used by ${clash}`,
        fix: 'give every host its own address',
      });
    } else {
      ips.set(ip, h.path);
    }
    if (subnet) checkAddressInSubnet(`${h.path}.ip`, h.ip, ip, h.subnet, subnet, issues);
  }
}

function checkAddressInSubnet(
  path: string,
  text: string,
  ip: number,
  subnetName: string,
  subnet: Cidr,
  issues: Issues,
): void {
  const cidrText = `${formatIpv4(subnet.network)}/${subnet.prefix}`;
  if (!cidrContains(subnet, ip)) {
    issues.push({
      path,
      message: `${text} is outside subnet '${subnetName}' (${cidrText})`,
      fix: `pick an address in ${cidrText}, e.g. ${formatIpv4(subnet.network + 10)}`,
    });
  } else if (isAwsReserved(subnet, ip)) {
    issues.push({
      path,
      message: `${text} is reserved by AWS in ${cidrText} (the first four addresses and the last one are)`,
      fix: `pick an address from ${formatIpv4(subnet.network + 4)} up, e.g. ${formatIpv4(subnet.network + 10)}`,
    });
  }
}

function checkVersions(t: Topology, issues: Issues): void {
  const { ubuntu, rabbitmq, erlang, debs } = t.image;
  if (!EXACT_VERSION.test(rabbitmq)) {
    issues.push({
      path: 'image.rabbitmq',
      message: `'${rabbitmq}' is not an exact version (major.minor.patch)`,
      fix: `write the exact release, e.g. '${/^\d+\.\d+$/.test(rabbitmq) ? `${rabbitmq}.0` : '3.13.7'}'; Ubuntu ${ubuntu} supports: ${describeSupport(ubuntu)}`,
    });
    return;
  }
  const row: PackageRow | undefined = packageRowFor(ubuntu, rabbitmq);
  if (!row) {
    issues.push({
      path: 'image.rabbitmq',
      message: `no package source provides RabbitMQ ${rabbitmq} on Ubuntu ${ubuntu} (${OS_PROFILES[ubuntu].codename})`,
      fix: `Ubuntu ${ubuntu} supports: ${describeSupport(ubuntu)}`,
    });
    return;
  }
  if (row.source === 'pinned-debs' && debs.length === 0) {
    issues.push({
      path: 'image.debs',
      message: `RabbitMQ ${rabbitmq} on Ubuntu ${ubuntu} comes only from .deb files you supply`,
      fix: "list the pinned rabbitmq-server and Erlang .deb files, e.g. debs: ['debs/rabbitmq-server_3.6.16-1_all.deb', …]",
    });
  }
  if (row.source === 'pinned-debs' && t.image.erlang === 'from image.debs') {
    issues.push({
      path: 'image.erlang',
      message: 'with pinned .deb files, say which Erlang they carry',
      fix: "add erlang: '20.3'",
    });
    return;
  }
  if (row.source !== 'pinned-debs' && debs.length > 0) {
    issues.push({
      path: 'image.debs',
      message: `RabbitMQ ${rabbitmq} on Ubuntu ${ubuntu} comes from ${row.note}; .deb files would be ignored`,
      fix: 'remove image.debs',
    });
  }
  if (row.source === 'ubuntu-archive' && erlang !== row.erlang) {
    issues.push({
      path: 'image.erlang',
      message: `Ubuntu ${ubuntu}'s archive ships Erlang ${row.erlang} with RabbitMQ ${rabbitmq}, not ${erlang}`,
      fix: 'remove image.erlang (it is derived)',
    });
    return;
  }
  const support = erlangSupportFor(rabbitmq);
  if (!ERLANG_VERSION.test(erlang)) {
    issues.push({
      path: 'image.erlang',
      message: `'${erlang}' is not an Erlang version`,
      fix: `write a series like '${row.erlang}' or an exact build like '26.2.5.13', or remove image.erlang (default ${row.erlang})`,
    });
  } else if (!erlangSupported(rabbitmq, erlang)) {
    issues.push({
      path: 'image.erlang',
      message: support
        ? `RabbitMQ ${rabbitmq} does not run on Erlang ${erlang}: it needs Erlang ${support.erlangSince} up to (not incl.) ${support.erlangUntil}`
        : `the capability table does not know which Erlang RabbitMQ ${rabbitmq} runs on`,
      fix: support
        ? `use an Erlang from ${support.erlangSince} below ${support.erlangUntil}${row.source === 'team-rabbitmq' ? `, or remove image.erlang (default ${row.erlang})` : ''}`
        : 'pick a RabbitMQ version from the capability table',
    });
  }
}

/**
 * The lab adds its own hosts (LAB_HOST_NAMES: a client, and for an NLB its stand-in) on the highest
 * free addresses of the first subnet (lab/lab-plan.ts); a full subnet leaves it none.
 */
function checkLabAddresses(t: Topology, issues: Issues): void {
  const first = t.network.subnets[0];
  const cidr = first ? parseCidr(first.cidr) : undefined;
  if (!first || !cidr) return;
  const addresses = [
    ...placedHosts(t).map((h) => h.ip),
    ...(t.frontDoor.kind === 'keepalived' ? [t.frontDoor.vip] : []),
  ];
  const taken = new Set(
    addresses
      .map(parseIpv4)
      .filter((ip): ip is number => ip !== undefined && cidrContains(cidr, ip) && !isAwsReserved(cidr, ip)),
  );
  const usable = blockSize(cidr.prefix) - 5;
  const needed = t.frontDoor.kind === 'nlb' ? 2 : 1;
  if (usable - taken.size < needed) {
    issues.push({
      path: 'network.subnets[0].cidr',
      message: `${first.cidr} has no ${needed} free addresses left for the lab's own hosts (${needed === 2 ? 'client and nlb' : 'client'}), which it puts in the first subnet`,
      fix: 'use a larger first subnet, or put fewer hosts in it',
    });
  }
}

function checkInstanceTypes(t: Topology, issues: Issues): void {
  const types: [string, string][] = [['rabbitmq.instanceType', t.rabbitmq.instanceType]];
  if (t.frontDoor.kind === 'keepalived') types.push(['frontDoor.instanceType', t.frontDoor.instanceType]);
  for (const [path, type] of types) {
    if (!INSTANCE_TYPE.test(type)) {
      issues.push({
        path,
        message: `'${type}' is not an EC2 instance type`,
        fix: "write it like 't3.medium'",
      });
    } else if (isArm64InstanceType(type)) {
      issues.push({
        path,
        message: `${type} is an arm64 (Graviton) type; the images are amd64, like Team RabbitMQ's packages`,
        fix: 'pick an x86_64 (Intel or AMD) type, e.g. t3.medium, m7i.large or m7a.large',
      });
    }
  }
}

function checkRabbitmq(t: Topology, issues: Issues): void {
  const r = t.rabbitmq;
  const count = r.nodes.length;
  if (r.partitionHandling === 'pause_minority' && (count < 3 || count % 2 === 0)) {
    issues.push({
      path: 'rabbitmq.nodes',
      message: `pause_minority needs an odd number of at least 3 nodes, not ${count}: with ${count} a single failure can pause every node`,
      fix:
        count < 3
          ? 'use 3 nodes'
          : `use ${count + 1} or ${count - 1} nodes, or partitionHandling: 'autoheal'`,
    });
  }
  if (!isExactVersion(t.image.rabbitmq)) return;
  const caps = rabbitCapabilities(t.image.rabbitmq);
  if (r.replication === 'ha-all' && !caps.classicMirroring) {
    issues.push({
      path: 'rabbitmq.replication',
      message: `RabbitMQ ${caps.version} has no classic mirroring (removed in 4.0), so 'ha-all' cannot work`,
      fix: "use replication: 'quorum', or a RabbitMQ before 4.0",
    });
  }
  if (r.replication === 'quorum' && !caps.quorumQueues) {
    issues.push({
      path: 'rabbitmq.replication',
      message: `RabbitMQ ${caps.version} has no quorum queues (they start at 3.8)`,
      fix: "use replication: 'ha-all', or RabbitMQ 3.8 or newer",
    });
  }
  if (r.proxyProtocol && !caps.proxyProtocol) {
    issues.push({
      path: 'rabbitmq.proxyProtocol',
      message: `RabbitMQ ${caps.version} cannot accept the PROXY protocol (it starts at 3.7)`,
      fix: 'set proxyProtocol: false, or use RabbitMQ 3.7 or newer',
    });
  }
  r.plugins.forEach((p, i) => {
    if (!/^rabbitmq_[a-z0-9_]+$/.test(p)) {
      issues.push({
        path: `rabbitmq.plugins[${i}]`,
        message: `'${p}' is not a RabbitMQ plugin name`,
        fix: "plugin names look like 'rabbitmq_management'",
      });
    }
  });
  if (r.volumeGiB < 8 || r.volumeGiB > 16384) {
    issues.push({
      path: 'rabbitmq.volumeGiB',
      message: `${r.volumeGiB} GiB is out of range`,
      fix: 'use 8 to 16384 GiB; 20 is a sane start',
    });
  }
  if (r.dataVolumeGiB < 1 || r.dataVolumeGiB > 16384) {
    issues.push({
      path: 'rabbitmq.dataVolumeGiB',
      message: `${r.dataVolumeGiB} GiB is outside what a gp3 volume can be`,
      fix: 'use 1 to 16384 GiB; 50 is the default',
    });
  }
  if (r.fileDescriptors < 1024 || r.fileDescriptors > 1048576) {
    issues.push({
      path: 'rabbitmq.fileDescriptors',
      message: `${r.fileDescriptors} is out of range`,
      fix: 'use 1024 to 1048576; 65536 is the default',
    });
  }
  if (r.heartbeatSeconds < 5 || r.heartbeatSeconds > 600) {
    issues.push({
      path: 'rabbitmq.heartbeatSeconds',
      message: `${r.heartbeatSeconds} s is out of range`,
      fix: 'use 5 to 600 s; 60 is the default',
    });
  }
  if (r.netTickTimeSeconds < 5 || r.netTickTimeSeconds > 600) {
    issues.push({
      path: 'rabbitmq.netTickTimeSeconds',
      message: `${r.netTickTimeSeconds} s is out of range`,
      fix: "use 5 to 600 s: below 5 s a busy or briefly lossy network looks like a partition; 60 (Erlang's) is the default",
    });
  }
}

function checkFrontDoor(
  t: Topology,
  subnets: Map<string, Cidr>,
  hosts: readonly PlacedHost[],
  issues: Issues,
): void {
  const fd = t.frontDoor;
  if (fd.kind !== 'keepalived') return;
  if (fd.haproxy.length !== 2) {
    issues.push({
      path: 'frontDoor.haproxy',
      message: `keepalived needs exactly 2 HAProxy hosts, not ${fd.haproxy.length}`,
      fix: 'list two hosts, a master and a backup',
    });
  }
  if (fd.virtualRouterId < 1 || fd.virtualRouterId > 255) {
    issues.push({
      path: 'frontDoor.virtualRouterId',
      message: `${fd.virtualRouterId} is outside 1–255`,
      fix: 'pick a number from 1 to 255, e.g. 51',
    });
  }
  const first = fd.haproxy[0];
  const overlay = fd.vipMode === 'overlay';
  fd.haproxy.forEach((h, i) => {
    if (i > 0 && first && !overlay && h.subnet !== first.subnet) {
      issues.push({
        path: `frontDoor.haproxy[${i}].subnet`,
        message: `keepalived peers must share a subnet ('${first.subnet}'): the VIP is a secondary private IP, which cannot cross subnets`,
        fix: `put ${h.name} in subnet '${first.subnet}', or set frontDoor.vipMode: 'overlay' (a routed VIP may cross subnets and AZs)`,
      });
    }
    if (h.priority < 1 || h.priority > 254) {
      issues.push({
        path: `frontDoor.haproxy[${i}].priority`,
        message: `${h.priority} is outside 1–254`,
        fix: 'use e.g. 200 for the master and 100 for the backup',
      });
    }
    const dup = fd.haproxy.findIndex((o) => o.priority === h.priority);
    if (dup < i) {
      issues.push({
        path: `frontDoor.haproxy[${i}].priority`,
        message: `priority ${h.priority} equals frontDoor.haproxy[${dup}]'s: the master would be a coin toss`,
        fix: 'give the master a higher priority than the backup, e.g. 200 and 100',
      });
    }
  });
  const vip = parseIpv4(fd.vip);
  if (vip === undefined) {
    issues.push({
      path: 'frontDoor.vip',
      message: `'${fd.vip}' is not an IPv4 address`,
      fix: "write it like '10.42.1.230'",
    });
    return;
  }
  const user = hosts.find((h) => parseIpv4(h.ip) === vip);
  if (user) {
    issues.push({
      path: 'frontDoor.vip',
      message: `${fd.vip} collides with ${user.path}.ip`,
      fix: 'pick a free address in the HAProxy subnet',
    });
  }
  if (overlay) {
    checkOverlayVip(t, fd.vip, vip, subnets, issues);
    return;
  }
  const subnet = first ? subnets.get(first.subnet) : undefined;
  if (first && subnet) checkAddressInSubnet('frontDoor.vip', fd.vip, vip, first.subnet, subnet, issues);
}

/** Ranges an overlay VIP must avoid besides the VPC: the hosts and AWS treat them specially. */
const NOT_ROUTABLE: readonly [string, string][] = [
  ['0.0.0.0/8', '"this network"'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local (the instance metadata service lives there)'],
  ['224.0.0.0/3', 'multicast and reserved'],
];

/**
 * An overlay VIP is reached through a /32 route in the VPC's route tables, which AWS accepts only for
 * a destination outside the VPC's CIDR (a route more specific than the VPC's local route is refused
 * for an address inside it), so it lies outside the VPC and every subnet.
 */
function checkOverlayVip(
  t: Topology,
  text: string,
  vip: number,
  subnets: Map<string, Cidr>,
  issues: Issues,
): void {
  const vpc = t.network.vpcCidr !== undefined ? parseCidr(t.network.vpcCidr) : undefined;
  const fix = "pick an address outside the VPC and every subnet, e.g. '192.168.1.230' for a 10.x VPC";
  if (vpc && cidrContains(vpc, vip)) {
    issues.push({
      path: 'frontDoor.vip',
      message: `${text} lies inside the VPC ${t.network.vpcCidr}; an overlay VIP is routed, so it must lie outside it`,
      fix: `${fix}, or use vipMode: 'secondary-ip' for an address of the HAProxy subnet`,
    });
    return;
  }
  for (const [name, cidr] of subnets) {
    if (cidrContains(cidr, vip)) {
      issues.push({
        path: 'frontDoor.vip',
        message: `${text} lies inside subnet '${name}' (${formatIpv4(cidr.network)}/${cidr.prefix}); an overlay VIP must lie outside every subnet`,
        fix,
      });
      return;
    }
  }
  for (const [range, what] of NOT_ROUTABLE) {
    if (cidrContains(parseCidr(range)!, vip)) {
      issues.push({ path: 'frontDoor.vip', message: `${text} is in ${range} (${what})`, fix });
      return;
    }
  }
  if (t.network.vpcId !== undefined && (t.network.routeTableIds ?? []).length === 0) {
    issues.push({
      path: 'network.routeTableIds',
      message:
        'an overlay VIP in an existing VPC needs the route tables its clients use: warren adds the /32 route to each',
      fix: "list them, e.g. routeTableIds: ['rtb-0123456789abcdef0']",
    });
  }
}

function checkAccess(t: Topology, issues: Issues): void {
  for (const key of ['clientCidrs', 'adminCidrs'] as const) {
    t.access[key].forEach((c, i) => {
      if (!parseCidr(c)) issues.push(badCidr(`access.${key}[${i}]`, c));
    });
  }
  if (t.access.sshKeyName !== undefined && t.access.sshKeyName.trim() === '') {
    issues.push({
      path: 'access.sshKeyName',
      message: 'an empty key pair name',
      fix: 'remove sshKeyName or name an EC2 key pair',
    });
  }
}

function badCidr(path: string, text: string): TopologyIssue {
  return {
    path,
    message: `'${text}' is not an IPv4 CIDR with the host bits clear`,
    fix: "write it like '10.42.0.0/16'",
  };
}

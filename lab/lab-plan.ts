/**
 * The lab plan: which hosts an environment becomes on this machine, with their addresses, network
 * namespaces and roles. Pure (topology in, plan out), so the addressing rules are unit-tested.
 *
 * Every host keeps its topology address, with the VPC's prefix length, on one bridge: all subnets
 * meet on one link as they do through the VPC router. Two hosts the topology does not have are
 * added in the first subnet, on its highest free addresses: the `client` (a plain namespace for
 * tools) and, for an `nlb` front door, `nlb` (a HAProxy host standing in for the AWS NLB).
 */
import {
  blockSize,
  cidrContains,
  formatIpv4,
  hostsOf,
  isAwsReserved,
  labImageFor,
  OS_PROFILES,
  parseCidr,
  parseIpv4,
  PORTS,
  rabbitCapabilities,
  type Cidr,
  type Topology,
} from '../topology';
import { bridgeNetns, netnsName } from './paths';

export type LabRole = 'rabbitmq' | 'haproxy' | 'nlb' | 'client';

export interface LabHostPlan {
  readonly name: string;
  readonly role: LabRole;
  readonly ip: string;
  readonly netns: string;
  /** `container`: an nspawn instance booting systemd; `netns`: a plain namespace (the client). */
  readonly kind: 'container' | 'netns';
  /** The bridge-side end of the host's veth pair (inside the bridge namespace). */
  readonly link: string;
}

export interface LabPlan {
  readonly env: string;
  /** Prefix length every host's address gets on the bridge (the VPC's). */
  readonly prefix: number;
  readonly bridgeNetns: string;
  readonly hosts: readonly LabHostPlan[];
  readonly endpoint: { readonly address: string; readonly amqpPort: number; readonly managementPort: number };
  /** Settings of the environment the lab's RabbitMQ cannot honour, said plainly by `up`. */
  readonly notices: readonly string[];
}

/** Names the lab adds; a topology host with one of these names would collide. */
export const LAB_EXTRA_HOSTS = { client: 'client', nlb: 'nlb' } as const;

/** What a RabbitMQ feature is, for telling the user which one the lab's version lacks. */
const FEATURE_WORDS: Record<string, string> = {
  iniConfig: 'the rabbitmq.conf config format',
  classicConfigPeerDiscovery: 'classic_config peer discovery',
  proxyProtocol: 'the PROXY protocol on the AMQP listener',
  quorumQueues: 'quorum queues',
  diagnosticsCli: 'rabbitmq-diagnostics',
  jsonFormatter: 'JSON output from rabbitmqctl',
  awaitStartup: 'rabbitmqctl await_startup',
  proxyLocalHeaderSafe: 'surviving a PROXY LOCAL header (health checks must not send one)',
  featureFlags: 'feature flags',
  classicMirroring: 'classic queue mirroring (ha-* policies)',
  vhostDefaultQueueType: "a vhost's default queue type (update_vhost_metadata --default-queue-type)",
  maintenanceMode: 'maintenance mode (rabbitmq-upgrade drain)',
  mandatoryFeatureFlags: 'every 3.x feature flag mandatory',
  khepriFeatureFlag: 'the khepri_db feature flag',
  khepriDefault: 'Khepri as the metadata store of a new cluster',
  concurrentBootSafe: 'one cluster whatever order the nodes start in',
};

/** What the lab turns on to stand in for a default of the environment's version (lab.ts does it). */
export const LAB_ENABLES: Partial<Record<keyof typeof FEATURE_WORDS, string>> = {
  khepriDefault: 'the lab enables the khepri_db feature flag once the cluster has formed',
};

export function labPlan(t: Topology): LabPlan {
  const hosts = hostsOf(t);
  for (const extra of Object.values(LAB_EXTRA_HOSTS)) {
    if (hosts.some((h) => h.name === extra)) {
      throw new Error(
        `environment ${t.name} has a host named '${extra}', a name the lab gives its own ${extra} host; rename it`,
      );
    }
  }
  const prefix = labPrefix(t);
  const firstSubnet = t.network.subnets[0];
  if (!firstSubnet) throw new Error(`environment ${t.name} has no subnets`);
  const subnet = parseCidr(firstSubnet.cidr) as Cidr;
  const taken = new Set<number>(hosts.map((h) => parseIpv4(h.ip) as number));
  if (t.frontDoor.kind === 'keepalived') taken.add(parseIpv4(t.frontDoor.vip) as number);
  const nextFree = (): string => {
    for (let ip = subnet.network + blockSize(subnet.prefix) - 1; ip > subnet.network; ip--) {
      if (!taken.has(ip) && !isAwsReserved(subnet, ip)) {
        taken.add(ip);
        return formatIpv4(ip);
      }
    }
    throw new Error(
      `subnet ${firstSubnet.name} (${firstSubnet.cidr}) has no free address for the lab's own hosts`,
    );
  };

  let link = 0;
  const plan = (name: string, role: LabRole, ip: string, kind: LabHostPlan['kind']): LabHostPlan => ({
    name,
    role,
    ip,
    kind,
    netns: netnsName(t.name, name),
    link: `wlh${link++}`,
  });
  const out: LabHostPlan[] = hosts.map((h) => plan(h.name, h.role, h.ip, 'container'));
  let endpointAddress: string;
  if (t.frontDoor.kind === 'keepalived') {
    endpointAddress = t.frontDoor.vip;
  } else {
    endpointAddress = nextFree();
    out.push(plan(LAB_EXTRA_HOSTS.nlb, 'nlb', endpointAddress, 'container'));
  }
  const clientIp = nextFree();
  out.push(plan(LAB_EXTRA_HOSTS.client, 'client', clientIp, 'netns'));

  const client = parseIpv4(clientIp) as number;
  const reaches = (cidrs: readonly string[]) => cidrs.some((c) => cidrContains(parseCidr(c) as Cidr, client));
  const notices = rabbitNotices(t);
  if (!reaches(t.access.clientCidrs)) {
    notices.push(
      `access.clientCidrs does not include the lab client ${clientIp}: AMQP from the client will be refused`,
    );
  }
  if (!reaches(t.access.adminCidrs)) {
    notices.push(`access.adminCidrs does not include the lab client ${clientIp}: management will be refused`);
  }
  return {
    env: t.name,
    prefix,
    bridgeNetns: bridgeNetns(t.name),
    hosts: out,
    endpoint: { address: endpointAddress, amqpPort: PORTS.amqp, managementPort: PORTS.management },
    notices,
  };
}

/** The VPC's prefix, or for an existing VPC the longest prefix that still covers every subnet. */
export function labPrefix(t: Topology): number {
  if (t.network.vpcCidr) return (parseCidr(t.network.vpcCidr) as Cidr).prefix;
  const nets = t.network.subnets.map((s) => parseCidr(s.cidr) as Cidr);
  for (let prefix = Math.min(...nets.map((n) => n.prefix)); prefix > 0; prefix--) {
    const size = blockSize(prefix);
    const base = Math.floor(nets[0]!.network / size) * size;
    if (nets.every((n) => cidrContains({ network: base, prefix }, n.network))) return prefix;
  }
  return 0;
}

/**
 * Which lab image runs the environment, and how its RabbitMQ differs from the environment's: what
 * the environment's version has that the lab's lacks, and what the lab's has that it lacks.
 */
export function rabbitNotices(t: Topology): string[] {
  const image = labImageFor(t.image.rabbitmq);
  const os = OS_PROFILES[image.os];
  const runs = `the lab runs Debian ${image.os.replace('debian-', '')} (${os.codename})'s RabbitMQ ${image.rabbitmq} on Erlang ${image.erlang}`;
  if (t.image.rabbitmq === image.rabbitmq) return [`${runs}, the version environment ${t.name} pins`];
  const wanted = rabbitCapabilities(t.image.rabbitmq) as unknown as Record<string, boolean>;
  const lab = rabbitCapabilities(image.rabbitmq) as unknown as Record<string, boolean>;
  const features = Object.keys(FEATURE_WORDS) as (keyof typeof FEATURE_WORDS)[];
  const notices = [
    `environment ${t.name} pins RabbitMQ ${t.image.rabbitmq}; ${runs} with the user-data rendered for ${t.image.rabbitmq}`,
  ];
  for (const f of features.filter((f) => wanted[f] && !lab[f])) {
    const stand = LAB_ENABLES[f];
    notices.push(
      `RabbitMQ ${t.image.rabbitmq} has ${FEATURE_WORDS[f]}; the lab's ${image.rabbitmq} does not` +
        (stand ? ` by default: ${stand}` : ' (needs a newer RabbitMQ)'),
    );
  }
  for (const f of features.filter((f) => lab[f] && !wanted[f])) {
    notices.push(
      `the lab's RabbitMQ ${image.rabbitmq} has ${FEATURE_WORDS[f]}; ${t.image.rabbitmq} does not, so the lab cannot prove its absence`,
    );
  }
  return notices;
}

/** What the lab must turn on after the cluster forms to stand in for the environment's version. */
export function labFeatureFlags(t: Topology): string[] {
  const image = labImageFor(t.image.rabbitmq);
  const wanted = rabbitCapabilities(t.image.rabbitmq);
  const lab = rabbitCapabilities(image.rabbitmq);
  return wanted.khepriDefault && !lab.khepriDefault && lab.khepriFeatureFlag ? ['khepri_db'] : [];
}

/**
 * The environment schema: the one definition that gives both the TypeScript types users write
 * against and the runtime checks that refuse a bad file. Shape and defaults live here; rules that
 * relate fields to each other (IPs inside subnets, unique names, ...) live in rules.ts.
 *
 * Key names are warren's public interface (docs/design.md "The topology"): users' files depend on them.
 * Every object is strict, so a misspelled key is an error rather than a silently ignored setting.
 */
import { z } from 'zod';
import { UBUNTU_RELEASES } from './capabilities';

const name = z.string().min(1);

const subnet = z.strictObject({
  /** Short name that hosts refer to (`subnet: 'a'`). */
  name,
  /** Availability zone, e.g. `eu-west-1a`. */
  az: z.string().min(1),
  /** The subnet's IPv4 CIDR; must lie inside the VPC CIDR. */
  cidr: z.string(),
  /** Existing subnet id (`subnet-…`), only with `network.vpcId`. */
  id: z.string().optional(),
});

const network = z.strictObject({
  /** CIDR of a new VPC that the stack creates. Give this or `vpcId`. */
  vpcCidr: z.string().optional(),
  /** Id of an existing VPC (`vpc-…`); then every subnet needs its `id`. */
  vpcId: z.string().optional(),
  /**
   * Route tables (`rtb-…`) of an existing VPC that the front door's clients use, only with `vpcId`:
   * an overlay VIP (`frontDoor.vipMode: 'overlay'`) gets its /32 route in each. @default none (a new
   * VPC's own table)
   */
  routeTableIds: z.array(z.string()).optional(),
  subnets: z.array(subnet).min(1),
});

const rabbitNode = z.strictObject({
  /** Hostname and node name (`rabbit@<name>`): a lower-case DNS label. */
  name,
  /** Name of the subnet in `network.subnets`. */
  subnet: name,
  /** Fixed private IP inside that subnet. */
  ip: z.string(),
});

const image = z.strictObject({
  /** Ubuntu LTS release of the AMI. @default '22.04' */
  ubuntu: z.enum(UBUNTU_RELEASES).default('22.04'),
  /** Exact RabbitMQ version. @default '3.13.7' */
  rabbitmq: z.string().default('3.13.7'),
  /** Erlang version. @default derived from the capability table */
  erlang: z.string().optional(),
  /**
   * Pinned .deb files (paths relative to the environment file) for RabbitMQ versions that no
   * repository provides any more, e.g. RabbitMQ 3.6 on 16.04. @default none
   */
  debs: z.array(z.string()).default([]),
  /**
   * Where a stack's AMI ids come from: 'pinned', the ids `warren bake` wrote next to the environment
   * file (`<stem>.images.json`, committed, so every machine deploys the same AMIs); 'latest', an
   * `aws_ami` lookup of this account's newest AMI with the environment's tags at plan time.
   * @default 'pinned'
   */
  amiLookup: z.enum(['pinned', 'latest']).default('pinned'),
  /**
   * KMS key (id, ARN or `alias/…`) that encrypts the baked AMIs' snapshots (Packer `kms_key_id`).
   * Every AMI is encrypted; without a key, with the account's default EBS key (`aws/ebs`), which
   * other accounts cannot be granted. @default the account's default EBS key
   */
  kmsKeyId: z.string().optional(),
  /**
   * More regions the bake copies each AMI to (Packer `ami_regions`), e.g. for a standby region.
   * The copies are encrypted with each region's default EBS key. @default none
   */
  copyToRegions: z.array(z.string()).default([]),
  /**
   * Days after the bake at which AWS marks the AMI deprecated (Packer `deprecate_at`): it then
   * disappears from AMI listings but still launches, so old images age out of sight. @default 730
   */
  deprecateAfterDays: z.number().int().default(730),
});

const rabbitmq = z.strictObject({
  nodes: z.array(rabbitNode).min(1),
  /** @default 't3.medium' */
  instanceType: z.string().default('t3.medium'),
  /** Root volume size (GiB), always encrypted; it holds only the OS. @default 20 */
  volumeGiB: z.number().int().default(20),
  /**
   * Size (GiB) of each node's data volume: its own encrypted gp3 EBS volume, mounted at
   * /var/lib/rabbitmq, that outlives the instance. @default 50
   */
  dataVolumeGiB: z.number().int().default(50),
  /** 'ha-all' mirrors classic queues (RabbitMQ < 4.0); 'quorum' makes quorum the default queue type. @default 'ha-all' before 4.0, 'quorum' from 4.0 */
  replication: z.enum(['ha-all', 'quorum']).optional(),
  /** @default 'pause_minority' */
  partitionHandling: z.enum(['pause_minority', 'autoheal']).default('pause_minority'),
  /** @default ['rabbitmq_management'] */
  plugins: z.array(z.string()).default(['rabbitmq_management']),
  /** LimitNOFILE for the RabbitMQ unit. @default 65536 */
  fileDescriptors: z.number().int().default(65536),
  /** Accept the PROXY protocol on AMQP (RabbitMQ ≥ 3.7); the front door then sends it. @default false */
  proxyProtocol: z.boolean().default(false),
  /**
   * TLS on the nodes (AMQPS 5671, management over HTTPS 15671, metrics over TLS 15691), with
   * certificates from the environment's own CA: 'required' opens no plaintext listener at all,
   * 'optional' keeps 5672/15672 beside them, 'off' serves plaintext only. Needs an Erlang whose TLS
   * RabbitMQ's guide does not warn against (19.3.6.4+, so not 16.04's 18.3).
   * @default 'off': turning TLS on changes what every client must do (port, CA file), so it is asked for
   */
  tls: z.enum(['required', 'optional', 'off']).default('off'),
  /** AMQP heartbeat the server proposes (s); front-door idle timeouts are derived from it. @default 60 */
  heartbeatSeconds: z.number().int().default(60),
  /**
   * Erlang's `net_ticktime` (s): a node that sends nothing for between this and 1.25× this is declared
   * down by its peers, which is when queues it led fail over (ha-all) and pause_minority acts. Shorter
   * fails over sooner after a host or an AZ is lost; too short declares false partitions on a network
   * that merely hiccups (a node is then paused or, with autoheal, restarted). 5 to 600 s.
   * @default 60, Erlang's and RabbitMQ's own: a slow failure detector is never wrong, so shortening it is asked for
   */
  netTickTimeSeconds: z.number().int().default(60),
});

const haproxyHost = z.strictObject({
  name,
  subnet: name,
  ip: z.string(),
  /** VRRP priority; the higher one is the master. @default 200 for the first host, 100 for the second */
  priority: z.number().int().optional(),
});

/**
 * Keep every AMQP connection of one client address on the same node (HAProxy `stick on src`; an NLB's
 * `source_ip` stickiness), so a client's publisher and consumer share the node where its queues live
 * instead of crossing the cluster. Turn off when many clients share one address (NAT): they would all
 * land on one node. @default true
 */
const clientAffinity = z.boolean().default(true);

const keepalivedFrontDoor = z.strictObject({
  kind: z.literal('keepalived'),
  /**
   * The floating IP clients use: with `vipMode: 'secondary-ip'` a free address in the HAProxy hosts'
   * (one) subnet; with 'overlay' an address outside the VPC CIDR and every subnet.
   */
  vip: z.string(),
  /**
   * How the VIP moves between the pair. 'secondary-ip': a secondary private IP reassigned to the
   * master's interface; both hosts in one subnet (one AZ), and it reaches peered VPCs too.
   * 'overlay': an address outside the VPC, routed by a /32 route in the clients' route tables to the
   * master's interface (`ec2:ReplaceRoute` at failover), so the hosts may sit in different AZs and
   * the front door survives the loss of one; reachable inside the VPC and through a Transit Gateway,
   * not through VPC peering. @default 'secondary-ip': an existing file keeps meaning what it meant
   * (its in-subnet VIP is valid only there), and it is the mode that also serves peered VPCs
   */
  vipMode: z.enum(['secondary-ip', 'overlay']).default('secondary-ip'),
  /** VRRP virtual_router_id, 1–255, unique per broadcast domain. @default 51 */
  virtualRouterId: z.number().int().default(51),
  /** HAProxy balance algorithm: how a client's first AMQP connection picks a node. @default 'leastconn' */
  balance: z.enum(['leastconn', 'roundrobin', 'source']).default('leastconn'),
  /** Client affinity: see `clientAffinity` above. @default true */
  clientAffinity,
  /** @default 't3.small' */
  instanceType: z.string().default('t3.small'),
  /**
   * Exactly two HAProxy hosts: in the same subnet with 'secondary-ip' (a secondary private IP cannot
   * cross subnets); in different subnets of different AZs, preferably, with 'overlay'.
   */
  haproxy: z.array(haproxyHost),
});

const nlbFrontDoor = z.strictObject({
  kind: z.literal('nlb'),
  /** An internal NLB is reachable only inside the VPC. @default true */
  internal: z.boolean().default(true),
  /** Client affinity (the AMQP target group's `source_ip` stickiness): see `clientAffinity` above. @default true */
  clientAffinity,
});

const frontDoor = z.discriminatedUnion('kind', [keepalivedFrontDoor, nlbFrontDoor]);

const access = z.strictObject({
  /** Who may use AMQP (5672) through the front door. @default the VPC CIDR (or all subnet CIDRs of an existing VPC) */
  clientCidrs: z.array(z.string()).optional(),
  /** Who may use management (15672), HAProxy stats, SSH, and (with directNodeAccess) reach nodes directly. @default same as clientCidrs' default */
  adminCidrs: z.array(z.string()).optional(),
  /**
   * Open the nodes' AMQP (5672) and management (15672) ports to adminCidrs, past the front door.
   * `warren roll` on AWS needs it (it reads every node's management API). @default false
   */
  directNodeAccess: z.boolean().default(false),
  /** EC2 key pair for SSH; without it no SSH port is opened. @default none */
  sshKeyName: z.string().optional(),
  /** Give instances public IPs. @default false */
  publicIps: z.boolean().default(false),
  /**
   * Shell access through AWS Systems Manager Session Manager (`aws ssm start-session`): the instance
   * roles get the agent's permissions and a new VPC the `ssmmessages`/`ec2messages` endpoints; no
   * port is opened. @default true
   */
  sessionManager: z.boolean().default(true),
});

export const environmentSchema = z.strictObject({
  /** Environment name: lower-case DNS label; the stack id is `warren-<name>`. */
  name,
  /** AWS region, e.g. `eu-west-1`. */
  region: z.string().min(1),
  image: image.prefault({}),
  network,
  rabbitmq,
  frontDoor,
  access: access.prefault({}),
  /** Extra tags for every AWS resource. @default {} */
  tags: z.record(z.string(), z.string()).default({}),
});

/** What users write: only `name`, `region`, `network`, `rabbitmq.nodes` and `frontDoor` are required. */
export type EnvironmentInput = z.input<typeof environmentSchema>;
/** The file after shape checks and static defaults, before derived defaults (see resolve.ts). */
export type ParsedEnvironment = z.output<typeof environmentSchema>;
export type SubnetSpec = z.output<typeof subnet>;
export type RabbitNodeSpec = z.output<typeof rabbitNode>;
export type HaproxyHostSpec = z.output<typeof haproxyHost>;
export type KeepalivedFrontDoorSpec = z.output<typeof keepalivedFrontDoor>;
export type NlbFrontDoorSpec = z.output<typeof nlbFrontDoor>;

/**
 * Versions are capabilities: one table, as data, of what each Ubuntu release and RabbitMQ version
 * provides. Renderers, scripts and validation ask this module; none of them compares version
 * strings. See DESIGN.md "Versions are capabilities".
 */
import { inRange, parseVersion } from './versions';

export const UBUNTU_RELEASES = ['16.04', '20.04', '22.04', '24.04'] as const;
export type UbuntuRelease = (typeof UBUNTU_RELEASES)[number];

/** Where the RabbitMQ and Erlang packages of an image come from. */
export type PackageSource =
  /** Ubuntu's own archive (16.04 ships RabbitMQ 3.5.7 on Erlang 18). */
  | 'ubuntu-archive'
  /** .deb files the user supplies and pins (image.debs); the old third-party xenial repos are gone. */
  | 'pinned-debs'
  /** Team RabbitMQ's apt repositories for RabbitMQ and Erlang (20.04 and later). */
  | 'team-rabbitmq'
  /** Debian's archive: only the lab image (Debian 12), never an AMI. */
  | 'debian-archive';

/** What an operating system release ships that warren depends on. */
export interface OsProfile {
  readonly id: string;
  readonly distribution: 'ubuntu' | 'debian';
  readonly codename: string;
  /** HAProxy and keepalived as packaged by the release (major.minor). */
  readonly haproxy: string;
  readonly keepalived: string;
  /** The Ubuntu AMI name filter for Canonical's images (owner 099720109477). */
  readonly amiNameFilter?: string;
}

export const OS_PROFILES: Readonly<Record<UbuntuRelease | 'debian-12', OsProfile>> = {
  '16.04': {
    id: '16.04',
    distribution: 'ubuntu',
    codename: 'xenial',
    haproxy: '1.6',
    keepalived: '1.2',
    amiNameFilter: 'ubuntu/images/hvm-ssd/ubuntu-xenial-16.04-amd64-server-*',
  },
  '20.04': {
    id: '20.04',
    distribution: 'ubuntu',
    codename: 'focal',
    haproxy: '2.0',
    keepalived: '2.0',
    amiNameFilter: 'ubuntu/images/hvm-ssd/ubuntu-focal-20.04-amd64-server-*',
  },
  '22.04': {
    id: '22.04',
    distribution: 'ubuntu',
    codename: 'jammy',
    haproxy: '2.4',
    keepalived: '2.2',
    amiNameFilter: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*',
  },
  '24.04': {
    id: '24.04',
    distribution: 'ubuntu',
    codename: 'noble',
    haproxy: '2.8',
    keepalived: '2.2',
    amiNameFilter: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*',
  },
  /** The lab image: Debian 12 with Debian's RabbitMQ 3.10, HAProxy 2.6 and keepalived 2.2. */
  'debian-12': {
    id: 'debian-12',
    distribution: 'debian',
    codename: 'bookworm',
    haproxy: '2.6',
    keepalived: '2.2',
  },
};

/**
 * One row per supported way of getting RabbitMQ onto a release. `rabbitmq` is an exact version or,
 * with `rabbitmqSince`/`rabbitmqUntil`, a range; the versions pinned in the bake are `packages`.
 */
export interface PackageRow {
  readonly os: UbuntuRelease | 'debian-12';
  readonly source: PackageSource;
  readonly rabbitmqSince: string;
  readonly rabbitmqUntil?: string;
  /** Erlang major that goes with it; the user may override with image.erlang where the source allows. */
  readonly erlang: string;
  /** Exact apt versions for the archive sources; for repository sources a template filled per version. */
  readonly packages?: { readonly rabbitmq: string; readonly erlang: string };
  readonly note: string;
}

export const PACKAGE_ROWS: readonly PackageRow[] = [
  {
    os: '16.04',
    source: 'ubuntu-archive',
    rabbitmqSince: '3.5.7',
    rabbitmqUntil: '3.5.8',
    erlang: '18.3',
    packages: { rabbitmq: '3.5.7-1ubuntu0.16.04.2', erlang: '1:18.3-dfsg-1ubuntu3.1' },
    note: "Ubuntu 16.04's own archive",
  },
  {
    os: '16.04',
    source: 'pinned-debs',
    rabbitmqSince: '3.6.0',
    rabbitmqUntil: '3.9.0',
    erlang: 'from image.debs',
    note: 'pinned .deb files you supply in image.debs (the old xenial repositories are gone)',
  },
  {
    os: '20.04',
    source: 'team-rabbitmq',
    rabbitmqSince: '3.13.0',
    rabbitmqUntil: '4.2.0',
    erlang: '26.2',
    note: "Team RabbitMQ's apt repositories",
  },
  {
    os: '22.04',
    source: 'team-rabbitmq',
    rabbitmqSince: '3.13.0',
    rabbitmqUntil: '4.2.0',
    erlang: '26.2',
    note: "Team RabbitMQ's apt repositories",
  },
  {
    os: '24.04',
    source: 'team-rabbitmq',
    rabbitmqSince: '3.13.0',
    rabbitmqUntil: '4.2.0',
    erlang: '26.2',
    note: "Team RabbitMQ's apt repositories",
  },
  {
    os: 'debian-12',
    source: 'debian-archive',
    rabbitmqSince: '3.10.8',
    rabbitmqUntil: '3.10.9',
    erlang: '25.2',
    note: "Debian 12's archive (lab image only)",
  },
];

/** The RabbitMQ that the lab image actually runs (Debian 12's package). */
export const LAB_RABBITMQ_VERSION = '3.10.8';

/** A RabbitMQ feature and the versions that have it: `[since, until)`. */
export interface FeatureRow {
  readonly since?: string;
  readonly until?: string;
}

const RABBITMQ_FEATURES = {
  /** `rabbitmq.conf` (sysctl/ini format) instead of only the classic Erlang-term `rabbitmq.config`. */
  iniConfig: { since: '3.7.0' },
  /** Peer discovery with `cluster_formation.classic_config.nodes`; before it, `cluster_nodes` in rabbitmq.config. */
  classicConfigPeerDiscovery: { since: '3.7.0' },
  /** `proxy_protocol = true` on the AMQP listener. */
  proxyProtocol: { since: '3.7.0' },
  /** Classic queue mirroring (`ha-mode` policies); removed in 4.0. */
  classicMirroring: { until: '4.0.0' },
  /** Quorum queues and `default_queue_type`. */
  quorumQueues: { since: '3.8.0' },
  /** `rabbitmq-diagnostics` and `rabbitmqctl await_startup`. */
  diagnosticsCli: { since: '3.7.0' },
  /** `--formatter json` on rabbitmqctl/rabbitmq-diagnostics. */
  jsonFormatter: { since: '3.8.0' },
  /** `rabbitmqctl wait --pid`/`--timeout` and `await_startup`. */
  awaitStartup: { since: '3.7.0' },
  /** RabbitMQ 3.10 (and earlier) crash on a PROXY LOCAL header; fixed in 3.11. */
  proxyLocalHeaderSafe: { since: '3.11.0' },
  /** Feature flags must all be enabled before an upgrade; `rabbitmqctl enable_feature_flag all`. */
  featureFlags: { since: '3.8.0' },
} as const satisfies Record<string, FeatureRow>;

export type RabbitFeature = keyof typeof RABBITMQ_FEATURES;

/** What one RabbitMQ version can do, as booleans, for renderers and scripts to ask. */
export type RabbitCapabilities = { readonly version: string } & { readonly [F in RabbitFeature]: boolean };

export function rabbitCapabilities(version: string): RabbitCapabilities {
  const parsed = parseVersion(version);
  if (!parsed) throw new Error(`not a RabbitMQ version: ${version}`);
  const entries = Object.entries(RABBITMQ_FEATURES).map(([name, row]) => {
    const r: FeatureRow = row;
    return [name, inRange(parsed, r.since, r.until)];
  });
  return { version, ...Object.fromEntries(entries) } as RabbitCapabilities;
}

/** Finds the package row that provides `rabbitmq` on `os`, or undefined when nothing does. */
export function packageRowFor(os: UbuntuRelease | 'debian-12', rabbitmq: string): PackageRow | undefined {
  const parsed = parseVersion(rabbitmq);
  if (!parsed) return undefined;
  return PACKAGE_ROWS.find((row) => row.os === os && inRange(parsed, row.rabbitmqSince, row.rabbitmqUntil));
}

/** Human-readable list of what a release supports, for error messages. */
export function describeSupport(os: UbuntuRelease): string {
  return PACKAGE_ROWS.filter((row) => row.os === os)
    .map(
      (row) =>
        `${row.rabbitmqSince}${row.rabbitmqUntil ? ` up to (not incl.) ${row.rabbitmqUntil}` : '+'} via ${row.note}`,
    )
    .join('; ');
}

// ---------------------------------------------------------------------------------------------
// Dialects: the concrete forms (CLI commands, config directives) each version accepts. Renderers
// write these facts into /etc/warren/warren.env so the boot scripts branch on a fact
// ("WARREN_RABBITMQ_QUERY=json"), never on a version number.

/** How the boot scripts ask RabbitMQ about itself and its cluster. */
export interface RabbitCliDialect {
  /** `rabbitmq.config` (Erlang terms) or `rabbitmq.conf` (sysctl format). */
  readonly configFormat: 'classic' | 'ini';
  /**
   * How a blank node joins at start: `cluster_nodes` (rabbitmq.config auto-clustering, before 3.7) or
   * `classic_config` peer discovery. Either way the boot script reconciles with `join_cluster`.
   */
  readonly clusterFormation: 'cluster_nodes' | 'classic_config';
  /**
   * How to read cluster members and the cluster name: `eval` (`rabbitmqctl eval` of
   * `rabbit_mnesia:cluster_nodes/1`, the only machine-readable form 3.5.7 has, and still valid on 3.x)
   * or `json` (`rabbitmqctl cluster_status --formatter json`, 3.8+).
   */
  readonly query: 'eval' | 'json';
  /** Is the app running: `eval` (`rabbit:is_running()`) or `diagnostics` (`rabbitmq-diagnostics check_running`). */
  readonly runningCheck: 'eval' | 'diagnostics';
  /**
   * How quorum mode makes quorum the default queue type of `/`: `update-vhost-metadata` (3.11+) or
   * `none` (older CLIs cannot change an existing vhost's default; clients must declare x-queue-type).
   */
  readonly defaultQueueType: 'update-vhost-metadata' | 'none';
  /** 3.5.7's rabbitmqctl wants options (`--apply-to`) before positional arguments; later ones take both. */
  readonly optionsBeforeArguments: true;
}

export function rabbitCliDialect(version: string): RabbitCliDialect {
  const caps = rabbitCapabilities(version);
  const parsed = parseVersion(version) as VersionTripleLike;
  return {
    configFormat: caps.iniConfig ? 'ini' : 'classic',
    clusterFormation: caps.classicConfigPeerDiscovery ? 'classic_config' : 'cluster_nodes',
    query: caps.jsonFormatter ? 'json' : 'eval',
    runningCheck: caps.jsonFormatter ? 'diagnostics' : 'eval',
    defaultQueueType: inRange(parsed, '3.11.0') ? 'update-vhost-metadata' : 'none',
    optionsBeforeArguments: true,
  };
}
type VersionTripleLike = Parameters<typeof inRange>[0];

/** What a HAProxy release accepts that warren's haproxy.cfg relies on or avoids. */
export interface HaproxyDialect {
  readonly version: string;
  /** `"${VAR}"` expansion in quoted config words (1.6+): the stats password comes from the environment. */
  readonly envVarsInQuotes: boolean;
  /** `stats socket … expose-fd listeners` for seamless reloads (1.8+). */
  readonly exposeFdListeners: boolean;
  /** `http-check send` (2.2+); older ones only `option httpchk METHOD URI` (still accepted later). */
  readonly httpCheckSend: boolean;
  /** `send-proxy-v2` on servers (1.5+); a check with its own `port` never sends the PROXY header. */
  readonly sendProxyV2: boolean;
}

const HAPROXY_FEATURES = {
  envVarsInQuotes: { since: '1.6.0' },
  exposeFdListeners: { since: '1.8.0' },
  httpCheckSend: { since: '2.2.0' },
  sendProxyV2: { since: '1.5.0' },
} as const satisfies Record<string, FeatureRow>;

export function haproxyDialect(version: string): HaproxyDialect {
  const parsed = parseVersion(version);
  if (!parsed) throw new Error(`not a HAProxy version: ${version}`);
  const f = (k: keyof typeof HAPROXY_FEATURES) => {
    const r: FeatureRow = HAPROXY_FEATURES[k];
    return inRange(parsed, r.since, r.until);
  };
  return {
    version,
    envVarsInQuotes: f('envVarsInQuotes'),
    exposeFdListeners: f('exposeFdListeners'),
    httpCheckSend: f('httpCheckSend'),
    sendProxyV2: f('sendProxyV2'),
  };
}

/** What a keepalived release accepts that warren's keepalived.conf relies on or avoids. */
export interface KeepalivedDialect {
  readonly version: string;
  /** `unicast_src_ip` / `unicast_peer` (1.2.8+): AWS carries no multicast. */
  readonly unicast: boolean;
  /** `script_user` and `enable_script_security` in global_defs (1.3.0+); 1.2 rejects them. */
  readonly scriptSecurity: boolean;
  /** `include FILE` anywhere in the configuration (all supported releases). */
  readonly include: boolean;
}

const KEEPALIVED_FEATURES = {
  unicast: { since: '1.2.8' },
  scriptSecurity: { since: '1.3.0' },
  include: { since: '1.1.0' },
} as const satisfies Record<string, FeatureRow>;

export function keepalivedDialect(version: string): KeepalivedDialect {
  const parsed = parseVersion(version);
  if (!parsed) throw new Error(`not a keepalived version: ${version}`);
  const f = (k: keyof typeof KEEPALIVED_FEATURES) => {
    const r: FeatureRow = KEEPALIVED_FEATURES[k];
    return inRange(parsed, r.since, r.until);
  };
  return { version, unicast: f('unicast'), scriptSecurity: f('scriptSecurity'), include: f('include') };
}

/**
 * HAProxy and keepalived as each release packages them, with the patch level where the dialect
 * depends on it (keepalived's unicast VRRP arrived in 1.2.8; xenial ships 1.2.24). OS_PROFILES keeps
 * major.minor because the image pins match on it.
 */
export const FRONT_DOOR_PACKAGES: Readonly<
  Record<UbuntuRelease | 'debian-12', { readonly haproxy: string; readonly keepalived: string }>
> = {
  '16.04': { haproxy: '1.6.3', keepalived: '1.2.24' },
  '20.04': { haproxy: '2.0.13', keepalived: '2.0.19' },
  '22.04': { haproxy: '2.4.24', keepalived: '2.2.4' },
  '24.04': { haproxy: '2.8.5', keepalived: '2.2.8' },
  'debian-12': { haproxy: '2.6.12', keepalived: '2.2.7' },
};

/** The RabbitMQ versions whose dialects warren claims to support (unit tests check each). */
export const SUPPORTED_RABBITMQ_PROFILES = ['3.5.7', '3.10.8', '3.13.7', '4.1.4'] as const;

// ---------------------------------------------------------------------------------------------
// Version profiles of the commands and directives warren emits: `[since, until)` per entry. Unit
// tests check every rabbitmqctl command in the boot scripts and every directive in the rendered
// configurations against the profile of each version warren claims to support.

/** rabbitmqctl (and rabbitmq-diagnostics) commands the boot scripts use. */
export const RABBITMQ_CLI_COMMANDS = {
  eval: { since: '2.0.0' },
  stop_app: { since: '2.0.0' },
  start_app: { since: '2.0.0' },
  reset: { since: '2.0.0' },
  join_cluster: { since: '3.0.0' },
  forget_cluster_node: { since: '3.0.0' },
  set_cluster_name: { since: '3.3.0' },
  cluster_status: { since: '2.0.0' },
  list_users: { since: '2.0.0' },
  add_user: { since: '2.0.0' },
  set_user_tags: { since: '2.4.0' },
  set_permissions: { since: '2.0.0' },
  list_policies: { since: '3.0.0' },
  set_policy: { since: '3.0.0' },
  list_vhosts: { since: '2.0.0' },
  update_vhost_metadata: { since: '3.11.0' },
  /** `help COMMAND`: asks whether the installed CLI knows a command (the lab runs newer profiles on 3.10). */
  help: { since: '3.7.0' },
  /** rabbitmq-diagnostics check_running. */
  check_running: { since: '3.8.0' },
  /** rabbitmq-queues grow NODE all: add a (replacement) node to the quorum queues that lack it. */
  grow: { since: '3.8.0' },
} as const satisfies Record<string, FeatureRow>;

/** rabbitmqctl options the scripts use. */
export const RABBITMQ_CLI_OPTIONS = {
  '-q': { since: '2.0.0' },
  '-n': { since: '2.0.0' },
  '-p': { since: '2.0.0' },
  '--apply-to': { since: '3.2.0' },
  '--formatter': { since: '3.8.0' },
  '--default-queue-type': { since: '3.11.0' },
} as const satisfies Record<string, FeatureRow>;

/** Erlang functions the `eval` dialect calls (they must exist wherever that dialect is chosen). */
export const RABBITMQ_EVAL_FUNCTIONS = {
  'rabbit:is_running/0': { since: '2.0.0' },
  'rabbit_mnesia:cluster_nodes/1': { since: '3.0.0', until: '4.0.0' },
  'rabbit_nodes:cluster_name/0': { since: '3.3.0' },
} as const satisfies Record<string, FeatureRow>;

/** HAProxy keywords (section keyword, or `section:option NAME`/`server:NAME`) in warren's haproxy.cfg. */
export const HAPROXY_KEYWORDS = {
  global: { since: '1.0.0' },
  defaults: { since: '1.0.0' },
  frontend: { since: '1.3.0' },
  backend: { since: '1.3.0' },
  listen: { since: '1.0.0' },
  log: { since: '1.0.0' },
  chroot: { since: '1.0.0' },
  'stats socket': { since: '1.3.0' },
  'stats timeout': { since: '1.3.0' },
  'stats enable': { since: '1.3.0' },
  'stats uri': { since: '1.3.0' },
  'stats refresh': { since: '1.3.0' },
  'stats realm': { since: '1.3.0' },
  'stats auth': { since: '1.3.0' },
  user: { since: '1.0.0' },
  group: { since: '1.0.0' },
  maxconn: { since: '1.0.0' },
  mode: { since: '1.0.0' },
  'option tcplog': { since: '1.1.0' },
  'option dontlognull': { since: '1.1.0' },
  'option clitcpka': { since: '1.3.0' },
  'option srvtcpka': { since: '1.3.0' },
  'timeout connect': { since: '1.3.0' },
  'timeout client': { since: '1.3.0' },
  'timeout server': { since: '1.3.0' },
  'timeout check': { since: '1.3.0' },
  'default-server': { since: '1.4.0' },
  bind: { since: '1.3.0' },
  default_backend: { since: '1.3.0' },
  balance: { since: '1.0.0' },
  'balance leastconn': { since: '1.3.0' },
  /** Client affinity: `stick-table type ip …` and `stick on src` (stickiness on the source address). */
  'stick-table': { since: '1.4.0' },
  'stick on': { since: '1.4.0' },
  server: { since: '1.0.0' },
  'server:check': { since: '1.0.0' },
  'server:port': { since: '1.0.0' },
  'server:send-proxy-v2': { since: '1.5.0' },
  'server:inter': { since: '1.0.0' },
  'server:fall': { since: '1.0.0' },
  'server:rise': { since: '1.0.0' },
  'stats socket:expose-fd': { since: '1.8.0' },
  /** `"${VAR}"` in a quoted word. */
  'env-var-in-quotes': { since: '1.6.0' },
} as const satisfies Record<string, FeatureRow>;

/** keepalived keywords in warren's keepalived.conf. `ignoredBefore`: older releases skip it harmlessly. */
export const KEEPALIVED_KEYWORDS: Readonly<
  Record<string, FeatureRow & { readonly skippedBefore?: boolean }>
> = {
  global_defs: { since: '1.0.0' },
  router_id: { since: '1.0.0' },
  script_user: { since: '1.3.0', skippedBefore: true },
  enable_script_security: { since: '1.3.0', skippedBefore: true },
  vrrp_script: { since: '1.1.0' },
  script: { since: '1.1.0' },
  interval: { since: '1.1.0' },
  timeout: { since: '1.2.0' },
  fall: { since: '1.2.0' },
  rise: { since: '1.2.0' },
  vrrp_instance: { since: '1.0.0' },
  state: { since: '1.0.0' },
  include: { since: '1.1.0' },
  interface: { since: '1.0.0' },
  authentication: { since: '1.0.0' },
  auth_type: { since: '1.0.0' },
  auth_pass: { since: '1.0.0' },
  virtual_router_id: { since: '1.0.0' },
  priority: { since: '1.0.0' },
  advert_int: { since: '1.0.0' },
  unicast_src_ip: { since: '1.2.8' },
  unicast_peer: { since: '1.2.8' },
  virtual_ipaddress: { since: '1.0.0' },
  track_script: { since: '1.1.0' },
  notify_master: { since: '1.0.0' },
  notify_backup: { since: '1.0.0' },
  notify_fault: { since: '1.0.0' },
};

/** True when `version` has the entry `[since, until)` of one of the profile tables above. */
export function versionHas(version: string, row: FeatureRow): boolean {
  const parsed = parseVersion(version);
  if (!parsed) throw new Error(`not a version: ${version}`);
  return inRange(parsed, row.since, row.until);
}

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
interface FeatureRow {
  readonly since?: string;
  readonly until?: string;
}

const RABBITMQ_FEATURES = {
  /** `rabbitmq.conf` (sysctl/ini format) instead of only the classic Erlang-term `rabbitmq.config`. */
  iniConfig: { since: '3.7.0' },
  /** Peer discovery with `cluster_formation.classic_config.nodes`; before it, `rabbitmqctl join_cluster`. */
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
  /** `join_cluster` by the boot script, or `classic_config` peer discovery (the script still reconciles). */
  readonly clusterFormation: 'join_cluster' | 'classic_config';
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
    clusterFormation: caps.classicConfigPeerDiscovery ? 'classic_config' : 'join_cluster',
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

/** The RabbitMQ versions whose dialects warren claims to support (unit tests check each). */
export const SUPPORTED_RABBITMQ_PROFILES = ['3.5.7', '3.10.8', '3.13.7', '4.1.4'] as const;

/**
 * /etc/warren/warren.env: what the boot scripts need to know about this host, its peers and the
 * dialects of its versions. The renderer asks the capability table and writes the answers as facts
 * (`WARREN_RABBITMQ_QUERY=json`), so no script ever compares version strings.
 */
import {
  ADMIN_USERNAME,
  hostNamed,
  keepalivedDialect,
  FRONT_DOOR_PACKAGES,
  PORTS,
  rabbitCliDialect,
  rabbitNodeName,
  STATS_USERNAME,
  type Topology,
} from '../topology';
import { markerComment } from './marker';
import { HAPROXY_ENV_FILE, KEEPALIVED_RUNTIME_FILE, STATS_PASSWORD_VAR, WARREN_ENV_FILE } from './paths';
import type { RenderedFile } from './rendered-file';
import { HAPROXY_TLS, RABBITMQ_TLS } from './tls-files';

/** The `ha-all` policy definition (docs/design.md "Cluster formation"). */
export const HA_ALL_POLICY = '{"ha-mode":"all","ha-sync-mode":"automatic"}';

/** Name of the cluster once formed; a node that carries it has settled (see warren-rabbitmq-boot). */
export function clusterName(t: Topology): string {
  return `warren-${t.name}`;
}

export function warrenEnvVars(t: Topology, hostName: string): Record<string, string> {
  const host = hostNamed(t, hostName);
  const common: Record<string, string> = {
    WARREN_ENV: t.name,
    WARREN_HOST: host.name,
    WARREN_ROLE: host.role,
    WARREN_HOST_IP: host.ip,
  };
  // rabbitmq.tls: warren-install-tls fetches the host's certificate and key; absent means 'off'.
  const tls = (files: Record<string, string>): Record<string, string> =>
    t.rabbitmq.tls === 'off' ? {} : { WARREN_TLS: t.rabbitmq.tls, ...files };
  if (host.role === 'rabbitmq') {
    const d = rabbitCliDialect(t.image.rabbitmq);
    return {
      ...common,
      WARREN_RABBITMQ_VERSION: t.image.rabbitmq,
      WARREN_NODE: rabbitNodeName(host.name),
      WARREN_NODES: t.rabbitmq.nodes.map((n) => rabbitNodeName(n.name)).join(' '),
      WARREN_CLUSTER_NAME: clusterName(t),
      WARREN_CLUSTER_FORMATION: d.clusterFormation,
      WARREN_RABBITMQ_QUERY: d.query,
      WARREN_RABBITMQ_RUNNING_CHECK: d.runningCheck,
      WARREN_DEFAULT_QUEUE_TYPE_CLI: d.defaultQueueType,
      WARREN_BLANK_START: d.blankStart,
      WARREN_REPLICATION: t.rabbitmq.replication,
      WARREN_HA_POLICY: HA_ALL_POLICY,
      WARREN_ADMIN_USER: ADMIN_USERNAME,
      WARREN_AMQP_PORT: String(PORTS.amqp),
      ...tls({
        WARREN_TLS_DIR: RABBITMQ_TLS.dir,
        WARREN_TLS_CA: RABBITMQ_TLS.ca,
        WARREN_TLS_CERT: RABBITMQ_TLS.cert,
        WARREN_TLS_KEY: RABBITMQ_TLS.key,
      }),
      // Bounded waits (seconds): the data volume to appear (an EBS attachment may come after boot),
      // local start (3.x waits up to 5 min for peers after an unclean stop), then cluster formation
      // while peers boot in any order. Which device the data volume is: platform.env.
      WARREN_DATA_VOLUME_TIMEOUT: '300',
      WARREN_START_TIMEOUT: '660',
      WARREN_FORM_TIMEOUT: '600',
    };
  }
  if (t.frontDoor.kind !== 'keepalived')
    throw new Error(`host ${hostName} is a HAProxy host without keepalived`);
  const os = FRONT_DOOR_PACKAGES[t.image.ubuntu];
  const kd = keepalivedDialect(os.keepalived);
  const subnet = t.network.subnets.find((s) => s.name === host.subnet);
  return {
    ...common,
    WARREN_HAPROXY_VERSION: os.haproxy,
    WARREN_KEEPALIVED_VERSION: kd.version,
    WARREN_VIP: t.frontDoor.vip,
    // How the VIP moves (warren-vip-notify); an overlay VIP belongs to no subnet, so it is a /32.
    WARREN_VIP_MODE: t.frontDoor.vipMode,
    WARREN_VIP_PREFIX: subnet && t.frontDoor.vipMode === 'secondary-ip' ? subnet.cidr.split('/')[1]! : '32',
    WARREN_STATS_USER: STATS_USERNAME,
    WARREN_STATS_PORT: String(PORTS.haproxyStats),
    WARREN_STATS_PASSWORD_VAR: STATS_PASSWORD_VAR,
    WARREN_HAPROXY_ENV_FILE: HAPROXY_ENV_FILE,
    WARREN_KEEPALIVED_RUNTIME_FILE: KEEPALIVED_RUNTIME_FILE,
    ...tls({
      WARREN_TLS_DIR: HAPROXY_TLS.dir,
      WARREN_TLS_CA: HAPROXY_TLS.ca,
      WARREN_TLS_PEM: HAPROXY_TLS.pem,
    }),
    WARREN_START_TIMEOUT: '120',
  };
}

/** Shell-safe single-quoted value (the env files are sourced by bash). */
export function shellQuote(v: string): string {
  return /^[A-Za-z0-9_./:@,+-]*$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

export function renderWarrenEnv(t: Topology, hostName: string): RenderedFile {
  const vars = warrenEnvVars(t, hostName);
  return {
    path: WARREN_ENV_FILE,
    owner: 'root:root',
    permissions: '0644',
    content:
      markerComment(t, '#', [
        `Facts for the boot scripts on ${hostName}; no secrets (they come from warren-secret).`,
      ]) +
      Object.entries(vars)
        .map(([k, v]) => `${k}=${shellQuote(v)}`)
        .join('\n') +
      '\n',
  };
}

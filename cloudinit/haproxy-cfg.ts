/**
 * haproxy.cfg: TCP frontends for AMQP and management in front of every RabbitMQ node.
 *
 * - Health checks carry their own `port`, so they never send the PROXY header even when the servers
 *   get `send-proxy-v2` (RabbitMQ 3.10 and older crash on the PROXY LOCAL header of a check).
 * - Idle timeouts are three times the AMQP heartbeat: a quiet but healthy connection is never cut.
 * - The stats page password is expanded from the environment (`"${WARREN_STATS_PASSWORD}"`), which a
 *   systemd drop-in loads from a root-only file written at boot: the value is not in the user-data.
 *
 * - With the stats page, HAProxy 2.0+ also serves Prometheus metrics on PORTS.haproxyMetrics.
 *
 * The NLB stand-in of the lab uses the same renderer without the stats page and its secret.
 */
import { haproxyDialect, listenerPorts, PORTS, STATS_USERNAME, type Topology } from '../topology';
import { markerComment } from './marker';
import { HAPROXY_ENV_FILE, STATS_PASSWORD_VAR } from './paths';
import type { RenderedFile } from './rendered-file';
import { HAPROXY_TLS } from './tls-files';

export const HAPROXY_CFG_PATH = '/etc/haproxy/haproxy.cfg';
export const HAPROXY_DROPIN_PATH = '/etc/systemd/system/haproxy.service.d/warren-env.conf';

export interface HaproxyCfgOptions {
  /** HAProxy version whose dialect to write (major.minor). */
  readonly haproxyVersion: string;
  /** Serve the stats page on PORTS.haproxyStats behind the generated password. */
  readonly stats: boolean;
  /** Send PROXY v2 to the nodes (the environment's `proxyProtocol`). */
  readonly sendProxy: boolean;
  /** Balance algorithm. */
  readonly balance: string;
  /** Keep a client address's AMQP connections on one node (`stick on src`). */
  readonly clientAffinity: boolean;
  /** Why this HAProxy exists, for the header. */
  readonly purpose: string;
}

export function renderHaproxyCfg(t: Topology, o: HaproxyCfgOptions): RenderedFile {
  const d = haproxyDialect(o.haproxyVersion);
  const idle = t.rabbitmq.heartbeatSeconds * 3;
  const servers = (port: number, proxy: boolean) =>
    t.rabbitmq.nodes
      .map((n) => `    server ${n.name} ${n.ip}:${port} check port ${port}${proxy ? ' send-proxy-v2' : ''}`)
      .join('\n');
  const sections = [
    markerComment(t, '#', [`${o.purpose}. HAProxy ${d.version} dialect.`]).trimEnd(),
    `global
    log /dev/log local0
    log /dev/log local1 notice
    chroot /var/lib/haproxy
    stats socket /run/haproxy/admin.sock mode 660 level admin${d.exposeFdListeners ? ' expose-fd listeners' : ''}
    stats timeout 30s
    user haproxy
    group haproxy
    # HAProxy needs about 2 descriptors per connection: 8000 fits the 20000-descriptor hard limit
    # some hosts impose (the lab's among them) as well as the drop-in's LimitNOFILE.
    maxconn 8000`,
    `defaults
    log global
    mode tcp
    option tcplog
    option dontlognull
    # TCP keepalives towards clients and nodes keep idle AMQP connections open through NAT and firewalls.
    option clitcpka
    option srvtcpka
    timeout connect 5s
    # More than twice the AMQP heartbeat (${t.rabbitmq.heartbeatSeconds} s), so heartbeats, not HAProxy, detect dead peers.
    timeout client ${idle}s
    timeout server ${idle}s
    timeout check 2s
    # A node is out after 2 failed checks 1 s apart, back after 2 good ones.
    default-server inter 1s fall 2 rise 2`,
    ...clientSections(t, o, servers),
  ];
  if (o.stats) {
    if (!d.envVarsInQuotes)
      throw new Error(`HAProxy ${d.version} cannot read the stats password from the environment`);
    // With TLS on the nodes the stats page (it carries a password) is HTTPS too, with this host's
    // certificate from the environment's CA (written at boot by warren-install-tls).
    const statsBind =
      t.rabbitmq.tls === 'off'
        ? `:${PORTS.haproxyStats}`
        : `:${PORTS.haproxyStats} ssl crt ${HAPROXY_TLS.pem}`;
    sections.push(`listen stats
    bind ${statsBind}
    mode http
    stats enable
    stats uri /
    stats refresh 10s
    stats realm warren
    # The password comes from ${HAPROXY_ENV_FILE} (root-only, written at boot from the secret).
    stats auth ${STATS_USERNAME}:"\${${STATS_PASSWORD_VAR}}"`);
    // Metrics go with the stats page (both are the operator's view of this HAProxy); like
    // node_exporter and rabbitmq_prometheus the endpoint has no password: only adminCidrs reach it.
    if (d.prometheusExporter)
      sections.push(`frontend metrics
    bind :${PORTS.haproxyMetrics}
    mode http
    http-request use-service prometheus-exporter if { path /metrics }`);
  }
  return {
    path: HAPROXY_CFG_PATH,
    owner: 'root:root',
    permissions: '0644',
    content: sections.join('\n\n') + '\n',
  };
}

/**
 * The TCP frontends and backends of the client ports the nodes listen on (`rabbitmq.tls`). TLS
 * passes through untouched (TCP mode), so clients verify the nodes' own certificates end to end.
 */
function clientSections(
  t: Topology,
  o: HaproxyCfgOptions,
  servers: (port: number, proxy: boolean) => string,
): string[] {
  const ports = listenerPorts(t.rabbitmq.tls);
  const out: string[] = [];
  for (const port of ports.amqp) {
    const [front, back] = port === PORTS.amqp ? ['amqp', 'rabbitmq-amqp'] : ['amqps', 'rabbitmq-amqps'];
    out.push(
      `frontend ${front}
    bind :${port}
    default_backend ${back}`,
      `backend ${back}
    balance ${o.balance}${
      o.clientAffinity
        ? `
    # Client affinity: a client address's connections (publisher and consumer) go to the node its first
    # one went to, where its queues live, instead of crossing the cluster; a node that is down is
    # skipped and the entry moves. The table is per HAProxy: after a VIP move affinity starts afresh.
    stick-table type ip size 100k expire 1h
    stick on src`
        : ''
    }
    # "check port" sends checks without the PROXY header${o.sendProxy ? '; client connections get send-proxy-v2' : ''}.
${servers(port, o.sendProxy)}`,
    );
  }
  for (const port of ports.management) {
    const [front, back] =
      port === PORTS.management
        ? ['management', 'rabbitmq-management']
        : ['management-tls', 'rabbitmq-management-tls'];
    out.push(
      `frontend ${front}
    bind :${port}
    default_backend ${back}`,
      `backend ${back}
    balance ${o.balance}
${servers(port, false)}`,
    );
  }
  return out;
}

/** Loads the stats password into HAProxy's environment (a drop-in; the packaged unit stays untouched). */
export function renderHaproxyDropin(t: Topology): RenderedFile {
  return {
    path: HAPROXY_DROPIN_PATH,
    owner: 'root:root',
    permissions: '0644',
    content:
      markerComment(t, '#', [
        'The stats password, written at boot by warren-haproxy-boot; required, so a missing file fails loudly.',
        "Debian's unit sets no LimitNOFILE, and the soft default of 1024 is below what maxconn needs.",
      ]) + `[Service]\nEnvironmentFile=${HAPROXY_ENV_FILE}\nLimitNOFILE=65536\n`,
  };
}

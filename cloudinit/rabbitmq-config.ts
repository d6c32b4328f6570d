/**
 * RabbitMQ's main configuration, in the format its version reads (capability `iniConfig`):
 * classic Erlang terms in `/etc/rabbitmq/rabbitmq.config` before 3.7, `/etc/rabbitmq/rabbitmq.conf`
 * from 3.7. Both say the same things: listeners, partition handling, heartbeat, loopback-only guest,
 * management port, cluster formation, the inter-node tick time and (3.7+) the PROXY protocol.
 *
 * Both forms are also accepted by the lab's RabbitMQ 3.10, which boots the 3.5.7 and 4.1 profiles.
 * Deliberately absent: `default_queue_type` (not known to 3.10's schema, which refuses unknown keys;
 * quorum mode sets it per vhost at boot instead) and the deprecated randomized startup delay keys.
 */
import {
  listenerPorts,
  PORTS,
  rabbitCapabilities,
  rabbitCliDialect,
  rabbitNodeName,
  tlsSupport,
  type Topology,
} from '../topology';
import { markerComment } from './marker';
import { enabledPluginsOf } from './rabbitmq-files';
import type { RenderedFile } from './rendered-file';
import { RABBITMQ_TLS } from './tls-files';

export const RABBITMQ_CONFIG_PATHS = {
  classic: '/etc/rabbitmq/rabbitmq.config',
  ini: '/etc/rabbitmq/rabbitmq.conf',
} as const;

export function renderRabbitConfig(t: Topology): RenderedFile {
  const format = rabbitCliDialect(t.image.rabbitmq).configFormat;
  return {
    path: RABBITMQ_CONFIG_PATHS[format],
    owner: 'root:rabbitmq',
    permissions: '0640',
    content: format === 'classic' ? classicConfig(t) : iniConfig(t),
  };
}

function nodeNames(t: Topology): string[] {
  return t.rabbitmq.nodes.map((n) => rabbitNodeName(n.name));
}

/** `ssl_options`-style keys under `prefix` (`ssl_options`, `management.ssl`, `prometheus.ssl`). */
function iniTlsOptions(t: Topology, prefix: string): string[] {
  const versions = tlsSupport(t.image.rabbitmq, t.image.erlang).versions;
  return [
    `${prefix}.cacertfile = ${RABBITMQ_TLS.ca}`,
    `${prefix}.certfile = ${RABBITMQ_TLS.cert}`,
    `${prefix}.keyfile = ${RABBITMQ_TLS.key}`,
    ...versions.map((v, i) => `${prefix}.versions.${i + 1} = ${v}`),
    `${prefix}.honor_cipher_order = true`,
    `${prefix}.honor_ecc_order = true`,
  ];
}

function iniListeners(t: Topology): string[] {
  const ports = listenerPorts(t.rabbitmq.tls);
  const lines: string[] = [];
  if (ports.amqp.includes(PORTS.amqp)) {
    lines.push(
      '# Listeners: AMQP on every interface; the front door and the nodes reach each other on it.',
      `listeners.tcp.default = ${PORTS.amqp}`,
      `management.tcp.port = ${PORTS.management}`,
    );
  } else {
    lines.push("# rabbitmq.tls = 'required': no plaintext listener at all.", 'listeners.tcp = none');
  }
  if (t.rabbitmq.tls === 'off') return lines;
  lines.push(
    '',
    `# TLS (rabbitmq.tls = '${t.rabbitmq.tls}'): the node's certificate from the environment's CA, installed`,
    '# at boot by warren-install-tls. Clients need no certificate (verify_peer checks one only if sent);',
    "# the server's cipher order wins over the client's.",
    `listeners.ssl.default = ${PORTS.amqps}`,
    'ssl_options.verify = verify_peer',
    'ssl_options.fail_if_no_peer_cert = false',
    ...iniTlsOptions(t, 'ssl_options'),
    '',
    '# Management over HTTPS with the same certificate.',
    `management.ssl.port = ${PORTS.managementTls}`,
    ...iniTlsOptions(t, 'management.ssl'),
  );
  // rabbitmq_prometheus runs wherever enabled_plugins enables it: the environment's plugins, or
  // added by the version (enabledPluginsOf); unconfigured it would open plaintext 15692.
  if (
    enabledPluginsOf(t).includes('rabbitmq_prometheus') &&
    tlsSupport(t.image.rabbitmq, t.image.erlang).prometheusTls
  ) {
    lines.push(
      '',
      `# Prometheus metrics over TLS${t.rabbitmq.tls === 'required' ? ' only' : ` (plaintext stays on ${PORTS.rabbitmqPrometheus})`}.`,
      ...(t.rabbitmq.tls === 'optional' ? [`prometheus.tcp.port = ${PORTS.rabbitmqPrometheus}`] : []),
      `prometheus.ssl.port = ${PORTS.rabbitmqPrometheusTls}`,
      ...iniTlsOptions(t, 'prometheus.ssl'),
    );
  }
  return lines;
}

function iniConfig(t: Topology): string {
  const caps = rabbitCapabilities(t.image.rabbitmq);
  const lines = [
    markerComment(t, '#', [`rabbitmq.conf for RabbitMQ ${t.image.rabbitmq} (sysctl format, 3.7+).`]),
    ...iniListeners(t),
    '',
    '# guest may only log in from localhost; warren-admin (generated password) is created at boot.',
    'loopback_users.guest = true',
    '',
    '# Heartbeat the server proposes (s); the front door idle timeouts are more than twice this.',
    `heartbeat = ${t.rabbitmq.heartbeatSeconds}`,
    '',
    `# Partition handling: ${t.rabbitmq.partitionHandling}.`,
    `cluster_partition_handling = ${t.rabbitmq.partitionHandling}`,
    '',
    '# How long a silent peer takes to be declared down (s; Erlang net_ticktime): failover waits for it.',
    `net_ticktime = ${t.rabbitmq.netTickTimeSeconds}`,
    '',
    '# Cluster formation: classic_config peer discovery joins a blank node to a running peer as it starts',
    '# (warren-rabbitmq-boot starts blank nodes other than the seed only once a peer runs, and reconciles',
    '# what discovery misses: a peer lost mid-boot, a blank replacement that the cluster still lists).',
    'cluster_formation.peer_discovery_backend = classic_config',
    ...nodeNames(t).map((n, i) => `cluster_formation.classic_config.nodes.${i + 1} = ${n}`),
  ];
  if (caps.proxyProtocol && t.rabbitmq.proxyProtocol) {
    lines.push(
      '',
      '# Clients arrive through a proxy that sends the PROXY protocol (v2); direct AMQP connections are refused.',
      'proxy_protocol = true',
    );
  }
  return lines.join('\n') + '\n';
}

function classicTlsOptions(t: Topology, verify: boolean): string {
  const versions = tlsSupport(t.image.rabbitmq, t.image.erlang).versions.map((v) => `'${v}'`);
  return (
    `[{cacertfile, "${RABBITMQ_TLS.ca}"}, {certfile, "${RABBITMQ_TLS.cert}"}, {keyfile, "${RABBITMQ_TLS.key}"}, ` +
    (verify ? '{verify, verify_peer}, {fail_if_no_peer_cert, false}, ' : '') +
    `{versions, [${versions.join(', ')}]}, {honor_cipher_order, true}, {honor_ecc_order, true}]`
  );
}

function classicConfig(t: Topology): string {
  const caps = rabbitCapabilities(t.image.rabbitmq);
  const tls = t.rabbitmq.tls !== 'off';
  const rabbit = [
    t.rabbitmq.tls === 'required'
      ? `    %% rabbitmq.tls = 'required': no plaintext listener at all.\n    {tcp_listeners, []}`
      : `    %% AMQP on every interface.\n    {tcp_listeners, [${PORTS.amqp}]}`,
    ...(tls
      ? [
          `    %% TLS with the node's certificate from the environment's CA (installed at boot by warren-install-tls).\n    {ssl_listeners, [${PORTS.amqps}]}`,
          `    {ssl_options, ${classicTlsOptions(t, true)}}`,
        ]
      : []),
    `    %% guest may only log in from localhost; warren-admin is created at boot.\n    {loopback_users, [<<"guest">>]}`,
    `    %% Heartbeat the server proposes (s); front-door idle timeouts are more than twice this.\n    {heartbeat, ${t.rabbitmq.heartbeatSeconds}}`,
    `    {cluster_partition_handling, ${t.rabbitmq.partitionHandling}}`,
    `    %% A blank node joins the first of these that runs when it starts (warren-rabbitmq-boot starts\n` +
      `    %% blank nodes other than the seed only once a peer runs; it reconciles whatever this misses).\n` +
      `    {cluster_nodes, {[${nodeNames(t)
        .map((n) => `'${n}'`)
        .join(', ')}], disc}}`,
  ];
  if (caps.proxyProtocol && t.rabbitmq.proxyProtocol) rabbit.push('    {proxy_protocol, true}');
  return (
    markerComment(t, '%%', [
      `rabbitmq.config for RabbitMQ ${t.image.rabbitmq} (classic Erlang terms, before 3.7).`,
      'Cluster formation: cluster_nodes auto-clustering at first start, reconciled by warren-rabbitmq-boot.',
    ]) +
    '[\n' +
    `  %% How long a silent peer takes to be declared down (s): failover waits for it.\n` +
    `  {kernel, [{net_ticktime, ${t.rabbitmq.netTickTimeSeconds}}]},\n` +
    '  {rabbit, [\n' +
    rabbit.join(',\n') +
    '\n  ]},\n' +
    (tls
      ? // The classic management plugin has a single listener: with TLS on it is HTTPS.
        `  {rabbitmq_management, [{listener, [{port, ${PORTS.managementTls}}, {ssl, true}, {ssl_opts, ${classicTlsOptions(t, false)}}]}]}\n`
      : `  {rabbitmq_management, [{listener, [{port, ${PORTS.management}}]}]}\n`) +
    '].\n'
  );
}

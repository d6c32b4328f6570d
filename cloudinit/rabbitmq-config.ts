/**
 * RabbitMQ's main configuration, in the format its version reads (capability `iniConfig`):
 * classic Erlang terms in `/etc/rabbitmq/rabbitmq.config` before 3.7, `/etc/rabbitmq/rabbitmq.conf`
 * from 3.7. Both say the same things: listeners, partition handling, heartbeat, loopback-only guest,
 * management port, cluster formation and (3.7+) the PROXY protocol.
 *
 * Both forms are also accepted by the lab's RabbitMQ 3.10, which boots the 3.5.7 and 4.1 profiles.
 * Deliberately absent: `default_queue_type` (not known to 3.10's schema, which refuses unknown keys;
 * quorum mode sets it per vhost at boot instead) and the deprecated randomized startup delay keys.
 */
import { PORTS, rabbitCapabilities, rabbitCliDialect, rabbitNodeName, type Topology } from '../topology';
import { markerComment } from './marker';
import type { RenderedFile } from './rendered-file';

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

function iniConfig(t: Topology): string {
  const caps = rabbitCapabilities(t.image.rabbitmq);
  const lines = [
    markerComment(t, '#', [`rabbitmq.conf for RabbitMQ ${t.image.rabbitmq} (sysctl format, 3.7+).`]),
    '# Listeners: AMQP on every interface; the front door and the nodes reach each other on it.',
    `listeners.tcp.default = ${PORTS.amqp}`,
    `management.tcp.port = ${PORTS.management}`,
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

function classicConfig(t: Topology): string {
  const caps = rabbitCapabilities(t.image.rabbitmq);
  const rabbit = [
    `    %% AMQP on every interface.\n    {tcp_listeners, [${PORTS.amqp}]}`,
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
    '  {rabbit, [\n' +
    rabbit.join(',\n') +
    '\n  ]},\n' +
    `  {rabbitmq_management, [{listener, [{port, ${PORTS.management}}]}]}\n` +
    '].\n'
  );
}

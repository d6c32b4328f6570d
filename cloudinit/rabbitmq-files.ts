/**
 * The small RabbitMQ files around the main configuration: the node name (rabbitmq-env.conf), the
 * plugins (enabled_plugins) and the open-file limit (a systemd drop-in, never an edited unit).
 */
import { rabbitCapabilities, rabbitNodeName, type Topology } from '../topology';
import { markerComment } from './marker';
import type { RenderedFile } from './rendered-file';

export function renderRabbitEnv(t: Topology, hostName: string): RenderedFile {
  return {
    path: '/etc/rabbitmq/rabbitmq-env.conf',
    owner: 'root:rabbitmq',
    permissions: '0644',
    content:
      markerComment(t, '#', [
        'Read by rabbitmq-server and rabbitmqctl (shell syntax, RABBITMQ_ prefix dropped).',
        'CONFIG_FILE without extension: 3.5 appends .config; 3.7+ finds rabbitmq.conf or rabbitmq.config.',
      ]) + `NODENAME=${rabbitNodeName(hostName)}\nCONFIG_FILE=/etc/rabbitmq/rabbitmq\n`,
  };
}

/**
 * The environment's plugins plus rabbitmq_prometheus where the version has it (3.8+): the scrape
 * configuration of monitoring/ expects it on every node, on 15692, which the network policy opens
 * to adminCidrs only. 3.5.7 has no such plugin (docs/monitoring.md says what it has instead).
 */
export function enabledPluginsOf(t: Topology): string[] {
  const plugins = [...t.rabbitmq.plugins];
  if (rabbitCapabilities(t.image.rabbitmq).prometheusPlugin && !plugins.includes('rabbitmq_prometheus'))
    plugins.push('rabbitmq_prometheus');
  return plugins;
}

export function renderEnabledPlugins(t: Topology): RenderedFile {
  return {
    path: '/etc/rabbitmq/enabled_plugins',
    owner: 'rabbitmq:rabbitmq',
    permissions: '0644',
    content: markerComment(t, '%%') + `[${enabledPluginsOf(t).join(',')}].\n`,
  };
}

export const RABBIT_LIMITS_DROPIN = '/etc/systemd/system/rabbitmq-server.service.d/warren-limits.conf';

export function renderRabbitLimits(t: Topology): RenderedFile {
  return {
    path: RABBIT_LIMITS_DROPIN,
    owner: 'root:root',
    permissions: '0644',
    content:
      markerComment(t, '#', [
        'Each connection and queue needs file descriptors; the package default is too low.',
      ]) + `[Service]\nLimitNOFILE=${t.rabbitmq.fileDescriptors}\n`,
  };
}

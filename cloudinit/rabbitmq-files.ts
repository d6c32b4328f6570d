/**
 * The small RabbitMQ files around the main configuration: the node name (rabbitmq-env.conf), the
 * plugins (enabled_plugins) and the open-file limit (a systemd drop-in, never an edited unit).
 */
import { rabbitNodeName, type Topology } from '../topology';
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

export function renderEnabledPlugins(t: Topology): RenderedFile {
  return {
    path: '/etc/rabbitmq/enabled_plugins',
    owner: 'rabbitmq:rabbitmq',
    permissions: '0644',
    content: markerComment(t, '%%') + `[${t.rabbitmq.plugins.join(',')}].\n`,
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

/**
 * The RabbitMQ CLI dialect of a version: the concrete forms the boot scripts use, derived from the
 * version's capabilities (never from the version string). Renderers write these facts into
 * /etc/warren/warren.env so the boot scripts branch on a fact ("WARREN_RABBITMQ_QUERY=json"),
 * never on a version number.
 */
import { rabbitCapabilities } from './rabbitmq-features';

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
  /**
   * When a blank node starts RabbitMQ: `after-peer` (3.x: non-seed nodes wait for a running peer, or
   * blank nodes started together can each form a cluster) or `together` (4.x: peer discovery picks
   * the seed and forms one cluster whatever the order).
   */
  readonly blankStart: 'after-peer' | 'together';
  /** 3.5.7's rabbitmqctl wants options (`--apply-to`) before positional arguments; later ones take both. */
  readonly optionsBeforeArguments: true;
}

export function rabbitCliDialect(version: string): RabbitCliDialect {
  const caps = rabbitCapabilities(version);
  return {
    configFormat: caps.iniConfig ? 'ini' : 'classic',
    clusterFormation: caps.classicConfigPeerDiscovery ? 'classic_config' : 'cluster_nodes',
    query: caps.jsonFormatter ? 'json' : 'eval',
    runningCheck: caps.jsonFormatter ? 'diagnostics' : 'eval',
    defaultQueueType: caps.vhostDefaultQueueType ? 'update-vhost-metadata' : 'none',
    blankStart: caps.concurrentBootSafe ? 'together' : 'after-peer',
    optionsBeforeArguments: true,
  };
}

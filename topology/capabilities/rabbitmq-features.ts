/**
 * What each RabbitMQ version can do, as named features with version ranges. Renderers, scripts and
 * validation ask `rabbitCapabilities(version)`; none of them compares version strings.
 */
import { featuresOf, type FeatureRow } from './feature-row';

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
  /** `rabbitmqctl update_vhost_metadata --default-queue-type` on an existing vhost. */
  vhostDefaultQueueType: { since: '3.11.0' },
  /** Maintenance mode: `rabbitmq-upgrade drain` / `revive` (a restart also revives). */
  maintenanceMode: { since: '3.8.8' },
  /** `rabbitmq-queues check_if_node_is_quorum_critical` (quorum queues) and, while mirroring exists, `check_if_node_is_mirror_sync_critical`. */
  criticalityChecksCli: { since: '3.8.0' },
  /** The same checks over HTTP: `/api/health/checks/node-is-quorum-critical`, `…/node-is-mirror-sync-critical`. */
  httpCriticalityChecks: { since: '3.8.10' },
  /** The `rabbitmq_prometheus` plugin: Prometheus metrics on port 15692 (`/metrics`, `/metrics/per-object`). */
  prometheusPlugin: { since: '3.8.0' },
  /** `/metrics/detailed?family=…` on the plugin's port: chosen metric families, per object. */
  prometheusDetailedEndpoint: { since: '3.10.0' },
  /**
   * Every feature flag up to 3.13 is mandatory (4.0): a node joins only a cluster with all of them
   * on, and `classic_queue.default_version = 1` or `cluster_formation.randomized_startup_delay_range.*`
   * in rabbitmq.conf stop it from booting. warren never renders those keys.
   */
  mandatoryFeatureFlags: { since: '4.0.0' },
  /** The `khepri_db` feature flag is supported (4.0; experimental in 3.13): Raft-based metadata store. */
  khepriFeatureFlag: { since: '4.0.0' },
  /**
   * Khepri is the metadata store of a new cluster (4.2; 4.3 requires it). Metadata changes (declaring
   * a queue, forget_cluster_node, join_cluster) then need a majority of the members running, and a
   * forgotten member leaves the Raft membership, so a blank replacement joins as a new member.
   */
  khepriDefault: { since: '4.2.0' },
  /**
   * Peer discovery forms one cluster whatever the order the nodes start in (4.x: the discovery
   * lock and Khepri's join); 3.x blank nodes started together can each form a cluster of their own.
   */
  concurrentBootSafe: { since: '4.0.0' },
} as const satisfies Record<string, FeatureRow>;

export type RabbitFeature = keyof typeof RABBITMQ_FEATURES;

/** What one RabbitMQ version can do, as booleans, for renderers and scripts to ask. */
export type RabbitCapabilities = { readonly version: string } & { readonly [F in RabbitFeature]: boolean };

export function rabbitCapabilities(version: string): RabbitCapabilities {
  return { version, ...featuresOf(version, RABBITMQ_FEATURES, 'RabbitMQ') };
}

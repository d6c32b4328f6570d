/** The ports warren opens, named once. */
export const PORTS = {
  amqp: 5672,
  management: 15672,
  /** AMQP over TLS (`rabbitmq.tls` 'required' or 'optional'). */
  amqps: 5671,
  /** The management UI and HTTP API over HTTPS. */
  managementTls: 15671,
  epmd: 4369,
  /** Erlang distribution: AMQP port + 20000. */
  distribution: 25672,
  /** CLI tools' distribution ports (35672–35682). */
  cliFrom: 35672,
  cliTo: 35682,
  /** HAProxy's stats page on the HAProxy hosts. */
  haproxyStats: 8404,
  /** HAProxy's built-in Prometheus exporter (`/metrics`) on the HAProxy hosts. */
  haproxyMetrics: 8405,
  /** The rabbitmq_prometheus plugin on every node (3.8+). */
  rabbitmqPrometheus: 15692,
  /** rabbitmq_prometheus over TLS (`prometheus.ssl.port`), with `rabbitmq.tls` on. */
  rabbitmqPrometheusTls: 15691,
  /** prometheus-node-exporter on every host. */
  nodeExporter: 9100,
  ssh: 22,
} as const;

/**
 * The ports a node listens on for clients under its `rabbitmq.tls` mode (plaintext first), so the
 * network policy, the front doors and the config agree on them.
 */
export interface ListenerPorts {
  readonly amqp: readonly number[];
  readonly management: readonly number[];
}

export function listenerPorts(tls: 'required' | 'optional' | 'off'): ListenerPorts {
  const plain = tls !== 'required';
  const secure = tls !== 'off';
  return {
    amqp: [...(plain ? [PORTS.amqp] : []), ...(secure ? [PORTS.amqps] : [])],
    management: [...(plain ? [PORTS.management] : []), ...(secure ? [PORTS.managementTls] : [])],
  };
}

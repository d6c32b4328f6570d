/** The ports warren opens, named once. */
export const PORTS = {
  amqp: 5672,
  management: 15672,
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
  /** prometheus-node-exporter on every host. */
  nodeExporter: 9100,
  ssh: 22,
} as const;

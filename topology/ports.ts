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
  ssh: 22,
} as const;

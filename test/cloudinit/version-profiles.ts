// The version profiles the dialect tests check the rendered configurations and boot scripts
// against: the commands and directives warren emits, with `[since, until)` per entry. Only the tests
// use them, so they live beside the tests; `versionHas` (topology/capabilities) answers for a range.
import type { FeatureRow } from '../../topology';

/** The RabbitMQ versions whose dialects warren claims to support (unit tests check each). */
export const SUPPORTED_RABBITMQ_PROFILES = ['3.5.7', '3.10.8', '3.13.7', '4.1.4'] as const;

// Version profiles of the commands and directives warren emits: `[since, until)` per entry. Unit
// tests check every rabbitmqctl command in the boot scripts and every directive in the rendered
// configurations against the profile of each version warren claims to support.

/** rabbitmqctl (and rabbitmq-diagnostics) commands the boot scripts use. */
export const RABBITMQ_CLI_COMMANDS = {
  eval: { since: '2.0.0' },
  stop_app: { since: '2.0.0' },
  start_app: { since: '2.0.0' },
  reset: { since: '2.0.0' },
  join_cluster: { since: '3.0.0' },
  forget_cluster_node: { since: '3.0.0' },
  set_cluster_name: { since: '3.3.0' },
  cluster_status: { since: '2.0.0' },
  list_users: { since: '2.0.0' },
  add_user: { since: '2.0.0' },
  set_user_tags: { since: '2.4.0' },
  set_permissions: { since: '2.0.0' },
  list_policies: { since: '3.0.0' },
  set_policy: { since: '3.0.0' },
  list_vhosts: { since: '2.0.0' },
  update_vhost_metadata: { since: '3.11.0' },
  /** `help COMMAND`: asks whether the installed CLI knows a command (the lab runs newer profiles on 3.10). */
  help: { since: '3.7.0' },
  /** rabbitmq-diagnostics check_running. */
  check_running: { since: '3.8.0' },
  /** rabbitmq-queues grow NODE all: add a (replacement) node to the quorum queues that lack it. */
  grow: { since: '3.8.0' },
} as const satisfies Record<string, FeatureRow>;

/** rabbitmqctl options the scripts use. */
export const RABBITMQ_CLI_OPTIONS = {
  '-q': { since: '2.0.0' },
  '-n': { since: '2.0.0' },
  '-p': { since: '2.0.0' },
  '--apply-to': { since: '3.2.0' },
  '--formatter': { since: '3.8.0' },
  '--default-queue-type': { since: '3.11.0' },
} as const satisfies Record<string, FeatureRow>;

/** Erlang functions the `eval` dialect calls (they must exist wherever that dialect is chosen). */
export const RABBITMQ_EVAL_FUNCTIONS = {
  'rabbit:is_running/0': { since: '2.0.0' },
  'rabbit_mnesia:cluster_nodes/1': { since: '3.0.0', until: '4.0.0' },
  'rabbit_nodes:cluster_name/0': { since: '3.3.0' },
} as const satisfies Record<string, FeatureRow>;

/** HAProxy keywords (section keyword, or `section:option NAME`/`server:NAME`) in warren's haproxy.cfg. */
export const HAPROXY_KEYWORDS = {
  global: { since: '1.0.0' },
  defaults: { since: '1.0.0' },
  frontend: { since: '1.3.0' },
  backend: { since: '1.3.0' },
  listen: { since: '1.0.0' },
  log: { since: '1.0.0' },
  chroot: { since: '1.0.0' },
  'stats socket': { since: '1.3.0' },
  'stats timeout': { since: '1.3.0' },
  'stats enable': { since: '1.3.0' },
  'stats uri': { since: '1.3.0' },
  'stats refresh': { since: '1.3.0' },
  'stats realm': { since: '1.3.0' },
  'stats auth': { since: '1.3.0' },
  user: { since: '1.0.0' },
  group: { since: '1.0.0' },
  maxconn: { since: '1.0.0' },
  mode: { since: '1.0.0' },
  'option tcplog': { since: '1.1.0' },
  'option dontlognull': { since: '1.1.0' },
  'option clitcpka': { since: '1.3.0' },
  'option srvtcpka': { since: '1.3.0' },
  'timeout connect': { since: '1.3.0' },
  'timeout client': { since: '1.3.0' },
  'timeout server': { since: '1.3.0' },
  'timeout check': { since: '1.3.0' },
  'default-server': { since: '1.4.0' },
  bind: { since: '1.3.0' },
  default_backend: { since: '1.3.0' },
  balance: { since: '1.0.0' },
  'balance leastconn': { since: '1.3.0' },
  /** Client affinity: `stick-table type ip …` and `stick on src` (stickiness on the source address). */
  'stick-table': { since: '1.4.0' },
  'stick on': { since: '1.4.0' },
  server: { since: '1.0.0' },
  'server:check': { since: '1.0.0' },
  'server:port': { since: '1.0.0' },
  'server:send-proxy-v2': { since: '1.5.0' },
  'server:inter': { since: '1.0.0' },
  'server:fall': { since: '1.0.0' },
  'server:rise': { since: '1.0.0' },
  'stats socket:expose-fd': { since: '1.8.0' },
  /** The built-in Prometheus exporter: `http-request use-service prometheus-exporter`. */
  'http-request use-service': { since: '2.0.0' },
  /** `"${VAR}"` in a quoted word. */
  'env-var-in-quotes': { since: '1.6.0' },
} as const satisfies Record<string, FeatureRow>;

/** keepalived keywords in warren's keepalived.conf. `ignoredBefore`: older releases skip it harmlessly. */
export const KEEPALIVED_KEYWORDS: Readonly<
  Record<string, FeatureRow & { readonly skippedBefore?: boolean }>
> = {
  global_defs: { since: '1.0.0' },
  router_id: { since: '1.0.0' },
  script_user: { since: '1.3.0', skippedBefore: true },
  enable_script_security: { since: '1.3.0', skippedBefore: true },
  vrrp_script: { since: '1.1.0' },
  script: { since: '1.1.0' },
  interval: { since: '1.1.0' },
  timeout: { since: '1.2.0' },
  fall: { since: '1.2.0' },
  rise: { since: '1.2.0' },
  vrrp_instance: { since: '1.0.0' },
  state: { since: '1.0.0' },
  include: { since: '1.1.0' },
  interface: { since: '1.0.0' },
  authentication: { since: '1.0.0' },
  auth_type: { since: '1.0.0' },
  auth_pass: { since: '1.0.0' },
  virtual_router_id: { since: '1.0.0' },
  priority: { since: '1.0.0' },
  advert_int: { since: '1.0.0' },
  nopreempt: { since: '1.1.0' },
  unicast_src_ip: { since: '1.2.8' },
  unicast_peer: { since: '1.2.8' },
  virtual_ipaddress: { since: '1.0.0' },
  track_script: { since: '1.1.0' },
  notify_master: { since: '1.0.0' },
  notify_backup: { since: '1.0.0' },
  notify_fault: { since: '1.0.0' },
};

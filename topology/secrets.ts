/**
 * The secrets an environment has. Values never appear in warren's output: they are generated at
 * deploy time (random_password → SSM SecureString `/warren/<env>/<key>`) or, in the lab, into the
 * lab's state dir, and read at boot through the secrets backend.
 */
export const SECRET_KEYS = ['erlang-cookie', 'admin-password', 'stats-password', 'vrrp-password'] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

/** The generated RabbitMQ administrator. Only the password is secret; `guest` stays loopback-only. */
export const ADMIN_USERNAME = 'warren-admin';
/** The HAProxy stats page user. */
export const STATS_USERNAME = 'warren-stats';

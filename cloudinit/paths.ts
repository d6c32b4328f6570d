/**
 * Where things live on an instance. One list, so the renderers, the boot scripts (through
 * /etc/warren/warren.env) and the tests agree on every path.
 */

/** The platform hooks (secrets backend, VIP mover): the only file that differs between AWS and the lab. */
export const PLATFORM_FILE = '/etc/warren/platform.env';
/** Facts about this host and the dialects of its versions, read by every boot script. */
export const WARREN_ENV_FILE = '/etc/warren/warren.env';
/** The lab's secrets backend: one file per key, root-only. */
export const SECRETS_DIR = '/etc/warren/secrets';
/** Written at boot (root, 0600): the HAProxy stats password as an environment variable. */
export const HAPROXY_ENV_FILE = '/etc/warren/haproxy.env';
/** Written at boot (root, 0600): the VRRP interface and password, included by keepalived.conf. */
export const KEEPALIVED_RUNTIME_FILE = '/etc/keepalived/warren-runtime.conf';
/** Where the image installs the boot scripts on an instance (their source is cloudinit/scripts/, SCRIPTS_SOURCE_DIR). */
export const INSTANCE_SCRIPTS_DIR = '/usr/local/sbin';
/** The environment variable haproxy.cfg expands into the stats password. */
export const STATS_PASSWORD_VAR = 'WARREN_STATS_PASSWORD';

/**
 * The HAProxy and keepalived dialects: what each release accepts that warren's rendered
 * configurations rely on or avoid.
 */
import { featuresOf, type FeatureRow } from './feature-row';
import { FRONT_DOOR_PACKAGES, type UbuntuRelease } from './os-releases';

/** What a HAProxy release accepts that warren's haproxy.cfg relies on or avoids. */
export interface HaproxyDialect {
  readonly version: string;
  /** `"${VAR}"` expansion in quoted config words (1.6+): the stats password comes from the environment. */
  readonly envVarsInQuotes: boolean;
  /** `stats socket … expose-fd listeners` for seamless reloads (1.8+). */
  readonly exposeFdListeners: boolean;
  /** `http-check send` (2.2+); older ones only `option httpchk METHOD URI` (still accepted later). */
  readonly httpCheckSend: boolean;
  /** `send-proxy-v2` on servers (1.5+); a check with its own `port` never sends the PROXY header. */
  readonly sendProxyV2: boolean;
  /** `http-request use-service prometheus-exporter` (2.0+; the lab's Debian 2.6 is checked to have it built in). */
  readonly prometheusExporter: boolean;
}

const HAPROXY_FEATURES = {
  envVarsInQuotes: { since: '1.6.0' },
  exposeFdListeners: { since: '1.8.0' },
  httpCheckSend: { since: '2.2.0' },
  sendProxyV2: { since: '1.5.0' },
  prometheusExporter: { since: '2.0.0' },
} as const satisfies Record<string, FeatureRow>;

export function haproxyDialect(version: string): HaproxyDialect {
  return { version, ...featuresOf(version, HAPROXY_FEATURES, 'HAProxy') };
}

/** The dialect of the HAProxy an image of `ubuntu` ships (what its haproxy.cfg is rendered for). */
export function haproxyDialectOf(ubuntu: UbuntuRelease): HaproxyDialect {
  return haproxyDialect(FRONT_DOOR_PACKAGES[ubuntu].haproxy);
}

/** What a keepalived release accepts that warren's keepalived.conf relies on or avoids. */
export interface KeepalivedDialect {
  readonly version: string;
  /** `unicast_src_ip` / `unicast_peer` (1.2.8+): AWS carries no multicast. */
  readonly unicast: boolean;
  /** `script_user` and `enable_script_security` in global_defs (1.3.0+); 1.2 rejects them. */
  readonly scriptSecurity: boolean;
  /** `include FILE` anywhere in the configuration (all supported releases). */
  readonly include: boolean;
}

const KEEPALIVED_FEATURES = {
  unicast: { since: '1.2.8' },
  scriptSecurity: { since: '1.3.0' },
  include: { since: '1.1.0' },
} as const satisfies Record<string, FeatureRow>;

export function keepalivedDialect(version: string): KeepalivedDialect {
  return { version, ...featuresOf(version, KEEPALIVED_FEATURES, 'keepalived') };
}

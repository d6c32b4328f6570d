/**
 * Whether a RabbitMQ node can serve TLS well, from its Erlang (which implements TLS, not RabbitMQ)
 * and its RabbitMQ version (which configures it). Sources, RabbitMQ's TLS guide (docs/ssl.md,
 * "Erlang/OTP Version Requirements for TLS Support") and its Erlang matrix (docs/which-erlang.md):
 * - Erlang before 19.3.6.4 has TLS bugs that stop nodes accepting connections or stopping (ERL-430,
 *   ERL-448) and is open to ROBOT (CVE-2017-1000385): no TLS on those, whatever the listener says.
 *   Ubuntu 16.04's Erlang 18.3 (RabbitMQ 3.5.7) is one of them.
 * - TLS 1.3 needs Erlang 23 (and a RabbitMQ of the 3.8 series or later that knows `tlsv1.3`).
 * - rabbitmq_prometheus serves over TLS (`prometheus.ssl.port`, 15691) wherever the plugin exists.
 */
import { erlangSupportFor } from './erlang-support';
import { featuresOf } from './feature-row';
import { rabbitCapabilities } from './rabbitmq-features';

const RABBITMQ_TLS_FEATURES = {
  /** `tlsv1.3` accepted in `ssl_options.versions` (with Erlang 23+). */
  tls13Option: { since: '3.8.0' },
} as const;

/** Oldest Erlang whose TLS RabbitMQ's guide does not warn against. */
export const TLS_MIN_ERLANG = '19.3.6.4';
const TLS13_MIN_ERLANG = '23.0';

export interface TlsSupport {
  /** TLS 1.2 without the known bugs: the floor for `rabbitmq.tls` other than 'off'. */
  readonly tls12: boolean;
  readonly tls13: boolean;
  /** The protocol versions to offer (`ssl_options.versions`), newest first. */
  readonly versions: readonly string[];
  /** rabbitmq_prometheus over TLS on PORTS.rabbitmqPrometheusTls. */
  readonly prometheusTls: boolean;
  /** The Erlang the answer is about (the given one, or the oldest the RabbitMQ version runs on). */
  readonly erlang: string;
}

/** Erlang versions have up to four parts (`19.3.6.4`); parsed here, since versions.ts takes three. */
function erlangAtLeast(erlang: string, floor: string): boolean {
  const a = erlang.split('.').map(Number);
  const b = floor.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

const ERLANG = /^\d+(\.\d+)*$/;

/**
 * `erlang` as the topology resolves it; when it is not a version (a `.deb` source), the oldest
 * Erlang the RabbitMQ version runs on decides, so an unknown Erlang never passes for a good one.
 */
export function tlsSupport(rabbitmq: string, erlang: string): TlsSupport {
  const effective = ERLANG.test(erlang) ? erlang : (erlangSupportFor(rabbitmq)?.erlangSince ?? '0');
  const caps = rabbitCapabilities(rabbitmq);
  const tls12 = erlangAtLeast(effective, TLS_MIN_ERLANG);
  const tls13 =
    tls12 &&
    featuresOf(rabbitmq, RABBITMQ_TLS_FEATURES, 'RabbitMQ').tls13Option &&
    erlangAtLeast(effective, TLS13_MIN_ERLANG);
  return {
    tls12,
    tls13,
    versions: tls13 ? ['tlsv1.3', 'tlsv1.2'] : ['tlsv1.2'],
    prometheusTls: tls12 && caps.prometheusPlugin,
    erlang: effective,
  };
}

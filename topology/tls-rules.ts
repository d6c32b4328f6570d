/**
 * The TLS rule of the gate: `rabbitmq.tls` other than 'off' needs an Erlang that does TLS 1.2
 * without the bugs RabbitMQ's TLS guide warns about (topology/capabilities/tls-support.ts).
 */
import { isExactVersion, TLS_MIN_ERLANG, tlsSupport } from './capabilities';
import type { Topology } from './resolve';
import type { TopologyIssue } from './topology-issue';

export type TlsMode = Topology['rabbitmq']['tls'];

/** True when the nodes serve TLS listeners. */
export function tlsOn(t: Topology): boolean {
  return t.rabbitmq.tls !== 'off';
}

/** True when the nodes keep their plaintext listeners (5672/15672). */
export function plaintextOn(t: Topology): boolean {
  return t.rabbitmq.tls !== 'required';
}

export function checkTls(t: Topology): TopologyIssue[] {
  if (!tlsOn(t) || !isExactVersion(t.image.rabbitmq)) return [];
  const s = tlsSupport(t.image.rabbitmq, t.image.erlang);
  if (s.tls12) return [];
  return [
    {
      path: 'rabbitmq.tls',
      message: `RabbitMQ ${t.image.rabbitmq} on Erlang ${s.erlang} cannot do TLS 1.2 well: Erlang before ${TLS_MIN_ERLANG} has known TLS bugs (ERL-430, ERL-448) and is open to ROBOT (CVE-2017-1000385)`,
      fix: `set tls: 'off', or use an image whose Erlang is ${TLS_MIN_ERLANG} or newer (e.g. ubuntu: '22.04' with RabbitMQ 3.13)`,
    },
  ];
}

/**
 * Which Erlang each RabbitMQ series runs on (RabbitMQ's "Erlang version requirements" page):
 * `[erlangSince, erlangUntil)` per `[rabbitmqSince, rabbitmqUntil)`. The bake would install any
 * Erlang it is told to; a RabbitMQ that cannot start on it is found only at boot, so the gate asks.
 */
import { inRange, parseVersion } from '../versions';

export interface ErlangSupportRow {
  readonly rabbitmqSince: string;
  readonly rabbitmqUntil: string;
  readonly erlangSince: string;
  readonly erlangUntil: string;
}

export const ERLANG_SUPPORT: readonly ErlangSupportRow[] = [
  { rabbitmqSince: '3.5.0', rabbitmqUntil: '3.6.0', erlangSince: '16.0', erlangUntil: '19.0' },
  { rabbitmqSince: '3.6.0', rabbitmqUntil: '3.7.0', erlangSince: '16.0', erlangUntil: '21.0' },
  { rabbitmqSince: '3.7.0', rabbitmqUntil: '3.8.0', erlangSince: '19.3', erlangUntil: '23.0' },
  { rabbitmqSince: '3.8.0', rabbitmqUntil: '3.9.0', erlangSince: '21.3', erlangUntil: '25.0' },
  { rabbitmqSince: '3.9.0', rabbitmqUntil: '3.11.0', erlangSince: '23.2', erlangUntil: '26.0' },
  { rabbitmqSince: '3.11.0', rabbitmqUntil: '3.12.0', erlangSince: '25.0', erlangUntil: '26.0' },
  { rabbitmqSince: '3.12.0', rabbitmqUntil: '3.13.0', erlangSince: '25.0', erlangUntil: '27.0' },
  { rabbitmqSince: '3.13.0', rabbitmqUntil: '4.0.0', erlangSince: '26.0', erlangUntil: '27.0' },
  { rabbitmqSince: '4.0.0', rabbitmqUntil: '4.3.0', erlangSince: '26.2', erlangUntil: '28.0' },
];

/** An Erlang version as written (`26.2`, `26.2.5.13`): a series, or an exact build of one. */
export const ERLANG_VERSION = /^\d+\.\d+(\.\d+)*$/;

/** The Erlang range RabbitMQ `rabbitmq` runs on, or undefined when the table does not know it. */
export function erlangSupportFor(rabbitmq: string): ErlangSupportRow | undefined {
  const v = parseVersion(rabbitmq);
  if (!v) return undefined;
  return ERLANG_SUPPORT.find((row) => inRange(v, row.rabbitmqSince, row.rabbitmqUntil));
}

/** True when RabbitMQ `rabbitmq` runs on Erlang `erlang` (compared on its first three parts). */
export function erlangSupported(rabbitmq: string, erlang: string): boolean {
  const row = erlangSupportFor(rabbitmq);
  const v = ERLANG_VERSION.test(erlang) ? parseVersion(erlang.split('.').slice(0, 3).join('.')) : undefined;
  if (!row || !v) return false;
  return inRange(v, row.erlangSince, row.erlangUntil);
}

/**
 * The AMQP load a drill runs through a fault: one publisher (persistent messages, publisher confirms,
 * one batch in flight) and one consumer (manual acks), each on its own connection, each reconnecting
 * by itself when its connection dies. Every message carries a sequence id, so the ledger knows exactly
 * which confirmed messages arrived, which arrived twice and which never did.
 *
 * What a careful application does, the publisher does: a message whose confirm never came (the channel
 * died first) is published again with the same id after reconnecting. That turns "maybe stored" into
 * "stored, perhaps twice", which is why duplicates are counted and reported rather than failed.
 */
import { randomBytes } from 'node:crypto';
import * as amqp from 'amqplib';
import { MessageLedger, type LedgerCounts, type Timeline } from './message-ledger';

export type QueueType = 'classic' | 'quorum';

export interface LoadOptions {
  /** AMQP endpoint (the front door's address, or one node for the direct throughput run). */
  readonly host: string;
  /** @default 5672, or 5671 with `tls` */
  readonly port?: number;
  /**
   * AMQPS: verify the broker's certificate against `ca` (PEM), for `servername` (a DNS name; an IP
   * `host` is checked against the certificate's IP names). @default plain AMQP
   */
  readonly tls?: { readonly ca: string; readonly servername?: string };
  readonly username: string;
  readonly password: string;
  /** Durable queue used by this run; declared by both sides, deleted at the end unless `keepQueue`. */
  readonly queue: string;
  /** @default 'classic' (mirrored by the cluster's ha-all policy); 'quorum' declares x-queue-type quorum. */
  readonly queueType?: QueueType;
  /** Target publish rate in messages/s; 0 publishes as fast as confirms come back. @default 0 */
  readonly rate?: number;
  /** Messages per confirm batch. @default 50 */
  readonly batchSize?: number;
  /** @default 128 */
  readonly messageBytes?: number;
  /** AMQP heartbeat: bounds how long a silently dead connection goes unnoticed. @default 5 */
  readonly heartbeatSeconds?: number;
  /** A batch not confirmed within this time is abandoned: connection dropped, messages republished. @default 15000 */
  readonly confirmTimeoutMs?: number;
  /** TCP connect + AMQP handshake bound. @default 3000 */
  readonly connectTimeoutMs?: number;
  /** After stop: how long the consumer may go without a delivery before the run ends. @default 30000 */
  readonly drainIdleMs?: number;
  /** Consumer prefetch. @default 200 */
  readonly prefetch?: number;
  /** Stop publishing by itself after this long; otherwise only `stop()` stops it. */
  readonly durationMs?: number;
  /** Start the consumer. @default true */
  readonly consume?: boolean;
  /** Start the consumer only once publishing has ended (drains a backlog). @default false */
  readonly consumeAfterPublish?: boolean;
  /** Prefix of every message id (`<runTag>-<seq>`). @default random */
  readonly runTag?: string;
  /** @default false */
  readonly keepQueue?: boolean;
  /** Progress events as they happen (the CLI writes them to stderr as JSON lines). */
  readonly onEvent?: (e: LoadEvent) => void;
}

export interface LoadEvent {
  /** ms since the run started. */
  readonly t: number;
  readonly role: 'publisher' | 'consumer' | 'run';
  readonly kind:
    'connected' | 'disconnected' | 'connect-failed' | 'first-confirm' | 'stopping' | 'drained' | 'progress';
  readonly detail?: string;
  readonly confirmed?: number;
  readonly consumed?: number;
}

export interface LoadResult extends LedgerCounts {
  readonly queue: string;
  readonly runTag: string;
  /** Epoch ms of the run's t = 0 (to line the timeline up with other measurements). */
  readonly startedAt: number;
  readonly host: string;
  readonly port: number;
  /** Wall time from start until the last delivery counted. */
  readonly durationMs: number;
  /** Distinct messages consumed per second over the run: publish + consume end to end. */
  readonly throughput: number;
  /** Longest stretch with no confirm between the first and last confirm: the publisher's outage. */
  readonly longestConfirmGapMs: number;
  readonly reconnects: { readonly publisher: number; readonly consumer: number };
  /** Connection changes (repeated connect failures collapsed). */
  readonly events: LoadEvent[];
  /** A few lost ids, to look up in the logs. */
  readonly lostIds: number[];
  readonly timeline: Timeline;
  /** true when the drain ended with confirmed messages still missing (the drain deadline passed). */
  readonly drainTimedOut: boolean;
}

export interface LoadRun {
  /** Stop publishing, drain, and resolve `result`. Idempotent. */
  stop(): void;
  /** Live counts, for waiting on "traffic flows again". */
  counts(): LedgerCounts;
  /** Resolves when the run has drained (or failed to). Never rejects for broker trouble. */
  readonly result: Promise<LoadResult>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Live {
  model: amqp.ChannelModel;
  dead: boolean;
}

/** Starts a run. Connection problems are retried forever (until stop); they are what drills are about. */
export function startLoad(opts: LoadOptions): LoadRun {
  const o = {
    port: opts.tls ? 5671 : 5672,
    queueType: 'classic' as QueueType,
    rate: 0,
    batchSize: 50,
    messageBytes: 128,
    heartbeatSeconds: 5,
    confirmTimeoutMs: 15_000,
    connectTimeoutMs: 3_000,
    drainIdleMs: 30_000,
    prefetch: 200,
    consume: true,
    consumeAfterPublish: false,
    keepQueue: false,
    ...withoutUndefined(opts),
  };
  const t0 = Date.now();
  const now = () => Date.now();
  const ledger = new MessageLedger(t0);
  const runTag = opts.runTag ?? randomBytes(4).toString('hex');
  const body = Buffer.alloc(o.messageBytes, 'w');
  const events: LoadEvent[] = [];
  const connects = { publisher: 0, consumer: 0 };
  let stopping = false;
  let publisherDone = false;
  let lastDelivery = t0;
  let stopRequested: () => void = () => {};
  const stopSignal = new Promise<void>((r) => (stopRequested = r));
  let firstConfirmSeen = false;

  const emit = (e: Omit<LoadEvent, 't'>) => {
    const ev = { t: now() - t0, ...e };
    const last = events[events.length - 1];
    // A broker that is down yields a connect failure every retry; one line per streak is enough.
    if (!(ev.kind === 'connect-failed' && last?.kind === 'connect-failed' && last.role === ev.role)) {
      if (ev.kind !== 'progress') events.push(ev);
    }
    o.onEvent?.(ev);
  };

  const queueArgs: amqp.Options.AssertQueue = {
    durable: true,
    arguments: o.queueType === 'quorum' ? { 'x-queue-type': 'quorum' } : {},
  };

  async function connect(role: 'publisher' | 'consumer'): Promise<Live> {
    const attempt = amqp.connect(
      {
        protocol: opts.tls ? 'amqps' : 'amqp',
        hostname: o.host,
        port: o.port,
        username: o.username,
        password: o.password,
        vhost: '/',
        heartbeat: o.heartbeatSeconds,
      },
      {
        timeout: o.connectTimeoutMs,
        noDelay: true,
        clientProperties: { connection_name: `warren-drill-${role}` },
        ...(opts.tls
          ? { ca: [opts.tls.ca], ...(opts.tls.servername ? { servername: opts.tls.servername } : {}) }
          : {}),
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no AMQP handshake within ${o.connectTimeoutMs} ms`)),
        o.connectTimeoutMs,
      );
    });
    let model: amqp.ChannelModel;
    try {
      model = await Promise.race([attempt, deadline]);
    } catch (e) {
      // A handshake that completes after the deadline must not leak a connection.
      attempt.then(
        (m) => m.close().catch(() => {}),
        () => {},
      );
      throw e;
    } finally {
      clearTimeout(timer);
    }
    const live: Live = { model, dead: false };
    model.on('error', () => {}); // 'close' follows; an unhandled 'error' would crash the run
    model.on('close', () => {
      if (!live.dead) {
        live.dead = true;
        emit({ role, kind: 'disconnected' });
      }
    });
    return live;
  }

  /** Drops a connection that stopped answering: destroy the socket, don't wait for a close handshake. */
  function abandon(live: Live): void {
    live.dead = true;
    const stream = (live.model.connection as unknown as { stream?: { destroy(): void } }).stream;
    stream?.destroy();
    live.model.close().catch(() => {});
  }

  /** Connects with backoff until it works or the run is stopping. */
  async function connectRetrying(
    role: 'publisher' | 'consumer',
    giveUp: () => boolean,
  ): Promise<Live | undefined> {
    let delay = 100;
    while (!giveUp()) {
      try {
        const live = await connect(role);
        connects[role]++;
        emit({ role, kind: 'connected' });
        return live;
      } catch (e) {
        emit({ role, kind: 'connect-failed', detail: (e as Error).message });
        await Promise.race([sleep(delay), stopSignal]);
        delay = Math.min(delay * 2, 1_000);
      }
    }
    return undefined;
  }

  let nextSeq = 0;
  const retry: number[] = [];

  async function publisher(): Promise<void> {
    let nextBatchAt = now();
    const batchInterval = o.rate > 0 ? (1000 * o.batchSize) / o.rate : 0;
    const stopAt = o.durationMs !== undefined ? t0 + o.durationMs : Infinity;
    let live: Live | undefined;
    let ch: amqp.ConfirmChannel | undefined;
    while (!stopping && now() < stopAt) {
      if (!live || live.dead || !ch) {
        live = await connectRetrying('publisher', () => stopping || now() >= stopAt);
        if (!live) break;
        try {
          ch = await live.model.createConfirmChannel();
          ch.on('error', () => {});
          await ch.assertQueue(o.queue, queueArgs);
        } catch (e) {
          emit({ role: 'publisher', kind: 'disconnected', detail: `channel: ${(e as Error).message}` });
          abandon(live);
          ch = undefined;
          await Promise.race([sleep(200), stopSignal]);
          continue;
        }
      }
      if (batchInterval > 0) {
        const wait = nextBatchAt - now();
        if (wait > 0) await Promise.race([sleep(wait), stopSignal]);
        if (stopping) break;
        // After an outage, carry on at the target rate rather than bursting to catch up.
        nextBatchAt = Math.max(nextBatchAt + batchInterval, now() - batchInterval);
      }
      const ids: number[] = [];
      while (ids.length < o.batchSize && retry.length > 0) {
        const id = retry.shift()!;
        if (!ledger.isConfirmed(id)) ids.push(id);
      }
      while (ids.length < o.batchSize) ids.push(nextSeq++);
      const channel = ch;
      const settled = ids.map(
        (id) =>
          new Promise<boolean>((resolve) => {
            try {
              ledger.recordPublish(id, now());
              channel.publish(
                '',
                o.queue,
                body,
                { persistent: true, messageId: `${runTag}-${id}` },
                (err) => {
                  if (!err) ledger.recordConfirm(id, now());
                  if (!err && !firstConfirmSeen) {
                    firstConfirmSeen = true;
                    emit({ role: 'publisher', kind: 'first-confirm' });
                  }
                  resolve(!err);
                },
              );
            } catch {
              resolve(false); // channel already closed: republish later
            }
          }),
      );
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>(
        (r) => (timer = setTimeout(() => r('timeout'), o.confirmTimeoutMs)),
      );
      const outcome = await Promise.race([Promise.all(settled), timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        emit({
          role: 'publisher',
          kind: 'disconnected',
          detail: `no confirm within ${o.confirmTimeoutMs} ms`,
        });
        abandon(live);
      }
      const failed = ids.filter((id) => !ledger.isConfirmed(id));
      if (failed.length > 0) {
        retry.push(...failed);
        if (!live.dead) abandon(live); // a nack or a closed channel: start over on a fresh connection
        ch = undefined;
      }
    }
    if (live && !live.dead) await live.model.close().catch(() => {});
    publisherDone = true;
  }

  async function consumer(): Promise<void> {
    const finished = () =>
      publisherDone && (ledger.outstanding() === 0 || now() - lastDelivery > o.drainIdleMs);
    while (!finished()) {
      const live = await connectRetrying('consumer', finished);
      if (!live) break;
      try {
        const ch = await live.model.createChannel();
        ch.on('error', () => {});
        await ch.assertQueue(o.queue, queueArgs);
        await ch.prefetch(o.prefetch);
        let cancelled = false;
        await ch.consume(
          o.queue,
          (msg) => {
            if (msg === null) {
              cancelled = true; // the server cancelled us (queue failover): consume again
              return;
            }
            const id = parseId(msg.properties.messageId as unknown, runTag);
            if (id !== undefined) ledger.recordDelivery(id, now());
            lastDelivery = now();
            try {
              ch.ack(msg);
            } catch {
              // channel gone: the broker redelivers the message, counted as a duplicate
            }
          },
          { noAck: false },
        );
        while (!live.dead && !cancelled && !finished()) await sleep(50);
      } catch (e) {
        emit({ role: 'consumer', kind: 'disconnected', detail: `channel: ${(e as Error).message}` });
        await sleep(200);
      }
      if (!live.dead) {
        if (finished()) await live.model.close().catch(() => {});
        else abandon(live);
      }
    }
  }

  async function deleteQueue(): Promise<void> {
    try {
      const live = await connect('consumer');
      const ch = await live.model.createChannel();
      ch.on('error', () => {});
      await ch.deleteQueue(o.queue);
      await live.model.close();
    } catch {
      // best effort: the queue name is unique per run
    }
  }

  const progress = setInterval(() => {
    const c = ledger.counts();
    emit({ role: 'run', kind: 'progress', confirmed: c.confirmed, consumed: c.consumed });
  }, 1_000);

  const stop = () => {
    if (!stopping) {
      stopping = true;
      emit({ role: 'run', kind: 'stopping' });
      stopRequested();
    }
  };

  const result = (async (): Promise<LoadResult> => {
    try {
      const pub = publisher().then(() => {
        stop();
        lastDelivery = Math.max(lastDelivery, now()); // the drain clock starts when publishing ends
      });
      if (o.consume && o.consumeAfterPublish) {
        await pub;
        await consumer();
      } else if (o.consume) await Promise.all([pub, consumer()]);
      else await pub;
      emit({ role: 'run', kind: 'drained' });
      if (!o.keepQueue) await deleteQueue();
    } finally {
      clearInterval(progress);
    }
    const counts = ledger.counts();
    const timeline = ledger.timeline();
    const end = o.consume ? lastDelivery : now();
    return {
      ...counts,
      queue: o.queue,
      runTag,
      startedAt: t0,
      host: o.host,
      port: o.port,
      durationMs: end - t0,
      throughput: counts.consumed / Math.max(0.001, (end - t0) / 1000),
      longestConfirmGapMs: longestGap(timeline.confirmed) * timeline.bucketMs,
      reconnects: {
        publisher: Math.max(0, connects.publisher - 1),
        consumer: Math.max(0, connects.consumer - 1),
      },
      events,
      lostIds: ledger.lostIds(),
      timeline,
      drainTimedOut: o.consume && counts.lost > 0,
    };
  })();

  return { stop, counts: () => ledger.counts(), result };
}

/** Runs a load for a fixed time and returns the result. */
export async function runLoad(opts: LoadOptions & { readonly durationMs: number }): Promise<LoadResult> {
  return startLoad(opts).result;
}

/** Drops keys set to undefined, so `{ rate: undefined }` keeps the default instead of erasing it. */
function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function parseId(messageId: unknown, runTag: string): number | undefined {
  if (typeof messageId !== 'string' || !messageId.startsWith(`${runTag}-`)) return undefined;
  const n = Number(messageId.slice(runTag.length + 1));
  return Number.isInteger(n) ? n : undefined;
}

/** The longest run of empty buckets between the first and the last non-empty one. */
export function longestGap(series: readonly number[]): number {
  const first = series.findIndex((v) => v > 0);
  if (first < 0) return 0;
  let last = series.length - 1;
  while ((series[last] ?? 0) === 0) last--;
  let best = 0;
  let run = 0;
  for (let i = first; i <= last; i++) {
    run = (series[i] ?? 0) === 0 ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}

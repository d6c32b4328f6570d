/**
 * The exact account of one load run: which message ids were published, which the broker confirmed,
 * and how often each was delivered. "Lost" means confirmed by the broker and never delivered, the one
 * outcome an HA cluster must never produce; a duplicate (delivered twice) is legal at-least-once
 * behaviour after a failover and is counted, not failed. Pure bookkeeping, no I/O, so the counting is
 * unit-tested on its own.
 */

/** Width of a timeline bucket. 100 ms shows a 1–2 s outage as a clear gap. */
export const BUCKET_MS = 100;

export interface LedgerCounts {
  /** Distinct message ids sent at least once. */
  readonly published: number;
  /** Publish attempts beyond the first per id (republished after a connection loss). */
  readonly republished: number;
  /** Distinct ids the broker confirmed (basic.ack under publisher confirms). */
  readonly confirmed: number;
  /** Ids the broker refused (basic.nack) or whose confirm never came before the channel died. */
  readonly unconfirmed: number;
  /** Distinct ids delivered to the consumer at least once. */
  readonly consumed: number;
  /** Deliveries beyond the first per id. */
  readonly duplicates: number;
  /** Confirmed ids never delivered. Must be 0. */
  readonly lost: number;
  /** Delivered ids that were never confirmed (published, confirm lost in a failover). Legal. */
  readonly consumedUnconfirmed: number;
}

export interface Timeline {
  readonly bucketMs: number;
  /** Publish attempts per bucket. */
  readonly published: number[];
  /** Confirms received per bucket. */
  readonly confirmed: number[];
  /** Deliveries per bucket (duplicates included). */
  readonly consumed: number[];
}

/** Per-id state bits: published, confirmed; plus a delivery count. */
const PUBLISHED = 1;
const CONFIRMED = 2;

export class MessageLedger {
  private readonly flags: Map<number, number> = new Map();
  private readonly deliveries: Map<number, number> = new Map();
  private attempts = 0;
  private confirms = 0;
  private delivered = 0;
  private readonly buckets = {
    published: [] as number[],
    confirmed: [] as number[],
    consumed: [] as number[],
  };

  /** @param t0 the run's start (ms, same clock as the `now` passed to the record methods). */
  constructor(private readonly t0: number) {}

  recordPublish(id: number, now: number): void {
    this.flags.set(id, (this.flags.get(id) ?? 0) | PUBLISHED);
    this.attempts++;
    this.bump(this.buckets.published, now);
  }

  recordConfirm(id: number, now: number): void {
    const f = this.flags.get(id) ?? 0;
    if ((f & PUBLISHED) === 0) throw new Error(`confirm for message ${id}, which was never published`);
    if ((f & CONFIRMED) !== 0) return; // a republished copy confirmed again: still one message
    this.flags.set(id, f | CONFIRMED);
    this.confirms++;
    this.bump(this.buckets.confirmed, now);
  }

  recordDelivery(id: number, now: number): void {
    this.deliveries.set(id, (this.deliveries.get(id) ?? 0) + 1);
    this.delivered++;
    this.bump(this.buckets.consumed, now);
  }

  isConfirmed(id: number): boolean {
    return ((this.flags.get(id) ?? 0) & CONFIRMED) !== 0;
  }

  /** Confirmed ids not delivered yet: what the consumer still waits for while draining. */
  outstanding(): number {
    let n = 0;
    for (const [id, f] of this.flags) if (f & CONFIRMED && !this.deliveries.has(id)) n++;
    return n;
  }

  /** Up to `limit` lost ids, for the report (enough to look them up, not a flood). */
  lostIds(limit = 20): number[] {
    const out: number[] = [];
    for (const [id, f] of this.flags) {
      if (out.length >= limit) break;
      if (f & CONFIRMED && !this.deliveries.has(id)) out.push(id);
    }
    return out;
  }

  counts(): LedgerCounts {
    let lost = 0;
    let consumedUnconfirmed = 0;
    for (const [id, f] of this.flags) if (f & CONFIRMED && !this.deliveries.has(id)) lost++;
    for (const id of this.deliveries.keys()) if (!this.isConfirmed(id)) consumedUnconfirmed++;
    const published = this.flags.size;
    return {
      published,
      republished: this.attempts - published,
      confirmed: this.confirms,
      unconfirmed: published - this.confirms,
      consumed: this.deliveries.size,
      duplicates: this.delivered - this.deliveries.size,
      lost,
      consumedUnconfirmed,
    };
  }

  timeline(): Timeline {
    const len = Math.max(
      this.buckets.published.length,
      this.buckets.confirmed.length,
      this.buckets.consumed.length,
    );
    const pad = (a: number[]) => Array.from({ length: len }, (_, i) => a[i] ?? 0);
    return {
      bucketMs: BUCKET_MS,
      published: pad(this.buckets.published),
      confirmed: pad(this.buckets.confirmed),
      consumed: pad(this.buckets.consumed),
    };
  }

  private bump(series: number[], now: number): void {
    const i = Math.max(0, Math.floor((now - this.t0) / BUCKET_MS));
    while (series.length <= i) series.push(0);
    series[i] = (series[i] ?? 0) + 1;
  }
}

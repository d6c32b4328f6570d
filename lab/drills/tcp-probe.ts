/**
 * A TCP probe: opens a connection to host:port every 50 ms (each attempt on its own clock, so a hanging
 * attempt doesn't delay the next) and records which ones connected. The outage is what a client sees:
 * from the first failed attempt to the next one that connects. Used for the VIP failover figure.
 */
import { connect } from 'node:net';

export interface ProbeOptions {
  readonly host: string;
  readonly port: number;
  /** @default 50 */
  readonly intervalMs?: number;
  /** An attempt that hasn't connected by then counts as failed. @default 1000 */
  readonly timeoutMs?: number;
}

export interface ProbeSample {
  /** ms since the probe started, when the attempt began. */
  readonly t: number;
  readonly ok: boolean;
  /** How long the attempt took to connect or fail. */
  readonly ms: number;
}

export interface Outage {
  readonly startMs: number;
  readonly endMs: number;
  readonly durationMs: number;
  readonly failedProbes: number;
}

export interface ProbeResult {
  readonly host: string;
  readonly port: number;
  readonly intervalMs: number;
  /** Epoch ms of the probe's t = 0. */
  readonly startedAt: number;
  readonly samples: ProbeSample[];
  readonly outages: Outage[];
  /** The longest outage (0 when every attempt connected). */
  readonly longestOutageMs: number;
  /** true when the last attempt failed: the endpoint had not come back when the probe stopped. */
  readonly endedDown: boolean;
}

export interface ProbeRun {
  /** Stops probing, waits for attempts in flight, and returns the result. */
  stop(): Promise<ProbeResult>;
  /** Samples so far (for "has it come back" waits). */
  samples(): readonly ProbeSample[];
}

export function startProbe(opts: ProbeOptions): ProbeRun {
  const intervalMs = opts.intervalMs ?? 50;
  const timeoutMs = opts.timeoutMs ?? 1_000;
  const t0 = Date.now();
  const samples: ProbeSample[] = [];
  const inFlight = new Set<Promise<void>>();

  const attempt = () => {
    const started = Date.now();
    const p = new Promise<void>((resolve) => {
      const s = connect({ host: opts.host, port: opts.port });
      let done = false;
      const finish = (ok: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        s.destroy();
        samples.push({ t: started - t0, ok, ms: Date.now() - started });
        resolve();
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      s.once('connect', () => finish(true));
      s.once('error', () => finish(false));
    });
    inFlight.add(p);
    void p.then(() => inFlight.delete(p));
  };

  attempt();
  const timer = setInterval(attempt, intervalMs);

  return {
    samples: () => samples,
    async stop() {
      clearInterval(timer);
      await Promise.all([...inFlight]);
      return { ...summarize(opts.host, opts.port, intervalMs, samples), startedAt: t0 };
    },
  };
}

/** Outages from samples: a maximal run of failed attempts, ordered by when they began. Pure. */
export function summarize(
  host: string,
  port: number,
  intervalMs: number,
  raw: readonly ProbeSample[],
): Omit<ProbeResult, 'startedAt'> {
  const samples = [...raw].sort((a, b) => a.t - b.t);
  const outages: Outage[] = [];
  let start: number | undefined;
  let failed = 0;
  for (const s of samples) {
    if (!s.ok) {
      if (start === undefined) start = s.t;
      failed++;
    } else if (start !== undefined) {
      outages.push({ startMs: start, endMs: s.t, durationMs: s.t - start, failedProbes: failed });
      start = undefined;
      failed = 0;
    }
  }
  const last = samples[samples.length - 1];
  if (start !== undefined && last) {
    outages.push({ startMs: start, endMs: last.t, durationMs: last.t - start, failedProbes: failed });
  }
  return {
    host,
    port,
    intervalMs,
    samples,
    outages,
    longestOutageMs: outages.reduce((m, o) => Math.max(m, o.durationMs), 0),
    endedDown: last !== undefined && !last.ok,
  };
}

/**
 * Runs one failure drill on a running lab (judged against the topology it was booted from): waits for a healthy cluster, starts a publisher and a consumer
 * through the front door (from the client namespace), runs the fault while traffic flows, waits until
 * traffic flows again, drains, and waits until the cluster is healthy again. The result carries the exact
 * message counts; `assertDrillPassed` fails on any lost message or a cluster that did not recover.
 * Whatever happens, the lab is put back (hosts started, links healed) so the next drill finds it healthy.
 */
import { clientNetns, healHost, labStatus, labTopology, startHost, type LabStatus } from '../index';
import { type Topology } from '../../topology';
import { brokerArgs, startAgent, type AgentEvent, type AgentProcess } from './agent-process';
import { waitHealthy } from './cluster-view';
import type { LoadResult } from './load-client';
import type { Timeline } from './message-ledger';

export interface DrillContext {
  readonly env: string;
  readonly topology: Topology;
  readonly status: LabStatus;
  /** The queue the load uses (to find its master). */
  readonly queue: string;
  readonly load: AgentProcess<LoadResult>;
  log(line: string): void;
  /** Waits until at least `n` more messages are confirmed AND consumed than now: traffic flows end to end. */
  trafficFlows(n?: number, timeoutMs?: number): Promise<number>;
  /** Facts the drill wants in its report (which node was killed, how long the VIP took, …). */
  note(key: string, value: unknown): void;
  /**
   * Notes under `key` the longest stretch without a confirm between two instants (epoch ms), in
   * seconds, once the load has drained (the runner has the whole timeline only then).
   */
  noteConfirmGap(key: string, fromMs: number, toMs: number): void;
}

export interface Drill {
  /** kebab-case, used in the bench JSON. */
  readonly name: string;
  readonly summary: string;
  /** The fault and the operator action that follows it (e.g. kill, then start again). Throws if the cluster misbehaves. */
  run(ctx: DrillContext): Promise<void>;
  /** Publish rate during the drill. @default 200 */
  readonly rate?: number;
}

export interface DrillResult {
  readonly name: string;
  readonly published: number;
  readonly confirmed: number;
  readonly consumed: number;
  readonly duplicates: number;
  readonly lost: number;
  readonly recovered: boolean;
  readonly recoverySeconds: number;
  readonly notes: Record<string, unknown>;
  readonly load: LoadResult;
}

export interface DrillOptions {
  readonly log?: (line: string) => void;
  /** How long the cluster may take to be healthy again after the drill. @default 300000 */
  readonly recoverTimeoutMs?: number;
}

let seq = 0;

export async function runDrill(env: string, drill: Drill, opts: DrillOptions = {}): Promise<DrillResult> {
  const log = (line: string) => opts.log?.(`[${drill.name}] ${line}`);
  const t = labTopology(env);
  await waitHealthy(env, 300_000, log);
  const status = labStatus(env)!;
  const queue = `warren-drill-${drill.name}-${Date.now().toString(36)}-${seq++}`;
  const load = startAgent<LoadResult>(clientNetns(env), [
    'load',
    ...brokerArgs(status.endpoint.address, status),
    '--queue',
    queue,
    '--queue-type',
    t.rabbitmq.replication === 'quorum' ? 'quorum' : 'classic',
    '--rate',
    String(drill.rate ?? 200),
    '--batch',
    '20',
  ]);
  const notes: Record<string, unknown> = {};
  const gapWindows: { key: string; fromMs: number; toMs: number }[] = [];
  const progress = (e: AgentEvent) => e.kind === 'progress';
  const latest = () => {
    const p = [...load.events].reverse().find(progress) as
      { confirmed?: number; consumed?: number } | undefined;
    return { confirmed: p?.confirmed ?? 0, consumed: p?.consumed ?? 0 };
  };
  const ctx: DrillContext = {
    env,
    topology: t,
    status,
    queue,
    load,
    log,
    note: (k, v) => (notes[k] = v),
    noteConfirmGap: (key, fromMs, toMs) => gapWindows.push({ key, fromMs, toMs }),
    async trafficFlows(n = 200, timeoutMs = 120_000) {
      const start = Date.now();
      const base = latest();
      await load.waitFor(
        `${n} more messages through the front door`,
        (e) =>
          progress(e) &&
          ((e as { confirmed?: number }).confirmed ?? 0) >= base.confirmed + n &&
          ((e as { consumed?: number }).consumed ?? 0) >= base.consumed + n,
        timeoutMs,
      );
      return Date.now() - start;
    },
  };
  try {
    log('starting traffic');
    await ctx.trafficFlows(200, 60_000);
    log(`fault: ${drill.summary}`);
    await drill.run(ctx);
    log('traffic after the fault');
    await ctx.trafficFlows(200, 180_000);
    load.stop();
    const result = await load.result;
    for (const w of gapWindows)
      notes[w.key] = longestConfirmGapMsIn(result.timeline, result.startedAt, w.fromMs, w.toMs) / 1000;
    log(
      `published ${result.published}, confirmed ${result.confirmed}, consumed ${result.consumed}, duplicates ${result.duplicates}, lost ${result.lost}`,
    );
    let recovered = true;
    let recoveryMs = 0;
    try {
      recoveryMs = await waitHealthy(env, opts.recoverTimeoutMs ?? 300_000, log);
    } catch (e) {
      recovered = false;
      notes.recoveryError = (e as Error).message;
    }
    return {
      name: drill.name,
      published: result.published,
      confirmed: result.confirmed,
      consumed: result.consumed,
      duplicates: result.duplicates,
      lost: result.lost,
      recovered,
      recoverySeconds: recoveryMs / 1000,
      notes,
      load: result,
    };
  } catch (e) {
    load.kill();
    await restoreLab(env, log).catch((r: unknown) => log(`restore failed: ${(r as Error).message}`));
    throw e;
  }
}

/**
 * The longest run of confirm-less buckets of `timeline` (which starts at `startedAt`, epoch ms)
 * within [fromMs, toMs), in ms. Unlike the whole run's figure, a gap touching the window's edges
 * counts: the window is the operation being judged, and traffic flowed before it began.
 */
export function longestConfirmGapMsIn(
  timeline: Pick<Timeline, 'bucketMs' | 'confirmed'>,
  startedAt: number,
  fromMs: number,
  toMs: number,
): number {
  const first = Math.max(0, Math.floor((fromMs - startedAt) / timeline.bucketMs));
  const end = Math.floor((toMs - startedAt) / timeline.bucketMs);
  let best = 0;
  let run = 0;
  for (let i = first; i < end; i++) {
    run = (timeline.confirmed[i] ?? 0) === 0 ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best * timeline.bucketMs;
}

/** Puts the lab back after a failed drill: every stopped host started, every cut link restored. */
export async function restoreLab(env: string, log: (line: string) => void = () => {}): Promise<void> {
  const status = labStatus(env);
  if (!status) return;
  for (const h of status.hosts) {
    if (h.state === 'partitioned') {
      log(`restore: healing ${h.name}`);
      await healHost(env, h.name);
    }
  }
  await Promise.all(
    status.hosts
      .filter((h) => h.state === 'stopped')
      .map(async (h) => {
        log(`restore: starting ${h.name}`);
        await startHost(env, h.name);
      }),
  );
  await waitHealthy(env, 300_000, log);
}

/** The drill's verdict: throws, naming the counts, unless nothing was lost and the cluster recovered. */
export function assertDrillPassed(r: DrillResult): void {
  const problems: string[] = [];
  if (r.lost > 0)
    problems.push(`${r.lost} confirmed messages were never consumed (e.g. ids ${r.load.lostIds.join(', ')})`);
  if (!r.recovered) problems.push(`the cluster did not recover: ${String(r.notes.recoveryError)}`);
  if (r.confirmed === 0) problems.push('no message was confirmed at all');
  if (problems.length > 0) {
    throw new Error(
      `drill ${r.name} failed: ${problems.join('; ')} (published ${r.published}, confirmed ${r.confirmed}, ` +
        `consumed ${r.consumed}, duplicates ${r.duplicates})`,
    );
  }
}

/**
 * `npm run bench`: measures the lab against the targets. Every timed figure is repeated and reported as
 * the median (the samples are kept too); the drills report exact message counts. Progress goes to the
 * `log` callback (stderr in the CLI); the report is one object (stdout with --json).
 *
 * - bootToHealthySeconds: `labUp` start → every node running, policy applied, VIP held, AMQP answering
 *   through the front door.
 * - vipFailoverSeconds: outage seen by a TCP probe (every 50 ms) on VIP:5672 when the keepalived
 *   master's HAProxy dies (kept dead, so systemd's restart doesn't hide the failover).
 * - backendDownSeconds: kill -9 of a RabbitMQ node → HAProxy's `show stat` says DOWN (polled every 50 ms).
 * - throughput: publish+consume with confirms in batches of 100, same client and settings, to one node
 *   directly and through the front door (needs proxyProtocol off: with it on, nodes refuse direct clients).
 * - rollSeconds, rollLongestConfirmGapSeconds: the `rolling-replace` drill (`lab roll` of every host
 *   under confirmed load): the whole roll, and the longest stretch without a confirm during it.
 *   Its target is relative: the VIP failover outage + 2 s (the VIP holder goes last, so its
 *   failover is the roll's one unavoidable gap).
 * - azOutageLongestConfirmGapSeconds: the `az-outage` drill (every host of one subnet cut at once,
 *   longer than net_ticktime): the longest stretch without a confirm from the cut to the heal. Its
 *   target depends on the replication: quorum queues elect a new leader within seconds, ha-all waits
 *   for net_ticktime to declare the lost master down.
 * - synthSeconds: what `warren synth` does for every environment (templates and stacks), run in-process
 *   into a scratch directory (no Node start-up in the figure).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { clientNetns, labDown, labStatus, labUp, labVipHolder, type LabStatus } from '../index';
import { labVrrpState } from '../lab-vip';
import { type Topology } from '../../topology';
import { brokerArgs, labAmqpPort, startAgent } from './agent-process';
import { haproxyHosts, holds, rabbitHosts, requireLab, waitHealthy } from './cluster-view';
import { drillsFor } from './drills';
import { runDrill, type Drill, type DrillResult } from './drill-runner';
import { amqpServerStatus, containerRoot } from './haproxy-stats';
import { killServiceForGood, reviveService } from './host-actions';
import type { LoadResult } from './load-client';
import type { ProbeResult } from './tcp-probe';
import type { TimelinePlot } from './timeline-svg';
import { synthesizeApp, writeImageTemplates } from '../../aws';
import { requireEnvironments, waitFor, type LoadedEnvironment } from '../../workspace';
import { labImageOf } from '../lab-image';
import { rabbitCliDialect } from '../../topology';

export const TARGETS = {
  bootToHealthySeconds: 30,
  vipFailoverSeconds: 2,
  backendDownSeconds: 2,
  throughputRatio: 0.9,
  lost: 0,
  rollSeconds: 300,
  /** rollLongestConfirmGapSeconds ≤ vipFailoverSeconds + this. */
  rollGapOverVipFailoverSeconds: 2,
  /** azOutageLongestConfirmGapSeconds, by `rabbitmq.replication`. */
  azOutageGapSeconds: { quorum: 20, 'ha-all': 30 },
} as const;

/** The roll's confirm-gap target for a measured VIP failover (null when that was not measured). */
export function rollGapTarget(vipFailoverSeconds: number | null): number | null {
  return vipFailoverSeconds === null ? null : vipFailoverSeconds + TARGETS.rollGapOverVipFailoverSeconds;
}

export interface DrillCounts {
  readonly name: string;
  readonly published: number | null;
  readonly confirmed: number | null;
  readonly consumed: number | null;
  readonly duplicates: number | null;
  readonly lost: number | null;
  readonly recovered?: boolean;
  /** Longest stretch without a publisher confirm during the drill. */
  readonly longestConfirmGapSeconds?: number;
  /** What the drill recorded (which node, how long each step took). */
  readonly notes?: Record<string, unknown>;
  readonly error?: string;
}

export interface BenchReport {
  readonly '//': string;
  readonly env: string;
  readonly measuredAt: string;
  readonly machine: { readonly cpus: number; readonly memoryGiB: number; readonly node: string };
  readonly repeat: number;
  readonly bootToHealthySeconds: number | null;
  readonly vipFailoverSeconds: number | null;
  readonly backendDownSeconds: number | null;
  readonly throughput: {
    readonly direct: number | null;
    readonly frontDoor: number | null;
    readonly ratio: number | null;
  };
  /**
   * Through the front door, plaintext (5672) and AMQPS (5671, verifying the lab CA) with the same
   * client and settings; measured only where both listeners exist (`rabbitmq.tls: 'optional'`).
   * `tlsThroughputRatio` is TLS / plaintext.
   */
  readonly tlsThroughput?: {
    readonly plaintext: number | null;
    readonly tls: number | null;
    readonly tlsThroughputRatio: number | null;
  };
  readonly synthSeconds: number | null;
  /** The `rolling-replace` drill's whole `lab roll`; null when it did not run or failed. */
  readonly rollSeconds: number | null;
  /** The longest stretch without a publisher confirm during that roll. */
  readonly rollLongestConfirmGapSeconds: number | null;
  /** The `az-outage` drill's longest stretch without a confirm; null when it did not run or failed. */
  readonly azOutageLongestConfirmGapSeconds?: number | null;
  /** Its target for this environment's replication. */
  readonly azOutageGapTargetSeconds?: number;
  readonly drills: DrillCounts[];
  readonly targets: typeof TARGETS;
  /** Every measurement behind the medians, and why a figure is null. */
  readonly samples: Record<string, number[]>;
  readonly notes: string[];
}

export interface BenchOptions {
  /** Repetitions of each timed figure. @default 3 */
  readonly repeat?: number;
  /** Measure boot (takes the lab down and up `repeat` times). @default true */
  readonly boot?: boolean;
  /** Run the drills. @default true */
  readonly drills?: boolean;
  /** Only these drills (names). */
  readonly only?: readonly string[];
  /** Take the lab down at the end. @default false */
  readonly down?: boolean;
  readonly log?: (line: string) => void;
  /** Receives the data of the first VIP failover, for the plot. */
  readonly onTimeline?: (plot: TimelinePlot) => void;
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const round = (v: number | null, digits = 2) => (v === null ? null : Number(v.toFixed(digits)));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runBench(loaded: LoadedEnvironment, opts: BenchOptions = {}): Promise<BenchReport> {
  const t = loaded.topology;
  const env = t.name;
  const repeat = opts.repeat ?? 3;
  const log = opts.log ?? (() => {});
  const samples: Record<string, number[]> = {
    synthSeconds: [],
    bootToHealthySeconds: [],
    backendDownSeconds: [],
    vipFailoverSeconds: [],
    throughputDirect: [],
    throughputFrontDoor: [],
    throughputPlaintext: [],
    throughputTls: [],
  };
  const notes: string[] = [];
  const push = (k: string, v: number) => samples[k]!.push(Number(v.toFixed(3)));

  for (let i = 0; i < repeat; i++) {
    log(`synth ${i + 1}/${repeat}`);
    const s = await timeSynth(log);
    if (s === undefined) {
      notes.push('synthSeconds: warren synth failed; see its output with npm run synth');
      break;
    }
    push('synthSeconds', s);
  }

  if (opts.boot ?? true) {
    // Boot figures depend on the broker the lab runs (3.x nodes start seed first, 4.x all at once).
    const image = labImageOf(t.image.rabbitmq);
    const order = rabbitCliDialect(image.rabbitmq).blankStart === 'together' ? 'all at once' : 'seed first';
    notes.push(
      `bootToHealthySeconds: on the lab's ${image.suite} RabbitMQ ${image.rabbitmq}, nodes started ${order}`,
    );
    for (let i = 0; i < repeat; i++) {
      log(`boot ${i + 1}/${repeat}: taking the ${env} lab down first`);
      await labDown(env);
      push('bootToHealthySeconds', await timeBoot(loaded, log));
    }
  } else {
    notes.push('bootToHealthySeconds: not measured (--no-boot)');
  }
  if (!labStatus(env)) {
    log(`bringing the ${env} lab up`);
    await labUp(loaded, { onProgress: log });
  }
  await waitHealthy(env, 300_000, log);
  const status = requireLab(env);

  for (let i = 0; i < repeat; i++) {
    const victim = rabbitHosts(status)[i % rabbitHosts(status).length]!;
    log(`backend down ${i + 1}/${repeat}: killing ${victim}`);
    push('backendDownSeconds', await timeBackendDown(env, status, victim));
    await reviveService(env, victim, 'rabbitmq-server');
    await waitHealthy(env, 300_000, log);
  }

  if (t.frontDoor.kind === 'keepalived') {
    for (let i = 0; i < repeat; i++) {
      log(`VIP failover ${i + 1}/${repeat}`);
      const r = await timeVipFailover(env, t, status, log, i === 0 ? opts.onTimeline : undefined);
      push('vipFailoverSeconds', r);
      await waitHealthy(env, 300_000, log);
    }
  } else {
    notes.push('vipFailoverSeconds: not applicable (the front door is an NLB)');
  }

  if (t.rabbitmq.proxyProtocol) {
    notes.push(
      `throughput: not measured on ${env}: with proxyProtocol on, nodes refuse direct clients; use dev`,
    );
  } else {
    const direct = t.rabbitmq.nodes[0]!.ip;
    for (let i = 0; i < repeat; i++) {
      // Alternate the order so warm-up and background noise don't always favour the same side.
      const sides: ['throughputDirect' | 'throughputFrontDoor', string][] = [
        ['throughputDirect', direct],
        ['throughputFrontDoor', status.endpoint.address],
      ];
      if (i % 2 === 1) sides.reverse();
      for (const [key, host] of sides) {
        log(
          `throughput ${i + 1}/${repeat}: ${key === 'throughputDirect' ? `direct to ${direct}` : 'front door'}`,
        );
        push(key, await measureThroughput(env, status, t, host));
      }
    }
  }

  if (t.rabbitmq.tls === 'optional' && status.caFile !== undefined) {
    const front = status.endpoint.address;
    for (let i = 0; i < repeat; i++) {
      const sides: ['throughputPlaintext' | 'throughputTls', string[]][] = [
        ['throughputPlaintext', ['--port', String(status.endpoint.amqpPort)]],
        ['throughputTls', ['--port', String(status.endpoint.amqpsPort), '--ca', status.caFile]],
      ];
      if (i % 2 === 1) sides.reverse();
      for (const [key, flags] of sides) {
        log(
          `throughput ${i + 1}/${repeat}: front door ${key === 'throughputTls' ? 'over TLS' : 'plaintext'}`,
        );
        push(key, await measureThroughput(env, status, t, front, flags));
      }
    }
  } else {
    notes.push(
      `tlsThroughputRatio: measured only where both listeners exist (rabbitmq.tls 'optional'); ${env} has '${t.rabbitmq.tls}'`,
    );
  }

  const drills: DrillCounts[] = [];
  if (opts.drills ?? true) {
    const list = drillsFor(t.frontDoor.kind).filter((d) => !opts.only || opts.only.includes(d.name));
    for (const d of list) drills.push(await drillCounts(env, d, log));
  } else {
    notes.push('drills: not run (--no-drills)');
  }
  if (opts.down) await labDown(env);

  const direct = median(samples.throughputDirect!);
  const front = median(samples.throughputFrontDoor!);
  const roll = drills.find((d) => d.name === 'rolling-replace' && !d.error)?.notes;
  const rollFigure = (k: string) => (typeof roll?.[k] === 'number' ? round(roll[k] as number, 1) : null);
  if (!roll && (opts.drills ?? true))
    notes.push('rollSeconds, rollLongestConfirmGapSeconds: the rolling-replace drill did not run or failed');
  const az = drills.find((d) => d.name === 'az-outage' && !d.error)?.notes?.azOutageLongestConfirmGapSeconds;
  if (typeof az !== 'number' && (opts.drills ?? true))
    notes.push('azOutageLongestConfirmGapSeconds: the az-outage drill did not run or failed');
  return {
    '//': `Generated by warren bench on the ${env} lab. Do not edit; run npm run bench -- --json.`,
    env,
    measuredAt: new Date().toISOString(),
    machine: { cpus: cpus().length, memoryGiB: round(totalmem() / 2 ** 30, 1)!, node: process.version },
    repeat,
    bootToHealthySeconds: round(median(samples.bootToHealthySeconds!), 1),
    vipFailoverSeconds: round(median(samples.vipFailoverSeconds!)),
    backendDownSeconds: round(median(samples.backendDownSeconds!)),
    throughput: {
      direct: round(direct, 0),
      frontDoor: round(front, 0),
      ratio: direct && front ? round(front / direct, 3) : null,
    },
    ...(samples.throughputTls!.length > 0
      ? {
          tlsThroughput: {
            plaintext: round(median(samples.throughputPlaintext!), 0),
            tls: round(median(samples.throughputTls!), 0),
            tlsThroughputRatio: ratioOf(median(samples.throughputTls!), median(samples.throughputPlaintext!)),
          },
        }
      : {}),
    synthSeconds: round(median(samples.synthSeconds!), 1),
    rollSeconds: rollFigure('rollSeconds'),
    rollLongestConfirmGapSeconds: rollFigure('rollLongestConfirmGapSeconds'),
    azOutageLongestConfirmGapSeconds: typeof az === 'number' ? round(az, 1) : null,
    azOutageGapTargetSeconds: TARGETS.azOutageGapSeconds[t.rabbitmq.replication ?? 'ha-all'],
    drills,
    targets: TARGETS,
    samples,
    notes,
  };
}

/**
 * What `warren synth` does for every environment (templates and stacks), in this process and into a
 * scratch directory, so the figure is the work itself and the checkout's outputs stay untouched.
 */
async function timeSynth(log: (l: string) => void): Promise<number | undefined> {
  const scratch = mkdtempSync(join(tmpdir(), 'warren-bench-synth-'));
  try {
    const start = Date.now();
    const environments = requireEnvironments({});
    for (const loaded of environments) {
      writeImageTemplates(loaded.topology, {
        environmentFile: loaded.file,
        outDir: join(scratch, 'images', loaded.topology.name),
      });
    }
    // Timing only: placeholder AMIs where an environment was never baked.
    synthesizeApp({
      environments,
      outdir: join(scratch, 'cdktf.out'),
      state: { kind: 'local' },
      amiPlaceholders: true,
    });
    return (Date.now() - start) / 1000;
  } catch (e) {
    log(`synth failed: ${(e as Error).message}`);
    return undefined;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function frontDoorAnswers(env: string, status: LabStatus, timeoutMs: number): Promise<boolean> {
  const agent = startAgent<{ ok: boolean }>(clientNetns(env), [
    'connect',
    ...brokerArgs(status.endpoint.address, status),
    '--duration-ms',
    String(timeoutMs),
  ]);
  return (await agent.result).ok;
}

async function timeBoot(loaded: LoadedEnvironment, log: (l: string) => void): Promise<number> {
  const t = loaded.topology;
  const env = t.name;
  const start = Date.now();
  const status = await labUp(loaded, { onProgress: log });
  await waitHealthy(env, 300_000, log);
  if (!(await frontDoorAnswers(env, status, 120_000))) throw new Error('the front door does not answer AMQP');
  const s = (Date.now() - start) / 1000;
  log(`boot to healthy: ${s.toFixed(1)} s (${t.rabbitmq.nodes.length} nodes)`);
  return s;
}

/** A HAProxy that routes AMQP: the keepalived pair, or the NLB stand-in. */
function proxyNetnses(status: LabStatus): string[] {
  return status.hosts.filter((h) => h.role === 'haproxy' || h.role === 'nlb').map((h) => h.netns);
}

async function timeBackendDown(env: string, status: LabStatus, victim: string): Promise<number> {
  const netns = proxyNetnses(status)[0]!;
  const root = containerRoot(netns);
  const before = await amqpServerStatus(netns, victim, root);
  if (before !== 'UP') throw new Error(`${victim} is '${before}' in HAProxy before the kill; expected UP`);
  const start = Date.now();
  // kill -9 of the node (the unit's processes), as in the kill-queue-master drill: the host's kernel
  // then refuses HAProxy's check at once. A vanished machine is slower to detect (each check waits
  // `timeout check`); docs/benchmarks.md says by how much.
  await killServiceForGood(env, victim, 'rabbitmq-server');
  let st = '';
  await waitFor(
    `HAProxy to mark ${victim} down`,
    60_000,
    async () =>
      (st = (await amqpServerStatus(netns, victim, root)) ?? '').startsWith('DOWN') ? true : undefined,
    50,
  ).catch((e: Error) => {
    throw new Error(`${e.message} (status ${st})`);
  });
  return (Date.now() - start) / 1000;
}

async function timeVipFailover(
  env: string,
  t: Topology,
  status: LabStatus,
  log: (l: string) => void,
  onTimeline?: (p: TimelinePlot) => void,
): Promise<number> {
  if (t.frontDoor.kind !== 'keepalived') throw new Error('no VIP');
  const vip = t.frontDoor.vip;
  const master = await labVipHolder(status.env);
  if (!master) throw new Error(`no host holds the VIP ${vip}`);
  const backup = haproxyHosts(status).find((h) => h !== master)!;
  const probe = startAgent<ProbeResult>(clientNetns(env), [
    'probe',
    '--host',
    vip,
    '--port',
    String(labAmqpPort(status)),
  ]);
  const load = onTimeline
    ? startAgent<LoadResult>(clientNetns(env), [
        'load',
        ...brokerArgs(vip, status),
        '--queue',
        `warren-bench-failover-${Date.now().toString(36)}`,
        '--rate',
        '500',
        '--batch',
        '10',
      ])
    : undefined;
  try {
    await probe.waitFor('probe start', (e) => e.kind === 'started', 30_000);
    if (load)
      await load.waitFor('traffic', (e) => ((e as { confirmed?: number }).confirmed ?? 0) >= 1_000, 60_000);
    await sleep(1_000);
    const killedAt = Date.now();
    await killServiceForGood(env, master, 'haproxy');
    await waitFor(
      `VIP on ${backup}`,
      60_000,
      holds(async () => (await labVipHolder(status.env)) === backup),
      100,
    );
    await sleep(3_000); // let the probe see the endpoint answer steadily again
    const movedAt = Date.now();
    probe.stop();
    const p = await probe.result;
    if (p.endedDown) throw new Error(`${vip}:${labAmqpPort(status)} did not answer again after the failover`);
    // The failover's outage: the one that began after the kill (a probe may also have blipped before).
    const outage = p.outages
      .filter((o) => p.startedAt + o.endMs >= killedAt)
      .reduce((m, o) => Math.max(m, o.durationMs), 0);
    log(`VIP failover: ${(outage / 1000).toFixed(2)} s outage (${master} → ${backup})`);
    if (load) {
      await sleep(2_000);
      load.stop();
      const r = await load.result;
      const off = (epoch: number) => epoch - r.startedAt;
      onTimeline?.({
        title: `${env}: VIP failover when the keepalived master's HAProxy dies`,
        bucketMs: r.timeline.bucketMs,
        confirmed: r.timeline.confirmed,
        outages: p.outages
          .filter((o) => p.startedAt + o.endMs >= killedAt)
          .map((o) => ({
            startMs: off(p.startedAt + o.startMs),
            endMs: off(p.startedAt + o.endMs),
            label: `TCP probe outage ${(o.durationMs / 1000).toFixed(2)} s`,
          })),
        marks: [
          { t: off(killedAt), label: `HAProxy on ${master} killed` },
          { t: off(movedAt - 3_000), label: `VIP seen on ${backup}` },
        ],
        caption: `published ${r.published}, confirmed ${r.confirmed}, consumed ${r.consumed}, duplicates ${r.duplicates}, lost ${r.lost}; ${new Date().toISOString().slice(0, 16)}Z`,
      });
    }
    return outage / 1000;
  } finally {
    probe.kill();
    load?.kill();
    await reviveService(env, master, 'haproxy');
    // nopreempt: the old master rejoins as BACKUP and the VIP stays on the backup.
    await waitFor(
      `${master} to rejoin keepalived as BACKUP`,
      60_000,
      holds(async () => (await labVrrpState(status.env, master)) === 'backup'),
      200,
    ).catch(() => log(`${master} did not rejoin keepalived as BACKUP within 60 s`));
  }
}

/** a / b to 3 digits, or null when either is missing. */
function ratioOf(a: number | null, b: number | null): number | null {
  return a && b ? round(a / b, 3) : null;
}

/** `flags` (a port, a CA) override the ones brokerArgs gives for this lab (the last --port wins). */
async function measureThroughput(
  env: string,
  status: LabStatus,
  t: Topology,
  host: string,
  flags: readonly string[] = [],
): Promise<number> {
  const agent = startAgent<LoadResult>(clientNetns(env), [
    'load',
    ...brokerArgs(host, status),
    ...flags,
    '--queue',
    `warren-bench-throughput-${Date.now().toString(36)}`,
    '--queue-type',
    t.rabbitmq.replication === 'quorum' ? 'quorum' : 'classic',
    '--rate',
    '0',
    '--batch',
    '100',
    '--duration-ms',
    '10000',
  ]);
  const r = await agent.result;
  if (r.lost > 0) throw new Error(`throughput run to ${host} lost ${r.lost} messages`);
  return r.throughput;
}

async function drillCounts(env: string, d: Drill, log: (l: string) => void): Promise<DrillCounts> {
  try {
    const r: DrillResult = await runDrill(env, d, { log });
    return {
      name: r.name,
      published: r.published,
      confirmed: r.confirmed,
      consumed: r.consumed,
      duplicates: r.duplicates,
      lost: r.lost,
      recovered: r.recovered,
      longestConfirmGapSeconds: r.load.longestConfirmGapMs / 1000,
      notes: r.notes,
    };
  } catch (e) {
    log(`drill ${d.name} failed: ${(e as Error).message}`);
    return {
      name: d.name,
      published: null,
      confirmed: null,
      consumed: null,
      duplicates: null,
      lost: null,
      error: (e as Error).message,
    };
  }
}

/** The report as a table for people. */
export function formatBench(r: BenchReport): string {
  const mark = (ok: boolean | null) => (ok === null ? ' ' : ok ? '✓' : '✗');
  const le = (v: number | null, max: number) => (v === null ? null : v <= max);
  const atMost = (label: string, v: number | null, max: number): [string, string, string, string] => [
    label,
    fmt(v, 's'),
    `≤ ${max} s`,
    mark(le(v, max)),
  ];
  const rows: [string, string, string, string][] = [
    atMost('boot to healthy', r.bootToHealthySeconds, TARGETS.bootToHealthySeconds),
    atMost('VIP failover outage', r.vipFailoverSeconds, TARGETS.vipFailoverSeconds),
    atMost('dead backend marked down', r.backendDownSeconds, TARGETS.backendDownSeconds),
    ['throughput direct', fmt(r.throughput.direct, 'msg/s'), '', ' '],
    ['throughput front door', fmt(r.throughput.frontDoor, 'msg/s'), '', ' '],
    [
      'front door / direct',
      r.throughput.ratio === null ? '—' : `${(r.throughput.ratio * 100).toFixed(1)} %`,
      `≥ ${TARGETS.throughputRatio * 100} %`,
      mark(r.throughput.ratio === null ? null : r.throughput.ratio >= TARGETS.throughputRatio),
    ],
    ...(r.tlsThroughput
      ? ([
          ['front door, plaintext', fmt(r.tlsThroughput.plaintext, 'msg/s'), '', ' '],
          ['front door, TLS', fmt(r.tlsThroughput.tls, 'msg/s'), '', ' '],
          [
            'TLS / plaintext',
            r.tlsThroughput.tlsThroughputRatio === null
              ? '—'
              : `${(r.tlsThroughput.tlsThroughputRatio * 100).toFixed(1)} %`,
            '',
            ' ',
          ],
        ] as [string, string, string, string][])
      : []),
    ['synth (all environments)', fmt(r.synthSeconds, 's'), '', ' '],
    atMost('rolling replace (lab roll)', r.rollSeconds, TARGETS.rollSeconds),
    [
      'longest confirm gap, roll',
      fmt(r.rollLongestConfirmGapSeconds, 's'),
      rollGapText(r),
      mark(rollGapOk(r)),
    ],
  ];
  if (r.azOutageGapTargetSeconds !== undefined)
    rows.push(
      atMost(
        'longest confirm gap, AZ out',
        r.azOutageLongestConfirmGapSeconds ?? null,
        r.azOutageGapTargetSeconds,
      ),
    );
  const lines = [`warren bench: ${r.env} lab, ${r.machine.cpus} cores, medians of ${r.repeat}`, ''];
  for (const [a, b, c, d] of rows) lines.push(`  ${d} ${a.padEnd(26)} ${b.padStart(12)}   ${c}`);
  if (r.drills.length > 0) {
    lines.push('', `  drill                        published  confirmed   consumed  duplicates  lost`);
    for (const d of r.drills) {
      const n = (v: number | null) => (v === null ? '—' : String(v)).padStart(9);
      lines.push(
        `  ${mark(d.lost === null ? false : d.lost === 0 && d.recovered !== false)} ${d.name.padEnd(26)} ${n(d.published)}  ${n(d.confirmed)}  ${n(d.consumed)}  ${n(d.duplicates).padStart(10)}  ${n(d.lost).padStart(4)}` +
          (d.error ? `\n      ${d.error}` : ''),
      );
    }
  }
  for (const n of r.notes) lines.push(`  note: ${n}`);
  return lines.join('\n');
}

/** The roll gap's target as text: the VIP failover figure + 2 s, in numbers when it was measured. */
function rollGapText(r: BenchReport): string {
  const target = rollGapTarget(r.vipFailoverSeconds);
  return target === null
    ? `≤ VIP failover + ${TARGETS.rollGapOverVipFailoverSeconds} s`
    : `≤ ${Number(target.toFixed(2))} s (VIP failover + ${TARGETS.rollGapOverVipFailoverSeconds} s)`;
}

function rollGapOk(r: BenchReport): boolean | null {
  const target = rollGapTarget(r.vipFailoverSeconds);
  return target === null || r.rollLongestConfirmGapSeconds === null
    ? null
    : r.rollLongestConfirmGapSeconds <= target;
}

function fmt(v: number | null, unit: string): string {
  return v === null ? '—' : `${v} ${unit}`;
}

/** The report as the Markdown tables of docs/benchmarks.md (figures, targets, drills). */
export function benchMarkdown(r: BenchReport): string {
  const verdict = (ok: boolean | null) => (ok === null ? 'not measured' : ok ? 'met' : '**missed**');
  const le = (v: number | null, max: number) => (v === null ? null : v <= max);
  const samples = (k: string) =>
    r.samples[k]?.length ? r.samples[k]!.map((v) => v.toFixed(2)).join(', ') : '—';
  const lines = [
    `Measured ${r.measuredAt.slice(0, 16).replace('T', ' ')} UTC on the \`${r.env}\` lab, ${r.machine.cpus} cores, ` +
      `${r.machine.memoryGiB} GiB, Node ${r.machine.node}; medians of ${r.repeat} runs.`,
    '',
    '| Figure | Median | Target | Verdict | Samples |',
    '| --- | --- | --- | --- | --- |',
    `| boot to healthy | ${fmt(r.bootToHealthySeconds, 's')} | ≤ ${TARGETS.bootToHealthySeconds} s | ${verdict(le(r.bootToHealthySeconds, TARGETS.bootToHealthySeconds))} | ${samples('bootToHealthySeconds')} |`,
    `| VIP failover outage | ${fmt(r.vipFailoverSeconds, 's')} | ≤ ${TARGETS.vipFailoverSeconds} s | ${verdict(le(r.vipFailoverSeconds, TARGETS.vipFailoverSeconds))} | ${samples('vipFailoverSeconds')} |`,
    `| dead backend marked down | ${fmt(r.backendDownSeconds, 's')} | ≤ ${TARGETS.backendDownSeconds} s | ${verdict(le(r.backendDownSeconds, TARGETS.backendDownSeconds))} | ${samples('backendDownSeconds')} |`,
    `| throughput, direct | ${fmt(r.throughput.direct, 'msg/s')} | | | ${samples('throughputDirect')} |`,
    `| throughput, front door | ${fmt(r.throughput.frontDoor, 'msg/s')} | | | ${samples('throughputFrontDoor')} |`,
    `| front door / direct | ${r.throughput.ratio === null ? '—' : `${(r.throughput.ratio * 100).toFixed(1)} %`} | ≥ ${TARGETS.throughputRatio * 100} % | ${verdict(r.throughput.ratio === null ? null : r.throughput.ratio >= TARGETS.throughputRatio)} | |`,
    ...(r.tlsThroughput
      ? [
          `| throughput, front door plaintext | ${fmt(r.tlsThroughput.plaintext, 'msg/s')} | | | ${samples('throughputPlaintext')} |`,
          `| throughput, front door TLS | ${fmt(r.tlsThroughput.tls, 'msg/s')} | | | ${samples('throughputTls')} |`,
          `| TLS / plaintext (tlsThroughputRatio) | ${r.tlsThroughput.tlsThroughputRatio === null ? '—' : `${(r.tlsThroughput.tlsThroughputRatio * 100).toFixed(1)} %`} | | | |`,
        ]
      : []),
    `| synth, all environments | ${fmt(r.synthSeconds, 's')} | | | ${samples('synthSeconds')} |`,
    `| rolling replace (\`lab roll\`, every host) | ${fmt(r.rollSeconds, 's')} | ≤ ${TARGETS.rollSeconds} s | ${verdict(le(r.rollSeconds, TARGETS.rollSeconds))} | |`,
    `| longest confirm gap during the roll | ${fmt(r.rollLongestConfirmGapSeconds, 's')} | ${rollGapText(r)} | ${verdict(rollGapOk(r))} | |`,
  ];
  if (r.azOutageGapTargetSeconds !== undefined) {
    const v = r.azOutageLongestConfirmGapSeconds ?? null;
    lines.push(
      `| longest confirm gap during an AZ outage | ${fmt(v, 's')} | ≤ ${r.azOutageGapTargetSeconds} s | ${verdict(le(v, r.azOutageGapTargetSeconds))} | |`,
    );
  }
  if (r.drills.length > 0) {
    lines.push(
      '',
      '| Drill | Published | Confirmed | Consumed | Duplicates | Lost | Recovered |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    const n = (v: number | null) => (v === null ? '—' : String(v));
    for (const d of r.drills) {
      lines.push(
        `| \`${d.name}\` | ${n(d.published)} | ${n(d.confirmed)} | ${n(d.consumed)} | ${n(d.duplicates)} | ${d.lost === null ? '—' : d.lost === 0 ? '0' : `**${d.lost}**`} | ${d.error ? `**failed**: ${d.error.replace(/\|/g, '/')}` : d.recovered ? 'yes' : '**no**'} |`,
      );
    }
  }
  for (const note of r.notes) lines.push('', `Note: ${note}`);
  return lines.join('\n') + '\n';
}

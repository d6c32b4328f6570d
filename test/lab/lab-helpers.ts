/**
 * Helpers for lab tests: the shared lab of an environment, commands inside hosts, and programs
 * run from the client namespace (the only place test traffic comes from).
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, inject } from 'vitest';
import { clientNetns, execInHost, labDown, labTopology, labUp, type LabStatus } from '../../lab';
import {
  assertDrillPassed,
  restoreLab,
  runDrill,
  type Drill,
  type DrillResult,
} from '../../lab/drills/drill-runner';
import { azOutage } from '../../lab/drills/drills';
import { loadEnvironment, PROJECT_ROOT, run, waitFor } from '../../workspace';

/**
 * The environment's lab for this test run: the first call of the run takes down any lab of that
 * environment left by an earlier run and boots a fresh one (recorded, so the global teardown takes
 * it down); later calls, from any test file, get the running one.
 */
export async function sharedLab(env: string): Promise<LabStatus> {
  const progress = (line: string) => console.log(`[lab ${env}] ${line}`);
  const marker = path.join(inject('labRunDir'), env);
  if (!existsSync(marker)) {
    await labDown(env, { onProgress: progress });
    writeFileSync(marker, '');
  }
  return labUp(loadEnvironment(env), { onProgress: progress });
}

/** Runs a command inside a host; fails the test with its output when it exits non-zero. */
export async function inHost(env: string, host: string, argv: string[]): Promise<string> {
  const r = await execInHost(env, host, argv, { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`${argv.join(' ')} on ${host} exited ${r.code}:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');

/** Runs a TypeScript fixture with tsx inside the client namespace and parses its JSON output. */
export async function fromClient<T>(env: string, fixture: string, args: string[]): Promise<T> {
  const script = path.join(__dirname, 'fixtures', fixture);
  const r = await run('ip', ['netns', 'exec', clientNetns(env), TSX, script, ...args], {
    timeoutMs: 300_000,
  });
  if (r.code !== 0)
    throw new Error(`${fixture} in ${clientNetns(env)} exited ${r.code}:\n${r.stderr}${r.stdout}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as T;
}

export type TcpResult = 'open' | 'refused' | 'filtered' | 'unreachable';

/** Tries a TCP connection from the client: open, refused (RST), filtered (dropped) or unreachable (no ARP answer). */
export async function tcpFromClient(env: string, address: string, port: number): Promise<TcpResult> {
  return (await fromClient<{ result: TcpResult }>(env, 'tcp-probe.ts', [address, String(port)])).result;
}

/** RabbitMQ's own view: the running nodes of the cluster as one node sees it. */
export async function runningNodes(env: string, host: string): Promise<string[]> {
  const out = await inHost(env, host, ['rabbitmqctl', '-q', 'cluster_status', '--formatter', 'json']);
  return (JSON.parse(out) as { running_nodes: string[] }).running_nodes.sort();
}

/** Waits (bounded) until `host` sees exactly `want` as the running nodes. */
export async function expectRunningNodes(env: string, host: string, want: string[], timeoutMs = 240_000) {
  const sorted = [...want].sort();
  let seen: string[] = [];
  try {
    await waitFor(
      `${host} to see ${sorted.join(', ')} running`,
      timeoutMs,
      async () => {
        seen = await runningNodes(env, host).catch(() => []);
        return JSON.stringify(seen) === JSON.stringify(sorted) ? true : undefined;
      },
      2000,
    );
  } finally {
    expect(seen).toEqual(sorted);
  }
}

export interface QueueRow {
  name: string;
  type: string;
  members?: string[];
}

/** The queues as `host` lists them, with their type and (quorum queues) their members. */
export async function listQueues(env: string, host: string): Promise<QueueRow[]> {
  const out = await inHost(env, host, [
    'rabbitmqctl',
    '-q',
    'list_queues',
    'name',
    'type',
    'members',
    '--formatter',
    'json',
  ]);
  return JSON.parse(out) as QueueRow[];
}

/**
 * After a blank replacement of `replaced`: waits (bounded) until the quorum queue `queue` has every
 * node of `nodes` as a member again, then checks the replaced node holds its `messages` and
 * deletes the queue.
 */
export async function expectQuorumQueueRegrown(
  env: string,
  queue: string,
  nodes: string[],
  replaced: string,
  messages: number,
): Promise<void> {
  const want = [...nodes].sort();
  const other = nodes.map((n) => n.replace(/^rabbit@/, '')).find((h) => h !== replaced)!;
  let q: QueueRow | undefined;
  await waitFor(
    `${replaced} back in the quorum queue`,
    240_000,
    async () => {
      q = (await listQueues(env, other).catch(() => [])).find((row) => row.name === queue);
      return q && [...(q.members ?? [])].sort().join() === want.join() ? true : undefined;
    },
    2000,
  );
  expect([...(q?.members ?? [])].sort()).toEqual(want);
  const counts = await inHost(env, replaced, ['rabbitmqctl', '-q', 'list_queues', 'name', 'messages']);
  expect(counts).toMatch(new RegExp(`^${queue}\\s+${messages}$`, 'm'));
  await inHost(env, other, ['rabbitmqctl', '-q', 'delete_queue', queue]);
}

/**
 * How a client reaches AMQP through a lab's front door: AMQPS with the lab's CA to verify (the
 * fixtures' last argument) when the lab has `rabbitmq.tls` 'required', else plaintext AMQP.
 */
export function frontDoorAmqp(
  env: string,
  lab: LabStatus,
): { address: string; port: string; caArgs: string[] } {
  const tls = labTopology(env).rabbitmq.tls === 'required';
  return {
    address: lab.endpoint.address,
    port: String(tls ? lab.endpoint.amqpsPort : lab.endpoint.amqpPort),
    caArgs: tls ? [lab.caFile!] : [],
  };
}

/**
 * The default queue type of / is quorum: the vhost says so, and a queue `queue` declared with no
 * arguments by a client through the front door (AMQPS verifying the lab's CA with rabbitmq.tls
 * 'required') takes 200 confirmed messages and is a quorum queue on every node of `nodes`.
 */
export async function expectDefaultQueueTypeQuorum(
  env: string,
  lab: LabStatus,
  queue: string,
  nodes: string[],
): Promise<void> {
  const vhosts = await inHost(env, 'rabbit-01', [
    'rabbitmqctl',
    '-q',
    'list_vhosts',
    'name',
    'default_queue_type',
  ]);
  expect(vhosts).toMatch(/^\/\s+quorum$/m);
  const door = frontDoorAmqp(env, lab);
  const r = await fromClient<{ confirmed: number }>(env, 'vhost-publish.ts', [
    door.address,
    door.port,
    lab.credentials,
    '/',
    queue,
    '200',
    ...door.caArgs,
  ]);
  expect(r.confirmed).toBe(200);
  const q = (await listQueues(env, 'rabbit-01')).find((row) => row.name === queue);
  expect(q?.type).toBe('quorum');
  expect([...(q?.members ?? [])].sort()).toEqual([...nodes].sort());
}

/** A policy definition from `list_policies --formatter json` (3.10 prints it as a JSON string). */
export function policyDefinition(definition: unknown): unknown {
  return typeof definition === 'string' ? JSON.parse(definition) : definition;
}

/** One line of a drill's ledger and figures, for the run's output. */
export function drillSummary(r: DrillResult): string {
  return (
    `drill ${r.name}: published ${r.published}, confirmed ${r.confirmed}, consumed ${r.consumed}, ` +
    `duplicates ${r.duplicates}, lost ${r.lost}, recovered ${r.recovered}, ` +
    `longest confirm gap ${r.load.longestConfirmGapMs} ms, reconnects ${JSON.stringify(r.load.reconnects)} ` +
    JSON.stringify(r.notes)
  );
}

/**
 * Runs one drill on the env's lab and asserts its ledger: it passed (recovered, something
 * confirmed), 0 confirmed messages lost, every confirmed message consumed. A failed drill restores
 * the lab for the tests after it. `results` collects the ledger for the file's summary.
 */
export async function expectDrillPasses(
  env: string,
  d: Drill,
  log: (line: string) => void,
  results: DrillResult[] = [],
): Promise<DrillResult> {
  try {
    const r = await runDrill(env, d, { log });
    results.push(r);
    assertDrillPassed(r);
    expect(r.lost).toBe(0);
    expect(r.consumed).toBeGreaterThanOrEqual(r.confirmed);
    return r;
  } catch (e) {
    await restoreLab(env, log).catch(() => undefined);
    throw e;
  }
}

/**
 * The az-outage drill (every host of one subnet cut at once) on the env's lab: passes with 0
 * confirmed messages lost, and publishing resumed while the AZ was still down (the drill itself
 * waits for traffic to flow twice during the outage). Logs its ledger and figures.
 */
export async function expectAzOutageSurvived(env: string, log: (line: string) => void): Promise<DrillResult> {
  const r = await expectDrillPasses(env, azOutage, log);
  log(drillSummary(r));
  expect(r.notes.publishingResumedSeconds).toBeLessThan(r.notes.azDownSeconds as number);
  expect(typeof r.notes.azOutageLongestConfirmGapSeconds).toBe('number');
  return r;
}

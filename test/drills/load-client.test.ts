// The drills' load client against a real RabbitMQ on loopback: exact counts on a steady run, exact
// counts across a broker crash, and proof that the counting sees loss and duplicates when they happen.
import * as amqp from 'amqplib';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgent } from '../../lab/drills/agent-process';
import type { ProbeResult } from '../../lab/drills/tcp-probe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoad, type LoadOptions, type LoadResult } from '../../lab/drills/load-client';
import { startLoopbackBroker, type LoopbackBroker } from './loopback-broker';

let rabbit: LoopbackBroker;
let n = 0;

beforeAll(async () => {
  rabbit = await startLoopbackBroker();
});

afterAll(async () => {
  await rabbit?.destroy();
});

function base(): Omit<LoadOptions, 'durationMs'> {
  return {
    host: rabbit.host,
    port: rabbit.port,
    username: rabbit.username,
    password: rabbit.password,
    queue: `warren-test-load-${process.pid}-${n++}`,
    drainIdleMs: 5_000,
  };
}

async function withChannel<T>(fn: (ch: amqp.ConfirmChannel) => Promise<T>): Promise<T> {
  const conn = await amqp.connect({
    hostname: rabbit.host,
    port: rabbit.port,
    username: rabbit.username,
    password: rabbit.password,
  });
  try {
    const ch = await conn.createConfirmChannel();
    ch.on('error', () => {}); // a refused operation rejects its promise; the event is a duplicate
    return await fn(ch);
  } finally {
    await conn.close();
  }
}

const until = async (cond: () => boolean) => {
  while (!cond()) await new Promise((r) => setTimeout(r, 20));
};

function expectConsistent(r: LoadResult): void {
  // The ledger's identities, checked on real runs.
  expect(r.published).toBe(r.confirmed + r.unconfirmed);
  expect(r.consumed).toBe(r.confirmed - r.lost + r.consumedUnconfirmed);
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  expect(sum(r.timeline.confirmed)).toBe(r.confirmed);
  expect(sum(r.timeline.consumed)).toBe(r.consumed + r.duplicates);
  expect(sum(r.timeline.published)).toBe(r.published + r.republished);
}

describe('load client on a real broker', () => {
  it('accounts for every message of a steady run: all confirmed, all consumed once', async () => {
    const r = await startLoad({ ...base(), rate: 1_000, batchSize: 50, durationMs: 1_500 }).result;
    expect(r.published).toBeGreaterThan(200);
    expect(r.confirmed).toBe(r.published);
    expect(r.consumed).toBe(r.confirmed);
    expect(r.duplicates).toBe(0);
    expect(r.lost).toBe(0);
    expect(r.reconnects).toEqual({ publisher: 0, consumer: 0 });
    expectConsistent(r);
    // The queue was deleted at the end of the run.
    await expect(withChannel((ch) => ch.checkQueue(r.queue))).rejects.toThrow(/NOT_FOUND/);
  });

  it('counts every message the broker dropped as lost (purged mid-run)', async () => {
    const opts = { ...base(), rate: 500, batchSize: 25, durationMs: 1_500, consumeAfterPublish: true };
    const run = startLoad(opts);
    await until(() => run.counts().confirmed >= 200);
    const purged = await withChannel((ch) => ch.purgeQueue(opts.queue));
    const r = await run.result;
    expect(purged.messageCount).toBeGreaterThan(0);
    expect(r.lost).toBe(purged.messageCount);
    expect(r.consumed).toBe(r.confirmed - purged.messageCount);
    expect(r.lostIds.length).toBe(Math.min(20, purged.messageCount));
    expectConsistent(r);
  });

  it('counts each extra delivery of a message as a duplicate', async () => {
    const opts = { ...base(), rate: 500, batchSize: 25, durationMs: 1_500, runTag: 'duptest' };
    const run = startLoad(opts);
    await until(() => run.counts().confirmed >= 100);
    await withChannel(async (ch) => {
      for (let id = 0; id < 10; id++)
        ch.sendToQueue(opts.queue, Buffer.from('again'), { messageId: `duptest-${id}` });
      for (let id = 0; id < 3; id++)
        ch.sendToQueue(opts.queue, Buffer.from('thrice'), { messageId: `duptest-${id}` });
      await ch.waitForConfirms();
    });
    const r = await run.result;
    expect(r.duplicates).toBe(13);
    expect(r.lost).toBe(0);
    expect(r.consumed).toBe(r.confirmed);
    expectConsistent(r);
  });

  it('keeps exact counts across a broker crash: reconnects, republishes, loses nothing confirmed', async () => {
    const events: string[] = [];
    const run = startLoad({
      ...base(),
      rate: 500,
      batchSize: 25,
      onEvent: (e) => e.kind !== 'progress' && events.push(`${e.role}:${e.kind}`),
    });
    await until(() => run.counts().consumed >= 300);
    await rabbit.crash();
    const before = run.counts().confirmed;
    await rabbit.start();
    await until(() => run.counts().confirmed >= before + 300);
    run.stop();
    const r = await run.result;
    expect(r.lost).toBe(0);
    expect(r.drainTimedOut).toBe(false);
    expect(r.reconnects.publisher).toBeGreaterThanOrEqual(1);
    expect(r.reconnects.consumer).toBeGreaterThanOrEqual(1);
    expect(events).toContain('publisher:disconnected');
    expect(events).toContain('consumer:disconnected');
    expect(r.consumed).toBeGreaterThanOrEqual(r.confirmed);
    expect(r.longestConfirmGapMs).toBeGreaterThan(0);
    expectConsistent(r);
  });
});

describe('the agent process (what runs in the client namespace)', () => {
  it('runs a load until told to stop and prints exactly one JSON result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warren-drills-agent-'));
    try {
      const creds = join(dir, 'credentials.json');
      writeFileSync(creds, JSON.stringify({ username: rabbit.username, password: rabbit.password }), {
        mode: 0o600,
      });
      const queue = `warren-test-agent-${process.pid}`;
      const agent = startAgent<LoadResult>(undefined, [
        'load',
        '--host',
        rabbit.host,
        '--port',
        String(rabbit.port),
        '--credentials',
        creds,
        '--queue',
        queue,
        '--rate',
        '400',
        '--batch',
        '20',
      ]);
      await agent.waitFor('300 consumed', (e) => ((e as { consumed?: number }).consumed ?? 0) >= 300, 60_000);
      agent.stop();
      const r = await agent.result;
      expect(r.queue).toBe(queue);
      expect(r.lost).toBe(0);
      expect(r.consumed).toBe(r.confirmed);
      expect(r.confirmed).toBeGreaterThanOrEqual(300);
      expect(agent.events.some((e) => e.kind === 'first-confirm')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a missing credentials file with a message that says so', async () => {
    const agent = startAgent<LoadResult>(undefined, ['load', '--host', '127.0.0.1', '--queue', 'q']);
    await expect(agent.result).rejects.toThrow(/--credentials FILE is required/);
  });

  it('probes a TCP port and measures the window it was closed', async () => {
    const listen = () =>
      new Promise<Server>((resolve) => {
        const srv = createServer((c) => c.destroy());
        srv.listen(5698, '127.0.0.1', () => resolve(srv));
      });
    let srv = await listen();
    const agent = startAgent<ProbeResult>(undefined, ['probe', '--host', '127.0.0.1', '--port', '5698']);
    await agent.waitFor('probe start', (e) => e.kind === 'started', 30_000);
    await new Promise((r) => setTimeout(r, 300));
    const closedAt = Date.now();
    await new Promise<void>((r) => srv.close(() => r()));
    await new Promise((r) => setTimeout(r, 500));
    srv = await listen();
    const closedFor = Date.now() - closedAt;
    await new Promise((r) => setTimeout(r, 300));
    agent.stop();
    const r = await agent.result;
    srv.close();
    expect(r.outages).toHaveLength(1);
    // Resolution is one probe interval (50 ms) on each side of the window, plus scheduling slack.
    expect(r.longestOutageMs).toBeGreaterThanOrEqual(closedFor - 250);
    expect(r.longestOutageMs).toBeLessThanOrEqual(closedFor + 250);
    expect(r.endedDown).toBe(false);
  });
});

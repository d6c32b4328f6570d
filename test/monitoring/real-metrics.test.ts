// The series the alert rules read, checked against a real RabbitMQ (the installed 3.10) with
// rabbitmq_prometheus: a two-node cluster on 127.0.0.1, ports of its own (AMQP 5981+, metrics
// 15981+, distribution 25981+, epmd 4431). Every metric name a rule of the rabbitmq jobs uses must
// be served, and the per-queue series must carry the labels the rules match on.
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertRules, queueSeriesOf } from '../../monitoring';
import { startLoopbackRabbit, type LoopbackNode, type LoopbackRabbit } from '../support/loopback-rabbit';
import { assertPortsFree } from '../support/ports';
import { waitFor } from '../support/wait-for';
import { shippedTopologies } from '../cloudinit/helpers';

const AMQP_BASE = 5981;
const METRICS_BASE = 15981;
const EPMD_PORT = 4431;
const NAMES = ['a@localhost', 'b@localhost'];

let rabbit: LoopbackRabbit;
let nodes: LoopbackNode[];

async function awaitStartup(n: LoopbackNode): Promise<void> {
  for (let i = 0; i < 90; i++) {
    try {
      await rabbit.ctl(n, 'await_startup', '--timeout', '120');
      return;
    } catch {
      await new Promise((res) => setTimeout(res, 1000));
    }
  }
  throw new Error(`${n.name} did not start within 90 s`);
}

async function scrape(i: number, pathAndQuery: string): Promise<string> {
  const r = await fetch(`http://127.0.0.1:${METRICS_BASE + i}${pathAndQuery}`);
  expect(r.status).toBe(200);
  return r.text();
}

/** Samples of `metric` in a Prometheus text exposition: labels text → value. */
function samples(text: string, metric: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)(\{[^}]*\})? (\S+)/.exec(line);
    if (m && m[1] === metric) out.set(m[2] ?? '', Number(m[3]));
  }
  return out;
}

beforeAll(async () => {
  await assertPortsFree(NAMES.flatMap((_, i) => [AMQP_BASE + i, METRICS_BASE + i, AMQP_BASE + 20000 + i]));
  rabbit = await startLoopbackRabbit({ prefix: 'monitoring-rabbit', epmdPort: EPMD_PORT });
  nodes = NAMES.map((name, i) =>
    rabbit.addNode({
      name,
      distPort: AMQP_BASE + 20000 + i,
      enabledPlugins: '[rabbitmq_prometheus].\n',
      config: {
        fileName: 'rabbitmq.conf',
        content: [
          `listeners.tcp.1 = 127.0.0.1:${AMQP_BASE + i}`,
          'prometheus.tcp.ip = 127.0.0.1',
          `prometheus.tcp.port = ${METRICS_BASE + i}`,
          '',
        ].join('\n'),
      },
    }),
  );
  const [a, b] = nodes as [LoopbackNode, LoopbackNode];
  rabbit.start(a);
  rabbit.start(b);
  await awaitStartup(a);
  await awaitStartup(b);
  await rabbit.ctl(b, 'stop_app');
  await rabbit.ctl(b, 'join_cluster', a.name);
  await rabbit.ctl(b, 'start_app');
  await awaitStartup(b);
  const conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:${AMQP_BASE}`);
  try {
    const ch = await conn.createConfirmChannel();
    await ch.assertQueue('orders', { durable: true });
    for (let m = 0; m < 3; m++) ch.sendToQueue('orders', Buffer.from(String(m)), { persistent: true });
    await ch.waitForConfirms();
    await ch.close();
  } finally {
    await conn.close();
  }
}, 240_000);

afterAll(() => rabbit?.destroy());

describe('rabbitmq_prometheus serves what the rules read', () => {
  const t = shippedTopologies().find((x) => x.name === 'lts')!;

  it('every metric of the rabbitmq job in the rules is on /metrics', async () => {
    const text = await scrape(0, '/metrics');
    const used = new Set(
      alertRules(t).flatMap((r) => [...r.expr.matchAll(/([a-z_]+)\{job="rabbitmq"/g)].map((m) => m[1]!)),
    );
    used.delete('up');
    expect(used.size).toBeGreaterThan(4);
    for (const metric of used) expect(samples(text, metric).size, metric).toBeGreaterThan(0);
    // Both alarms are off on a healthy node, and its peer is connected (state 3: up).
    expect([...samples(text, 'rabbitmq_alarms_memory_used_watermark').values()]).toEqual([0]);
    expect(samples(text, 'erlang_vm_dist_node_state').get('{peer="b@localhost"}')).toBe(3);
  });

  it('the rabbitmq-queues job sees a queue with messages ready and no consumer', async () => {
    const prefix = queueSeriesOf(t)!.prefix;
    expect(prefix).toBe('rabbitmq_detailed_queue_');
    const labels = '{vhost="/",queue="orders"}';
    let text = '';
    // Queue counts are collected every collect_statistics_interval (5 s by default).
    await waitFor(
      'rabbitmq_prometheus reports the 3 messages of queue orders',
      async () => {
        text = await scrape(0, '/metrics/detailed?family=queue_coarse_metrics&family=queue_consumer_count');
        return samples(text, `${prefix}messages_ready`).get(labels) === 3;
      },
      30_000,
      1000,
    );
    expect(samples(text, `${prefix}consumers`).get(labels)).toBe(0);
  });
});

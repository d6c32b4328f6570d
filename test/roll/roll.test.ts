// `warren roll` end to end against a real three-node RabbitMQ cluster on loopback (the installed
// 3.10, ha-all with automatic sync, persistent messages in queues led by chosen nodes) and the
// recording stand-in `terraform` (test/roll/fixtures) first on PATH, whose `apply -replace` asks
// this file to replace the host: for a node, a clean stop and a start of the same node on its
// kept data, as an instance replaced on its own data volume. Proves the exact -replace sequence
// and order, the stop on a failed health check (no replace issued), the stop on a failed replace
// and the resume of a re-run (hosts done are skipped), and that no confirmed message is lost.
// Then the orchestrator with a client that can run the node's CLI: it drains before the replace.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rollAws, type AwsRollOptions } from '../../aws/roll-aws';
import { managementClusterClient, RollError, rollHosts } from '../../roll';
import { ADMIN_USERNAME } from '../../topology';
import { loadEnvironment } from '../../workspace';
import { craftState, OLD_RABBIT_AMI, synthesizeDev, useFakeTerraform, type SynthesizedDev } from './helpers';
import { startRollCluster, type RollCluster } from './loopback-cluster';

const HOSTS = ['rabbit-01', 'rabbit-02', 'rabbit-03'];
const MESSAGES = 20;

let dev: SynthesizedDev;
let cluster: RollCluster;
let hook: Server;
const saved = { ...process.env };
let logFile = '';
let stateFile = '';
/** Hosts whose next replace fails (as a capacity error would), once each. */
const failNext = new Set<string>();
/** What the hook saw: each host replaced, and which nodes were running then. */
const replacements: { host: string; running: string[] }[] = [];

beforeAll(async () => {
  dev = await synthesizeDev();
  cluster = await startRollCluster(HOSTS);
  // rabbit-01 leads two queues, rabbit-02 one, rabbit-03 none.
  await cluster.queuesOn('rabbit-01', 'orders', 2, MESSAGES);
  await cluster.queuesOn('rabbit-02', 'billing', 1, MESSAGES);
  hook = createServer((req, res) => {
    const host = new URL(req.url ?? '/', 'http://x').searchParams.get('host') ?? '';
    void (async () => {
      if (failNext.delete(host)) {
        res.statusCode = 500;
        return res.end('InsufficientInstanceCapacity (simulated)');
      }
      const status = await fetch(`${cluster.nodes[0]!.url}/api/nodes`, { headers: { authorization: auth() } })
        .then((r) => r.json() as Promise<{ name: string; running: boolean }[]>)
        .catch(() => []);
      replacements.push({ host, running: status.filter((n) => n.running).map((n) => n.name) });
      if (HOSTS.includes(host)) await cluster.restart(cluster.node(host));
      res.end('ok');
    })().catch((e: Error) => {
      res.statusCode = 500;
      res.end(e.message);
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  ({ logFile, stateFile } = useFakeTerraform(
    dev.dir,
    `http://127.0.0.1:${(hook.address() as AddressInfo).port}`,
  ));
}, 300_000);

afterAll(async () => {
  process.env = saved;
  await new Promise((r) => (hook ? hook.close(r) : r(undefined)));
  cluster?.destroy();
  dev?.destroy();
});

const auth = () => `Basic ${Buffer.from(`${ADMIN_USERNAME}:${cluster.password}`).toString('base64')}`;

/** The hosts of each `apply -replace` recorded, in order, with its targets. */
function applies(): { host: string; targets: string[] }[] {
  const hostOf = new Map(Object.entries(dev.addresses).map(([h, a]) => [a, h]));
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { argv: string[] }).argv)
    .filter((a) => a[0] === 'apply')
    .map((a) => ({
      host: hostOf.get(a.find((x) => x.startsWith('-replace='))!.slice('-replace='.length)) ?? '?',
      targets: a.filter((x) => x.startsWith('-target=')).map((x) => x.slice('-target='.length)),
    }));
}

function options(lines: string[]): AwsRollOptions {
  const url = (h: string) => cluster.node(h).url;
  return {
    outdir: dev.outdir,
    onProgress: (l) => lines.push(l),
    adminPassword: async () => cluster.password,
    endpoints: {
      ...Object.fromEntries(HOSTS.map((h) => [h, { url: url(h), node: cluster.node(h).name }])),
      // "Serves through this HAProxy host": stands for the management API reached through it.
      'haproxy-01': { url: url('rabbit-01') },
      'haproxy-02': { url: url('rabbit-02') },
    },
    hostTimeoutMs: 180_000,
    intervalMs: 1_000,
  };
}

async function messageCounts(): Promise<Record<string, number>> {
  const queues = (await (
    await fetch(`${cluster.nodes[0]!.url}/api/queues`, { headers: { authorization: auth() } })
  ).json()) as { name: string; messages?: number }[];
  return Object.fromEntries(queues.map((q) => [q.name, q.messages ?? -1]));
}

describe('warren roll on a real cluster', () => {
  it('stops before any replace while a node is down, and says what to do', async () => {
    writeFileSync(
      stateFile,
      JSON.stringify(
        craftState(dev.stack(), {
          'rabbit-01': { ami: OLD_RABBIT_AMI },
          'rabbit-02': { ami: OLD_RABBIT_AMI },
          'rabbit-03': { ami: OLD_RABBIT_AMI },
          'haproxy-01': { userData: '#cloud-config\n# older\n' },
          'haproxy-02': { userData: '#cloud-config\n# older\n' },
        }),
      ),
    );
    // rabbit-03 leads no queue, so its absence moves no leadership (the next test relies on the order).
    const down = cluster.node('rabbit-03');
    cluster.rabbit.kill(down);
    try {
      const lines: string[] = [];
      const err = await rollAws(loadEnvironment('dev'), options(lines)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RollError);
      expect((err as Error).message).toMatch(
        /^rabbit-03: the cluster is not healthy: rabbit-03@localhost is not running\. rabbit-03 was not replaced\. Bring every node back .*; then run warren roll --env dev again: it continues with the hosts not yet up to date$/,
      );
      expect(applies()).toEqual([]);
      expect(replacements).toEqual([]);
    } finally {
      cluster.rabbit.start(down);
      await cluster.awaitStartup(down);
    }
  }, 300_000);

  it('replaces one host at a time in order, stops at a failed replace, and a re-run continues', async () => {
    failNext.add('rabbit-01');
    const first: string[] = [];
    const err = await rollAws(loadEnvironment('dev'), options(first)).catch((e: unknown) => e);
    expect(err, first.join('\n')).toBeInstanceOf(RollError);
    expect((err as Error).message).toMatch(
      /^rabbit-01: replacing it failed: terraform apply -replace=aws_instance\.rabbitmq_rabbit-01_instance_\w+ failed \(exit 1\): .*InsufficientInstanceCapacity.*rabbit-03, rabbit-02 done\. Fix the cause, then run warren roll --env dev again/s,
    );
    // The fewest leaders first: rabbit-03 (none), then rabbit-02 (one), then rabbit-01 (two).
    expect(applies().map((a) => a.host)).toEqual(['rabbit-03', 'rabbit-02', 'rabbit-01']);
    expect(first).toContain(
      'rabbit-03 (1/5): safe to stop rabbit-03@localhost (node-is-quorum-critical and node-is-mirror-sync-critical (HTTP API of 3.10.8))',
    );
    expect(
      first.some((l) => /rabbit-03 \(1\/5\): rabbit-03@localhost is back and in sync \(3 queues\)/.test(l)),
    ).toBe(true);

    const second: string[] = [];
    const result = await rollAws(loadEnvironment('dev'), options(second));
    expect(second).toContain('  up to date: rabbit-02, rabbit-03');
    expect(result.replaced).toEqual(['rabbit-01', 'haproxy-02', 'haproxy-01']);
    const all = applies();
    expect(all.map((a) => a.host)).toEqual([
      'rabbit-03',
      'rabbit-02',
      'rabbit-01',
      'rabbit-01',
      'haproxy-02',
      'haproxy-01',
    ]);
    // Each node's replacement carries its data volume's attachment with it.
    for (const a of all.filter((x) => x.host.startsWith('rabbit-'))) {
      expect(a.targets[0]).toBe(dev.addresses[a.host]);
      expect(
        a.targets.some((t) => t.startsWith(`aws_volume_attachment.rabbitmq_${a.host}-data_attachment`)),
      ).toBe(true);
    }
    // Every replace happened with the whole cluster running, one host at a time.
    for (const r of replacements) expect(r.running.sort()).toEqual(HOSTS.map((h) => `${h}@localhost`));
    expect(await messageCounts()).toEqual({
      'billing-1': MESSAGES,
      'orders-1': MESSAGES,
      'orders-2': MESSAGES,
    });

    const third: string[] = [];
    const again = await rollAws(loadEnvironment('dev'), options(third));
    expect(again.replaced).toEqual([]);
    expect(third).toContain('every selected host is up to date; nothing to do');
    expect(applies()).toHaveLength(6);
  }, 600_000);

  it('the orchestrator with a client that runs the node CLI drains the node before replacing it', async () => {
    // A quorum queue too: the node must come back as one of its online members.
    await cluster.queuesOn('rabbit-02', 'ledger', 1, MESSAGES, true);
    const target = cluster.node('rabbit-02');
    const client = managementClusterClient({
      endpoints: cluster.nodes.map((n) => ({ node: n.name, url: n.url })),
      username: ADMIN_USERNAME,
      password: cluster.password,
      nodeCli: cluster.cli,
    });
    const lines: string[] = [];
    let atReplace = { maintenance: '', leads: -1 };
    const r = await rollHosts({
      hosts: [{ name: 'rabbit-02', role: 'rabbitmq', node: target.name, reasons: ['test'] }],
      expectedNodes: cluster.nodes.map((n) => n.name),
      cluster: client,
      adapter: {
        async replaceHost() {
          const status = await cluster.cli(target.name, 'rabbitmq-diagnostics', ['status']);
          const queues = (await (
            await fetch(`${target.url}/api/queues`, { headers: { authorization: auth() } })
          ).json()) as { node: string }[];
          atReplace = {
            maintenance: /Is under maintenance\?: (\w+)/.exec(status.stdout)?.[1] ?? status.stdout,
            leads: queues.filter((q) => q.node === target.name).length,
          };
          await cluster.restart(target);
        },
      },
      onProgress: (l) => lines.push(l),
      nodeTimeoutMs: 180_000,
      intervalMs: 1_000,
    });
    expect(r.replaced).toEqual(['rabbit-02']);
    expect(lines).toContain('rabbit-02 (1/1): draining rabbit-02@localhost (rabbitmq-upgrade drain)');
    expect(lines.some((l) => /rabbit-02@localhost is back and in sync \(4 queues\)/.test(l))).toBe(true);
    const ledger = (await client.status()).queues.find((q) => q.name === 'ledger-1');
    expect(ledger?.type).toBe('quorum');
    expect([ledger!.leader, ...ledger!.replicas].sort()).toEqual(cluster.nodes.map((n) => n.name));
    expect([...ledger!.inSync].sort()).toEqual(cluster.nodes.map((n) => n.name));
    // Drained: in maintenance mode and leading no queue when the replace began.
    expect(atReplace).toEqual({ maintenance: 'true', leads: 0 });
    // A restart takes it out of maintenance mode.
    const status = await cluster.cli(target.name, 'rabbitmq-diagnostics', ['status']);
    expect(status.stdout).toContain('Is under maintenance?: false');
    expect(await messageCounts()).toEqual({
      'billing-1': MESSAGES,
      'ledger-1': MESSAGES,
      'orders-1': MESSAGES,
      'orders-2': MESSAGES,
    });
  }, 300_000);
});

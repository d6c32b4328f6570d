// What `warren roll` reads before it touches anything: the diff of a crafted Terraform state against
// the real synthesized dev stack, a changed host set, and the CLI's dry run and refusals, with the
// recording stand-in `terraform` (test/roll/fixtures) first on PATH. No RabbitMQ here: these paths
// stop before the cluster is asked (roll.test.ts has the real cluster).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { nodeSetImplications, rollDiff } from '../../aws/roll-diff';
import { adminPasswordFromSsm, rollAws } from '../../aws/roll-aws';
import { main } from '../../cli/main';
import {
  computedCriticality,
  frontDoorOrder,
  healthProblems,
  leaderCounts,
  nextRabbitHost,
  type ClusterStatus,
  type RollHost,
} from '../../roll';
import { loadEnvironment } from '../../workspace';
import { craftState, OLD_RABBIT_AMI, synthesizeDev, useFakeTerraform, type SynthesizedDev } from './helpers';
import { LOOPBACK_AWS_ENV } from '../support/loopback-aws';

let dev: SynthesizedDev;
const saved = { ...process.env };
let logFile = '';
let stateFile = '';

beforeAll(async () => {
  dev = await synthesizeDev();
  // No apply may reach a hook in this file: a closed loopback port makes one fail loudly.
  ({ logFile, stateFile } = useFakeTerraform(dev.dir, 'http://127.0.0.1:9'));
}, 120_000);

afterAll(() => {
  process.env = saved;
  dev?.destroy();
});

const calls = () =>
  readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { argv: string[] }).argv);

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi
    .spyOn(console, 'error')
    .mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const code = await main(argv);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('the diff of state and stack', () => {
  it('names each differing host with why, and the ones up to date', () => {
    const stack = dev.stack();
    const state = craftState(stack, {
      'rabbit-01': { ami: OLD_RABBIT_AMI },
      'rabbit-02': { instanceType: 't3.small' },
      'haproxy-02': { userData: '#cloud-config\n# an older one\n' },
    });
    const d = rollDiff(stack, state);
    expect(Object.fromEntries(d.changed.map((c) => [c.host, c.reasons]))).toEqual({
      'rabbit-01': [`image ${OLD_RABBIT_AMI} → ami-0aaaaaaaaaaaa0002`],
      'rabbit-02': ['instance type t3.small → t3.medium'],
      'haproxy-02': [expect.stringMatching(/^user-data changed \(sha1 [0-9a-f]{12}… → [0-9a-f]{12}…\)$/)],
    });
    expect(d.changed.find((c) => c.host === 'rabbit-01')?.address).toBe(dev.addresses['rabbit-01']);
    expect([...d.upToDate].sort()).toEqual(['haproxy-01', 'rabbit-03']);
    expect(d.added).toEqual([]);
    expect(d.removed).toEqual([]);
    expect(d.moved).toEqual([]);
  });

  it('a host deployed under another address is a move, not a replace', () => {
    const stack = dev.stack();
    const state = craftState(stack, {}) as { values: { root_module: { resources: { address: string }[] } } };
    const r = state.values.root_module.resources.find((x) => x.address === dev.addresses['rabbit-02'])!;
    r.address = 'aws_instance.old_name';
    const d = rollDiff(stack, state);
    expect(d.moved).toEqual([
      { host: 'rabbit-02', from: 'aws_instance.old_name', to: dev.addresses['rabbit-02'] },
    ]);
    expect(d.changed).toEqual([]);
    expect(nodeSetImplications(d, 'warren-dev')[0]).toMatch(
      /terraform state mv aws_instance\.old_name aws_instance\./,
    );
  });

  it('an identical state differs in nothing', () => {
    const stack = dev.stack();
    const d = rollDiff(stack, craftState(stack, {}));
    expect(d.changed).toEqual([]);
    expect(d.upToDate).toHaveLength(5);
  });

  it('a changed node set is reported with what it implies', () => {
    const stack = dev.stack();
    const d = rollDiff(
      stack,
      craftState(stack, {}, ['rabbit-03'], [{ host: 'rabbit-04', role: 'rabbitmq' }]),
    );
    expect(d.added.map((a) => a.host)).toEqual(['rabbit-03']);
    expect(d.removed.map((r) => r.host)).toEqual(['rabbit-04']);
    const lines = nodeSetImplications(d, 'warren-dev');
    expect(lines[0]).toMatch(
      /rabbit-03 is in the stack but not deployed: `cdktf deploy warren-dev` creates it/,
    );
    expect(lines[1]).toMatch(
      /rabbit-04 is deployed but no longer in the stack.*forget_cluster_node rabbit@rabbit-04/,
    );
  });
});

describe('warren roll before the cluster', () => {
  it('--dry-run prints what differs and changes nothing', async () => {
    const stack = dev.stack();
    writeFileSync(
      stateFile,
      JSON.stringify(
        craftState(stack, { 'rabbit-02': { ami: OLD_RABBIT_AMI }, 'haproxy-01': { userData: 'old' } }),
      ),
    );
    const before = readFileSync(stateFile, 'utf8');
    writeFileSync(logFile, '');
    const r = await cli('roll', '--env', 'dev', '--dry-run', '--out', dev.outdir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('warren-dev: 2 of 5 deployed hosts differ');
    expect(r.out).toContain(`rabbit-02: image ${OLD_RABBIT_AMI} → ami-0aaaaaaaaaaaa0002`);
    expect(r.out).toMatch(/haproxy-01: user-data changed/);
    expect(r.out).toContain('up to date: rabbit-01, rabbit-03, haproxy-02');
    expect(r.out).toContain('dry run: nothing was changed');
    expect(calls().some((a) => a[0] === 'apply')).toBe(false);
    expect(calls().map((a) => a[0])).toContain('show');
    expect(readFileSync(stateFile, 'utf8')).toBe(before);
  });

  it('--dry-run says when the node set changed; a roll then refuses before any apply', async () => {
    const stack = dev.stack();
    writeFileSync(
      stateFile,
      JSON.stringify(craftState(stack, { 'rabbit-01': { ami: OLD_RABBIT_AMI } }, ['rabbit-03'])),
    );
    writeFileSync(logFile, '');
    const dry = await cli('roll', '--env', 'dev', '--dry-run', '--out', dev.outdir);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('the set of hosts changed:');
    expect(dry.out).toContain('rabbit-03 is in the stack but not deployed');
    const real = await cli('roll', '--env', 'dev', '--out', dev.outdir);
    expect(real.code).toBe(1);
    expect(real.err).toMatch(/warren roll: the set of hosts differs .* deploy first, then roll/);
    expect(calls().some((a) => a[0] === 'apply')).toBe(false);
  });

  it('--host selects hosts; an unknown one is refused', async () => {
    writeFileSync(
      stateFile,
      JSON.stringify(craftState(dev.stack(), { 'rabbit-01': { ami: OLD_RABBIT_AMI } })),
    );
    const r = await cli('roll', '--env', 'dev', '--host', 'rabbit-02', '--out', dev.outdir);
    expect(r.code).toBe(0);
    expect(r.out).toContain('rabbit-01: image');
    expect(r.out).toContain('(not selected)');
    expect(r.out).toContain('every selected host is up to date; nothing to do');
    const bad = await cli('roll', '--env', 'dev', '--host', 'rabbit-9', '--out', dev.outdir);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('--host rabbit-9: environment dev has no such host; hosts: rabbit-01');
  });

  it('without terraform on PATH, or before a synth, it exits 1 saying what to do', async () => {
    const path0 = process.env.PATH;
    process.env.PATH = path.dirname(process.execPath);
    try {
      const r = await cli('roll', '--env', 'dev', '--dry-run', '--out', dev.outdir);
      expect(r.code).toBe(1);
      expect(r.err).toContain(
        "warren roll needs Terraform (≥ 0.15.2, for -replace) on PATH and found no 'terraform'",
      );
    } finally {
      process.env.PATH = path0;
    }
    const none = await cli('roll', '--env', 'dev', '--dry-run', '--out', path.join(dev.dir, 'nothing'));
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/cdk\.tf\.json does not exist; run `warren synth --env <name>`/);
  });

  it('without a reachable management API it exits before any apply', async () => {
    writeFileSync(
      stateFile,
      JSON.stringify(craftState(dev.stack(), { 'rabbit-01': { ami: OLD_RABBIT_AMI } })),
    );
    writeFileSync(logFile, '');
    const closed = { url: 'http://127.0.0.1:9' };
    await expect(
      rollAws(loadEnvironment('dev'), {
        outdir: dev.outdir,
        onProgress: () => undefined,
        adminPassword: async () => 'unused',
        endpoints: { 'rabbit-01': closed, 'rabbit-02': closed, 'rabbit-03': closed },
      }),
    ).rejects.toThrow(/no RabbitMQ management API answered \(http:\/\/127\.0\.0\.1:9.*access\.adminCidrs/);
    expect(calls().some((a) => a[0] === 'apply')).toBe(false);
  });

  it('refuses before any change when the nodes take management only through the front door', async () => {
    writeFileSync(
      stateFile,
      JSON.stringify(craftState(dev.stack(), { 'rabbit-01': { ami: OLD_RABBIT_AMI } })),
    );
    writeFileSync(logFile, '');
    let asked = false;
    await expect(
      rollAws(loadEnvironment('dev'), {
        outdir: dev.outdir,
        onProgress: () => undefined,
        adminPassword: async () => {
          asked = true;
          return 'unused';
        },
      }),
    ).rejects.toThrow(/set access\.directNodeAccess: true .*deploy, and run warren roll again/);
    expect(asked).toBe(false);
    expect(calls().some((a) => a[0] === 'apply')).toBe(false);
  });
});

describe('the order and the checks', () => {
  const host = (name: string, extra: Partial<RollHost> = {}): RollHost => ({
    name,
    role: 'rabbitmq',
    node: `rabbit@${name}`,
    reasons: [],
    ...extra,
  });
  const q = (name: string, leader: string, inSync: string[], replicas = inSync) => ({
    vhost: '/',
    name,
    type: 'classic' as const,
    leader,
    replicas,
    inSync,
    exclusive: false,
  });

  it('the node leading the fewest queues goes first; the VIP holder last', () => {
    const counts = leaderCounts([q('a', 'rabbit@r1', []), q('b', 'rabbit@r1', []), q('c', 'rabbit@r2', [])]);
    const hosts = [host('r1'), host('r2'), host('r3')];
    expect(nextRabbitHost(hosts, counts)?.name).toBe('r3');
    expect(nextRabbitHost([host('r1'), host('r2')], counts)?.name).toBe('r2');
    const proxies = [
      { name: 'h1', role: 'haproxy' as const, priority: 200, reasons: [] },
      { name: 'h2', role: 'haproxy' as const, priority: 100, reasons: [] },
    ];
    expect(frontDoorOrder(proxies, undefined).map((h) => h.name)).toEqual(['h2', 'h1']);
    expect(frontDoorOrder(proxies, 'h2').map((h) => h.name)).toEqual(['h1', 'h2']);
  });

  it('health: a stopped, missing or extra member, an alarm and a partition each count', () => {
    const s: ClusterStatus = {
      nodes: [
        { name: 'rabbit@r1', running: true, alarms: ['memory'], partitions: [] },
        { name: 'rabbit@r2', running: false, alarms: [], partitions: [] },
        { name: 'rabbit@r4', running: true, alarms: [], partitions: ['rabbit@r1'] },
      ],
      queues: [],
    };
    expect(healthProblems(s, ['rabbit@r1', 'rabbit@r2', 'rabbit@r3'])).toEqual([
      'rabbit@r2 is not running',
      'rabbit@r3 is not a member of the cluster',
      'rabbit@r1 has a memory alarm',
      'rabbit@r4 is a member the topology does not have',
      'rabbit@r4 is partitioned from rabbit@r1',
    ]);
  });

  it('criticality from the queue list: a last synchronised copy, a lost quorum', () => {
    const nodes = ['rabbit@r1', 'rabbit@r2', 'rabbit@r3'].map((name) => ({
      name,
      running: true,
      alarms: [],
      partitions: [],
    }));
    const synced: ClusterStatus = { nodes, queues: [q('a', 'rabbit@r1', ['rabbit@r2'])] };
    expect(computedCriticality('rabbit@r1', synced)).toBeUndefined();
    const unsynced: ClusterStatus = { nodes, queues: [q('a', 'rabbit@r1', [], ['rabbit@r2'])] };
    expect(computedCriticality('rabbit@r1', unsynced)).toBe(
      "queue 'a' in vhost '/' has no synchronised mirror besides rabbit@r1",
    );
    expect(computedCriticality('rabbit@r2', unsynced)).toBeUndefined();
    const quorum: ClusterStatus = {
      nodes,
      queues: [
        {
          vhost: '/',
          name: 'qq',
          type: 'quorum',
          leader: 'rabbit@r1',
          replicas: ['rabbit@r2', 'rabbit@r3'],
          inSync: ['rabbit@r1', 'rabbit@r2'],
          exclusive: false,
        },
      ],
    };
    expect(computedCriticality('rabbit@r1', quorum)).toBe(
      "queue 'qq' in vhost '/' would keep 1 of 3 members online",
    );
    expect(computedCriticality('rabbit@r3', quorum)).toBeUndefined();
  });
});

const awsCli = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0;

describe.runIf(awsCli)('the administrator password from SSM', () => {
  it('is read with the real AWS CLI (here from a GetParameter endpoint on loopback), or refused saying why', async () => {
    const seen: Record<string, unknown>[] = [];
    const ssm = createServer((req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => {
        const body = JSON.parse(data || '{}') as Record<string, unknown>;
        seen.push({ target: req.headers['x-amz-target'], ...body });
        res.setHeader('content-type', 'application/x-amz-json-1.1');
        if (body.Name === '/warren/dev/admin-password' && body.WithDecryption === true) {
          res.end(
            JSON.stringify({
              Parameter: { Name: body.Name, Type: 'SecureString', Value: 's3cret-Value', Version: 1 },
            }),
          );
        } else {
          res.statusCode = 400;
          res.end(JSON.stringify({ __type: 'ParameterNotFound', message: 'not here' }));
        }
      });
    });
    await new Promise<void>((r) => ssm.listen(0, '127.0.0.1', r));
    const env0 = { ...process.env };
    Object.assign(process.env, {
      WARREN_SSM_ENDPOINT_URL: `http://127.0.0.1:${(ssm.address() as AddressInfo).port}`,
      ...LOOPBACK_AWS_ENV,
    });
    try {
      const t = loadEnvironment('dev').topology;
      expect(await adminPasswordFromSsm(t)).toBe('s3cret-Value');
      expect(seen[0]).toMatchObject({ target: 'AmazonSSM.GetParameter', Name: '/warren/dev/admin-password' });
      await expect(adminPasswordFromSsm({ ...t, name: 'nope' })).rejects.toThrow(
        /^could not read \/warren\/nope\/admin-password from SSM in .*ParameterNotFound.*; check this machine's AWS credentials$/,
      );
    } finally {
      process.env = env0;
      await new Promise((r) => ssm.close(r));
    }
  }, 60_000);
});

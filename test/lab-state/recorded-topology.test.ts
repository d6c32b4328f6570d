/**
 * lab.json's recorded topology goes through today's gate when it is read back: unchanged, it reads
 * back exactly as written; a field added since (here: one deleted from the record, as an older
 * warren would have written it) gets its default; one today's rules refuse stops with a way out.
 * Pure file I/O in a temporary state root; no lab is booted.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Topology } from '../../topology';
import { listEnvironments, loadEnvironment } from '../../workspace';

const root = mkdtempSync(path.join(tmpdir(), 'warren-lab-state-'));
process.env.WARREN_LAB_STATE = root;
afterAll(() => rmSync(root, { recursive: true, force: true }));

let readState: typeof import('../../lab/lab-state').readState;
beforeAll(async () => {
  // After WARREN_LAB_STATE is set: lab/paths.ts reads it when it loads.
  ({ readState } = await import('../../lab/lab-state'));
});

function record(env: string, topology: unknown): void {
  mkdirSync(path.join(root, env), { recursive: true });
  const state = {
    env,
    source: `environments/${env}.ts`,
    topology,
    image: 'x',
    bridgeNetns: 'wl-x',
    hosts: [],
  };
  writeFileSync(path.join(root, env, 'lab.json'), JSON.stringify(state));
}

const plain = (t: Topology): unknown => JSON.parse(JSON.stringify(t));

describe('the topology recorded in lab.json', () => {
  it.each(listEnvironments())('of %s reads back exactly as it was written', (env) => {
    const t = loadEnvironment(env).topology;
    record(env, t);
    expect(plain(readState(env)!.topology)).toEqual(plain(t));
  });

  it('gets the default of a field recorded by an older warren', () => {
    const t = plain(loadEnvironment('dev').topology) as { rabbitmq: Record<string, unknown> };
    expect(t.rabbitmq.partitionHandling).toBeDefined();
    const older = structuredClone(t);
    delete older.rabbitmq.partitionHandling;
    record('dev', older);
    expect(readState('dev')!.topology.rabbitmq.partitionHandling).toBe(t.rabbitmq.partitionHandling);
  });

  it('that today refuses stops with the field and the way out', () => {
    const t = plain(loadEnvironment('dev').topology) as { rabbitmq: { nodes: { ip: string }[] } };
    t.rabbitmq.nodes[1]!.ip = t.rabbitmq.nodes[0]!.ip;
    record('dev', t);
    expect(() => readState('dev')).toThrow(
      /booted by another version of warren[\s\S]*rabbitmq\.nodes[\s\S]*lab -- down --env dev && npm run lab -- up --env dev/,
    );
  });
});

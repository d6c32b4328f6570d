// Random mutations of valid topologies only ever give a resolved topology or a clean TopologyError
// (every issue with a message and a fix), never a crash; and whatever the whole gate accepts, the
// later steps accept too: the stacks build (synth without writing) and every host's user-data
// renders, on both platforms.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../aws';
import { PLATFORMS, renderUserData } from '../../cloudinit';
import dev from '../../environments/dev';
import elb from '../../environments/elb';
import lts from '../../environments/lts';
import { hostsOf, TopologyError, validateTopology } from '../../topology';
import { gateInput, PROJECT_ROOT, type LoadedEnvironment } from '../../workspace';

type Json = Record<string, unknown> | unknown[];

/** Every path to a value inside the object (objects and arrays walked). */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

type Mutation = { kind: 'set' | 'delete' | 'add'; pick: number; value: unknown; key: string };

function mutate(base: Json, m: Mutation): unknown {
  const env = structuredClone(base) as Json;
  const all = paths(env).filter((p) => p.length > 0);
  const path = all[m.pick % all.length]!;
  let parent: Record<string | number, unknown> = env as Record<string, unknown>;
  for (const part of path.slice(0, -1)) parent = parent[part] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (m.kind === 'set') parent[last] = m.value;
  else if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (parent[last] !== null && typeof parent[last] === 'object' && !Array.isArray(parent[last])) {
    (parent[last] as Record<string, unknown>)[m.key] = m.value;
  }
  return env;
}

const interesting = fc.oneof(
  fc.anything(),
  fc.constantFrom(
    '10.42.1.11',
    '10.42.1.0/24',
    '3.5.7',
    '4.0.0',
    'ha-all',
    'quorum',
    'keepalived',
    'nlb',
    '',
    -1,
    0,
    256,
    Number.POSITIVE_INFINITY,
    // Values the gate must catch or let through correctly (issue 11).
    '3.13',
    '3.13.7',
    '4.0.5',
    '4.1.4',
    '3.6.16',
    '26.2',
    '27.3',
    '18.3',
    '26.2.5.13',
    '16.04',
    '22.04',
    '24.04',
    24.04,
    'm7g.large',
    't3.large',
    'client',
    'nlb',
    'a-very-long-environment-name',
    'pinned',
    'latest',
  ),
  fc.ipV4(),
  fc.string(),
);

const mutation = fc.record({
  kind: fc.constantFrom('set', 'delete', 'add') as fc.Arbitrary<Mutation['kind']>,
  pick: fc.nat(),
  value: interesting,
  key: fc.string({ maxLength: 12 }),
});

describe('random mutations of valid topologies', () => {
  it.each([
    ['dev', dev],
    ['elb', elb],
    ['lts', lts],
  ])('of %s never crash', (_name, base) => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        const input = mutations.reduce<unknown>((env, m) => mutate(env as Json, m), base);
        try {
          validateTopology(input, 'fuzz.ts');
        } catch (e) {
          if (!(e instanceof TopologyError)) throw e;
          expect(e.issues.length).toBeGreaterThan(0);
          for (const issue of e.issues) {
            expect(typeof issue.path).toBe('string');
            expect(issue.message.length).toBeGreaterThan(0);
            expect(issue.fix.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('ignore nothing: any added unknown key is refused', () => {
    fc.assert(
      fc.property(fc.nat(), fc.stringMatching(/^[a-zA-Z]{3,10}$/), (pick, key) => {
        const objects = paths(dev).filter((p) => {
          let v: unknown = dev;
          for (const part of p) v = (v as Record<string | number, unknown>)[part];
          return v !== null && typeof v === 'object' && !Array.isArray(v) && p[p.length - 1] !== 'tags';
        });
        const path = objects[pick % objects.length]!;
        const env = structuredClone(dev) as Record<string, unknown>;
        let target: Record<string | number, unknown> = env;
        for (const part of path) target = target[part] as Record<string | number, unknown>;
        fc.pre(!(key in target));
        target[key] = 1;
        expect(() => validateTopology(env)).toThrow(TopologyError);
      }),
      { numRuns: 200 },
    );
  });
});

describe('what the gate accepts, later steps accept', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'warren-fuzz-synth-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  // Where the fuzzed file would live: image.debs resolve next to it (none exist there).
  const file = path.join(PROJECT_ROOT, 'environments', 'fuzz.ts');
  const accepted: Record<string, number> = {};

  it.each([
    ['dev', dev],
    ['elb', elb],
    ['lts', lts],
  ])(
    'of %s: synth builds and every user-data renders',
    (name, base) => {
      fc.assert(
        fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
          const input = mutations.reduce<unknown>((env, m) => mutate(env as Json, m), base);
          let loaded: LoadedEnvironment;
          try {
            loaded = gateInput({ input }, file);
          } catch (e) {
            if (!(e instanceof TopologyError)) throw e;
            return;
          }
          accepted[name] = (accepted[name] ?? 0) + 1;
          const t = loaded.topology;
          for (const host of hostsOf(t))
            for (const p of PLATFORMS) expect(renderUserData(t, host.name, p)).toMatch(/^#cloud-config/);
          const { stacks } = buildApp({
            environments: [loaded],
            outdir: out,
            state: { kind: 'local' },
            amiPlaceholders: true,
          });
          expect(stacks).toHaveLength(1);
        }),
        // A fixed seed: the run must accept enough mutations to mean something (the test below),
        // and a random seed made that count, not the code, decide the verdict now and then.
        // WARREN_FUZZ_SEED explores other inputs by hand.
        { numRuns: 60, seed: Number(process.env.WARREN_FUZZ_SEED ?? 20261202) },
      );
    },
    240_000,
  );

  it('accepted some mutations (the property was not vacuous)', () => {
    for (const name of ['dev', 'elb', 'lts']) expect(accepted[name], name).toBeGreaterThan(5);
  });
});

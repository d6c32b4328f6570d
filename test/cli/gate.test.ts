// The one gate, as users meet it: every refusal a later step (synth, render, bake's templates, the
// lab) would make is made by `warren validate` already, with exit 1, the file, the field, a fix and
// no stack trace; and `synth` of a refused environment writes nothing at all.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const tmp = mkdtempSync(path.join(tmpdir(), 'warren-gate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function warren(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/warren.js'), ...args], {
    cwd: tmp,
    encoding: 'utf8',
    env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function file(name: string, text: string): string {
  const p = path.join(tmp, name);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
}

const base = `name: gated
region: eu-west-1
image: { ubuntu: '22.04', rabbitmq: '3.13.7' }
network:
  vpcCidr: 10.50.0.0/16
  subnets: [{ name: a, az: eu-west-1a, cidr: 10.50.1.0/24 }]
rabbitmq:
  nodes:
    - { name: r1, subnet: a, ip: 10.50.1.11 }
    - { name: r2, subnet: a, ip: 10.50.1.12 }
    - { name: r3, subnet: a, ip: 10.50.1.13 }
frontDoor: { kind: nlb }
`;

const manyNodes =
  base.split('rabbitmq:\n  nodes:')[0]!.replace('10.50.1.0/24', '10.50.0.0/16') +
  'rabbitmq:\n  nodes:\n' +
  Array.from(
    { length: 201 },
    (_, i) => `    - { name: r${i}, subnet: a, ip: 10.50.${1 + Math.floor(i / 200)}.${10 + (i % 200)} }\n`,
  ).join('') +
  'frontDoor: { kind: nlb }\n';

/** [what, file text, field path, message, fix] */
const REFUSALS: [string, string, string, RegExp, RegExp][] = [
  [
    'an inexact RabbitMQ version',
    base.replace("'3.13.7'", "'3.13'"),
    'image.rabbitmq',
    /'3\.13' is not an exact version/,
    /write the exact release/,
  ],
  [
    'an Erlang that RabbitMQ 3.13.7 does not run on (27.3)',
    base.replace("rabbitmq: '3.13.7'", "rabbitmq: '3.13.7', erlang: '27.3'"),
    'image.erlang',
    /RabbitMQ 3\.13\.7 does not run on Erlang 27\.3/,
    /use an Erlang from 26\.0 below 27\.0/,
  ],
  [
    'Erlang 18.3 on 22.04',
    base.replace("rabbitmq: '3.13.7'", "rabbitmq: '3.13.7', erlang: '18.3'"),
    'image.erlang',
    /does not run on Erlang 18\.3/,
    /remove image\.erlang/,
  ],
  [
    'an Erlang series with no pinned build',
    base.replace("rabbitmq: '3.13.7'", "rabbitmq: '3.13.7', erlang: '26.1'"),
    'image.erlang',
    /no pinned Erlang build for '26\.1'/,
    /one of the series/,
  ],
  [
    'an arm64 instance type',
    base.replace('rabbitmq:\n  nodes:', 'rabbitmq:\n  instanceType: m7g.large\n  nodes:'),
    'rabbitmq.instanceType',
    /m7g\.large is an arm64/,
    /x86_64/,
  ],
  [
    'an NLB environment name too long for the NLB names',
    base.replace('name: gated', 'name: a-very-long-environment-name'),
    'name',
    /too long for an NLB front door/,
    /at most 20 characters/,
  ],
  [
    "a host named like the lab's client",
    base.replace('name: r1,', 'name: client,'),
    'rabbitmq.nodes[0].name',
    /a host the lab adds itself/,
    /rename it/,
  ],
  [
    'a missing .deb',
    base.replace(
      "image: { ubuntu: '22.04', rabbitmq: '3.13.7' }",
      "image: { ubuntu: '16.04', rabbitmq: '3.6.16', erlang: '20.3', debs: [debs/missing.deb] }",
    ),
    'image.debs[0]',
    /no such file: .*debs\/missing\.deb/,
    /relative to the environment file/,
  ],
  [
    'user-data over 16 KiB (201 nodes)',
    manyNodes,
    'rabbitmq.nodes',
    /user-data of 201 hosts is above EC2's limit of 16384 bytes/,
    /fewer nodes/,
  ],
  [
    'a YAML number for a string (24.04)',
    base.replace("ubuntu: '22.04'", 'ubuntu: 24.04'),
    'image.ubuntu',
    /is the number 24\.04, not a string/,
    /in quotes, ubuntu: '24\.04'/,
  ],
  [
    'a YAML number that loses a digit (22.10)',
    base.replace("ubuntu: '22.04'", 'ubuntu: 22.10'),
    'image.ubuntu',
    /is the number 22\.1 \(written 22\.10\)/,
    /ubuntu: '22\.10'/,
  ],
];

describe('warren validate refuses what later steps would', () => {
  const files = REFUSALS.map(([, text], i) => file(`refused-${i}.yaml`, text));

  it.each(REFUSALS.map((r, i) => [r[0], i] as const))('%s', (_what, i) => {
    const [, , field, message, fix] = REFUSALS[i]!;
    const r = warren(['validate', '--topology', files[i]!]);
    expect(r.code, r.err).toBe(1);
    const issue = new RegExp(
      `refused-${i}\\.yaml: ${field.replace(/[.[\]]/g, '\\$&')}: (.*)\\n\\s+fix: (.*)`,
    );
    const m = issue.exec(r.err);
    expect(m, r.err).not.toBeNull();
    expect(m![1]).toMatch(message);
    expect(m![2]).toMatch(fix);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('synth of all of them reports every one and writes nothing', () => {
    const out = path.join(tmp, 'synth-out');
    const images = path.join(tmp, 'synth-images');
    const r = warren([
      'synth',
      ...files.flatMap((f) => ['--topology', f]),
      '--out',
      out,
      '--images-out',
      images,
    ]);
    expect(r.code).toBe(1);
    for (const [i, [, , field]] of REFUSALS.entries())
      expect(r.err).toContain(`refused-${i}.yaml: ${field}: `);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(images)).toBe(false);
  });

  it('synth refuses when one of several environments is refused, writing none of them', () => {
    const out = path.join(tmp, 'synth-mixed');
    const good = file('mixed/good.yaml', base);
    const r = warren([
      'synth',
      '-t',
      good,
      '-t',
      files[0]!,
      '--out',
      out,
      '--images-out',
      path.join(out, 'img'),
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('refused-0.yaml: image.rabbitmq');
    expect(existsSync(out)).toBe(false);
  });

  it('render refuses a refused file too', () => {
    const r = warren(['render', '--topology', files[4]!, '--host', 'r1']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('rabbitmq.instanceType');
  });

  it('validate --json prints the issues as data and exits 1', () => {
    const good = file('json/good.yaml', base);
    const bad = warren(['validate', '--json', '--topology', files[1]!]);
    expect(bad.code).toBe(1);
    const data = JSON.parse(bad.out) as {
      ok: unknown[];
      issues: { source: string; path: string; message: string; fix: string }[];
    };
    expect(data.ok).toEqual([]);
    expect(data.issues).toEqual([
      expect.objectContaining({ source: 'refused-1.yaml', path: 'image.erlang', fix: expect.any(String) }),
    ]);
    const ok = warren(['validate', '--json', '-t', good]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toEqual({ ok: [{ source: 'json/good.yaml', name: 'gated' }], issues: [] });
  });
});

describe('environments of every format, one selection', () => {
  const envs = path.join(tmp, 'envs');
  const inEnvs = { WARREN_ENVIRONMENTS_DIR: envs };
  // amiLookup 'latest': synth needs no baked images for these.
  file(
    'envs/yamly.yaml',
    base
      .replace('name: gated', 'name: yamly')
      .replace("rabbitmq: '3.13.7' }", "rabbitmq: '3.13.7', amiLookup: latest }"),
  );
  file(
    'envs/named-differently.json',
    JSON.stringify({
      name: 'jsony',
      region: 'eu-west-1',
      image: { amiLookup: 'latest' },
      network: { vpcCidr: '10.51.0.0/16', subnets: [{ name: 'a', az: 'eu-west-1a', cidr: '10.51.1.0/24' }] },
      rabbitmq: { nodes: [{ name: 'r1', subnet: 'a', ip: '10.51.1.11' }], partitionHandling: 'autoheal' },
      frontDoor: { kind: 'nlb' },
    }),
  );
  // Outside the repository, the public API is the package path 'warren'.
  file(
    'envs/typed.ts',
    `import { defineEnvironment } from 'warren';
export default defineEnvironment({
  name: 'typed',
  region: 'eu-west-1',
  network: { vpcCidr: '10.52.0.0/16', subnets: [{ name: 'a', az: 'eu-west-1a', cidr: '10.52.1.0/24' }] },
  rabbitmq: { nodes: [{ name: 'r1', subnet: 'a', ip: '10.52.1.11' }], partitionHandling: 'autoheal' },
  frontDoor: { kind: 'nlb' },
});
`,
  );
  file('envs/broken.yml', 'name: [unclosed\n');

  it('validate --all reports every environment, the broken one too, and exits 1', () => {
    const r = warren(['validate', '--all'], inEnvs);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/yamly\.yaml: ok \(yamly:/);
    expect(r.out).toMatch(/named-differently\.json: ok \(jsony:/);
    expect(r.out).toMatch(/typed\.ts: ok \(typed:/);
    expect(r.err).toMatch(/broken\.yml: \(file\): does not parse as YAML/);
    expect(r.err).toContain('1 of 4 environments refused');
  });

  it('--env finds a file by the name inside it; a broken file blocks only itself', () => {
    expect(warren(['validate', '--env', 'jsony'], inEnvs).code).toBe(0);
    expect(warren(['validate', '--env', 'typed'], inEnvs).code).toBe(0);
    const print = warren(['topology', 'print', '--env', 'yamly', '--json'], inEnvs);
    expect(print.code).toBe(0);
    expect(JSON.parse(print.out)).not.toHaveProperty('source');
    const byFileName = warren(['validate', '--env', 'named-differently'], inEnvs);
    expect(byFileName.code).toBe(1);
    expect(byFileName.err).toMatch(
      /no environment named 'named-differently' \(.*named-differently\.json is named 'jsony'\)/,
    );
    const broken = warren(['validate', '--env', 'broken'], inEnvs);
    expect(broken.code).toBe(1);
    expect(broken.err).toContain('broken.yml');
  });

  it('two files with one name: exit 1 naming both', () => {
    const twins = path.join(tmp, 'twins');
    file('twins/one.yaml', base.replace('name: gated', 'name: twin'));
    file('twins/two.yaml', base.replace('name: gated', 'name: twin'));
    for (const args of [
      ['validate', '--env', 'twin'],
      ['validate', '--all'],
      ['synth', '--out', path.join(twins, 'o')],
    ]) {
      const r = warren(args, { WARREN_ENVIRONMENTS_DIR: twins });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err).toMatch(/'twin' is the name of 2 files: .*one\.yaml and .*two\.yaml/);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
    expect(existsSync(path.join(twins, 'o'))).toBe(false);
  });

  it('the generated-by marker names the file the topology came from', () => {
    const r = warren(['render', '--env', 'jsony', '--host', 'r1'], inEnvs);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Generated by warren from named-differently.json.');
  });

  it('the cdktf app refuses an unselected synth naming the broken file, and WARREN_ENV selects', () => {
    const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
    const app = (env: NodeJS.ProcessEnv) =>
      spawnSync(tsx, [path.join(ROOT, 'main.ts')], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, CHECKPOINT_DISABLE: '1', ...inEnvs, ...env },
      });
    const allOut = path.join(tmp, 'app-all');
    const all = app({ CDKTF_OUTDIR: allOut });
    expect(all.status).toBe(1);
    expect(all.stderr).toMatch(/broken\.yml: \(file\): does not parse as YAML/);
    expect(all.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(allOut)).toBe(false);
    const oneOut = path.join(tmp, 'app-one');
    const one = app({ CDKTF_OUTDIR: oneOut, WARREN_ENV: 'jsony' });
    expect(one.status, one.stderr).toBe(0);
    expect(readdirSync(path.join(oneOut, 'stacks'))).toEqual(['warren-jsony']);
    const fileOut = path.join(tmp, 'app-file');
    const byFile = app({ CDKTF_OUTDIR: fileOut, WARREN_TOPOLOGY: path.join(envs, 'yamly.yaml') });
    expect(byFile.status, byFile.stderr).toBe(0);
    expect(readdirSync(path.join(fileOut, 'stacks'))).toEqual(['warren-yamly']);
  }, 120_000);
});

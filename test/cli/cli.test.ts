// The warren CLI as users run it (`npx warren …`): output and exit codes 0 / 1 / 2.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const tmp = mkdtempSync(path.join(tmpdir(), 'warren-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function warren(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/warren.js'), ...args], {
    cwd: tmp,
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function file(name: string, text: string): string {
  const p = path.join(tmp, name);
  writeFileSync(p, text);
  return p;
}

const validYaml = `
name: yamly
region: eu-west-1
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

describe('warren validate', () => {
  it('accepts dev', () => {
    const r = warren('validate', '--env', 'dev');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/environments\/dev\.ts: ok/);
  });

  it('accepts a YAML and a JSON topology', () => {
    expect(warren('validate', '--topology', file('ok.yaml', validYaml)).code).toBe(0);
    const json = file(
      'ok.json',
      JSON.stringify({
        name: 'jsony',
        region: 'eu-west-1',
        network: {
          vpcCidr: '10.50.0.0/16',
          subnets: [{ name: 'a', az: 'eu-west-1a', cidr: '10.50.1.0/24' }],
        },
        rabbitmq: { nodes: [{ name: 'r1', subnet: 'a', ip: '10.50.1.11' }], partitionHandling: 'autoheal' },
        frontDoor: { kind: 'nlb' },
      }),
    );
    expect(warren('validate', '-t', json).code).toBe(0);
  });

  it('refuses a bad topology with exit 1, the file, the field path and a fix', () => {
    const r = warren(
      'validate',
      '--topology',
      file('bad.yaml', validYaml.replace('10.50.1.12', '10.50.7.12')),
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain('bad.yaml: rabbitmq.nodes[1].ip: 10.50.7.12 is outside subnet');
    expect(r.err).toContain('fix: pick an address in 10.50.1.0/24');
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('reports a file that does not parse with its name and position, not a stack trace', () => {
    const yaml = warren('validate', '--topology', file('broken.yaml', 'name: [unclosed\nregion: x\n'));
    expect(yaml.code).toBe(1);
    expect(yaml.err).toMatch(/broken\.yaml: \(file\): does not parse as YAML at line \d+, column \d+/);
    const json = warren('validate', '--topology', file('broken.json', '{\n  "name": "x",\n  oops\n}'));
    expect(json.code).toBe(1);
    expect(json.err).toMatch(/broken\.json: \(file\): does not parse as JSON: .* at line 3, column \d+/);
    const ts = warren('validate', '--topology', file('broken.ts', 'export default {\n  name: "x",,\n'));
    expect(ts.code).toBe(1);
    expect(ts.err).toMatch(/broken\.ts: \(file\): does not load: .*broken\.ts:\d+:\d+/);
    for (const r of [yaml, json, ts]) expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('names an unknown environment and lists the known ones', () => {
    const r = warren('validate', '--env', 'nope');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no environment named 'nope'.*\n.*dev, elb, lts/);
  });

  it('refuses unknown flags with exit 1', () => {
    expect(warren('validate', '--nope').code).toBe(1);
  });
});

describe('warren topology print', () => {
  it('prints the resolved topology with defaults as JSON', () => {
    const r = warren('topology', 'print', '--env', 'dev', '--json');
    expect(r.code).toBe(0);
    const t = JSON.parse(r.out);
    expect(t.rabbitmq.fileDescriptors).toBe(65536);
    expect(t.access.clientCidrs).toEqual(['10.42.0.0/16']);
    expect(t.image.erlang).toBe('18.3');
  });
});

describe('help and dispatch', () => {
  it('every command answers --help with exit 0', () => {
    const top = warren('--help');
    expect(top.code).toBe(0);
    const names = [...top.out.matchAll(/^ {2}([a-z]+) {2,}/gm)].map((m) => m[1]!);
    expect(names).toEqual(
      expect.arrayContaining(['validate', 'topology', 'render', 'synth', 'bake', 'lab', 'bench']),
    );
    for (const name of names) {
      const r = warren(name, '--help');
      expect(r.code, name).toBe(0);
      expect(r.out, name).toMatch(/Usage: warren/);
    }
  });

  it('an unknown command is a user error', () => {
    expect(warren('frobnicate').code).toBe(1);
  });
});

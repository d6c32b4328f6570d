// Every user mistake exits 1 with a message and never 2 (a bug) or a stack trace; --version and
// did-you-mean answer as documented.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const tmp = mkdtempSync(path.join(tmpdir(), 'warren-exit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
writeFileSync(path.join(tmp, 'notes.txt'), 'not an environment\n');
writeFileSync(path.join(tmp, 'empty.yaml'), '');
writeFileSync(path.join(tmp, 'list.json'), '[1, 2]');
writeFileSync(path.join(tmp, 'nodefault.ts'), 'export const x = 1;\n');
writeFileSync(path.join(tmp, 'throws.ts'), 'throw new Error("boom");\n');
mkdirSync(path.join(tmp, 'a-folder.yaml'));

function warren(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/warren.js'), ...args], {
    cwd: tmp,
    encoding: 'utf8',
    env: { ...process.env, CHECKPOINT_DISABLE: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const out = path.join(tmp, 'out');
const MISTAKES: string[][] = [
  [],
  ['frobnicate'],
  ['valdate'],
  ['--nope'],
  ['validate', '--nope'],
  ['validate', '--env'],
  ['validate', '--env', 'nosuch'],
  ['validate', '--env', '../dev'],
  ['validate', '--env', 'dev', '--topology', 'x.yaml'],
  ['validate', '--all', '--env', 'dev'],
  ['validate', '--topology', 'missing.yaml'],
  ['validate', '--topology', 'notes.txt'],
  ['validate', '--topology', 'empty.yaml'],
  ['validate', '--topology', 'list.json'],
  ['validate', '--topology', 'nodefault.ts'],
  ['validate', '--topology', 'throws.ts'],
  ['validate', '--topology', 'a-folder.yaml'],
  ['validate', '--topology', '.'],
  ['render', '--env', 'dev', '--host'],
  ['synth', '--out'],
  ['validate', 'dev'],
  ['topology'],
  ['topology', 'show'],
  ['topology', 'print', '--env', 'nosuch'],
  ['render', '--env', 'dev'],
  ['render', '--env', 'dev', '--host', 'nope'],
  ['render', '--env', 'dev', '--host', 'rabbit-01', '--platform', 'gcp'],
  ['render', '--env', 'dev', '--host', 'rabbit-01', '--file', '/etc/nope'],
  ['synth', '--env', 'nosuch', '--out', out],
  ['synth', '--topology', 'notes.txt', '--out', out],
  ['synth', '--env', 'dev', '--topology', 'x.yaml', '--out', out],
  ['synth', '--bogus'],
  ['bake', '--role', 'nope'],
  ['bake', '--env', 'nosuch'],
  ['lab'],
  ['lab', 'bogus'],
  ['lab', 'kill'],
  ['lab', 'status', '--env', 'nosuch'],
  ['bench', '--repeat', '0'],
];

describe('user mistakes', () => {
  it.each(MISTAKES.map((a) => [a.join(' ') || '(no arguments)', a] as const))(
    'warren %s exits 1 without a stack trace',
    (_shown, args) => {
      const r = warren(...args);
      expect(r.code, r.err).toBe(1);
      expect(r.err.trim().length).toBeGreaterThan(0);
      expect(r.err).not.toMatch(/internal error \(a bug|\n\s+at /);
    },
  );

  it('wrote nothing', () => {
    expect(existsSync(out)).toBe(false);
  });

  it('a mistyped command gets a did-you-mean', () => {
    expect(warren('valdate').err).toMatch(/unknown command 'valdate'; did you mean 'warren validate'\?/);
    expect(warren('synht').err).toMatch(/did you mean 'warren synth'\?/);
  });
});

describe('warren --version', () => {
  it('prints the version of package.json', () => {
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-V']) {
      const r = warren(flag);
      expect(r.code).toBe(0);
      expect(r.out).toBe(`warren ${version}\n`);
    }
  });
});

describe('npm scripts', () => {
  it('every script that runs cdktf or synth disables the HashiCorp checkpoint', () => {
    const { scripts } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const synthy = Object.entries(scripts).filter(([, s]) => /cdktf|synth|cli\/main\.ts/.test(s));
    expect(synthy.length).toBeGreaterThan(0);
    for (const [name, s] of synthy) expect(s, name).toMatch(/CHECKPOINT_DISABLE=1 /);
    const cdktf = JSON.parse(readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8')) as { app: string };
    expect(cdktf.app).toMatch(/CHECKPOINT_DISABLE=1 /);
  });
});

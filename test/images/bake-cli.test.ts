// `warren bake` as users run it: refusals exit 1 with what is missing and how to get it, before
// anything is written. Runs the real CLI with Debian's Packer 1.6.6 and an empty home.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers';

const ROOT = path.resolve(__dirname, '../..');
const home = tempDir('bake-cli-home');

function warren(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/warren.js'), ...args], {
    cwd: home,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('warren bake', () => {
  it('refuses an old Packer and missing credentials, saying how to fix both, and writes nothing', () => {
    const outFile = path.join(ROOT, 'environments/lts.images.json');
    const before = existsSync(outFile);
    const r = warren({ WARREN_PACKER: '/usr/bin/packer' }, 'bake', '--env', 'lts');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Packer 1\.6\.6 is older than 1\.7\.0/);
    expect(r.err).toMatch(/developer\.hashicorp\.com\/packer\/install/);
    expect(r.err).toMatch(/no AWS credentials/);
    expect(r.err).toMatch(/aws configure/);
    expect(existsSync(outFile)).toBe(before);
  });

  it('refuses when Packer is absent', () => {
    const r = warren({ WARREN_PACKER: path.join(home, 'no-such-packer') }, 'bake', '--env', 'dev');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Packer is not installed/);
  });

  it('refuses an unknown role and a role the environment does not launch', () => {
    expect(warren({}, 'bake', '--role', 'nlb').err).toMatch(/--role must be rabbitmq or haproxy, not 'nlb'/);
    const r = warren({}, 'bake', '--env', 'elb', '--role', 'haproxy');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/environment elb has no haproxy hosts \(front door: nlb\)/);
  });
});

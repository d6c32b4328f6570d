// `warren render` as users run it: the user-data exactly as renderUserData gives it, one file with
// --file, the lab variant with --platform lab, and errors that say what to use instead (exit 1).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderHostFiles, renderUserData } from '../../cloudinit';
import { topologyNamed } from './helpers';

const ROOT = path.resolve(__dirname, '../..');

function warren(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/warren.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('warren render', () => {
  const dev = topologyNamed('dev');

  it('prints the user-data exactly as the instance gets it (aws by default)', () => {
    const r = warren('render', '--env', 'dev', '--host', 'rabbit-02');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(renderUserData(dev, 'rabbit-02', 'aws'));
  });

  it('--platform lab prints the lab variant', () => {
    const r = warren('render', '--env', 'dev', '--host', 'haproxy-01', '--platform', 'lab');
    expect(r.code).toBe(0);
    expect(r.out).toBe(renderUserData(dev, 'haproxy-01', 'lab'));
  });

  it('--file prints one rendered file', () => {
    for (const file of ['/etc/haproxy/haproxy.cfg', '/etc/keepalived/keepalived.conf']) {
      const r = warren('render', '--env', 'dev', '--host', 'haproxy-02', '--file', file);
      expect(r.code).toBe(0);
      expect(r.out).toBe(renderHostFiles(dev, 'haproxy-02', 'aws').find((f) => f.path === file)!.content);
    }
  });

  it('says which hosts, files and platforms exist when given a wrong one', () => {
    const host = warren('render', '--env', 'elb', '--host', 'haproxy-01');
    expect(host.code).toBe(1);
    expect(host.err).toMatch(/no host 'haproxy-01'; use one of: rabbit-01, rabbit-02, rabbit-03/);
    const file = warren(
      'render',
      '--env',
      'elb',
      '--host',
      'rabbit-01',
      '--file',
      '/etc/haproxy/haproxy.cfg',
    );
    expect(file.code).toBe(1);
    expect(file.err).toMatch(
      /no rendered file \/etc\/haproxy\/haproxy.cfg; its files: .*\/etc\/rabbitmq\/rabbitmq.conf/,
    );
    const platform = warren('render', '--env', 'dev', '--host', 'rabbit-01', '--platform', 'gcp');
    expect(platform.code).toBe(1);
    expect(platform.err).toMatch(/--platform must be one of: aws, lab/);
    const missing = warren('render', '--env', 'dev');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/--host is required; hosts of dev: rabbit-01/);
  });
});

// `warren synth` as users run it: image templates, stacks and reviews, exit codes.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../topology';
import { tempDir } from './helpers';

function warren(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin/warren.js'), ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('warren synth', () => {
  it('writes the image templates, the stack and the review of an environment', () => {
    const dir = tempDir('warren-synth-cli-');
    const out = path.join(dir, 'cdktf.out');
    const images = path.join(dir, 'images');
    const r = warren('synth', '--env', 'elb', '--out', out, '--images-out', images, '--health-gate');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/: stack warren-elb\n/);
    expect(r.out).toMatch(/review\/elb\.md: review summary/);
    const tf = JSON.parse(readFileSync(path.join(out, 'stacks/warren-elb/cdk.tf.json'), 'utf8')) as {
      resource: Record<string, unknown>;
    };
    expect(Object.keys(tf.resource)).toContain('null_resource');
    expect(existsSync(path.join(out, 'stacks/warren-dev'))).toBe(false);
    expect(readFileSync(path.join(out, 'review/elb.md'), 'utf8')).toContain('Health gate | on');
    expect(existsSync(path.join(images, 'elb', 'rabbitmq'))).toBe(true);
  });

  it('refuses an unknown environment with exit 1 and writes nothing', () => {
    const out = path.join(tempDir('warren-synth-cli-'), 'cdktf.out');
    const r = warren('synth', '--env', 'nosuch', '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/there is no environment named 'nosuch'/);
    expect(existsSync(out)).toBe(false);
  });
});

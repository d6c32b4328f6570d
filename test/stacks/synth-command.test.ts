// `warren synth` as users run it: image templates, stacks and reviews, exit codes.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers';
import { PROJECT_ROOT, listEnvironments } from '../../workspace';

function warren(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin/warren.js'), ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    // The shipped environments are never baked: review-only placeholder AMIs.
    env: { ...process.env, WARREN_AMI_PLACEHOLDERS: '1' },
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

  it('reports a half-configured state backend as a user error, from warren synth and from the cdktf app', () => {
    const out = path.join(tempDir('warren-synth-cli-'), 'cdktf.out');
    const env = { ...process.env, WARREN_STATE_LOCK_TABLE: 'locks', WARREN_AMI_PLACEHOLDERS: '1' };
    const viaCli = spawnSync(
      process.execPath,
      [
        path.join(PROJECT_ROOT, 'bin/warren.js'),
        'synth',
        '--env',
        'dev',
        '--out',
        out,
        '--images-out',
        path.join(out, 'img'),
      ],
      {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
        env,
      },
    );
    expect(viaCli.status).toBe(1);
    expect(viaCli.stderr).toMatch(
      /^warren synth: WARREN_STATE_LOCK_TABLE is set but WARREN_STATE_BUCKET is not; set the bucket too/,
    );
    const tsx = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
    const viaApp = spawnSync(tsx, ['main.ts'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      env: { ...env, CDKTF_OUTDIR: out },
    });
    expect(viaApp.status).toBe(1);
    expect(viaApp.stderr.trim()).toBe(
      'warren: WARREN_STATE_LOCK_TABLE is set but WARREN_STATE_BUCKET is not; set the bucket too, or unset WARREN_STATE_LOCK_TABLE',
    );
  });
});

describe('pinned images', () => {
  it('refuses to synthesize a never-baked environment without placeholders: exit 1, both fixes, nothing written', () => {
    const out = path.join(tempDir('warren-synth-cli-'), 'cdktf.out');
    const r = spawnSync(
      process.execPath,
      [
        path.join(PROJECT_ROOT, 'bin/warren.js'),
        'synth',
        '--env',
        'elb',
        '--out',
        out,
        '--images-out',
        path.join(out, 'img'),
      ],
      { cwd: PROJECT_ROOT, encoding: 'utf8', env: { ...process.env, WARREN_AMI_PLACEHOLDERS: '' } },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /no pinned images for elb \(no environments\/elb\.images\.json\): run npm run bake -- --env elb and commit the file it writes, or set image\.amiLookup: 'latest'/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });
});

describe('warren synth --topology', () => {
  it('synthesizes a YAML file outside environments/, and every generated-by marker names that file', () => {
    const dir = tempDir('warren-synth-yaml-');
    const file = path.join(dir, 'elsewhere.yaml');
    writeFileSync(
      file,
      [
        'name: elsewhere',
        'region: eu-west-1',
        "image: { ubuntu: '22.04', rabbitmq: '3.13.7', amiLookup: latest }",
        'network: { vpcCidr: 10.50.0.0/16, subnets: [{ name: a, az: eu-west-1a, cidr: 10.50.1.0/24 }] }',
        'rabbitmq: { nodes: [{ name: r1, subnet: a, ip: 10.50.1.11 }], partitionHandling: autoheal }',
        'frontDoor: { kind: nlb }',
        '',
      ].join('\n'),
    );
    const out = path.join(dir, 'cdktf.out');
    const images = path.join(dir, 'images');
    const r = warren('synth', '--topology', file, '--out', out, '--images-out', images);
    expect(r.code, r.err).toBe(0);
    const tf = readFileSync(path.join(out, 'stacks/warren-elsewhere/cdk.tf.json'), 'utf8');
    const template = readFileSync(path.join(images, 'elsewhere/rabbitmq/rabbitmq.pkr.json'), 'utf8');
    for (const text of [tf, template, readFileSync(path.join(out, 'review/elsewhere.md'), 'utf8')]) {
      expect(text).toContain('Generated by warren from elsewhere.yaml.');
      expect(text).not.toContain('environments/elsewhere.ts');
    }
  });

  it('refuses a refused file with exit 1 before writing anything', () => {
    const dir = tempDir('warren-synth-yaml-');
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ name: 'bad', region: 'eu-west-1' }));
    const out = path.join(dir, 'cdktf.out');
    const images = path.join(dir, 'images');
    const r = warren('synth', '--topology', file, '--out', out, '--images-out', images);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.json: network: is required\n\s+fix: /);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(images)).toBe(false);
  });
});

describe('npx cdktf synth', () => {
  it('synthesizes every stack and review with the cdktf CLI, offline', () => {
    const out = path.join(tempDir('warren-cdktf-cli-'), 'out');
    // No telemetry, no version check, no plugin cache dir: nothing leaves this machine.
    const env = {
      ...process.env,
      CHECKPOINT_DISABLE: '1',
      DISABLE_VERSION_CHECK: '1',
      CDKTF_DISABLE_PLUGIN_CACHE_ENV: '1',
      WARREN_AMI_PLACEHOLDERS: '1',
    };
    const r = spawnSync(
      path.join(PROJECT_ROOT, 'node_modules', '.bin', 'cdktf'),
      ['synth', '--output', out],
      {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
        env,
      },
    );
    expect(r.status, r.stderr).toBe(0);
    for (const e of listEnvironments()) {
      expect(existsSync(path.join(out, 'stacks', `warren-${e}`, 'cdk.tf.json'))).toBe(true);
      expect(existsSync(path.join(out, 'review', `${e}.md`))).toBe(true);
    }
  }, 180_000);
});

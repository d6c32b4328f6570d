// The platform hooks that cannot run for real here: the secrets backend (SSM on AWS, files in the
// lab) and the VIP mover. The scripts run as they are; `aws` and `curl` are recording stand-ins on
// PATH, so the test sees exactly the AWS calls an instance would make, and that the lab makes none.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPlatformEnv, renderWarrenEnv } from '../../cloudinit';
import { run, SCRIPTS_DIR, topologyNamed, withTempDir } from './helpers';

/** A temp root with platform.env and warren.env for `platform`, plus recording `aws` and `curl`. */
function sandbox<T>(
  platform: 'aws' | 'lab',
  fn: (dir: string, env: NodeJS.ProcessEnv, calls: () => string[]) => T,
): T {
  return withTempDir('hooks', (dir) => {
    const t = topologyNamed('dev');
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    mkdirSync(path.join(dir, 'secrets'));
    const platformEnv = renderPlatformEnv(t, platform).content.replace(
      '/etc/warren/secrets',
      path.join(dir, 'secrets'),
    );
    writeFileSync(path.join(dir, 'platform.env'), platformEnv);
    writeFileSync(path.join(dir, 'warren.env'), renderWarrenEnv(t, 'haproxy-01').content);
    const record = path.join(dir, 'calls');
    writeFileSync(record, '');
    const stub = (name: string, body: string) => {
      writeFileSync(
        path.join(bin, name),
        `#!/usr/bin/env bash\nprintf '%s\\n' "${name} $*" >>"${record}"\n${body}\n`,
      );
      chmodSync(path.join(bin, name), 0o755);
    };
    stub('aws', 'case "$1 $2" in "ssm get-parameter") echo "ssm-value-for-$6";; esac');
    stub(
      'curl',
      'case "$*" in *api/token*) echo TOKEN;; *meta-data/mac*) echo 0a:1b:2c:3d:4e:5f;; *interface-id*) echo eni-0123456789abcdef0;; esac',
    );
    const env = {
      PATH: `${bin}:${process.env.PATH}`,
      WARREN_PLATFORM_FILE: path.join(dir, 'platform.env'),
      WARREN_FACTS_FILE: path.join(dir, 'warren.env'),
    };
    return fn(dir, env, () => readFileSync(record, 'utf8').split('\n').filter(Boolean));
  });
}

describe('warren-secret', () => {
  it('lab: reads the first line of the secret file and never calls AWS', () => {
    sandbox('lab', (dir, env, calls) => {
      writeFileSync(path.join(dir, 'secrets', 'admin-password'), 'p4ss w0rd $x\nsecond line\n');
      const r = run(`${SCRIPTS_DIR}/warren-secret`, ['admin-password'], env);
      expect(r.code, r.out).toBe(0);
      expect(r.out).toBe('p4ss w0rd $x\n');
      expect(calls()).toEqual([]);
    });
  });

  it('lab: a missing secret is an error that says where it should be', () => {
    sandbox('lab', (_dir, env) => {
      const r = run(`${SCRIPTS_DIR}/warren-secret`, ['vrrp-password'], env);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/secrets\/vrrp-password is missing or empty/);
    });
  });

  it('aws: reads the SecureString /warren/<env>/<key> with decryption in the environment region', () => {
    sandbox('aws', (_dir, env, calls) => {
      const r = run(`${SCRIPTS_DIR}/warren-secret`, ['erlang-cookie'], env);
      expect(r.code, r.out).toBe(0);
      expect(calls()).toEqual([
        'aws ssm get-parameter --region eu-west-1 --name /warren/dev/erlang-cookie --with-decryption --query Parameter.Value --output text',
      ]);
      expect(r.out.trim()).toBe('ssm-value-for-/warren/dev/erlang-cookie');
    });
  });

  it('refuses an unknown key', () => {
    sandbox('lab', (_dir, env) => {
      expect(run(`${SCRIPTS_DIR}/warren-secret`, ['root-password'], env).code).toBe(64);
    });
  });
});

describe('warren-vip-notify', () => {
  it('aws, MASTER: reassigns the VIP to this instance (IMDSv2, --allow-reassignment)', () => {
    sandbox('aws', (_dir, env, calls) => {
      const r = run(`${SCRIPTS_DIR}/warren-vip-notify`, ['master', '10.42.1.230'], env);
      expect(r.code, r.out).toBe(0);
      const c = calls();
      expect(c[0]).toMatch(/^curl .*-X PUT .*X-aws-ec2-metadata-token-ttl-seconds.*\/latest\/api\/token$/);
      expect(c.some((l) => l.includes('X-aws-ec2-metadata-token: TOKEN'))).toBe(true);
      expect(c.at(-1)).toBe(
        'aws ec2 assign-private-ip-addresses --region eu-west-1 --network-interface-id eni-0123456789abcdef0 --private-ip-addresses 10.42.1.230 --allow-reassignment',
      );
    });
  });

  it('aws, BACKUP or FAULT: does nothing at the platform level', () => {
    sandbox('aws', (_dir, env, calls) => {
      expect(run(`${SCRIPTS_DIR}/warren-vip-notify`, ['backup', '10.42.1.230'], env).code).toBe(0);
      expect(run(`${SCRIPTS_DIR}/warren-vip-notify`, ['fault', '10.42.1.230'], env).code).toBe(0);
      expect(calls()).toEqual([]);
    });
  });

  it('lab, MASTER: nothing beyond keepalived itself (no AWS calls)', () => {
    sandbox('lab', (_dir, env, calls) => {
      expect(run(`${SCRIPTS_DIR}/warren-vip-notify`, ['master', '10.42.1.230'], env).code).toBe(0);
      expect(calls()).toEqual([]);
    });
  });
});

// The platform hooks that cannot run for real here: the secrets backend (SSM on AWS, files in the
// lab) and the VIP mover. The scripts run as they are; `aws` and `curl` are recording stand-ins on
// PATH, so the test sees exactly the AWS calls an instance would make, and that the lab makes none.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPlatformEnv, renderWarrenEnv } from '../../cloudinit';
import { validateTopology, type Topology } from '../../topology';
import dev from '../../environments/dev';
import { run, SCRIPTS_DIR, topologyNamed, withTempDir } from './helpers';
import { secondaryIpDev } from '../support/secondary-ip-dev';

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

/**
 * A sandbox for warren-vip-notify on one haproxy host of dev: recording stand-ins for `aws`, `curl`
 * (answering as IMDSv2 does, 401 without a token), `ip` (this host's addresses), `systemctl` and
 * `logger`. The fake EC2 is two files: the ENI's local-ipv4s, which a successful assign call appends
 * the VIP to, and how many assign calls must fail first.
 */
function vipSandbox<T>(
  platform: 'aws' | 'lab',
  fn: (
    env: NodeJS.ProcessEnv,
    h: {
      calls: () => string[];
      dir: string;
      setAddresses: (ips: string[]) => void;
      failAssigns: (n: number) => void;
      localIpv4s: () => string[];
      /** Overlay: the fake VPC's route tables, `rtb-… eni-…` (the VIP route's target) per line. */
      routes: () => string[];
    },
  ) => T,
  // The secondary-ip layout (dev ships an overlay VIP now); the overlay cases pass their own.
  t: Topology = validateTopology(secondaryIpDev),
): T {
  return withTempDir('vip', (dir) => {
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(dir, 'platform.env'), renderPlatformEnv(t, platform).content);
    writeFileSync(path.join(dir, 'warren.env'), renderWarrenEnv(t, 'haproxy-01').content);
    const record = path.join(dir, 'calls');
    const f = (n: string) => path.join(dir, n);
    writeFileSync(record, '');
    writeFileSync(f('local-ipv4s'), '10.42.1.11\n');
    writeFileSync(
      f('routes'),
      'rtb-0aaaaaaaaaaaaaaaa eni-0old0master00000\nrtb-0bbbbbbbbbbbbbbbb eni-0old0master00000\n',
    );
    writeFileSync(f('fail-assigns'), '0');
    writeFileSync(f('addresses'), '10.42.1.11/24\n');
    const stub = (name: string, body: string) => {
      writeFileSync(
        path.join(bin, name),
        `#!/usr/bin/env bash\nprintf '%s\\n' "${name} $*" >>"${record}"\n${body}\n`,
      );
      chmodSync(path.join(bin, name), 0o755);
    };
    stub(
      'aws',
      `case "$1 $2" in "ec2 assign-private-ip-addresses")
         n=$(cat "${f('fail-assigns')}"); if [ "$n" -gt 0 ]; then echo $((n-1)) >"${f('fail-assigns')}"; echo 'An error occurred (RequestLimitExceeded)' >&2; exit 254; fi
         grep -qx "$8" "${f('local-ipv4s')}" || echo "$8" >>"${f('local-ipv4s')}";;
       "ec2 replace-route")
         n=$(cat "${f('fail-assigns')}"); if [ "$n" -gt 0 ]; then echo $((n-1)) >"${f('fail-assigns')}"; echo 'An error occurred (RequestLimitExceeded)' >&2; exit 254; fi
         [ "$8" = 192.168.1.230/32 ] || exit 255
         sed -i "s/^$6 .*/$6 \${10}/" "${f('routes')}";;
       "ec2 describe-route-tables")
         case "$*" in
           *"Values=192.168.1.230/32 --query RouteTables[].RouteTableId --output text") cut -d' ' -f1 "${f('routes')}" | tr '\n' '\t';;
           *"Values=192.168.1.230/32 --query RouteTables[].Routes[?DestinationCidrBlock=='192.168.1.230/32'].NetworkInterfaceId[] --output text") cut -d' ' -f2 "${f('routes')}" | tr '\n' '\t';;
           *) exit 255;;
         esac;;
       esac`,
    );
    stub(
      'curl',
      `case "$*" in
         *api/token*) echo TOKEN;;
         *X-aws-ec2-metadata-token:?TOKEN*meta-data/mac) echo 0a:1b:2c:3d:4e:5f;;
         *X-aws-ec2-metadata-token:?TOKEN*/macs/0a:1b:2c:3d:4e:5f/interface-id) echo eni-0123456789abcdef0;;
         *X-aws-ec2-metadata-token:?TOKEN*/macs/0a:1b:2c:3d:4e:5f/local-ipv4s) cat "${f('local-ipv4s')}";;
         *) echo 'curl: (22) The requested URL returned error: 401' >&2; exit 22;;
       esac`,
    );
    stub(
      'ip',
      `[ "$*" = "-o -4 addr show" ] || exit 2; n=1; while read -r a; do echo "$n: eth0    inet $a brd 10.42.1.255 scope global eth0"; n=$((n+1)); done <"${f('addresses')}"`,
    );
    stub('systemctl', 'exit 0');
    stub('sysctl', 'exit 0');
    stub('logger', 'exit 0');
    const env = {
      PATH: `${bin}:${process.env.PATH}`,
      WARREN_PLATFORM_FILE: f('platform.env'),
      WARREN_FACTS_FILE: f('warren.env'),
      WARREN_VIP_STATE_FILE: f('vrrp-state'),
      WARREN_LAB_PLATFORM_DIR: f('lab-platform'),
      WARREN_VIP_CONFIRM_SECONDS: '2',
    };
    return fn(env, {
      dir,
      calls: () => readFileSync(record, 'utf8').split('\n').filter(Boolean),
      setAddresses: (ips) => writeFileSync(f('addresses'), ips.map((a) => `${a}\n`).join('')),
      failAssigns: (n) => writeFileSync(f('fail-assigns'), String(n)),
      localIpv4s: () => readFileSync(f('local-ipv4s'), 'utf8').split('\n').filter(Boolean),
      routes: () => readFileSync(f('routes'), 'utf8').split('\n').filter(Boolean),
    });
  });
}

const VIP = '10.42.1.230';
const ASSIGN =
  'aws ec2 assign-private-ip-addresses --region eu-west-1 --network-interface-id eni-0123456789abcdef0 --private-ip-addresses 10.42.1.230 --allow-reassignment';
const notify = (args: string[], env: NodeJS.ProcessEnv) => run(`${SCRIPTS_DIR}/warren-vip-notify`, args, env);
const only = (calls: string[], cmd: string) => calls.filter((c) => c.startsWith(`${cmd} `));

describe('warren-vip-notify', () => {
  it('aws, MASTER: reassigns the VIP to this ENI (IMDSv2), confirms it in local-ipv4s, starts the reconcile timer', () => {
    vipSandbox('aws', (env, h) => {
      h.setAddresses(['10.42.1.11/24', `${VIP}/24`]);
      const r = notify(['master', VIP], env);
      expect(r.code, r.out).toBe(0);
      const c = h.calls();
      expect(only(c, 'systemctl')).toEqual(['systemctl --no-block start warren-vip-reconcile.timer']);
      expect(only(c, 'curl')[0]).toMatch(
        /-X PUT .*X-aws-ec2-metadata-token-ttl-seconds.*\/latest\/api\/token$/,
      );
      expect(only(c, 'aws')).toEqual([ASSIGN]);
      expect(only(c, 'curl').at(-1)).toMatch(
        /meta-data\/network\/interfaces\/macs\/0a:1b:2c:3d:4e:5f\/local-ipv4s$/,
      );
      expect(h.localIpv4s()).toContain(VIP);
      expect(r.out).toMatch(
        /attempt 1\/5: VIP 10\.42\.1\.230 moved to eni-0123456789abcdef0 and confirmed \(aws\)/,
      );
      expect(readFileSync(env.WARREN_VIP_STATE_FILE!, 'utf8')).toBe('master\n');
    });
  });

  it('aws, MASTER: a failing API call is retried, each attempt logged, until one takes', () => {
    vipSandbox('aws', (env, h) => {
      h.setAddresses([`${VIP}/24`]);
      h.failAssigns(2);
      const r = notify(['master', VIP], env);
      expect(r.code, r.out).toBe(0);
      expect(only(h.calls(), 'aws')).toEqual([ASSIGN, ASSIGN, ASSIGN]);
      expect(r.out).toMatch(/attempt 1\/5: the aws call .* failed/);
      expect(r.out).toMatch(/attempt 2\/5: the aws call .* failed/);
      expect(r.out).toMatch(/attempt 3\/5: VIP .* confirmed/);
    });
  });

  it('aws, MASTER: bounded; a call that never takes is an error, and the timer stays to keep trying', () => {
    vipSandbox('aws', (env, h) => {
      h.setAddresses([`${VIP}/24`]);
      h.failAssigns(99);
      const r = notify(['master', VIP], env);
      expect(r.code).toBe(1);
      expect(only(h.calls(), 'aws')).toHaveLength(5);
      expect(r.out).toMatch(
        /not moved to this host after 5 attempts; warren-vip-reconcile.timer keeps retrying/,
      );
      expect(h.calls()).toContain('systemctl --no-block start warren-vip-reconcile.timer');
      expect(h.calls()).not.toContain('systemctl --no-block stop warren-vip-reconcile.timer');
    });
  });

  it('aws, MASTER: an assign that succeeds but never shows in the metadata is not confirmed (retried, then an error)', () => {
    vipSandbox('aws', (env, h) => {
      // keepalived has not (or no longer) put the VIP on the interface: the platform alone is not enough.
      h.setAddresses(['10.42.1.11/24']);
      const r = notify(['master', VIP], {
        ...env,
        WARREN_VIP_MOVE_ATTEMPTS: '2',
        WARREN_VIP_CONFIRM_SECONDS: '1',
      });
      expect(r.code).toBe(1);
      expect(only(h.calls(), 'aws')).toEqual([ASSIGN, ASSIGN]);
      expect(r.out).toMatch(/attempt 2\/2: VIP 10\.42\.1\.230 not confirmed/);
    });
  });

  it('aws, BACKUP or FAULT: no AWS call, the reconcile timer stopped', () => {
    vipSandbox('aws', (env, h) => {
      expect(notify(['backup', VIP], env).code).toBe(0);
      expect(readFileSync(env.WARREN_VIP_STATE_FILE!, 'utf8')).toBe('backup\n');
      expect(notify(['fault', VIP], env).code).toBe(0);
      expect(h.calls().filter((c) => !c.startsWith('logger '))).toEqual([
        'systemctl --no-block stop warren-vip-reconcile.timer',
        'systemctl --no-block stop warren-vip-reconcile.timer',
      ]);
    });
  });

  it('aws, reconcile while MASTER: quiet when the platform agrees, moves the VIP again when it lost it', () => {
    vipSandbox('aws', (env, h) => {
      h.setAddresses([`${VIP}/24`]);
      expect(notify(['master', VIP], env).code).toBe(0);
      const before = only(h.calls(), 'aws').length;
      const quiet = notify(['reconcile'], env);
      expect(quiet.code, quiet.out).toBe(0);
      expect(only(h.calls(), 'aws')).toHaveLength(before);
      expect(quiet.out).toBe('');
      // Someone (or a lost call) reassigned the VIP elsewhere: the next pass takes it back.
      writeFileSync(path.join(h.dir, 'local-ipv4s'), '10.42.1.11\n');
      const r = notify(['reconcile'], env);
      expect(r.code, r.out).toBe(0);
      expect(r.out).toMatch(
        /reconcile: this host is MASTER but the platform does not route VIP 10\.42\.1\.230 here/,
      );
      expect(only(h.calls(), 'aws')).toHaveLength(before + 1);
      expect(h.localIpv4s()).toContain(VIP);
    });
  });

  it('aws, reconcile after BACKUP (a stale timer) or without the VIP on the interface: never moves it', () => {
    vipSandbox('aws', (env, h) => {
      expect(notify(['backup', VIP], env).code).toBe(0);
      expect(notify(['reconcile'], env).code).toBe(0);
      expect(h.calls().at(-1)).toBe('systemctl --no-block stop warren-vip-reconcile.timer');
      writeFileSync(env.WARREN_VIP_STATE_FILE!, 'master\n');
      h.setAddresses(['10.42.1.11/24']);
      expect(notify(['reconcile'], env).code).toBe(0);
      expect(only(h.calls(), 'aws')).toEqual([]);
    });
  });

  it('lab, MASTER: the same path with only the AWS call swapped for the stand-in (records the assignment)', () => {
    vipSandbox('lab', (env, h) => {
      h.setAddresses([`${VIP}/24`]);
      const r = notify(['master', VIP], env);
      expect(r.code, r.out).toBe(0);
      expect(only(h.calls(), 'aws')).toEqual([]);
      expect(only(h.calls(), 'curl')).toEqual([]);
      expect(readFileSync(path.join(env.WARREN_LAB_PLATFORM_DIR!, VIP), 'utf8')).toBe('haproxy-01\n');
      expect(r.out).toMatch(/attempt 1\/5: VIP 10\.42\.1\.230 moved to haproxy-01 and confirmed \(lab\)/);
      // The other host took it over in the stand-in: reconcile re-asserts, as on AWS.
      writeFileSync(path.join(env.WARREN_LAB_PLATFORM_DIR!, VIP), 'haproxy-02\n');
      const again = notify(['reconcile'], env);
      expect(again.code, again.out).toBe(0);
      expect(again.out).toMatch(/reconcile: this host is MASTER/);
      expect(readFileSync(path.join(env.WARREN_LAB_PLATFORM_DIR!, VIP), 'utf8')).toBe('haproxy-01\n');
    });
  });
});

describe('warren-vip-notify, overlay VIP (frontDoor.vipMode overlay)', () => {
  const overlayDev = validateTopology({
    ...structuredClone(dev),
    frontDoor: {
      ...structuredClone(dev.frontDoor),
      vipMode: 'overlay',
      vip: '192.168.1.230',
      haproxy: [
        { name: 'haproxy-01', subnet: 'a', ip: '10.42.1.21', priority: 200 },
        { name: 'haproxy-02', subnet: 'b', ip: '10.42.2.22', priority: 100 },
      ],
    },
  } as typeof dev);
  const OVIP = '192.168.1.230';
  const ENI = 'eni-0123456789abcdef0';
  const replace = (table: string) =>
    `aws ec2 replace-route --region eu-west-1 --route-table-id ${table} --destination-cidr-block ${OVIP}/32 --network-interface-id ${ENI}`;

  it('aws, MASTER: replaces the /32 route in every table that carries it, confirms each targets this ENI, quiets ARP', () => {
    vipSandbox(
      'aws',
      (env, h) => {
        h.setAddresses(['10.42.1.21/24', `${OVIP}/32`]);
        const r = notify(['master', OVIP], env);
        expect(r.code, r.out).toBe(0);
        const aws = only(h.calls(), 'aws');
        expect(aws.filter((c) => c.includes('replace-route'))).toEqual([
          replace('rtb-0aaaaaaaaaaaaaaaa'),
          replace('rtb-0bbbbbbbbbbbbbbbb'),
        ]);
        expect(aws.some((c) => c.includes('assign-private-ip-addresses'))).toBe(false);
        expect(h.routes()).toEqual([`rtb-0aaaaaaaaaaaaaaaa ${ENI}`, `rtb-0bbbbbbbbbbbbbbbb ${ENI}`]);
        expect(only(h.calls(), 'sysctl')).toEqual([
          'sysctl -q -w net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2',
        ]);
        expect(r.out).toMatch(
          /attempt 1\/5: VIP 192\.168\.1\.230 moved to eni-0123456789abcdef0 and confirmed \(aws\)/,
        );
      },
      overlayDev,
    );
  });

  it('aws, MASTER: a failed replace is retried; reconcile repoints a route that went back to the old master', () => {
    vipSandbox(
      'aws',
      (env, h) => {
        h.setAddresses([`${OVIP}/32`]);
        h.failAssigns(1);
        const r = notify(['master', OVIP], env);
        expect(r.code, r.out).toBe(0);
        expect(r.out).toMatch(/attempt 1\/5: the aws call .* failed/);
        expect(r.out).toMatch(/attempt 2\/5: .* confirmed/);
        expect(notify(['reconcile'], env).out).toBe('');
        writeFileSync(
          path.join(h.dir, 'routes'),
          `rtb-0aaaaaaaaaaaaaaaa ${ENI}\nrtb-0bbbbbbbbbbbbbbbb eni-0old0master00000\n`,
        );
        const again = notify(['reconcile'], env);
        expect(again.code, again.out).toBe(0);
        expect(again.out).toMatch(
          /reconcile: this host is MASTER but the platform does not route VIP 192\.168\.1\.230 here/,
        );
        expect(h.routes()).toEqual([`rtb-0aaaaaaaaaaaaaaaa ${ENI}`, `rtb-0bbbbbbbbbbbbbbbb ${ENI}`]);
      },
      overlayDev,
    );
  });

  it('aws, MASTER: no table carrying the VIP route is an error, not a silent success', () => {
    vipSandbox(
      'aws',
      (env, h) => {
        h.setAddresses([`${OVIP}/32`]);
        writeFileSync(path.join(h.dir, 'routes'), '');
        const r = notify(['master', OVIP], { ...env, WARREN_VIP_MOVE_ATTEMPTS: '2' });
        expect(r.code).toBe(1);
        expect(r.out).toMatch(/no route table has a route for 192\.168\.1\.230\/32/);
      },
      overlayDev,
    );
  });
});

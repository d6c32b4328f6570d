// The provisioning steps that need no mirror (post-install, boot-script install, identity wipe),
// run from this machine against a scratch root directory that holds what a package install
// leaves behind. The lab finishes its image with these same steps (provisioningSteps).
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BOOT_SCRIPTS_DIR, provisioningSteps, STEP_SCRIPTS_DIR, unitsOf, type ImageRole } from '../../images';
import { bootScriptFiles, bootScriptFor, bootScriptsMapEnv } from '../../cloudinit';
import { tempDir } from './helpers';
import { debian12LabBase, labBaseUnavailable } from '../support/lab-base-image';
import { applyProvisioningSteps } from '../../lab/run-provisioning-steps';

/** The rabbitmq user of this machine (Debian's rabbitmq-server is installed here). */
const rabbit = statSync('/var/lib/rabbitmq');
const TIMERS = ['apt-daily.timer', 'apt-daily-upgrade.timer'];

function write(root: string, rel: string, content: string, mode = 0o644): string {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  chmodSync(file, mode);
  return file;
}

function systemctl(root: string, ...args: string[]) {
  const run = spawnSync('systemctl', [`--root=${root}`, ...args], {
    encoding: 'utf8',
    env: { ...process.env, SYSTEMCTL_SKIP_SYSV: '1' },
  });
  return { code: run.status, out: `${run.stdout}${run.stderr}`.trim() };
}

/** A root as `apt-get install` + a first boot leave it: units enabled, a node database, identity. */
function installedRoot(role: ImageRole): string {
  const root = tempDir(`root-${role}`);
  const units = [...unitsOf(role), ...TIMERS];
  for (const unit of units)
    cpSync(`/lib/systemd/system/${unit}`, path.join(root, 'lib/systemd/system', unit));
  mkdirSync(path.join(root, 'etc/systemd/system'), { recursive: true });
  const enabled = systemctl(root, 'enable', ...units);
  expect(enabled.code, enabled.out).toBe(0);

  mkdirSync(path.join(root, 'var/lib/rabbitmq/mnesia/rabbit@ip-172-31-7-12'), { recursive: true });
  write(root, 'var/lib/rabbitmq/mnesia/rabbit@ip-172-31-7-12/schema.DAT', 'mnesia');
  write(root, 'var/lib/rabbitmq/.erlang.cookie', 'BUILDHOSTCOOKIE', 0o400);
  mkdirSync(path.join(root, 'etc/rabbitmq'), { recursive: true });
  for (const p of [
    'var/lib/rabbitmq',
    'var/lib/rabbitmq/mnesia',
    'var/lib/rabbitmq/.erlang.cookie',
    'etc/rabbitmq',
  ]) {
    chownSync(path.join(root, p), rabbit.uid, rabbit.gid);
  }
  write(root, 'etc/machine-id', '3f1c0e6a1b2d4c5e8f9a0b1c2d3e4f50\n', 0o444);
  write(root, 'var/lib/dbus/machine-id', '3f1c0e6a1b2d4c5e8f9a0b1c2d3e4f50\n');
  write(root, 'var/lib/systemd/random-seed', 'seed', 0o600);
  for (const key of ['ssh_host_ed25519_key', 'ssh_host_rsa_key']) {
    write(root, `etc/ssh/${key}`, 'PRIVATE', 0o600);
    write(root, `etc/ssh/${key}.pub`, 'PUBLIC');
  }
  write(root, 'etc/ssh/sshd_config', 'PasswordAuthentication no\n');
  write(root, 'home/ubuntu/.ssh/authorized_keys', 'ssh-ed25519 AAAA packer_bake\n', 0o600);
  write(root, 'var/lib/cloud/instances/i-0abc123/boot-finished', '1\n');
  write(root, 'var/lib/cloud/data/instance-id', 'i-0abc123\n');
  write(root, 'var/lib/cloud/sem/config_scripts_per_once.once', '');
  write(root, 'var/lib/cloud/seed/nocloud/meta-data', 'instance-id: seed\n');
  symlinkSync('/var/lib/cloud/instances/i-0abc123', path.join(root, 'var/lib/cloud/instance'));
  write(root, 'var/log/rabbitmq/rabbit@ip-172-31-7-12.log', 'started\n');
  write(root, 'var/log/cloud-init.log', 'cloud-init ran\n');
  write(root, 'var/log/cloud-init-output.log', 'output\n');
  write(root, 'var/log/syslog', 'syslog\n');
  write(root, 'var/log/syslog.1', 'old\n');
  write(root, 'var/log/syslog.2.gz', 'older\n');
  write(root, 'var/log/journal/3f1c0e6a1b2d4c5e8f9a0b1c2d3e4f50/system.journal', 'journal');
  return root;
}

/** Units of every kind the install map knows, added to the real boot scripts, so both install paths are exercised. */
const TEST_UNITS = ['warren-firstboot.service', 'warren-rotate.timer', 'warren-probe.socket'];
const UNIT_TEXT = '[Unit]\nDescription=test unit\n';

/** The real boot scripts plus the test units. */
function bootScripts(): string {
  const dir = tempDir('boot-scripts');
  cpSync(BOOT_SCRIPTS_DIR, dir, { recursive: true });
  for (const unit of TEST_UNITS) write(dir, unit, UNIT_TEXT);
  return dir;
}

/** The install map with the test units in it (the map decides where each goes, not the script). */
const MAP_WITH_UNITS = [...bootScriptFiles(), ...TEST_UNITS.map(bootScriptFor)];

function expectFinished(root: string, role: ImageRole, boot: string): void {
  // RabbitMQ: no data dir, no cookie; the rabbitmq user's home stays, still its own.
  expect(existsSync(path.join(root, 'var/lib/rabbitmq/mnesia'))).toBe(false);
  expect(existsSync(path.join(root, 'var/lib/rabbitmq/.erlang.cookie'))).toBe(false);
  expect(statSync(path.join(root, 'var/lib/rabbitmq')).uid).toBe(rabbit.uid);
  expect(readFileSync(path.join(root, 'etc/rabbitmq/enabled_plugins'), 'utf8')).toBe(
    '[rabbitmq_management].\n',
  );
  expect(statSync(path.join(root, 'etc/rabbitmq/enabled_plugins')).uid).toBe(rabbit.uid);

  // Services (and apt's timers) disabled: systemd agrees, and no wants/ link is left.
  for (const unit of [...unitsOf(role), ...TIMERS]) {
    expect(systemctl(root, 'is-enabled', unit).out, unit).toBe('disabled');
  }
  const wants = readdirSync(path.join(root, 'etc/systemd/system'), { recursive: true, encoding: 'utf8' });
  expect(wants.filter((p) => p.includes('.wants/') && !p.startsWith('warren'))).toEqual([]);

  // Boot scripts: root-owned, 0755 in /usr/local/sbin; units 0644 in /etc/systemd/system.
  for (const name of readdirSync(boot)) {
    const unit = bootScriptFor(name).mode === '0644';
    const installed = path.join(root, bootScriptFor(name).target.slice(1));
    const st = statSync(installed);
    expect([st.uid, st.gid], name).toEqual([0, 0]);
    expect(st.mode & 0o7777, name).toBe(unit ? 0o644 : 0o755);
    expect(readFileSync(installed)).toEqual(readFileSync(path.join(boot, name)));
  }

  // Identity: empty machine-id (not missing: see wipe-identity.sh), no host keys, no cloud-init
  // state but its seed, logs emptied, the bake's authorized key gone.
  const machineId = path.join(root, 'etc/machine-id');
  expect(existsSync(machineId)).toBe(true);
  expect(statSync(machineId).size).toBe(0);
  expect(existsSync(path.join(root, 'var/lib/dbus/machine-id'))).toBe(false);
  expect(existsSync(path.join(root, 'var/lib/systemd/random-seed'))).toBe(false);
  expect(readdirSync(path.join(root, 'etc/ssh'))).toEqual(['sshd_config']);
  expect(readdirSync(path.join(root, 'var/lib/cloud'))).toEqual(['seed']);
  expect(existsSync(path.join(root, 'home/ubuntu/.ssh/authorized_keys'))).toBe(false);
  const logs = readdirSync(path.join(root, 'var/log'), { recursive: true, encoding: 'utf8' }).filter((p) =>
    lstatSync(path.join(root, 'var/log', p)).isFile(),
  );
  expect(logs.sort()).toEqual(['rabbitmq/rabbit@ip-172-31-7-12.log', 'syslog']);
  for (const log of logs) expect(statSync(path.join(root, 'var/log', log)).size, log).toBe(0);
  expect(readdirSync(path.join(root, 'var/log/journal'))).toEqual([]);
}

describe('provisioning steps on a scratch root', () => {
  for (const role of ['rabbitmq', 'haproxy'] as const) {
    it(`finish a ${role} root: services disabled, identity wiped, boot scripts installed; twice gives the same`, async () => {
      const root = installedRoot(role);
      const boot = bootScripts();
      // Before: the install left the services enabled.
      expect(systemctl(root, 'is-enabled', 'rabbitmq-server.service').out).toBe('enabled');
      const opts = { bootScriptsDir: boot, bootScripts: MAP_WITH_UNITS, plugins: ['rabbitmq_management'] };
      await applyProvisioningSteps(root, role, opts);
      expectFinished(root, role, boot);
      const again = await applyProvisioningSteps(root, role, opts);
      expect(again.map((r) => r.code)).toEqual([0, 0, 0]);
      expectFinished(root, role, boot);
    });
  }

  it('lists the steps in order with the environment each needs', () => {
    const steps = provisioningSteps('haproxy');
    expect(steps.map((s) => s.name)).toEqual(['post-install', 'install-boot-scripts', 'wipe-identity']);
    expect(steps.every((s) => !s.needsMirror && existsSync(s.path))).toBe(true);
    expect(steps[0]?.env.WARREN_UNITS).toContain('keepalived.service');
    expect(steps[1]?.env.WARREN_BOOT_SCRIPTS_DIR).toBe(BOOT_SCRIPTS_DIR);
    // The install step gets the one install map (the lab's provisioning runs these same steps).
    expect(steps[1]?.env.WARREN_BOOT_SCRIPTS).toBe(bootScriptsMapEnv());
    expect(steps[1]?.env.WARREN_BOOT_SCRIPTS).toContain('warren-lib:/usr/local/sbin/warren-lib:0755');
  });

  it('installs exactly what the map lists: an unlisted file stays out, a file no longer listed is removed', async () => {
    const root = installedRoot('rabbitmq');
    const boot = bootScripts();
    write(boot, 'warren-unlisted', '#!/usr/bin/env bash\n');
    const opts = { bootScriptsDir: boot, bootScripts: MAP_WITH_UNITS };
    await applyProvisioningSteps(root, 'rabbitmq', opts);
    expect(existsSync(path.join(root, 'usr/local/sbin/warren-unlisted'))).toBe(false);
    expect(existsSync(path.join(root, 'etc/systemd/system/warren-rotate.timer'))).toBe(true);
    const fewer = MAP_WITH_UNITS.filter((b) => !/warren-(rotate\.timer|vip-notify)$/.test(b.target));
    const runs = await applyProvisioningSteps(root, 'rabbitmq', { bootScriptsDir: boot, bootScripts: fewer });
    expect(existsSync(path.join(root, 'etc/systemd/system/warren-rotate.timer'))).toBe(false);
    expect(existsSync(path.join(root, 'usr/local/sbin/warren-vip-notify'))).toBe(false);
    expect(runs[1]?.output).toMatch(/removed stale \/etc\/systemd\/system\/warren-rotate\.timer/);
    expect(runs[1]?.output).toMatch(/skipping warren-unlisted \(not in the install map\)/);
  });

  it('refuses a map entry whose file is missing', async () => {
    const root = installedRoot('rabbitmq');
    const boot = bootScripts();
    await expect(
      applyProvisioningSteps(root, 'rabbitmq', {
        bootScriptsDir: boot,
        bootScripts: [...MAP_WITH_UNITS, bootScriptFor('warren-gone')],
      }),
    ).rejects.toThrow(/install-boot-scripts failed.*the map lists warren-gone, but .* has no such file/s);
  });

  it('refuses to make an image without boot scripts', async () => {
    const root = installedRoot('rabbitmq');
    const empty = tempDir('no-boot-scripts');
    await expect(applyProvisioningSteps(root, 'rabbitmq', { bootScriptsDir: empty })).rejects.toThrow(
      /install-boot-scripts failed.*the map lists warren-[a-z-]+, but .* has no such file/s,
    );
  });
});

// On the lab's debootstrapped Debian 12 root: real packages, SysV scripts, update-rc.d. Top-level
// await: a missing base is built before the tests run, outside any test's timeout.
const base = labBaseUnavailable === undefined ? await debian12LabBase() : undefined;

describe('provisioning steps on a real Debian 12 root (the lab base image, through an overlay)', () => {
  it.skipIf(!base)(
    'disable the packaged services (systemd and SysV), wipe the node, install the boot scripts',
    async () => {
      const work = tempDir('overlay');
      const [upper, scratch, merged] = ['upper', 'work', 'merged'].map((d) => path.join(work, d));
      for (const d of [upper, scratch, merged]) mkdirSync(d!);
      const mount = spawnSync('mount', [
        '-t',
        'overlay',
        'overlay',
        '-o',
        `lowerdir=${base},upperdir=${upper},workdir=${scratch}`,
        merged!,
      ]);
      expect(mount.status, String(mount.stderr)).toBe(0);
      try {
        const root = merged!;
        expect(
          existsSync(path.join(root, 'etc/systemd/system/multi-user.target.wants/rabbitmq-server.service')),
        ).toBe(true);
        // Inside the root (chroot), WARREN_ROOT=/ is "this machine": the wipe refuses without the
        // build flag and touches nothing.
        cpSync(path.join(STEP_SCRIPTS_DIR, 'wipe-identity.sh'), path.join(root, 'tmp/wipe-identity.sh'));
        const refused = spawnSync(
          'chroot',
          [
            root,
            '/usr/bin/env',
            '-i',
            'PATH=/usr/bin:/bin',
            'WARREN_ROOT=/',
            'bash',
            '/tmp/wipe-identity.sh',
          ],
          {
            encoding: 'utf8',
          },
        );
        expect(refused.status).toBe(1);
        expect(refused.stderr).toMatch(/refusing to wipe this machine's own identity/);
        expect(statSync(path.join(root, 'etc/machine-id')).size).toBeGreaterThan(0);
        expect(existsSync(path.join(root, 'var/lib/rabbitmq/.erlang.cookie'))).toBe(true);

        await applyProvisioningSteps(root, 'haproxy', { plugins: ['rabbitmq_management'] });
        const wants = readdirSync(path.join(root, 'etc/systemd/system'), {
          recursive: true,
          encoding: 'utf8',
        });
        for (const unit of [...unitsOf('haproxy'), ...TIMERS]) {
          expect(
            wants.filter((p) => p.endsWith(`/${unit}`)),
            unit,
          ).toEqual([]);
        }
        // SysV links follow (update-rc.d ran inside the root): no S (start) link is left.
        const rc = readdirSync(path.join(root, 'etc/rc2.d'));
        expect(rc.filter((l) => /^S\d\d(rabbitmq-server|haproxy|keepalived)$/.test(l))).toEqual([]);
        expect(existsSync(path.join(root, 'var/lib/rabbitmq/mnesia'))).toBe(false);
        expect(existsSync(path.join(root, 'var/lib/rabbitmq/.erlang.cookie'))).toBe(false);
        expect(statSync(path.join(root, 'etc/machine-id')).size).toBe(0);
        for (const name of readdirSync(BOOT_SCRIPTS_DIR)) {
          const { target, mode } = bootScriptFor(name);
          const st = statSync(path.join(root, target.slice(1)));
          expect([st.uid, st.gid, st.mode & 0o7777], name).toEqual([0, 0, parseInt(mode, 8)]);
        }
      } finally {
        const umount = spawnSync('umount', [merged!]);
        expect(umount.status, String(umount.stderr)).toBe(0);
      }
    },
  );
});

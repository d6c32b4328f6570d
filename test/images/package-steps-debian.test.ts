// The package steps against a real archive: Debian 12's (the lab's package source), in a chroot of
// the lab's debootstrapped base image through an overlay (the image itself is never written).
// Checks exact pins are enforced and held, versions recorded, and that nothing was started.
// Needs root and Debian's mirror (test/support/lab-base-image.ts builds the base if it is missing).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APT_PINS_LIB, DEBIAN_12_PACKAGES, frontDoorPackagePlan, STEP_SCRIPTS_DIR } from '../../images';
import {
  nodeExporterPackage,
  NODE_EXPORTER_TEXTFILE_DIR,
} from '../../topology/capabilities/exporter-packages';
import { tempDir } from './helpers';
import { debian12LabBase, labBaseUnavailable } from '../support/lab-base-image';

// Top-level await: the suite's skip decision needs the answer at collection.
const base = labBaseUnavailable === undefined ? await debian12LabBase() : undefined;

describe.skipIf(!base)(
  "package steps on Debian 12's archive (chroot of the lab base image)",
  { timeout: 300_000 },
  () => {
    const work = tempDir('pkg-overlay');
    const root = path.join(work, 'merged');
    const mounts: string[] = [];

    function run(script: string, env: Record<string, string>) {
      const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
      const r = spawnSync(
        'chroot',
        [root, '/usr/bin/env', '-i', 'PATH=/usr/sbin:/usr/bin:/sbin:/bin', ...vars, 'bash', `/tmp/${script}`],
        {
          encoding: 'utf8',
          timeout: 300_000,
        },
      );
      return { code: r.status, out: `${r.stdout}${r.stderr}` };
    }

    function inRoot(...argv: string[]): string {
      return spawnSync('chroot', [root, ...argv], { encoding: 'utf8' }).stdout;
    }

    /** Processes whose root directory is the chroot: anything a package install started. */
    function processesInRoot(): string[] {
      return readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .filter((p) => {
          try {
            return readlinkSync(`/proc/${p}/root`) === root;
          } catch {
            return false;
          }
        });
    }

    beforeAll(() => {
      for (const d of ['upper', 'work', 'merged']) mkdirSync(path.join(work, d));
      const opts = `lowerdir=${base},upperdir=${path.join(work, 'upper')},workdir=${path.join(work, 'work')}`;
      expect(spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', opts, root]).status).toBe(0);
      mounts.push(root);
      expect(spawnSync('mount', ['-t', 'proc', 'proc', path.join(root, 'proc')]).status).toBe(0);
      mounts.unshift(path.join(root, 'proc'));
      copyFileSync('/etc/resolv.conf', path.join(root, 'etc/resolv.conf'));
      // With the helper they source, next to them as on the build instance.
      for (const s of [
        'install-rabbitmq.sh',
        'install-front-door.sh',
        'install-node-exporter.sh',
        APT_PINS_LIB,
      ])
        copyFileSync(path.join(STEP_SCRIPTS_DIR, s), path.join(root, 'tmp', s));
    });

    afterAll(() => {
      for (const m of mounts) spawnSync('umount', [m]);
    });

    it('installs HAProxy and keepalived pinned to the series, holds and records them, starts nothing', () => {
      expect(spawnSync('chroot', [root, 'dpkg', '--purge', 'keepalived', 'haproxy']).status).toBe(0);
      const plan = frontDoorPackagePlan('debian-12');
      const result = run('install-front-door.sh', {
        WARREN_HAPROXY_VERSION: plan.haproxy,
        WARREN_KEEPALIVED_VERSION: plan.keepalived,
      });
      expect(result.code, result.out).toBe(0);
      expect(inRoot('dpkg-query', '-W', '-f', '${Version}', 'haproxy')).toMatch(/^2\.6\./);
      expect(inRoot('apt-mark', 'showhold').split('\n')).toEqual(
        expect.arrayContaining(['haproxy', 'keepalived']),
      );
      expect(readFileSync(path.join(root, 'etc/warren/image-packages'), 'utf8')).toMatch(
        /^haproxy 2\.6\.\S+\nkeepalived 1:2\.2\.\S+\n/m,
      );
      expect(existsSync(path.join(root, 'usr/sbin/policy-rc.d'))).toBe(false);
      expect(processesInRoot()).toEqual([]);
    });

    it('installs prometheus-node-exporter pinned to the series, holds and records it, starts nothing', () => {
      const result = run('install-node-exporter.sh', {
        WARREN_NODE_EXPORTER_VERSION: nodeExporterPackage('debian-12').version,
        WARREN_NODE_EXPORTER_TEXTFILE_DIR: NODE_EXPORTER_TEXTFILE_DIR,
      });
      expect(result.code, result.out).toBe(0);
      expect(inRoot('dpkg-query', '-W', '-f', '${Version}', 'prometheus-node-exporter')).toMatch(/^1\.5\./);
      expect(inRoot('apt-mark', 'showhold').split('\n')).toContain('prometheus-node-exporter');
      expect(readFileSync(path.join(root, 'etc/warren/image-packages'), 'utf8')).toMatch(
        /^prometheus-node-exporter 1\.5\.\S+$/m,
      );
      // The package's compiled-in textfile directory is the one warren writes to.
      expect(inRoot('/usr/bin/prometheus-node-exporter', '--help')).toContain(
        `--collector.textfile.directory="${NODE_EXPORTER_TEXTFILE_DIR}"`,
      );
      expect(existsSync(path.join(root, NODE_EXPORTER_TEXTFILE_DIR.slice(1)))).toBe(true);
      expect(processesInRoot()).toEqual([]);
    });

    it('refuses a textfile directory that the installed node_exporter does not read', () => {
      const result = run('install-node-exporter.sh', {
        WARREN_NODE_EXPORTER_VERSION: nodeExporterPackage('debian-12').version,
        WARREN_NODE_EXPORTER_TEXTFILE_DIR: '/var/lib/warren-elsewhere',
      });
      expect(result.code).toBe(1);
      expect(result.out).toMatch(/does not read \/var\/lib\/warren-elsewhere/);
    });

    it('refuses when the archive has no version in the pinned series', () => {
      const result = run('install-front-door.sh', {
        WARREN_HAPROXY_VERSION: '2.4.*',
        WARREN_KEEPALIVED_VERSION: '1:2.2.*',
      });
      expect(result.code).toBe(1);
      expect(result.out).toMatch(/haproxy is 2\.6\.\S+, expected 2\.4\.\*/);
    });

    it('installs RabbitMQ and every Erlang package at exact versions and holds them', () => {
      const env = {
        WARREN_PACKAGE_SOURCE: 'debian-archive',
        WARREN_CODENAME: 'bookworm',
        WARREN_RABBITMQ_APT_VERSION: DEBIAN_12_PACKAGES.rabbitmq,
        WARREN_ERLANG_APT_VERSION: DEBIAN_12_PACKAGES.erlang,
      };
      const result = run('install-rabbitmq.sh', env);
      expect(result.code, result.out).toBe(0);
      const holds = inRoot('apt-mark', 'showhold').split('\n');
      expect(holds).toEqual(expect.arrayContaining(['rabbitmq-server', 'erlang-base', 'erlang-mnesia']));
      const record = readFileSync(path.join(root, 'etc/warren/image-packages'), 'utf8');
      expect(record).toContain(`rabbitmq-server ${DEBIAN_12_PACKAGES.rabbitmq}\n`);
      expect(record).toContain(`erlang-base ${DEBIAN_12_PACKAGES.erlang}\n`);
      // Again (the packages are held now): the same result, every Erlang package still checked.
      const again = run('install-rabbitmq.sh', env);
      expect(again.code, again.out).toBe(0);
      expect(again.out).toMatch(/with 1\d Erlang packages/);
      const wrong = run('install-rabbitmq.sh', { ...env, WARREN_ERLANG_APT_VERSION: '1:25.2.2+dfsg-1' });
      expect(wrong.code, wrong.out).not.toBe(0);
      expect(processesInRoot()).toEqual([]);
    });
  },
);

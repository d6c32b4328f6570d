// warren-data-volume against real block devices: loop devices over sparse files (run as root). The
// script runs as shipped, with its facts rendered by the renderer, mounting into a temp dir instead
// of /var/lib/rabbitmq and writing a temp fstab and unit dir instead of this machine's /etc. It
// formats only a blank device, mounts by UUID, never touches a device with a partition table, fails
// when the device never appears, and warren-rabbitmq-boot then never gets to RabbitMQ.
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  LAB_DATA_DEVICE,
  PLATFORM_FILE,
  renderHostFiles,
  renderPlatformEnv,
  renderUserData,
  renderWarrenEnv,
} from '../../cloudinit';
import { run, SCRIPTS_DIR, topologyNamed } from './helpers';

const SCRIPT = path.join(SCRIPTS_DIR, 'warren-data-volume');
const VOLUME_ID = 'vol-0123456789abcdef0';
const ORIGINAL_FSTAB = 'UUID=0000-root / ext4 defaults 0 1\n';

function sh(cmd: string, args: readonly string[], input?: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout.trim();
}

const loops: string[] = [];
const dirs: string[] = [];

/** Unmounts everything under the test's dirs (deepest first), detaches its loop devices, removes the dirs. */
afterEach(() => {
  const targets = sh('findmnt', ['-rno', 'TARGET'])
    .split('\n')
    .filter((m) => dirs.some((d) => m.startsWith(`${d}/`)))
    .sort((a, b) => b.length - a.length);
  for (const m of targets) spawnSync('umount', [m]);
  for (const l of loops.splice(0)) spawnSync('losetup', ['-d', l]);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Sandbox {
  readonly dir: string;
  readonly mount: string;
  readonly fstab: string;
  readonly units: string;
  readonly env: NodeJS.ProcessEnv;
  /** A new loop device over a 64 MiB sparse file, detached after the test. */
  loop(name?: string): string;
}

/**
 * A temp dir with the facts of rabbit-01 as the renderer writes them for `platform`; the lab's
 * device path is replaced by `device` (a loop device or a path that never appears).
 */
function sandbox(
  opts: { platform?: 'lab' | 'aws'; dataVolumeId?: string; timeout?: number } = {},
): Sandbox & { facts(device?: string): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'warren-data-volume-'));
  dirs.push(dir);
  const t = topologyNamed('dev');
  const mount = path.join(dir, 'var-lib-rabbitmq');
  const fstab = path.join(dir, 'fstab');
  const units = path.join(dir, 'systemd');
  writeFileSync(fstab, ORIGINAL_FSTAB);
  const platformFile = path.join(dir, 'platform.env');
  const factsFile = path.join(dir, 'warren.env');
  const facts = (device?: string) => {
    const platform = opts.platform ?? 'lab';
    let content = renderPlatformEnv(
      t,
      platform,
      'rabbit-01',
      opts.dataVolumeId === undefined ? {} : { dataVolumeId: opts.dataVolumeId },
    ).content;
    if (platform === 'lab') {
      expect(content).toContain(`WARREN_DATA_DEVICE=${LAB_DATA_DEVICE}\n`);
      content = content.replace(LAB_DATA_DEVICE, device ?? '/nonexistent');
    }
    writeFileSync(platformFile, content);
    const warrenEnv = renderWarrenEnv(t, 'rabbit-01').content;
    expect(warrenEnv).toMatch(/^WARREN_DATA_VOLUME_TIMEOUT=300$/m);
    writeFileSync(
      factsFile,
      warrenEnv.replace(
        /^WARREN_DATA_VOLUME_TIMEOUT=300$/m,
        `WARREN_DATA_VOLUME_TIMEOUT=${opts.timeout ?? 30}`,
      ),
    );
  };
  facts();
  // Never this machine's systemd: a stand-in that knows no running RabbitMQ (tests replace it).
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'systemctl'), '#!/usr/bin/env bash\nexit 3\n');
  chmodSync(path.join(bin, 'systemctl'), 0o755);
  const env: NodeJS.ProcessEnv = {
    PATH: `${bin}:${process.env.PATH}`,
    HOME: '/root',
    WARREN_PLATFORM_FILE: platformFile,
    WARREN_FACTS_FILE: factsFile,
    WARREN_DATA_MOUNT: mount,
    WARREN_FSTAB: fstab,
    WARREN_SYSTEMD_DIR: units,
    WARREN_DISK_BY_ID: path.join(dir, 'by-id'),
  };
  return {
    dir,
    mount,
    fstab,
    units,
    env,
    facts,
    loop(name = 'disk') {
      const file = path.join(dir, `${name}.img`);
      sh('truncate', ['-s', '64M', file]);
      const dev = sh('losetup', ['--find', '--show', file]);
      loops.push(dev);
      return dev;
    },
  };
}

const runScript = (s: Sandbox) => run(SCRIPT, [], s.env);
const blkid = (dev: string, tag: string) =>
  spawnSync('blkid', ['-p', '-s', tag, '-o', 'value', dev], { encoding: 'utf8' }).stdout.trim();
/** What is mounted at `target`, one line per mount ("" when nothing). */
const mountedAt = (target: string) =>
  spawnSync('findmnt', ['-rno', 'SOURCE', '--mountpoint', target], { encoding: 'utf8' }).stdout.trim();
const rabbitUid = Number(sh('id', ['-u', 'rabbitmq']));

function expectMounted(s: Sandbox, dev: string) {
  expect(mountedAt(s.mount)).toBe(dev);
  const uuid = blkid(dev, 'UUID');
  expect(uuid).toMatch(/^[0-9a-f-]{36}$/);
  const fstab = readFileSync(s.fstab, 'utf8');
  expect(fstab.startsWith(ORIGINAL_FSTAB)).toBe(true);
  expect(fstab).toContain(`\nUUID=${uuid} ${s.mount} ext4 noatime,noauto,nofail 0 0\n`);
  expect(statSync(s.mount).uid).toBe(rabbitUid);
  const dropIn = readFileSync(
    path.join(s.units, 'rabbitmq-server.service.d', 'warren-data-volume.conf'),
    'utf8',
  );
  expect(dropIn).toMatch(/^Requires=warren-data-volume\.service$/m);
  expect(dropIn).toMatch(new RegExp(`^AssertPathIsMountPoint=${s.mount}$`, 'm'));
  const unit = readFileSync(path.join(s.units, 'warren-data-volume.service'), 'utf8');
  expect(unit).toMatch(new RegExp(`^ExecStart=${SCRIPT}$`, 'm'));
  expect(unit).toMatch(/^Before=rabbitmq-server\.service$/m);
  return uuid;
}

/** A filesystem the test made itself, with a file on it, as a node's volume holds its database. */
function filesystemWithData(s: Sandbox, dev: string, label: string): string {
  sh('mkfs.ext4', ['-q', '-L', label, dev]);
  const m = path.join(s.dir, 'prepare');
  mkdirSync(m);
  sh('mount', [dev, m]);
  mkdirSync(path.join(m, 'mnesia', 'rabbit@rabbit-01'), { recursive: true });
  writeFileSync(path.join(m, 'mnesia', 'rabbit@rabbit-01', 'queues.dat'), 'messages that must survive\n');
  sh('umount', [m]);
  return blkid(dev, 'UUID');
}

describe('warren-data-volume on real loop devices', () => {
  it('blank device: formatted (ext4, label warren-data), mounted, its UUID in fstab, owned by rabbitmq, units written', () => {
    const s = sandbox();
    const dev = s.loop();
    s.facts(dev);
    const r = runScript(s);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/is blank: creating an ext4 filesystem labelled warren-data/);
    expect(blkid(dev, 'TYPE')).toBe('ext4');
    expect(blkid(dev, 'LABEL')).toBe('warren-data');
    const uuid = expectMounted(s, dev);
    expect(r.out).toContain(`mounted ${dev} (UUID=${uuid}) at ${s.mount}`);
  });

  it('re-run when already mounted: no change (same UUID, one mount, fstab and units untouched)', () => {
    const s = sandbox();
    const dev = s.loop();
    s.facts(dev);
    expect(runScript(s).code).toBe(0);
    const uuid = blkid(dev, 'UUID');
    const before = {
      fstab: readFileSync(s.fstab, 'utf8'),
      unitMtime: statSync(path.join(s.units, 'warren-data-volume.service')).mtimeMs,
    };
    const again = runScript(s);
    expect(again.code, again.out).toBe(0);
    expect(again.out).toContain(`${dev} is already mounted at ${s.mount}`);
    expect(again.out).not.toMatch(/creating|mounted .* at|fstab:/);
    expect(blkid(dev, 'UUID')).toBe(uuid);
    expect(mountedAt(s.mount)).toBe(dev); // one line: not mounted twice
    expect(readFileSync(s.fstab, 'utf8')).toBe(before.fstab);
    expect(statSync(path.join(s.units, 'warren-data-volume.service')).mtimeMs).toBe(before.unitMtime);
  });

  it('device with a filesystem: mounted as it is, never reformatted (UUID and label unchanged)', () => {
    const s = sandbox();
    const dev = s.loop();
    sh('mkfs.ext4', ['-q', '-L', 'someone-else', dev]);
    const uuid = blkid(dev, 'UUID');
    s.facts(dev);
    const r = runScript(s);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/holds an ext4 filesystem \(label someone-else\): mounting it as it is/);
    expect(r.out).not.toMatch(/creating/);
    expect(blkid(dev, 'UUID')).toBe(uuid);
    expect(blkid(dev, 'LABEL')).toBe('someone-else');
    expect(expectMounted(s, dev)).toBe(uuid);
  });

  it('filesystem holding data: the data is there after the script, and after a reboot (unmounted, run again)', () => {
    const s = sandbox();
    const dev = s.loop();
    const uuid = filesystemWithData(s, dev, 'warren-data');
    s.facts(dev);
    const file = path.join(s.mount, 'mnesia', 'rabbit@rabbit-01', 'queues.dat');
    for (const boot of ['first boot', 'reboot']) {
      const r = runScript(s);
      expect(r.code, `${boot}: ${r.out}`).toBe(0);
      expect(r.out).not.toMatch(/creating/);
      expect(readFileSync(file, 'utf8')).toBe('messages that must survive\n');
      expect(expectMounted(s, dev)).toBe(uuid);
      sh('umount', [s.mount]);
    }
  });

  it('a volume written under another uid for rabbitmq (another image): its files are handed to rabbitmq', () => {
    const s = sandbox();
    const dev = s.loop();
    filesystemWithData(s, dev, 'warren-data');
    const m = path.join(s.dir, 'prepare');
    sh('mount', [dev, m]);
    sh('chown', ['-R', '4242:4242', m]);
    sh('umount', [m]);
    s.facts(dev);
    const r = runScript(s);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/the volume's files belong to uid 4242, not rabbitmq/);
    const file = path.join(s.mount, 'mnesia', 'rabbit@rabbit-01', 'queues.dat');
    expect(statSync(file).uid).toBe(rabbitUid);
    expect(statSync(path.dirname(file)).uid).toBe(rabbitUid);
    expect(readFileSync(file, 'utf8')).toBe('messages that must survive\n');
  });

  for (const label of ['gpt', 'dos']) {
    it(`partition table (${label}): refused, nothing formatted or mounted, non-zero exit`, () => {
      const s = sandbox();
      const dev = s.loop();
      sh('sfdisk', ['--quiet', dev], `label: ${label}\n,32M\n`);
      s.facts(dev);
      const r = runScript(s);
      expect(r.code).not.toBe(0);
      expect(r.out).toContain(
        `ERROR: ${dev} holds a partition table (${label}); refusing to format or mount it`,
      );
      expect(blkid(dev, 'PTTYPE')).toBe(label);
      expect(blkid(dev, 'TYPE')).toBe('');
      expect(mountedAt(s.mount)).toBe('');
      expect(readFileSync(s.fstab, 'utf8')).toBe(ORIGINAL_FSTAB);
      expect(existsSync(s.units)).toBe(false);
    });
  }

  it('no signature but data in the first MiB (signatures wiped, data left): refused, not formatted', () => {
    const s = sandbox();
    const dev = s.loop();
    sh('dd', [
      'if=/dev/urandom',
      `of=${dev}`,
      'bs=4096',
      'count=16',
      'seek=8',
      'conv=notrunc,fsync',
      'status=none',
    ]);
    expect(blkid(dev, 'TYPE')).toBe('');
    s.facts(dev);
    const r = runScript(s);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/has no filesystem but its first MiB is not zeros: it may hold data; refusing/);
    expect(blkid(dev, 'TYPE')).toBe('');
    expect(mountedAt(s.mount)).toBe('');
  });

  it('the device never appears: non-zero exit with a clear line, nothing mounted or written', () => {
    const s = sandbox({ timeout: 2 });
    s.facts(path.join(s.dir, 'never-there'));
    const r = runScript(s);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /ERROR: the data volume .*never-there never appeared \(2s\): RabbitMQ is NOT started/,
    );
    expect(r.out).toMatch(/Fix: pass the volume's block device to this machine as .*never-there/);
    expect(mountedAt(s.mount)).toBe('');
    expect(readFileSync(s.fstab, 'utf8')).toBe(ORIGINAL_FSTAB);
    expect(existsSync(s.units)).toBe(false);
  });

  it('a device that appears during the wait (a late attachment) is used', async () => {
    const s = sandbox({ timeout: 30 });
    const dev = s.loop();
    const late = path.join(s.dir, 'late-device');
    s.facts(late);
    const done = new Promise<{ code: number; out: string }>((resolve) => {
      const child = spawn(SCRIPT, [], { env: s.env });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('close', (code) => resolve({ code: code ?? -1, out }));
    });
    await new Promise((r) => setTimeout(r, 2500));
    symlinkSync(dev, late);
    const r = await done;
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/waiting up to 30s for the data volume/);
    expectMounted(s, dev);
  });

  it('RabbitMQ data on the root disk under the mount point is moved aside, not hidden under the mount', () => {
    const s = sandbox();
    const dev = s.loop();
    s.facts(dev);
    mkdirSync(path.join(s.mount, 'mnesia', 'rabbit@build-host'), { recursive: true });
    writeFileSync(path.join(s.mount, 'mnesia', 'rabbit@build-host', 'schema.DAT'), 'baked\n');
    const r = runScript(s);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/WARNING: .* on the root disk is not empty \(mnesia \); moving it to .*root-disk-/);
    expectMounted(s, dev);
    expect(readdirSync(s.mount)).toEqual(['lost+found']);
    const aside = readdirSync(s.dir).filter((f) => f.startsWith('var-lib-rabbitmq.root-disk-'));
    expect(aside).toHaveLength(1);
    expect(
      readFileSync(path.join(s.dir, aside[0]!, 'mnesia', 'rabbit@build-host', 'schema.DAT'), 'utf8'),
    ).toBe('baked\n');
  });

  it('a RabbitMQ already running on the root disk is stopped before the mount (systemctl stand-in)', () => {
    const s = sandbox();
    const dev = s.loop();
    s.facts(dev);
    const bin = path.join(s.dir, 'bin');
    const calls = path.join(s.dir, 'systemctl-calls');
    // systemd does not run here: a stand-in that says rabbitmq-server is active until stopped.
    writeFileSync(
      path.join(bin, 'systemctl'),
      `#!/usr/bin/env bash\necho "$*" >>"${calls}"\ncase "$*" in "is-active --quiet rabbitmq-server") [[ ! -e "${calls}.stopped" ]];; "stop rabbitmq-server") : >"${calls}.stopped";; esac\n`,
    );
    const r = runScript(s);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/WARNING: rabbitmq-server runs on the root disk; stopping it/);
    expect(readFileSync(calls, 'utf8').split('\n').filter(Boolean)).toEqual([
      'is-active --quiet rabbitmq-server',
      'stop rabbitmq-server',
    ]);
    expectMounted(s, dev);
    // Already mounted: RabbitMQ is not asked about, let alone stopped.
    expect(runScript(s).code).toBe(0);
    expect(readFileSync(calls, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('a device node under another name (the lab binds its loop device as /dev/warren-data)', () => {
    const s = sandbox();
    const dev = s.loop();
    const [major, minor] = sh('stat', ['-c', '%t %T', dev])
      .split(' ')
      .map((h) => String(parseInt(h, 16)));
    const node = path.join(s.dir, 'warren-data');
    sh('mknod', [node, 'b', major!, minor!]);
    s.facts(node);
    const r = runScript(s);
    expect(r.code, r.out).toBe(0);
    expect(mountedAt(s.mount)).toBe(node);
    expect(blkid(dev, 'LABEL')).toBe('warren-data');
    const again = runScript(s);
    expect(again.code, again.out).toBe(0);
    expect(again.out).toContain(`${node} is already mounted at ${s.mount}`);
  });

  it('aws: finds the device by its NVMe serial (the by-id link udev makes)', () => {
    const s = sandbox({ platform: 'aws', dataVolumeId: VOLUME_ID });
    const dev = s.loop();
    mkdirSync(path.join(s.dir, 'by-id'));
    symlinkSync(dev, path.join(s.dir, 'by-id', 'nvme-Amazon_Elastic_Block_Store_vol0123456789abcdef0'));
    const r = runScript(s);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`the data volume ${VOLUME_ID} (NVMe serial vol0123456789abcdef0) is ${dev}`);
    expectMounted(s, dev);
  });

  it('aws: without the by-id link, finds the serial through lsblk', () => {
    const s = sandbox({ platform: 'aws', dataVolumeId: VOLUME_ID });
    const dev = s.loop();
    // Loop devices have no serial: lsblk answers the serial query as it would on an instance.
    const bin = path.join(s.dir, 'bin');
    writeFileSync(
      path.join(bin, 'lsblk'),
      `#!/usr/bin/env bash\nif [[ "$*" == "-dno NAME,SERIAL" ]]; then echo "nvme0n1"; echo "${path.basename(dev)} vol0123456789abcdef0"; exit 0; fi\nexec /usr/bin/lsblk "$@"\n`,
    );
    chmodSync(path.join(bin, 'lsblk'), 0o755);
    const r = runScript(s);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`is ${dev}`);
    expectMounted(s, dev);
  });

  it('aws: an id that is not a volume id (an uninterpolated reference) is an error', () => {
    const s = sandbox({ platform: 'aws', dataVolumeId: '${aws_ebs_volume.rabbit-01.id}' });
    const r = runScript(s);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /WARREN_DATA_VOLUME_ID '\$\{aws_ebs_volume.rabbit-01.id\}' is not an EBS volume id/,
    );
  });

  it('no data volume configured (aws without a volume id): keeps the old behaviour and says so', () => {
    const s = sandbox({ platform: 'aws' });
    const r = runScript(s);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/no data volume .*RabbitMQ data stays on the root disk/);
    expect(readFileSync(s.fstab, 'utf8')).toBe(ORIGINAL_FSTAB);
    expect(existsSync(s.units)).toBe(false);
  });
});

describe('warren-rabbitmq-boot runs warren-data-volume first', () => {
  // The boot script's own steps are replaced by markers (the seam rabbitmq-boot.test.ts uses:
  // source the script, run its functions); main() and warren-data-volume run as shipped. Markers
  // go to stderr, where the scripts log, so the output keeps their order.
  const markers = [
    'install_cookie() { if mountpoint -q "$RABBIT_HOME"; then echo "STEP install_cookie on the volume" >&2; else echo "STEP install_cookie on the root disk" >&2; fi; }',
    'prepare_blank_start() { echo STEP prepare_blank_start >&2; }',
    'start_local() { echo STEP start_local >&2; }',
    'form_cluster() { echo STEP form_cluster >&2; }',
    'ensure_admin() { :; }',
    'ensure_replication() { :; }',
    'cli() { :; }',
  ].join('\n');
  const boot = (s: Sandbox) => {
    // No WARREN_DATA_MOUNT: the mount point is RabbitMQ's home, as on an instance.
    const env: NodeJS.ProcessEnv = { ...s.env, WARREN_RABBIT_HOME: s.mount };
    delete env.WARREN_DATA_MOUNT;
    return run('bash', ['-c', `source ${SCRIPTS_DIR}/warren-rabbitmq-boot\n${markers}\nmain`], env);
  };

  it('the device never appears: stops with a clear error, reports progress, never reaches RabbitMQ', () => {
    const s = sandbox({ timeout: 11 });
    s.facts(path.join(s.dir, 'never-there'));
    const r = boot(s);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/waiting for the data volume .*never-there \(1\ds of 11s\)/);
    expect(r.out).toMatch(/never appeared \(11s\): RabbitMQ is NOT started/);
    expect(r.out).toMatch(/ERROR: the data volume is not mounted at .*; RabbitMQ was not started/);
    expect(r.out).not.toContain('STEP');
    expect(existsSync(path.join(s.mount, '.erlang.cookie'))).toBe(false);
  }, 60_000);

  it('the device is there: mounted before the cookie, then RabbitMQ starts on the volume', () => {
    const s = sandbox();
    const dev = s.loop();
    s.facts(dev);
    const r = boot(s);
    expect(r.code, r.out).toBe(0);
    const steps = r.out.split('\n').filter((l) => l.startsWith('STEP'));
    expect(steps).toEqual([
      'STEP install_cookie on the volume',
      'STEP prepare_blank_start',
      'STEP start_local',
      'STEP form_cluster',
    ]);
    expect(r.out.indexOf(`mounted ${dev}`)).toBeLessThan(r.out.indexOf('STEP install_cookie'));
    expect(mountedAt(s.mount)).toBe(dev);
  });
});

describe('the data volume hooks in platform.env', () => {
  const t = topologyNamed('dev');
  const hooks = (content: string) => content.split('\n').filter((l) => l.startsWith('WARREN_DATA_'));

  it('lab: the loop device the lab binds; aws: the volume id the stack gives, the other key empty', () => {
    expect(hooks(renderPlatformEnv(t, 'lab', 'rabbit-01').content)).toEqual([
      `WARREN_DATA_DEVICE=${LAB_DATA_DEVICE}`,
      'WARREN_DATA_VOLUME_ID=',
    ]);
    expect(hooks(renderPlatformEnv(t, 'aws', 'rabbit-01', { dataVolumeId: VOLUME_ID }).content)).toEqual([
      'WARREN_DATA_DEVICE=',
      `WARREN_DATA_VOLUME_ID=${VOLUME_ID}`,
    ]);
    // A Terraform reference is quoted: interpolated it is a plain id, left as it is the script rejects it.
    expect(
      hooks(
        renderPlatformEnv(t, 'aws', 'rabbit-01', { dataVolumeId: '${aws_ebs_volume.rabbit-01.id}' }).content,
      ),
    ).toEqual(['WARREN_DATA_DEVICE=', "WARREN_DATA_VOLUME_ID='${aws_ebs_volume.rabbit-01.id}'"]);
    expect(hooks(renderPlatformEnv(t, 'aws', 'rabbit-01').content)).toEqual([
      'WARREN_DATA_DEVICE=',
      'WARREN_DATA_VOLUME_ID=',
    ]);
  });

  it('the id reaches the user-data; HAProxy hosts have no data volume', () => {
    expect(renderUserData(t, 'rabbit-02', 'aws', { dataVolumeId: VOLUME_ID })).toContain(
      `WARREN_DATA_VOLUME_ID=${VOLUME_ID}\n`,
    );
    const haproxy = renderHostFiles(t, 'haproxy-01', 'lab').find((f) => f.path === PLATFORM_FILE)!;
    expect(hooks(haproxy.content)).toEqual([]);
  });

  it('refuses an id that is neither a volume id nor a reference, and an id where no volume belongs', () => {
    expect(() => renderPlatformEnv(t, 'aws', 'rabbit-01', { dataVolumeId: 'rabbit-01-data' })).toThrow(
      /neither a volume id \(vol-…\) nor a Terraform reference/,
    );
    expect(() => renderPlatformEnv(t, 'lab', 'rabbit-01', { dataVolumeId: VOLUME_ID })).toThrow(
      /the lab's device is \/dev\/warren-data/,
    );
    expect(() => renderUserData(t, 'haproxy-01', 'aws', { dataVolumeId: VOLUME_ID })).toThrow(
      /only RabbitMQ nodes have one/,
    );
  });
});

/**
 * A RabbitMQ host's data volume in the lab: a sparse file in the lab's state directory behind a
 * loop device, the lab's stand-in for the node's EBS volume. The device is bound into the host's
 * container at LAB_DATA_DEVICE, where the same boot script as on AWS formats it (only when blank)
 * and mounts it at /var/lib/rabbitmq. It outlives the host's instances (kill, start, replace) as
 * an EBS volume outlives an EC2 instance; `replace --blank` and `down` end it.
 */
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Topology } from '../topology';
import { run, runOk } from '../workspace';
import { volumesDir } from './paths';

/**
 * The lab caps each volume at this size: the file is sparse, but ext4's lazy inode-table init
 * writes about 1/64 of the size in the background, and three 50 GiB volumes would write GBs for
 * nothing. RabbitMQ's default free-disk limit (50 MB) is far below it.
 */
export const LAB_VOLUME_MAX_GIB = 4;

export interface VolumeState {
  /** The sparse file (the volume's content). */
  readonly file: string;
  /** The loop device over it, `/dev/loopN`. */
  device: string;
}

export function labVolumeGiB(t: Topology): number {
  return Math.min(t.rabbitmq.dataVolumeGiB, LAB_VOLUME_MAX_GIB);
}

/** A new blank volume for `host` (a fresh sparse file: all zeros), attached to a free loop device. */
export async function createVolume(env: string, host: string, sizeGiB: number): Promise<VolumeState> {
  mkdirSync(volumesDir(env), { recursive: true, mode: 0o700 });
  // A new name per volume, so a detached-but-busy old device never shares a file with the new one.
  const file = path.join(volumesDir(env), `${host}-${Date.now().toString(36)}.img`);
  const fd = openSync(file, 'wx', 0o600);
  try {
    ftruncateSync(fd, sizeGiB * 2 ** 30);
  } finally {
    closeSync(fd);
  }
  return { file, device: await attach(file) };
}

async function attach(file: string): Promise<string> {
  const device = (await runOk('losetup', ['--find', '--show', file])).trim();
  if (!/^\/dev\/loop\d+$/.test(device)) throw new Error(`losetup --find --show ${file} printed '${device}'`);
  return device;
}

/** The loop devices backed by `file` (normally one; also when the file was deleted). */
async function devicesOf(file: string): Promise<string[]> {
  return (await loopDevicesUnder(path.dirname(file))).filter((l) => l.file === file).map((l) => l.device);
}

/**
 * Makes sure the volume's file is attached to the recorded device (a loop device does not survive a
 * machine reboot; its number may then differ); returns the device to bind.
 */
export async function ensureAttached(volume: VolumeState): Promise<string> {
  if (!existsSync(volume.file)) {
    throw new Error(
      `the data volume file ${volume.file} is gone; replace the host with --blank for a new one`,
    );
  }
  const devices = await devicesOf(volume.file);
  volume.device = devices.includes(volume.device)
    ? volume.device
    : (devices[0] ?? (await attach(volume.file)));
  return volume.device;
}

/** Detaches the volume's loop device(s) and deletes its file: the volume is gone. */
export async function destroyVolume(volume: VolumeState): Promise<void> {
  for (const d of await devicesOf(volume.file)) await detachLoopDevice(d);
  rmSync(volume.file, { force: true });
}

/** Detaches one loop device; one that is already gone is fine. */
export async function detachLoopDevice(device: string): Promise<void> {
  const r = await run('losetup', ['--detach', device]);
  // Already gone is fine; anything else (busy) is left with autoclear by the kernel and reported.
  if (r.code !== 0 && !/No such device|failed to use device/i.test(r.stderr)) {
    throw new Error(`losetup --detach ${device} failed: ${r.stderr.trim()}`);
  }
}

/**
 * Every loop device whose backing file lies under `dir` (also files deleted since): what a lab, or
 * an interrupted one, left attached. `losetup --raw` escapes a space as \x20 and marks a deleted
 * file "PATH (deleted)".
 */
export async function loopDevicesUnder(dir: string): Promise<{ device: string; file: string }[]> {
  const out = await runOk('losetup', ['--list', '--noheadings', '--raw', '--output', 'NAME,BACK-FILE']);
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return out
    .split('\n')
    .map((l) => /^(\S+) (.*)$/.exec(l.trim()))
    .flatMap((m) => {
      if (!m) return [];
      const file = m[2]!.replace(/\\x20/g, ' ').replace(/ \(deleted\)$/, '');
      return [{ device: m[1]!, file }];
    })
    .filter((l) => l.file.startsWith(prefix));
}

/** Detaches every loop device of files under `dir` and removes the files: nothing of them is left. */
export async function destroyVolumesUnder(dir: string): Promise<string[]> {
  const found = await loopDevicesUnder(dir);
  for (const l of found) await detachLoopDevice(l.device);
  rmSync(dir, { recursive: true, force: true });
  return found.map((l) => l.device);
}

/**
 * How the lab image is finished after debootstrap: the provisioning steps the Packer template runs,
 * run from this machine against the image directory (WARREN_ROOT), for both roles, so one image
 * serves RabbitMQ nodes, HAProxy hosts and the NLB stand-in.
 *
 * INTERIM: until images/ exports provisioningSteps(role), this applies the same first-boot
 * identity wipe by hand (the steps the notes list) so that the lab can boot; it is replaced by the
 * real steps as soon as they land.
 */
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ImageInput } from './lab-image';

export interface LabProvisioning {
  /** The files the steps consist of (hashed into the image id). */
  readonly inputs: ImageInput[];
  apply(rootfs: string, onProgress: (line: string) => void): Promise<void>;
}

function interimIdentityWipe(rootfs: string): void {
  const wants = path.join(rootfs, 'etc/systemd/system/multi-user.target.wants');
  for (const unit of ['rabbitmq-server.service', 'haproxy.service', 'keepalived.service', 'epmd.service']) {
    rmSync(path.join(wants, unit), { force: true });
  }
  const timers = path.join(rootfs, 'etc/systemd/system/timers.target.wants');
  for (const t of ['apt-daily.timer', 'apt-daily-upgrade.timer'])
    rmSync(path.join(timers, t), { force: true });
  const data = path.join(rootfs, 'var/lib/rabbitmq');
  rmSync(path.join(data, '.erlang.cookie'), { force: true });
  const mnesia = path.join(data, 'mnesia');
  if (existsSync(mnesia))
    for (const e of readdirSync(mnesia)) rmSync(path.join(mnesia, e), { recursive: true, force: true });
  rmSync(path.join(rootfs, 'var/lib/cloud'), { recursive: true, force: true });
  writeFileSync(path.join(rootfs, 'etc/machine-id'), '');
}

export function labProvisioning(): LabProvisioning {
  return {
    inputs: [{ name: 'lab/lab-provisioning.ts#interim', content: interimIdentityWipe.toString() }],
    async apply(rootfs, onProgress) {
      onProgress('interim identity wipe (until images/ provisioning lands)');
      interimIdentityWipe(rootfs);
    },
  };
}

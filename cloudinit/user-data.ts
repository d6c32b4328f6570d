/**
 * One host's complete user-data. It writes the rendered files and runs one boot script; all boot
 * logic lives in the scripts the image installs (cloudinit/scripts/), so the user-data stays short
 * and the lab runs exactly the same code. Secrets appear only as references (the SSM prefix or the
 * lab's secrets directory in /etc/warren/platform.env).
 */
import { hostNamed, type Topology } from '../topology';
import { cloudConfigYaml } from './cloud-config';
import { renderHostFiles } from './host-files';
import { generatedBy } from './marker';
import { INSTANCE_SCRIPTS_DIR } from './paths';
import type { Platform, UserDataOptions } from './platform';

export const BOOT_SCRIPTS = {
  rabbitmq: `${INSTANCE_SCRIPTS_DIR}/warren-rabbitmq-boot`,
  haproxy: `${INSTANCE_SCRIPTS_DIR}/warren-haproxy-boot`,
} as const;

/**
 * `opts.dataVolumeId` (AWS, RabbitMQ hosts): the node's EBS data volume id, usually a Terraform
 * reference the stack interpolates; see UserDataOptions. Without it an AWS node has no data volume.
 */
export function renderUserData(
  t: Topology,
  hostName: string,
  platform: Platform,
  opts: UserDataOptions = {},
): string {
  const host = hostNamed(t, hostName);
  return cloudConfigYaml({
    header: [
      generatedBy(t),
      `Host ${host.name} (${host.role}, ${host.ip}) of environment ${t.name}.`,
      'Secrets are fetched at boot by warren-secret; this file names them, it never holds them.',
    ],
    hostname: host.name,
    files: renderHostFiles(t, hostName, platform, opts),
    runcmd: [[BOOT_SCRIPTS[host.role]]],
  });
}

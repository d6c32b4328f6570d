/**
 * The boot scripts and units in cloudinit/scripts/, and where the image installs them: scripts into
 * /usr/local/sbin (mode 0755), units (.service, .timer, .socket, .path, .target) into
 * /etc/systemd/system (0644). This table is the one install map: the image renderer copies and the
 * install step (images/scripts/install-boot-scripts.sh, for Packer and the lab) installs exactly what
 * it lists; a test checks it against the directory, so a new script cannot be forgotten.
 */
import path from 'node:path';

export const SCRIPTS_SOURCE_DIR = path.join(__dirname, 'scripts');

export interface BootScript {
  /** Absolute path of the source file in this repository. */
  readonly source: string;
  /** Where the image installs it. */
  readonly target: string;
  readonly mode: '0755' | '0644';
}

/** Every file in cloudinit/scripts/, by name. */
export const BOOT_SCRIPT_NAMES = [
  'warren-cert-expiry',
  'warren-cert-expiry.service',
  'warren-cert-expiry.timer',
  'warren-check-haproxy',
  'warren-data-volume',
  'warren-haproxy-boot',
  'warren-install-tls',
  'warren-lib',
  'warren-rabbitmq-boot',
  'warren-rabbitmq-cli',
  'warren-secret',
  'warren-vip-holder',
  'warren-vip-holder.service',
  'warren-vip-holder.timer',
  'warren-vip-notify',
  'warren-vip-reconcile.service',
  'warren-vip-reconcile.timer',
] as const;

const UNIT_SUFFIXES = ['.service', '.timer', '.socket', '.path', '.target'];

/** Where one boot file is installed, by its name. */
export function bootScriptFor(name: string): BootScript {
  const source = path.join(SCRIPTS_SOURCE_DIR, name);
  return UNIT_SUFFIXES.some((s) => name.endsWith(s))
    ? { source, target: `/etc/systemd/system/${name}`, mode: '0644' }
    : { source, target: `/usr/local/sbin/${name}`, mode: '0755' };
}

export function bootScriptFiles(): BootScript[] {
  return [...BOOT_SCRIPT_NAMES].sort().map(bootScriptFor);
}

/**
 * The install map as images/scripts/install-boot-scripts.sh takes it (WARREN_BOOT_SCRIPTS):
 * `name:target:mode` entries, space-separated. The script installs exactly these and decides nothing
 * by a name itself, so the bake, the lab and this table cannot disagree.
 */
export function bootScriptsMapEnv(files: readonly BootScript[] = bootScriptFiles()): string {
  return files.map((f) => `${path.basename(f.source)}:${f.target}:${f.mode}`).join(' ');
}

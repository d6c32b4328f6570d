/**
 * Where the lab keeps things and how it names them. State lives outside the repository
 * (`/var/lib/warren/lab/<env>/`), the image cache in `/var/cache/warren/lab-image/<hash>/`;
 * both can be moved with WARREN_LAB_STATE / WARREN_LAB_CACHE (tests, CI with other disks).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export const LAB_STATE_ROOT = process.env.WARREN_LAB_STATE ?? '/var/lib/warren/lab';
export const LAB_IMAGE_CACHE = process.env.WARREN_LAB_CACHE ?? '/var/cache/warren/lab-image';

/** Every namespace, cgroup and nspawn machine the lab creates starts with this. */
export const LAB_PREFIX = 'wl-';

export function envStateDir(env: string): string {
  return path.join(LAB_STATE_ROOT, env);
}

export function hostStateDir(env: string, host: string): string {
  return path.join(envStateDir(env), 'hosts', host);
}

/** The sparse files behind the RabbitMQ hosts' data volumes (loop devices). */
export function volumesDir(env: string): string {
  return path.join(envStateDir(env), 'volumes');
}

export function stateFile(env: string): string {
  return path.join(envStateDir(env), 'lab.json');
}

export function credentialsFile(env: string): string {
  return path.join(envStateDir(env), 'credentials.json');
}

export function secretsDir(env: string): string {
  return path.join(envStateDir(env), 'secrets');
}

/** `wl-<env>-<host>`: the host's network namespace, nspawn machine name and cgroup name. */
export function netnsName(env: string, host: string): string {
  return `${LAB_PREFIX}${env}-${host}`;
}

/** The namespace that holds only the lab's bridge. */
export function bridgeNetns(env: string): string {
  return `${LAB_PREFIX}${env}--bridge`;
}

/** The cgroup (in both the name=systemd v1 hierarchy and the unified one) of one instance. */
export function cgroupDirs(env: string, host: string): string[] {
  const name = netnsName(env, host);
  // A pure cgroup2 machine has one hierarchy; a hybrid one (this kind of VM) has two.
  if (existsSync('/sys/fs/cgroup/cgroup.procs')) return [path.join('/sys/fs/cgroup', name)];
  return [path.join('/sys/fs/cgroup/systemd', name), path.join('/sys/fs/cgroup/unified', name)];
}

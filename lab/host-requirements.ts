/**
 * What the machine needs for a lab: root (namespaces, mounts, cgroups) and a few Debian packages.
 * Missing packages are installed when running as root; otherwise `up` stops with the exact command.
 */
import { existsSync } from 'node:fs';
import { UserError } from '../topology';
import { run, runOk } from '../workspace';

/** The programs the lab runs on the machine and the Debian package of each. */
export const HOST_TOOLS: readonly { readonly program: string; readonly pkg: string }[] = [
  { program: 'systemd-nspawn', pkg: 'systemd-container' },
  { program: 'debootstrap', pkg: 'debootstrap' },
  { program: 'ip', pkg: 'iproute2' },
  { program: 'iptables-restore', pkg: 'iptables' },
  { program: 'nsenter', pkg: 'util-linux' },
  { program: 'unshare', pkg: 'util-linux' },
  { program: 'losetup', pkg: 'mount' },
];

const DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

function hasProgram(program: string): boolean {
  return DIRS.some((d) => existsSync(`${d}/${program}`));
}

export function missingPackages(): string[] {
  return [...new Set(HOST_TOOLS.filter((t) => !hasProgram(t.program)).map((t) => t.pkg))];
}

/** Throws a UserError saying what to run when the lab cannot run here; installs packages as root. */
export async function ensureHostRequirements(
  rerun: string,
  onProgress: (line: string) => void,
): Promise<void> {
  const missing = missingPackages();
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) {
    const install = missing.length > 0 ? `sudo apt-get install -y ${missing.join(' ')} && ` : '';
    throw new UserError(
      `the lab needs root (network namespaces, mounts, cgroups); run: ${install}sudo ${rerun}`,
    );
  }
  if (missing.length > 0) {
    onProgress(`installing Debian packages the lab needs: ${missing.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const r = await run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
    if (r.code !== 0) {
      await runOk('apt-get', ['update', '-qq'], { env });
      await runOk('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
    }
  }
  if (!existsSync('/sys/fs/cgroup/unified') && !existsSync('/sys/fs/cgroup/cgroup.procs')) {
    throw new UserError('the lab needs cgroup2 (/sys/fs/cgroup/unified or a unified /sys/fs/cgroup)');
  }
}

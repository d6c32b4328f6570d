/**
 * One lab instance on the machine: its disk (an overlay upper dir seeded with NoCloud user-data and
 * secret files before first boot), the detached launcher that boots it under systemd-nspawn, and
 * the process-level operations on it (find its PID 1, crash it, stop it, run a command inside).
 */
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { SecretKey } from '../topology';
import { LAB_DATA_DEVICE, LAB_ROUTER_NETNS } from './cloudinit-api';
import { cgroupDirs, LAB_PREFIX } from './paths';
import { run, start, type RunResult, waitFor } from '../workspace';

const LAUNCHER = path.join(__dirname, 'scripts', 'warren-lab-instance');

/** Where a container instance keeps its disk and console log. */
export interface InstanceDirs {
  readonly dir: string;
  readonly upper: string;
  readonly work: string;
  readonly root: string;
  readonly console: string;
}

export function instanceDirs(hostDir: string): InstanceDirs {
  return {
    dir: hostDir,
    upper: path.join(hostDir, 'upper'),
    work: path.join(hostDir, 'work'),
    root: path.join(hostDir, 'root'),
    console: path.join(hostDir, 'console.log'),
  };
}

export interface Seed {
  readonly instanceId: string;
  readonly hostname: string;
  readonly userData: string;
  readonly secrets: Readonly<Record<SecretKey, string>>;
}

/**
 * Creates `rel` (a directory) in the upper layer. Each component the image has is created with the
 * image's mode and owner: an upper directory's attributes win in an overlay, so creating `etc/`
 * 0700 here would make the instance's whole /etc unreadable to its services.
 */
function mkdirLikeImage(upper: string, image: string, rel: string, mode = 0o755): void {
  let sofar = '';
  for (const part of rel.split('/').filter((p) => p !== '')) {
    sofar = path.join(sofar, part);
    const target = path.join(upper, sofar);
    if (existsSync(target)) continue;
    const lower = path.join(image, sofar);
    const st = existsSync(lower) ? statSync(lower) : undefined;
    mkdirSync(target, { mode: st ? st.mode & 0o7777 : mode });
    chmodSync(target, st ? st.mode & 0o7777 : mode);
    if (st) chownSync(target, st.uid, st.gid);
  }
}

function writeInto(upper: string, image: string, file: string, content: string, mode: number): void {
  mkdirLikeImage(upper, image, path.dirname(file));
  const target = path.join(upper, file);
  writeFileSync(target, content, { mode });
  chmodSync(target, mode);
  chownSync(target, 0, 0);
}

/**
 * A blank disk with the instance's seed: NoCloud `meta-data` and `user-data`, and the secrets as
 * `/etc/warren/secrets/<key>` (root, 0600 in a 0700 dir), the lab's stand-in for SSM. Anything
 * there before is wiped.
 */
export function blankDisk(d: InstanceDirs, image: string, seed: Seed): void {
  rmSync(d.upper, { recursive: true, force: true });
  rmSync(d.work, { recursive: true, force: true });
  mkdirSync(d.upper, { recursive: true, mode: 0o755 });
  mkdirSync(d.work, { recursive: true, mode: 0o700 });
  mkdirSync(d.root, { recursive: true, mode: 0o755 });
  const metaData = `instance-id: ${seed.instanceId}\nlocal-hostname: ${seed.hostname}\n`;
  writeInto(d.upper, image, 'var/lib/cloud/seed/nocloud/meta-data', metaData, 0o644);
  writeInto(d.upper, image, 'var/lib/cloud/seed/nocloud/user-data', seed.userData, 0o600);
  mkdirLikeImage(d.upper, image, 'etc/warren');
  mkdirLikeImage(d.upper, image, 'etc/warren/secrets', 0o700);
  for (const [key, value] of Object.entries(seed.secrets)) {
    writeInto(d.upper, image, `etc/warren/secrets/${key}`, value, 0o600);
  }
}

/** A process identity that survives PID reuse: the PID and its start time in clock ticks. */
export interface ProcessRef {
  readonly pid: number;
  readonly startTime: string;
}

function procStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces) start after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function processAlive(ref: ProcessRef | undefined): boolean {
  if (!ref) return false;
  const start = procStartTime(ref.pid);
  if (start !== ref.startTime) return false;
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${ref.pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

export function processRef(pid: number): ProcessRef | undefined {
  const startTime = procStartTime(pid);
  return startTime === undefined ? undefined : { pid, startTime };
}

/** Starts the instance's launcher detached from this process (the lab outlives `warren lab up`). */
export function launchInstance(opts: {
  machine: string;
  hostname: string;
  image: string;
  dirs: InstanceDirs;
  cgroups: readonly string[];
  /** The loop device of the host's data volume, bound into the container at LAB_DATA_DEVICE. */
  dataDevice?: string;
  /** The lab's VPC router namespace (an overlay VIP's HAProxy host), bound in at LAB_ROUTER_NETNS. */
  routerNetns?: string;
}): ProcessRef {
  const log = openSync(opts.dirs.console, 'a', 0o600);
  try {
    const child = start(LAUNCHER, [], {
      detached: true,
      stdio: ['ignore', log, log],
      env: {
        PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        LANG: 'C.UTF-8',
        WL_MACHINE: opts.machine,
        WL_HOSTNAME: opts.hostname,
        WL_IMAGE: opts.image,
        WL_DIR: opts.dirs.dir,
        WL_CGROUPS: opts.cgroups.join(':'),
        ...(opts.dataDevice ? { WL_DATA_DEVICE: opts.dataDevice, WL_DATA_TARGET: LAB_DATA_DEVICE } : {}),
        ...(opts.routerNetns
          ? { WL_ROUTER_NETNS: opts.routerNetns, WL_ROUTER_TARGET: LAB_ROUTER_NETNS }
          : {}),
      },
    });
    child.unref();
    if (child.pid === undefined) throw new Error(`cannot start ${LAUNCHER}`);
    const ref = processRef(child.pid);
    if (!ref) throw new Error(`the launcher of ${opts.machine} exited at once; see ${opts.dirs.console}`);
    return ref;
  } finally {
    closeSync(log);
  }
}

/** The container's PID 1 (as the machine sees it): nspawn's child that is PID 1 in its own PID namespace. */
export function containerInit(launcher: ProcessRef): number | undefined {
  if (!processAlive(launcher)) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let status: string;
    try {
      status = readFileSync(`/proc/${entry}/status`, 'utf8');
    } catch {
      continue;
    }
    const ppid = /^PPid:\s+(\d+)/m.exec(status)?.[1];
    const nspid = /^NSpid:\s+(.+)$/m.exec(status)?.[1]?.trim().split(/\s+/);
    if (Number(ppid) === launcher.pid && nspid && nspid.length >= 2 && nspid[nspid.length - 1] === '1') {
      return Number(entry);
    }
  }
  return undefined;
}

/** Every PID in a cgroup directory and its children (bottom-up order not needed for killing). */
export function cgroupPids(dir: string): number[] {
  if (!existsSync(dir)) return [];
  const pids: number[] = [];
  const walk = (d: string) => {
    try {
      for (const line of readFileSync(path.join(d, 'cgroup.procs'), 'utf8').split('\n')) {
        if (line.trim() !== '') pids.push(Number(line));
      }
      for (const e of readdirSync(d, { withFileTypes: true }))
        if (e.isDirectory()) walk(path.join(d, e.name));
    } catch {
      // The cgroup vanished while walking it: nothing left there.
    }
  };
  walk(dir);
  return [...new Set(pids)];
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/** Every process of one instance: what is in its cgroups plus the launcher and its PID 1. */
export function instancePids(env: string, host: string, launcher?: ProcessRef): number[] {
  const pids = new Set<number>();
  for (const dir of cgroupDirs(env, host)) for (const pid of cgroupPids(dir)) pids.add(pid);
  if (launcher && processAlive(launcher)) {
    pids.add(launcher.pid);
    const init = containerInit(launcher);
    if (init !== undefined) pids.add(init);
  }
  pids.delete(process.pid);
  return [...pids];
}

/**
 * A crash: SIGKILL to the container's PID 1 (the kernel then kills everything in its PID
 * namespace) and to whatever else is left in its cgroups. Not to nspawn first: a SIGKILLed nspawn
 * leaves the container running, orphaned.
 */
export async function crashInstance(env: string, host: string, launcher?: ProcessRef): Promise<void> {
  const init = launcher ? containerInit(launcher) : undefined;
  if (init !== undefined) signal(init, 'SIGKILL');
  await waitFor(
    `${host} to stop`,
    30_000,
    () => {
      const left = instancePids(env, host, launcher).filter((p) => p !== launcher?.pid);
      if (left.length === 0) return true;
      for (const pid of left) signal(pid, 'SIGKILL');
      return undefined;
    },
    100,
  );
  // nspawn exits once its container is gone; anything it left is swept with it.
  await waitFor(
    `${host}'s nspawn to exit`,
    15_000,
    () => {
      const left = instancePids(env, host, launcher);
      if (left.length === 0) return true;
      for (const pid of left) signal(pid, 'SIGKILL');
      return undefined;
    },
    100,
  );
  removeInstanceLeftovers(env, host);
}

/** A clean shutdown (SIGTERM to nspawn powers the container off), falling back to a crash. */
export async function stopInstance(
  env: string,
  host: string,
  launcher?: ProcessRef,
  timeoutMs = 25_000,
): Promise<void> {
  if (launcher && processAlive(launcher)) {
    signal(launcher.pid, 'SIGTERM');
    try {
      await waitFor(
        `${host} to shut down`,
        timeoutMs,
        () => (processAlive(launcher) ? undefined : true),
        200,
      );
    } catch {
      // Did not power off in time: crash it instead.
    }
  }
  await crashInstance(env, host, launcher);
}

/** Removes the instance's cgroups (deepest first) and nspawn's leftovers under /run. */
export function removeInstanceLeftovers(env: string, host: string): void {
  const rmTree = (d: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true }))
      if (e.isDirectory()) rmTree(path.join(d, e.name));
    try {
      rmdirSync(d);
    } catch {
      // Still busy (a process is exiting); the next down removes it.
    }
  };
  for (const dir of cgroupDirs(env, host)) rmTree(dir);
  const machine = `${LAB_PREFIX}${env}-${host}`;
  rmSync(path.join('/run/systemd/nspawn/propagate', machine), { recursive: true, force: true });
  rmSync(path.join('/run/systemd/nspawn/unix-export', machine), { recursive: true, force: true });
  // The shared dirs go when no other instance (of any lab) still uses them.
  for (const base of ['locks', 'propagate', 'unix-export', 'incoming', '']) {
    const d = path.join('/run/systemd/nspawn', base);
    try {
      if (existsSync(d) && readdirSync(d).length === 0) rmdirSync(d);
    } catch {
      // In use.
    }
  }
}

const GUEST_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Runs a command inside a running container (all its namespaces, its root, a clean environment). */
export async function execInContainer(
  init: number,
  argv: readonly string[],
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return run(
    'nsenter',
    [
      '--target',
      String(init),
      '--all',
      '--root',
      '--wd',
      '--',
      'env',
      '-i',
      `PATH=${GUEST_PATH}`,
      'HOME=/root',
      'LANG=C.UTF-8',
      ...argv,
    ],
    opts,
  );
}

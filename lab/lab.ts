/**
 * The lab's operations: bring an environment up on this machine, report it, break it (kill,
 * partition) and mend it (start, replace, heal), and take it down leaving nothing behind.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { plaintextOn, PORTS, tlsOn, type Topology } from '../topology';
import { renderNlbStandInUserData, renderUserData } from './cloudinit-api';
import { ensureHostRequirements } from './host-requirements';
import { labPrometheusUrl, startLabPrometheus, stopLabPrometheus } from './lab-prometheus';
import { ensureLabImage, labImageOf } from './lab-image';
import {
  blankDisk,
  containerInit,
  crashInstance,
  execInContainer,
  instanceDirs,
  instancePids,
  launchInstance,
  processAlive,
  removeInstanceLeftovers,
  stopInstance,
} from './lab-instance';
import {
  bootHostNic,
  createBridge,
  createHostNetwork,
  netnsExists,
  removeNetworks,
  setHostLink,
} from './lab-network';
import { createRouter, labRouter } from './lab-router';
import { LAB_EXTRA_HOSTS, labFeatureFlags, labPlan, type LabHostPlan, type LabPlan } from './lab-plan';
import { labCaFile } from './lab-ca';
import { ensureLabSecrets, labTlsSecrets, type LabSecrets } from './lab-secrets';
import { hostState, readState, writeState, type HostState, type LabState, type LabStatus } from './lab-state';
import {
  bridgeNetns,
  cgroupDirs,
  credentialsFile,
  envStateDir,
  hostStateDir,
  LAB_STATE_ROOT,
  netnsName,
  volumesDir,
} from './paths';
import { createVolume, destroyVolume, destroyVolumesUnder, ensureAttached, labVolumeGiB } from './lab-volume';
import { UserError } from '../topology';
import { run, runOk, type LoadedEnvironment, type RunResult, waitFor } from '../workspace';

export interface LabOptions {
  /** Progress lines (one per step or per host event); nothing secret is ever passed here. */
  readonly onProgress?: (line: string) => void;
}

export interface DownOptions extends LabOptions {
  /**
   * The environment's topology, to find what a lab left without a (readable) lab.json: `up`
   * clearing a dead lab, or `down --env NAME` after an interrupted `up`. @default the lab.json's
   */
  readonly topology?: Topology;
}

/** How long a host may take from launch to cloud-init finished (the boot scripts wait up to 660 s for peers). */
const BOOT_TIMEOUT_MS = 720_000;
/** How long the cluster may take to answer through the front door once every host has booted. */
const CLUSTER_TIMEOUT_MS = 240_000;

const PROBE = path.join(__dirname, 'scripts', 'probe-front-door.mjs');

function requireRoot(what: string): void {
  if (process.getuid?.() !== 0) throw new UserError(`${what} needs root; run it with sudo`);
}

function stateOrThrow(env: string): LabState {
  const state = readState(env);
  if (!state) throw new UserError(`there is no ${env} lab; start one with: npm run lab -- up --env ${env}`);
  return state;
}

/** A lab.json that cannot be read counts as no lab here (only `down` and `up`'s clearing use this). */
function readStateIfIntact(env: string): LabState | undefined {
  try {
    return readState(env);
  } catch {
    return undefined;
  }
}

/** The topology the running lab was booted from (drills and checks ask the lab, not the file). */
export function labTopology(env: string): Topology {
  return stateOrThrow(env).topology;
}

/** The lab's status as `warren lab status --json` prints it, or undefined when there is no lab. */
export function labStatus(env: string): LabStatus | undefined {
  const state = readState(env);
  if (!state) return undefined;
  return statusOf(state);
}

function statusOf(state: LabState): LabStatus {
  const prometheus = labPrometheusUrl(state.env);
  return {
    env: state.env,
    hosts: state.hosts.map((h) => {
      let s: 'running' | 'stopped' | 'partitioned' | 'missing';
      if (!netnsExists(h.netns)) s = 'missing';
      else if (h.kind === 'container' && !processAlive(h.launcher)) s = 'stopped';
      else s = h.partitioned ? 'partitioned' : 'running';
      return { name: h.name, role: h.role, ip: h.ip, netns: h.netns, state: s };
    }),
    endpoint: {
      ...state.endpoint,
      ...(tlsOn(state.topology) ? { amqpsPort: PORTS.amqps, managementTlsPort: PORTS.managementTls } : {}),
    },
    ...(tlsOn(state.topology) ? { caFile: labCaFile(state.env) } : {}),
    credentials: credentialsFile(state.env),
    ...(prometheus ? { prometheus } : {}),
  };
}

/** The front door's names in the lab, for the hosts' certificates: the VIP, or the NLB stand-in. */
function labFrontDoorNames(state: LabState): { ip: string; dns?: string } {
  return state.topology.frontDoor.kind === 'nlb'
    ? { ip: state.endpoint.address, dns: LAB_EXTRA_HOSTS.nlb }
    : { ip: state.endpoint.address };
}

function clientIpOf(plan: LabPlan): string {
  return plan.hosts.find((h) => h.role === 'client')!.ip;
}

/** The namespace of the client host, for `ip netns exec <ns> node …`. */
export function clientNetns(env: string): string {
  return netnsName(env, 'client');
}

function anyInstanceAlive(state: LabState): boolean {
  return state.hosts.some((h) => h.kind === 'container' && processAlive(h.launcher));
}

/**
 * Boots the environment: image (built once), secrets, network, every host in parallel, then waits
 * for cloud-init on each host and for the cluster to answer through the front door. On a running
 * lab it changes nothing and returns its status; a dead lab's leftovers are cleared first.
 */
export async function labUp(loaded: LoadedEnvironment, opts: LabOptions = {}): Promise<LabStatus> {
  const progress = opts.onProgress ?? (() => undefined);
  const t = loaded.topology;
  const env = t.name;
  await ensureHostRequirements(`npm run lab -- up --env ${env}`, progress);
  const plan = labPlan(t);
  for (const notice of plan.notices) progress(`note: ${notice}`);

  const existing = readStateIfIntact(env);
  if (existing && anyInstanceAlive(existing)) {
    progress(`the ${env} lab is already running; nothing changed`);
    await startLabPrometheus(t, clientIpOf(plan), progress);
    return statusOf(existing);
  }
  if (existing || leftoversExist(env, plan)) {
    progress(`clearing what a previous ${env} lab left behind`);
    await labDown(env, { onProgress: progress, topology: t });
  }

  const image = await ensureLabImage(labImageOf(t.image.rabbitmq), t.rabbitmq.plugins, progress);
  const secrets = ensureLabSecrets(env);
  const userData = new Map<string, string>();
  for (const h of plan.hosts) if (h.kind === 'container') userData.set(h.name, labUserData(t, h));

  const state: LabState = {
    env,
    source: loaded.source,
    topology: t,
    image,
    prefix: plan.prefix,
    bridgeNetns: plan.bridgeNetns,
    createdAt: new Date().toISOString(),
    hosts: plan.hosts.map((h) => ({ ...h, generation: 1, partitioned: false })),
    endpoint: plan.endpoint,
  };
  writeState(state);

  progress(`network: bridge in ${plan.bridgeNetns}, ${plan.hosts.length} hosts on /${plan.prefix}`);
  await createBridge(plan);
  const router = labRouter(t, plan.prefix);
  if (router) await createRouter(plan.bridgeNetns, router, plan.prefix);
  for (const h of plan.hosts) await createHostNetwork(t, plan, h);

  const volumeGiB = labVolumeGiB(t);
  for (const h of state.hosts) {
    if (h.role !== 'rabbitmq') continue;
    h.volume = await createVolume(env, h.name, volumeGiB);
    // Recorded at once: `down` must find every device even if `up` stops half-way.
    writeState(state);
    progress(`${h.name}: data volume ${h.volume.device} (${volumeGiB} GiB sparse, blank)`);
  }

  const started = Date.now();
  for (const h of state.hosts) {
    if (h.kind !== 'container') continue;
    await bootHost(state, h, image, userData.get(h.name) as string, secrets, true);
    progress(`${h.name} (${h.role}, ${h.ip}): booting`);
  }
  writeState(state);

  await waitForBoots(
    env,
    state.hosts.filter((h) => h.kind === 'container'),
    progress,
    started,
  );
  await waitForFrontDoor(t, plan, progress);
  await startLabPrometheus(t, clientIpOf(plan), progress);
  await enableLabFeatureFlags(t, progress);
  const status = statusOf(state);
  progress(`the ${env} lab is up in ${Math.round((Date.now() - started) / 1000)} s`);
  return status;
}

/**
 * What the environment's version has on by default and the lab's older broker only as a feature
 * flag (4.2's Khepri on Debian 13's 4.0.5): enabled cluster-wide once the cluster has formed, from
 * the first node; a node that joins later takes the cluster's flags.
 */
async function enableLabFeatureFlags(t: Topology, progress: (line: string) => void): Promise<void> {
  const first = t.rabbitmq.nodes[0]?.name;
  for (const flag of labFeatureFlags(t)) {
    if (!first) break;
    progress(`enabling the ${flag} feature flag (RabbitMQ ${t.image.rabbitmq} has it on by default)`);
    // 4.0.5 marks khepri_db experimental: enable_feature_flag refuses it without --opt-in ("requires
    // the user to explicitly opt-in"). Enabling it migrates the metadata from Mnesia to Khepri.
    const argv = ['rabbitmqctl', '-q', 'enable_feature_flag', '--opt-in', flag];
    const r = await execInHost(t.name, first, argv, { timeoutMs: 180_000 });
    if (r.code !== 0)
      throw new Error(`enable_feature_flag ${flag} on ${first} failed:\n${r.stderr}${r.stdout}`);
  }
}

/** A host's user-data: the stack's renderer with the lab's platform hooks; the NLB stand-in has its own. */
export function labUserData(t: Topology, host: LabHostPlan): string {
  return host.role === 'nlb' ? renderNlbStandInUserData(t, host.ip) : renderUserData(t, host.name, 'lab');
}

function leftoversExist(env: string, plan: LabPlan): boolean {
  return (
    existsSync(envStateDir(env)) ||
    netnsExists(plan.bridgeNetns) ||
    plan.hosts.some((h) => netnsExists(h.netns) || cgroupDirs(env, h.name).some((d) => existsSync(d)))
  );
}

/**
 * Writes a blank (or keeps the existing) disk and launches the instance, with its data volume's
 * loop device bound in; records its launcher. (The disk is the instance's root overlay, an EC2
 * root volume; the data volume is separate and survives it.)
 */
async function bootHost(
  state: LabState,
  host: HostState,
  image: string,
  userData: string,
  secrets: LabSecrets,
  blank: boolean,
): Promise<void> {
  const dataDevice = host.volume ? await ensureAttached(host.volume) : undefined;
  const dirs = instanceDirs(hostStateDir(state.env, host.name));
  mkdirSync(dirs.dir, { recursive: true, mode: 0o700 });
  if (blank) {
    blankDisk(dirs, image, {
      instanceId: `${host.netns}-${host.generation}`,
      hostname: host.name,
      userData,
      // Its own certificate and key beside the environment's secrets (rabbitmq.tls), as SSM has them.
      secrets: { ...secrets, ...labTlsSecrets(state.topology, host.name, labFrontDoorNames(state)) },
    });
  }
  host.launcher = launchInstance({
    machine: host.netns,
    hostname: host.name,
    image,
    dirs,
    cgroups: cgroupDirs(state.env, host.name),
    ...(dataDevice ? { dataDevice } : {}),
    // The overlay VIP's hook moves the route in the lab's VPC router (lab-router.ts).
    ...(host.role === 'haproxy' && labRouter(state.topology, state.prefix)
      ? { routerNetns: `/run/netns/${state.bridgeNetns}` }
      : {}),
  });
}

/** cloud-init's own verdict inside a running instance: running, done, error, or undefined if not yet known. */
async function cloudInitStatus(init: number): Promise<string | undefined> {
  const r = await execInContainer(init, ['cloud-init', 'status'], { timeoutMs: 20_000 });
  return /^status:\s*(\S+)/m.exec(r.stdout)?.[1];
}

async function waitForBoot(env: string, host: HostState, progress: (line: string) => void, since: number) {
  const dirs = instanceDirs(hostStateDir(env, host.name));
  let last = '';
  const status = await waitFor(
    `${host.name} to finish booting (cloud-init)`,
    BOOT_TIMEOUT_MS,
    async () => {
      const launcher = host.launcher;
      if (!processAlive(launcher)) {
        const tail = existsSync(dirs.console)
          ? readFileSync(dirs.console, 'utf8').split('\n').slice(-15).join('\n')
          : '';
        throw new UserError(`${host.name} stopped while booting; last console lines:\n${tail}`);
      }
      const init = launcher && containerInit(launcher);
      if (!init) return undefined;
      const s = await cloudInitStatus(init);
      if (s && s !== last) {
        last = s;
        if (s !== 'done' && s !== 'error') progress(`${host.name}: cloud-init ${s}`);
      }
      return s === 'done' || s === 'error' ? s : undefined;
    },
    1000,
  );
  const secs = Math.round((Date.now() - since) / 1000);
  if (status === 'error') {
    const init = containerInit(host.launcher!)!;
    const log = await execInContainer(init, ['tail', '-n', '25', '/var/log/cloud-init-output.log']);
    throw new UserError(
      `${host.name}: cloud-init finished with errors after ${secs} s; last lines of /var/log/cloud-init-output.log:\n` +
        `${log.stdout}\nInspect: npm run lab -- exec ${host.name} --env ${env} -- cloud-init status --long`,
    );
  }
  progress(`${host.name}: booted, cloud-init done (${secs} s)`);
}

/** Waits for every host, so that one failure does not hide another; throws them all together. */
async function waitForBoots(
  env: string,
  hosts: HostState[],
  progress: (line: string) => void,
  since: number,
) {
  const results = await Promise.allSettled(hosts.map((h) => waitForBoot(env, h, progress, since)));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
  if (failures.length > 0) {
    throw new UserError(
      `${failures.join('\n\n')}\n\nThe ${env} lab stays up for inspection; npm run lab -- down --env ${env} removes it.`,
    );
  }
}

interface Probe {
  amqp: boolean;
  management: { status: number; running: string[] };
}

async function probeFrontDoor(t: Topology, endpoint: LabState['endpoint']): Promise<Probe | undefined> {
  const env = t.name;
  // With rabbitmq.tls 'required' only the TLS ports answer: probe them, verifying the lab's CA.
  const tls = !plaintextOn(t);
  const r = await run(
    'ip',
    [
      'netns',
      'exec',
      clientNetns(env),
      process.execPath,
      PROBE,
      endpoint.address,
      String(tls ? PORTS.amqps : endpoint.amqpPort),
      String(tls ? PORTS.managementTls : endpoint.managementPort),
      credentialsFile(env),
      ...(tls ? [labCaFile(env)] : []),
    ],
    { timeoutMs: 15_000 },
  );
  try {
    return JSON.parse(r.stdout) as Probe;
  } catch {
    return undefined;
  }
}

async function waitForFrontDoor(t: Topology, plan: LabPlan, progress: (line: string) => void): Promise<void> {
  const want = t.rabbitmq.nodes.length;
  const where = `${plan.endpoint.address}`;
  let last = '';
  try {
    await waitFor(
      `the cluster to answer through ${where}`,
      CLUSTER_TIMEOUT_MS,
      async () => {
        const p = await probeFrontDoor(t, plan.endpoint);
        const line = p
          ? `front door ${where}: AMQP ${p.amqp ? 'answers' : 'not yet'}, management ${
              p.management.status === 200
                ? `${p.management.running.length}/${want} nodes running`
                : `HTTP ${p.management.status || '—'}`
            }`
          : `front door ${where}: probe failed`;
        if (line !== last) progress((last = line));
        return p && p.amqp && p.management.status === 200 && p.management.running.length === want
          ? true
          : undefined;
      },
      1000,
    );
  } catch (e) {
    throw new UserError(
      `${(e as Error).message}; the lab stays up for inspection (npm run lab -- exec rabbit-… --env ${t.name} -- rabbitmqctl cluster_status), ` +
        `npm run lab -- down --env ${t.name} removes it`,
    );
  }
}

/** Takes the lab down: every process by PID, its cgroups, namespaces, /run leftovers and state. */
export async function labDown(env: string, opts: DownOptions = {}): Promise<void> {
  const progress = opts.onProgress ?? (() => undefined);
  requireRoot('warren lab down');
  // A damaged lab.json must not keep a lab up: what it still says, plus the topology's plan, is removed.
  const state = readStateIfIntact(env);
  const topology = state?.topology ?? opts.topology;
  let plan: LabPlan | undefined;
  try {
    plan = topology ? labPlan(topology) : undefined;
  } catch {
    // A topology the lab cannot plan booted nothing.
  }
  const hosts = new Map<string, HostState | undefined>();
  for (const h of plan?.hosts ?? []) hosts.set(h.name, undefined);
  for (const h of state?.hosts ?? []) hosts.set(h.name, h);
  await Promise.all(
    [...hosts.entries()].map(async ([name, h]) => {
      if (instancePids(env, name, h?.launcher).length > 0) {
        progress(`${name}: stopping`);
        await stopInstance(env, name, h?.launcher, 15_000);
      }
      removeInstanceLeftovers(env, name);
    }),
  );
  await stopLabPrometheus(env, progress);
  const namespaces = new Set<string>([bridgeNetns(env)]);
  for (const name of hosts.keys()) namespaces.add(netnsName(env, name));
  if (state) namespaces.add(state.bridgeNetns);
  await removeNetworks([...namespaces]);
  // Every data volume: the recorded ones and any a half-finished up or replace attached.
  const detached = await destroyVolumesUnder(volumesDir(env));
  if (detached.length > 0) progress(`data volumes detached: ${detached.join(', ')}`);
  await unmountUnder(envStateDir(env));
  rmSync(envStateDir(env), { recursive: true, force: true });
  for (const dir of [LAB_STATE_ROOT, path.dirname(LAB_STATE_ROOT)]) {
    try {
      if (existsSync(dir)) rmdirSync(dir);
    } catch {
      // Not empty: other environments' labs (or other warren state) are still there.
    }
  }
  progress(`the ${env} lab is down`);
}

/** Unmounts anything still mounted under a directory (deepest first); overlays normally vanish with their instance. */
async function unmountUnder(dir: string): Promise<void> {
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1] ?? '')
    .filter((m) => m === dir || m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) await runOk('umount', ['--lazy', m]);
}

/**
 * A crash of one host: SIGKILL to its PID 1 and everything under it, and its link cut, so that it
 * answers nothing, like a machine that died (its namespace's kernel would otherwise go on answering
 * ARP, also for a VIP keepalived had added, and TCP with RST). The disk stays.
 */
export async function killHost(env: string, host: string): Promise<void> {
  requireRoot('warren lab kill');
  const state = stateOrThrow(env);
  const h = hostState(state, host);
  if (h.kind !== 'container')
    throw new UserError(`${host} is the client namespace, not an instance; it cannot be killed`);
  await setHostLink(state.bridgeNetns, h, false);
  await crashInstance(env, host, h.launcher);
  delete h.launcher;
  writeState(state);
}

/** Boots a stopped host again on its existing disk (as after a reboot) and waits for cloud-init. */
export async function startHost(env: string, host: string, opts: LabOptions = {}): Promise<void> {
  requireRoot('warren lab start');
  const state = stateOrThrow(env);
  const h = hostState(state, host);
  if (h.kind !== 'container') throw new UserError(`${host} is the client namespace; it is always there`);
  if (processAlive(h.launcher)) throw new UserError(`${host} is already running`);
  removeInstanceLeftovers(env, host);
  const router = labRouter(state.topology, state.prefix);
  await bootHostNic(state.bridgeNetns, state.prefix, h, !h.partitioned, router);
  await bootHost(state, h, state.image, '', ensureLabSecrets(env), false);
  writeState(state);
  await waitForBoot(env, h, opts.onProgress ?? (() => undefined), Date.now());
}

export interface ReplaceOptions extends LabOptions {
  /** Also a blank data volume (the old one is destroyed): a node whose volume was lost. */
  readonly blank?: boolean;
  /**
   * Shut the old instance down cleanly first (bounded, then a crash), as terminating an EC2
   * instance does; without it the old instance dies as a crashed machine does.
   */
  readonly graceful?: boolean;
}

/**
 * Replaces a host by a new instance with the same user-data (a blank root disk, a new instance-id),
 * and boots it. A RabbitMQ host keeps its data volume, as a replaced EC2 instance keeps its EBS
 * volume, unless `blank` gives it a new empty one.
 */
export async function replaceHost(env: string, host: string, opts: ReplaceOptions = {}): Promise<void> {
  requireRoot('warren lab replace');
  const state = stateOrThrow(env);
  const h = hostState(state, host);
  if (h.kind !== 'container') throw new UserError(`${host} is the client namespace; it cannot be replaced`);
  if (opts.graceful) await stopInstance(env, host, h.launcher, 90_000);
  else await crashInstance(env, host, h.launcher);
  delete h.launcher;
  writeState(state);
  if (opts.blank && h.volume) {
    await destroyVolume(h.volume);
    delete h.volume;
    writeState(state);
    h.volume = await createVolume(env, host, labVolumeGiB(state.topology));
    writeState(state);
    opts.onProgress?.(`${host}: new blank data volume ${h.volume.device}`);
  }
  const router = labRouter(state.topology, state.prefix);
  await bootHostNic(state.bridgeNetns, state.prefix, h, !h.partitioned, router);
  const userData = labUserData(state.topology, h);
  h.generation += 1;
  await bootHost(state, h, state.image, userData, ensureLabSecrets(env), true);
  writeState(state);
  await waitForBoot(env, h, opts.onProgress ?? (() => undefined), Date.now());
}

/** Cuts a host's link to the bridge (the host keeps running, alone). */
export async function partitionHost(env: string, host: string): Promise<void> {
  requireRoot('warren lab partition');
  const state = stateOrThrow(env);
  const h = hostState(state, host);
  await setHostLink(state.bridgeNetns, h, false);
  h.partitioned = true;
  writeState(state);
}

/** Restores a partitioned host's link (a killed host's stays cut until it starts). */
export async function healHost(env: string, host: string): Promise<void> {
  requireRoot('warren lab heal');
  const state = stateOrThrow(env);
  const h = hostState(state, host);
  await setHostLink(state.bridgeNetns, h, h.kind !== 'container' || processAlive(h.launcher));
  h.partitioned = false;
  writeState(state);
}

/** Runs a command inside a host: in the container for instances, in the namespace for the client. */
export async function execInHost(
  env: string,
  host: string,
  argv: string[],
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  requireRoot('warren lab exec');
  const state = stateOrThrow(env);
  const h = hostState(state, host);
  if (h.kind === 'netns') return run('ip', ['netns', 'exec', h.netns, ...argv], opts);
  const init = h.launcher && containerInit(h.launcher);
  if (!init)
    throw new UserError(`${host} is not running; boot it with: npm run lab -- start ${host} --env ${env}`);
  return execInContainer(init, argv, opts);
}

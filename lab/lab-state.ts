/**
 * What a lab is made of on this machine, recorded in `/var/lib/warren/lab/<env>/lab.json` as it is
 * created (so `down` can undo a half-finished `up`), and the status derived from it.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TopologyError, UserError, validateTopology, type Topology } from '../topology';
import type { LabHostPlan, LabPlan, LabRole } from './lab-plan';
import type { ProcessRef } from './lab-instance';
import type { VolumeState } from './lab-volume';
import { envStateDir, stateFile } from './paths';

export interface HostState extends LabHostPlan {
  /** The detached launcher (which becomes systemd-nspawn); absent for the client or a stopped host. */
  launcher?: ProcessRef;
  /** Counts blank disks: the NoCloud instance-id ends with it, so a replaced host is a new instance. */
  generation: number;
  partitioned: boolean;
  /** RabbitMQ hosts: the data volume (sparse file + loop device); it outlives the host's instances. */
  volume?: VolumeState;
}

export interface LabState {
  env: string;
  /** The environment file it was booted from (for messages; never read again). */
  source: string;
  /** The resolved topology the lab was booted from: replace renders the same user-data from it. */
  topology: Topology;
  image: string;
  prefix: number;
  bridgeNetns: string;
  createdAt: string;
  hosts: HostState[];
  endpoint: LabPlan['endpoint'];
}

/** One host as `warren lab status --json` shows it. */
export interface LabHostStatus {
  readonly name: string;
  readonly role: LabRole;
  readonly ip: string;
  readonly netns: string;
  /** running | stopped | partitioned (running with its link cut) | missing (namespace gone). */
  readonly state: 'running' | 'stopped' | 'partitioned' | 'missing';
}

export interface LabStatus {
  readonly env: string;
  readonly hosts: readonly LabHostStatus[];
  readonly endpoint: {
    readonly address: string;
    readonly amqpPort: number;
    readonly managementPort: number;
    /** AMQPS and management over HTTPS through the front door, with `rabbitmq.tls` on. */
    readonly amqpsPort?: number;
    readonly managementTlsPort?: number;
  };
  /** The lab CA's certificate (PEM) that clients verify the nodes against, with `rabbitmq.tls` on. */
  readonly caFile?: string;
  /** Path of a JSON file with `username` and `password` of the generated admin. */
  readonly credentials: string;
  /** The lab's Prometheus (lab/lab-prometheus.ts), reachable from the client namespace; absent when it is not running. */
  readonly prometheus?: string;
}

/** A lab.json that cannot be used: exit 1 with the way out (`down` still removes the lab). */
export class LabStateError extends UserError {
  override readonly name = 'LabStateError';
}

/** The recorded state of the `env` lab, or undefined when there is none; throws when it is damaged. */
export function readState(env: string): LabState | undefined {
  const file = stateFile(env);
  if (!existsSync(file)) return undefined;
  const damaged = (why: string) =>
    new LabStateError(
      `${file} is damaged (${why}); take what is left of the lab down with: npm run lab -- down --env ${env}`,
    );
  let state: Partial<LabState>;
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as Partial<LabState>;
  } catch (e) {
    throw damaged(`not JSON: ${(e as Error).message}`);
  }
  if (typeof state !== 'object' || state === null) throw damaged('not an object');
  if (state.env !== env) throw damaged(`it is the state of '${String(state.env)}'`);
  if (!Array.isArray(state.hosts) || state.hosts.some((h) => typeof h?.name !== 'string'))
    throw damaged('no host list');
  if (typeof state.topology !== 'object' || state.topology === null) throw damaged('no topology');
  if (typeof state.bridgeNetns !== 'string' || typeof state.image !== 'string')
    throw damaged('no bridge or image');
  return { ...(state as LabState), topology: recordedTopology(env, file, state.topology) };
}

/**
 * The recorded topology, through today's gate again: a field this warren added since the lab was
 * booted gets its default (a replace or roll would otherwise render `undefined` into user-data), and
 * a topology today's rules refuse stops here instead of half-rendering. Resolution is idempotent
 * (test/lab-state/recorded-topology.test.ts), so an unchanged warren reads back exactly what it wrote.
 */
function recordedTopology(env: string, file: string, recorded: Topology): Topology {
  const { source, ...rest } = recorded;
  try {
    const t = validateTopology(rest, file);
    return source === undefined ? t : { ...t, source };
  } catch (e) {
    if (!(e instanceof TopologyError)) throw e;
    throw new LabStateError(
      `the ${env} lab was booted by another version of warren, and the topology recorded in ${file} ` +
        `no longer passes its checks:\n${e.message}\n` +
        `Boot it again from the environment file: npm run lab -- down --env ${env} && npm run lab -- up --env ${env}`,
    );
  }
}

export function writeState(state: LabState): void {
  const file = stateFile(state.env);
  mkdirSync(envStateDir(state.env), { recursive: true, mode: 0o700 });
  const tmp = path.join(path.dirname(file), `.lab.json.${process.pid}`);
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
}

export function hostState(state: LabState, name: string): HostState {
  const host = state.hosts.find((h) => h.name === name);
  if (!host) {
    throw new UserError(
      `the ${state.env} lab has no host '${name}'; hosts: ${state.hosts.map((h) => h.name).join(', ')}`,
    );
  }
  return host;
}

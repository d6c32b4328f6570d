/**
 * What a lab is made of on this machine, recorded in `/var/lib/warren/lab/<env>/lab.json` as it is
 * created (so `down` can undo a half-finished `up`), and the status derived from it.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Topology } from '../topology';
import type { LabHostPlan, LabPlan, LabRole } from './lab-plan';
import type { ProcessRef } from './lab-instance';
import { envStateDir, stateFile } from './paths';

export interface HostState extends LabHostPlan {
  /** The detached launcher (which becomes systemd-nspawn); absent for the client or a stopped host. */
  launcher?: ProcessRef;
  /** Counts blank disks: the NoCloud instance-id ends with it, so a replaced host is a new instance. */
  generation: number;
  partitioned: boolean;
}

export interface LabState {
  env: string;
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
  readonly endpoint: { readonly address: string; readonly amqpPort: number; readonly managementPort: number };
  /** Path of a JSON file with `username` and `password` of the generated admin. */
  readonly credentials: string;
}

export function readState(env: string): LabState | undefined {
  const file = stateFile(env);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as LabState;
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
    throw new Error(
      `the ${state.env} lab has no host '${name}'; hosts: ${state.hosts.map((h) => h.name).join(', ')}`,
    );
  }
  return host;
}

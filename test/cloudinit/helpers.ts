/** Shared by the cloudinit tests: every host of every shipped environment, temp dirs, tool runs. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hostsOf, type Host, type Topology } from '../../topology';
import { listEnvironments, loadEnvironment } from '../../workspace';

export interface EnvHost {
  readonly env: string;
  readonly t: Topology;
  readonly host: Host;
}

/** The shipped environments, resolved. */
export function loadShipped(): Topology[] {
  return listEnvironments().map((name) => loadEnvironment(name).topology);
}

export const SHIPPED: readonly Topology[] = loadShipped();

export function shippedTopologies(): readonly Topology[] {
  return SHIPPED;
}

export function topologyNamed(name: string): Topology {
  const t = SHIPPED.find((x) => x.name === name);
  if (!t) throw new Error(`no shipped environment ${name}`);
  return t;
}

export function everyHost(): EnvHost[] {
  return SHIPPED.flatMap((t) => hostsOf(t).map((host) => ({ env: t.name, t, host })));
}

/** A temp dir removed after the callback, even when it throws. */
export function withTempDir<T>(prefix: string, fn: (dir: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), `warren-cloudinit-${prefix}-`));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, timeout: 120_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

export const SCRIPTS_DIR = path.resolve(__dirname, '../../cloudinit/scripts');

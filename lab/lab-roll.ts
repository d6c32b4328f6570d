/**
 * `warren lab roll`: every host of a running lab replaced one at a time by the SAME orchestrator as
 * `warren roll` on AWS (roll/: health checks, order, drain, waits). Only "replace this host"
 * differs: a new instance on the host's kept data volume (lab replace). The cluster is read through
 * each node's management API, asked from the lab's client namespace (this process is in none of the
 * lab's namespaces), and the CLI tools (drain, criticality checks) run inside the node's container.
 *
 * A stopped roll records the hosts it had left (roll.json next to lab.json): a re-run without
 * --host continues with those, as `warren roll` continues with the hosts still differing.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { plaintextOn, PORTS, rabbitNodeName, UserError } from '../topology';
import {
  managementClusterClient,
  rollHosts,
  type ClusterClient,
  type RollAdapter,
  type RollHost,
} from '../roll';
import { run, waitFor } from '../workspace';
import { clientNetns, execInHost, labStatus, labTopology, replaceHost } from './lab';
import { labCaFile } from './lab-ca';
import { readCredentials } from './lab-secrets';
import { labVipHolder, labVrrpState } from './lab-vip';
import { envStateDir } from './paths';

export interface LabRollOptions {
  /** Only these hosts (lab host names). @default every RabbitMQ and HAProxy host */
  readonly hosts?: readonly string[];
  readonly onProgress?: (line: string) => void;
  /** How long a replaced node may take to be back and in sync. @default 600000 */
  readonly nodeTimeoutMs?: number;
  /** Poll interval of the orchestrator's waits. @default 1000 */
  readonly intervalMs?: number;
}

export interface LabRollResult {
  readonly replaced: readonly string[];
  readonly seconds: number;
}

const rollFile = (env: string) => path.join(envStateDir(env), 'roll.json');

/** Escapes a value for a double-quoted curl config string. */
const curlQuote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * A fetch that makes the request with curl inside the lab's client namespace (the only place lab
 * traffic comes from). The Authorization header goes through curl's config on stdin, never argv.
 * An https URL is verified against `caFile` (the lab's CA) when one is given.
 */
export function labFetch(
  env: string,
  caFile?: string,
): (url: string, init: { headers: Record<string, string> }) => Promise<Response> {
  return async (url, init) => {
    const config = Object.entries(init.headers)
      .map(([k, v]) => `header = ${curlQuote(`${k}: ${v}`)}\n`)
      .join('');
    const ca = caFile && url.startsWith('https:') ? ['--cacert', caFile] : [];
    const r = await run(
      'ip',
      [
        'netns',
        'exec',
        clientNetns(env),
        'curl',
        '-sS',
        '--max-time',
        '8',
        ...ca,
        '-K',
        '-',
        '-w',
        '\n%{http_code}',
        url,
      ],
      { input: config, timeoutMs: 15_000 },
    );
    if (r.code !== 0) throw new Error(`curl ${url} failed (${r.code}): ${r.stderr.trim()}`);
    const cut = r.stdout.lastIndexOf('\n');
    return new Response(r.stdout.slice(0, cut), { status: Number(r.stdout.slice(cut + 1)) });
  };
}

/**
 * The cluster as the roll sees it in the lab: management API from the client (over HTTPS on 15671,
 * verified against the lab's CA, when `rabbitmq.tls` is 'required'), CLI in the node's container.
 */
export function labClusterClient(env: string): ClusterClient {
  const t = labTopology(env);
  const creds = readCredentials(env);
  const tls = !plaintextOn(t);
  return managementClusterClient({
    endpoints: t.rabbitmq.nodes.map((n) => ({
      node: rabbitNodeName(n.name),
      url: tls ? `https://${n.ip}:${PORTS.managementTls}` : `http://${n.ip}:${PORTS.management}`,
    })),
    username: creds.username,
    password: creds.password,
    fetch: labFetch(env, tls ? labCaFile(env) : undefined),
    nodeCli: (node, tool, args) =>
      execInHost(env, node.replace(/^[^@]*@/, ''), [tool, ...args], { timeoutMs: 300_000 }),
  });
}

function readPending(env: string): string[] | undefined {
  if (!existsSync(rollFile(env))) return undefined;
  try {
    const p = (JSON.parse(readFileSync(rollFile(env), 'utf8')) as { pending?: unknown }).pending;
    return Array.isArray(p) && p.every((x) => typeof x === 'string') ? p : undefined;
  } catch {
    return undefined;
  }
}

function writePending(env: string, pending: readonly string[]): void {
  if (pending.length === 0) rmSync(rollFile(env), { force: true });
  else writeFileSync(rollFile(env), JSON.stringify({ pending }) + '\n', { mode: 0o600 });
}

/** Checks the selection against the lab before anything changes. */
export function labRollHosts(env: string, selected?: readonly string[]): RollHost[] {
  const status = labStatus(env);
  if (!status) throw new UserError(`there is no ${env} lab; start one with: npm run lab -- up --env ${env}`);
  const t = labTopology(env);
  const rollable = status.hosts.filter((h) => h.role === 'rabbitmq' || h.role === 'haproxy');
  for (const name of selected ?? []) {
    const h = status.hosts.find((x) => x.name === name);
    if (!h)
      throw new UserError(
        `--host ${name}: the ${env} lab has no such host; hosts it rolls: ${rollable.map((x) => x.name).join(', ')}`,
      );
    if (!rollable.includes(h))
      throw new UserError(
        `--host ${name}: ${name} is the ${h.role === 'client' ? 'client namespace' : `${h.role} stand-in`}, not a host a roll replaces; hosts it rolls: ${rollable.map((x) => x.name).join(', ')}`,
      );
  }
  const priorities = new Map(
    t.frontDoor.kind === 'keepalived' ? t.frontDoor.haproxy.map((h) => [h.name, h.priority]) : [],
  );
  return rollable
    .filter((h) => selected === undefined || selected.includes(h.name))
    .map((h) =>
      h.role === 'rabbitmq'
        ? {
            name: h.name,
            role: 'rabbitmq',
            node: rabbitNodeName(h.name),
            reasons: ['a new instance on its kept data volume'],
          }
        : {
            name: h.name,
            role: 'haproxy',
            priority: priorities.get(h.name) ?? 0,
            reasons: ['a new instance'],
          },
    );
}

export async function labRoll(env: string, opts: LabRollOptions = {}): Promise<LabRollResult> {
  const say = opts.onProgress ?? (() => undefined);
  if (process.getuid?.() !== 0) throw new UserError('warren lab roll needs root; run it with sudo');
  let hosts = labRollHosts(env, opts.hosts);
  const pending = opts.hosts === undefined ? readPending(env) : undefined;
  if (pending && pending.length > 0) {
    hosts = hosts.filter((h) => pending.includes(h.name));
    say(`continuing the roll that stopped: ${hosts.map((h) => h.name).join(', ')} left`);
  }
  const left = hosts.map((h) => h.name);
  writePending(env, left);
  const t = labTopology(env);
  const cluster = labClusterClient(env);
  const adapter: RollAdapter = {
    async replaceHost(host, progress) {
      progress(
        `old instance shut down, a new one booted (blank root disk, same user-data${host.role === 'rabbitmq' ? ', the kept data volume' : ''})`,
      );
      await replaceHost(env, host.name, {
        graceful: true,
        onProgress: (l) => progress(l.replace(`${host.name}: `, '')),
      });
      left.splice(left.indexOf(host.name), 1);
      writePending(env, left);
    },
    async awaitHost(host, progress) {
      progress('waiting for haproxy and keepalived to be active and the VIP held');
      await waitFor(
        `${host.name} to serve again`,
        120_000,
        async () => {
          const r = await execInHost(env, host.name, ['systemctl', 'is-active', 'haproxy', 'keepalived']);
          return r.code === 0 && (t.frontDoor.kind !== 'keepalived' || (await labVipHolder(env)))
            ? true
            : undefined;
        },
        500,
      );
      // No preemption (nopreempt): a replaced HAProxy host rejoins as BACKUP and the VIP stays where
      // it is, so the roll moves on as soon as the pair serves; the holder is never replaced first
      // (roll/ orders the front door by vipHolder), so one roll costs the clients one VIP move.
      if (t.frontDoor.kind === 'keepalived') {
        await waitFor(`${host.name} to rejoin keepalived as BACKUP or MASTER`, 60_000, async () => {
          const s = await labVrrpState(env, host.name);
          return s === 'backup' || s === 'master' ? true : undefined;
        });
      }
      progress(`serving again; the VIP is on ${(await labVipHolder(env)) ?? '—'}`);
    },
    vipHolder: () => labVipHolder(env),
  };
  const started = Date.now();
  const result = await rollHosts({
    hosts,
    expectedNodes: t.rabbitmq.nodes.map((n) => rabbitNodeName(n.name)),
    adapter,
    cluster,
    onProgress: say,
    nodeTimeoutMs: opts.nodeTimeoutMs ?? 600_000,
    intervalMs: opts.intervalMs ?? 1_000,
    rerun: `npm run lab -- roll --env ${env}`,
  });
  writePending(env, []);
  const seconds = (Date.now() - started) / 1000;
  say(`the ${env} lab is rolled in ${Math.round(seconds)} s`);
  return { replaced: result.replaced, seconds };
}

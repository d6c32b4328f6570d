/**
 * What the cluster looks like from inside its hosts, asked of RabbitMQ itself (`rabbitmqctl` in the
 * container) and of the network namespaces (`ip -n`), plus the bounded wait for "healthy again" every
 * drill ends with. Parsing is split out as pure functions so it is unit-tested on real output samples.
 */
import { execInHost, labImageOf, labStatus, labTopology, labVipHolder, type LabStatus } from '../index';
import { rabbitCapabilities, UserError, type Topology } from '../../topology';
import { waitFor } from '../../workspace';

/** `['rabbit@rabbit-01', 'rabbit@rabbit-02']` out of an Erlang list of atoms as `rabbitmqctl eval` prints it. */
export function parseAtomList(text: string): string[] {
  const inner = text.trim().replace(/^\[/, '').replace(/\]$/, '');
  return [...inner.matchAll(/'([^']+)'|([A-Za-z0-9_@.-]+)/g)].map((m) => m[1] ?? m[2] ?? '').filter(Boolean);
}

export interface QueueLocation {
  readonly name: string;
  /** Node of the master (classic) or leader (quorum). */
  readonly master: string;
  readonly mirrors: string[];
  readonly synchronisedMirrors: string[];
}

/** Node names in a pid list as `rabbitmqctl list_queues` prints them: `<rabbit@rabbit-02.1.726.0>`. */
export function nodesInPids(field: string): string[] {
  return [...field.matchAll(/<([^<>.\s]+@[^<>.\s]+)\./g)].map((m) => m[1]!);
}

/** Parses `rabbitmqctl -q list_queues name pid slave_pids synchronised_slave_pids` (tab separated). */
export function parseQueueLocations(text: string): QueueLocation[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('name\t'))
    .map((l) => {
      const [name = '', pid = '', slaves = '', synced = ''] = l.split('\t');
      return {
        name,
        master: nodesInPids(pid)[0] ?? '',
        mirrors: nodesInPids(slaves),
        synchronisedMirrors: nodesInPids(synced),
      };
    });
}

/** The lab host of a node name: `rabbit@rabbit-02` → `rabbit-02`. */
export const hostOfNode = (node: string): string => node.replace(/^[^@]*@/, '');

export function rabbitHosts(status: LabStatus): string[] {
  return status.hosts.filter((h) => h.role === 'rabbitmq').map((h) => h.name);
}

export function haproxyHosts(status: LabStatus): string[] {
  return status.hosts.filter((h) => h.role === 'haproxy').map((h) => h.name);
}

export function requireLab(env: string): LabStatus {
  const s = labStatus(env);
  if (!s)
    throw new UserError(`there is no ${env} lab running; start it with: npm run lab -- up --env ${env}`);
  return s;
}

async function ctl(env: string, host: string, args: string[], timeoutMs = 30_000): Promise<string> {
  const r = await execInHost(env, host, ['rabbitmqctl', '-q', ...args], { timeoutMs });
  if (r.code !== 0) {
    // rabbitmqctl explains at length; the first line and epmd's verdict say enough.
    const lines = (r.stderr || r.stdout).split('\n').map((l) => l.trim());
    const why = [lines.find((l) => l !== ''), lines.find((l) => l.startsWith('* epmd reports'))].filter(
      Boolean,
    );
    throw new Error(`${host}: rabbitmqctl ${args[0]} failed (${r.code}): ${why.join(' ')}`);
  }
  return r.stdout;
}

/**
 * The cluster-membership calls of the lab's broker: 4.x's rabbit_nodes answers whichever metadata
 * store runs; rabbit_mnesia answers [] once Khepri is on (next's khepri_db), and 3.10 has only it.
 */
function membershipCalls(env: string): { running: string; all: string } {
  return rabbitCapabilities(labImageOf(labTopology(env).image.rabbitmq).rabbitmq).khepriFeatureFlag
    ? { running: 'rabbit_nodes:list_running().', all: 'rabbit_nodes:list_members().' }
    : { running: 'rabbit_mnesia:cluster_nodes(running).', all: 'rabbit_mnesia:cluster_nodes(all).' };
}

export async function runningNodes(env: string, host: string): Promise<string[]> {
  return parseAtomList(await ctl(env, host, ['eval', membershipCalls(env).running]));
}

export async function clusterNodes(env: string, host: string): Promise<string[]> {
  return parseAtomList(await ctl(env, host, ['eval', membershipCalls(env).all]));
}

export async function partitions(env: string, host: string): Promise<string[]> {
  return parseAtomList(await ctl(env, host, ['eval', 'rabbit_node_monitor:partitions().']));
}

/**
 * Whether the RabbitMQ application runs on that node: true, false (the Erlang node answers but RabbitMQ
 * is stopped, as when pause_minority paused it), or undefined when the node cannot be asked at all.
 */
export async function rabbitRunning(env: string, host: string): Promise<boolean | undefined> {
  try {
    const out = (await ctl(env, host, ['eval', 'rabbit:is_running().'], 15_000)).trim();
    return out === 'true' ? true : out === 'false' ? false : undefined;
  } catch {
    return undefined;
  }
}

/** The OS pid of the RabbitMQ VM, to tell "untouched" from "restarted". */
export async function rabbitOsPid(env: string, host: string): Promise<string> {
  return (await ctl(env, host, ['eval', 'os:getpid().'])).trim().replace(/"/g, '');
}

export async function queueLocation(
  env: string,
  host: string,
  queue: string,
): Promise<QueueLocation | undefined> {
  // A 4.x broker has no mirrors and refuses the slave_pids columns; `pid` is then the quorum leader's.
  const lab = labImageOf(labTopology(env).image.rabbitmq);
  const mirrors = rabbitCapabilities(lab.rabbitmq).classicMirroring
    ? ['slave_pids', 'synchronised_slave_pids']
    : [];
  const text = await ctl(env, host, ['list_queues', 'name', 'pid', ...mirrors]);
  return parseQueueLocations(text).find((q) => q.name === queue);
}

export interface QuorumMembers {
  readonly members: string[];
  readonly online: string[];
}

/** Node names in an Erlang-ish list as list_queues prints them: `[rabbit@rabbit-02, rabbit@rabbit-01]`. */
export function nodesInList(field: string): string[] {
  return [...field.matchAll(/[^\s[\],<>]+@[^\s[\],<>.]+/g)].map((m) => m[0]);
}

/** A quorum queue's members and the ones online (`list_queues name members online`). */
export async function quorumMembers(
  env: string,
  host: string,
  queue: string,
): Promise<QuorumMembers | undefined> {
  const text = await ctl(env, host, ['list_queues', 'name', 'members', 'online']);
  for (const line of text.split('\n')) {
    const [name, members = '', online = ''] = line.split('\t');
    if (name === queue) return { members: nodesInList(members), online: nodesInList(online) };
  }
  return undefined;
}

export async function policies(env: string, host: string): Promise<string> {
  return ctl(env, host, ['list_policies']);
}

export interface Health {
  readonly healthy: boolean;
  /** What is wrong, one line (or 'healthy'). */
  readonly summary: string;
}

/**
 * Healthy = every RabbitMQ host's container runs, one node sees all nodes running and no partition,
 * the replication policy is in place (ha-all environments), and (keepalived) a HAProxy holds the VIP.
 * Judged against the topology the lab was booted from.
 */
export async function checkHealth(env: string, t: Topology = labTopology(env)): Promise<Health> {
  const status = requireLab(env);
  const notRunning = status.hosts.filter((h) => h.role !== 'client' && h.state !== 'running');
  if (notRunning.length > 0) {
    return {
      healthy: false,
      summary: `not running: ${notRunning.map((h) => `${h.name} (${h.state})`).join(', ')}`,
    };
  }
  const want = t.rabbitmq.nodes.map((n) => n.name).sort();
  for (const host of rabbitHosts(status)) {
    try {
      const running = (await runningNodes(env, host)).map(hostOfNode).sort();
      if (running.join() !== want.join())
        return { healthy: false, summary: `${host} sees running: ${running.join(', ')}` };
      const parts = await partitions(env, host);
      if (parts.length > 0)
        return { healthy: false, summary: `${host} reports partitions with ${parts.join(', ')}` };
      if (t.rabbitmq.replication === 'ha-all' && !/ha-mode/.test(await policies(env, host))) {
        return { healthy: false, summary: 'the ha-all policy is not applied' };
      }
      if (t.frontDoor.kind === 'keepalived' && !(await labVipHolder(status.env))) {
        return { healthy: false, summary: `no HAProxy host holds the VIP ${t.frontDoor.vip}` };
      }
      return { healthy: true, summary: 'healthy' };
    } catch (e) {
      // this node can't answer (booting, paused): ask the next
      if (host === rabbitHosts(status).at(-1)) return { healthy: false, summary: (e as Error).message };
    }
  }
  return { healthy: false, summary: 'no node answered' };
}

/** Waits (bounded, with progress) until `checkHealth` says healthy; resolves with how long it took. */
export async function waitHealthy(
  env: string,
  timeoutMs: number,
  log: (line: string) => void = () => {},
): Promise<number> {
  const start = Date.now();
  let last = '';
  await waitFor(
    `a healthy ${env} cluster`,
    timeoutMs,
    async () => {
      const h = await checkHealth(env);
      if (h.healthy) return true;
      if (h.summary !== last) log((last = `waiting for a healthy ${env} cluster: ${h.summary}`));
      return undefined;
    },
    1_000,
  ).catch((e: Error) => {
    throw new Error(`${e.message}: ${last.replace(/^waiting for a healthy \S+ cluster: /, '')}`);
  });
  return Date.now() - start;
}

/**
 * A boolean condition as `waitFor` takes it: true ends the wait; false, or a failure to ask (a node
 * booting, a link cut), means "not yet".
 */
export function holds(cond: () => Promise<boolean> | boolean): () => Promise<true | undefined> {
  return async () =>
    (await Promise.resolve()
      .then(cond)
      .catch(() => false))
      ? true
      : undefined;
}

/** How long `wait` took, in ms (drills report how long each step of the recovery took). */
export async function elapsedMs(wait: () => Promise<unknown>): Promise<number> {
  const start = Date.now();
  await wait();
  return Date.now() - start;
}

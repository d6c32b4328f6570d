/**
 * The roll's one view of a running RabbitMQ cluster. It reads everything through the management
 * HTTP API, asking each node itself (the criticality checks answer for the node that serves the
 * request, so a front door in between would answer for a random node); the deploying machine
 * reaches every node's management port directly (access.adminCidrs). `rabbitmq-upgrade drain`
 * has no HTTP form: it needs a way to run the CLI on the node (`nodeCli`), which the lab and the
 * tests have and an AWS deployer does not; without it the client cannot drain and says so.
 *
 * Which checks exist is the capability table's answer for the version each node reports
 * (topology/capabilities), never a version comparison here. Versions without the HTTP checks
 * (3.5.7, 3.8.0–3.8.9) get the same verdicts computed from the queue list.
 */
import { rabbitCapabilities, type RabbitCapabilities, WarrenError } from '../topology';
import type { RunResult } from '../workspace';

export interface ClusterNodeStatus {
  readonly name: string;
  readonly running: boolean;
  /** Resource alarms in effect on the node (`memory`, `disk`). */
  readonly alarms: readonly string[];
  /** Nodes this node sees itself partitioned from. */
  readonly partitions: readonly string[];
}

export interface QueueReplicas {
  readonly vhost: string;
  readonly name: string;
  readonly type: 'classic' | 'quorum' | 'stream';
  /** The node leading the queue (the classic master, the quorum leader). */
  readonly leader: string | undefined;
  /** Classic: mirror nodes; quorum/stream: member nodes other than the leader. */
  readonly replicas: readonly string[];
  /** Classic: synchronised mirrors; quorum/stream: members online (leader included). */
  readonly inSync: readonly string[];
  readonly exclusive: boolean;
}

export interface ClusterStatus {
  readonly nodes: readonly ClusterNodeStatus[];
  readonly queues: readonly QueueReplicas[];
}

/** The cluster operations the orchestrator needs; `managementClusterClient` is the real one. */
export interface ClusterClient {
  /** Every node the cluster knows (running or not), and every queue with its replicas. */
  status(): Promise<ClusterStatus>;
  /** The RabbitMQ version `node` runs, or undefined when it does not answer. */
  versionOf(node: string): Promise<string | undefined>;
  /**
   * Why stopping `node` now would lose a quorum or the last synchronised copy of a queue, or
   * undefined when it would not. `how` says which check gave the verdict.
   */
  criticality(node: string): Promise<{ readonly problem: string | undefined; readonly how: string }>;
  /** Puts `node` into maintenance mode; undefined when this client cannot (and why, as a string). */
  readonly drain?: (node: string) => Promise<void>;
  /** Why `drain` is missing, for the progress line. */
  readonly cannotDrain?: string;
}

/** The cluster said something the roll cannot work with (no node answers, a refused login). */
export class ClusterClientError extends WarrenError {
  override readonly name = 'ClusterClientError';
}

export interface ManagementEndpoint {
  /** Erlang node name, `rabbit@rabbit-01`. */
  readonly node: string;
  /** The node's own management API, `http://10.42.1.11:15672`. */
  readonly url: string;
}

export interface ManagementClientOptions {
  readonly endpoints: readonly ManagementEndpoint[];
  readonly username: string;
  readonly password: string;
  /**
   * Runs a RabbitMQ CLI tool on (or as) `node`, e.g. `('rabbit@rabbit-01', 'rabbitmq-upgrade', ['drain'])`.
   * @default none: the client cannot drain
   */
  readonly nodeCli?: (node: string, tool: string, args: readonly string[]) => Promise<RunResult>;
  /** Why there is no nodeCli, shown when a drain is skipped. @default generic */
  readonly noCliReason?: string;
  /** Per request. @default 10000 */
  readonly timeoutMs?: number;
  /**
   * How a request reaches the nodes: the lab's nodes live in network namespaces this process is
   * not in, so the lab passes one that asks from its client namespace. @default global fetch
   */
  readonly fetch?: (
    url: string,
    init: { headers: Record<string, string>; signal: AbortSignal },
  ) => Promise<Response>;
}

interface ApiNode {
  name: string;
  running?: boolean;
  mem_alarm?: boolean;
  disk_free_alarm?: boolean;
  partitions?: string[];
}

interface ApiQueue {
  name: string;
  vhost: string;
  type?: string;
  node?: string;
  leader?: string;
  exclusive?: boolean;
  owner_pid_details?: unknown;
  slave_nodes?: string[];
  synchronised_slave_nodes?: string[];
  members?: string[];
  online?: string[];
}

export function managementClusterClient(opts: ManagementClientOptions): ClusterClient {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const auth = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
  const endpointOf = (node: string): ManagementEndpoint => {
    const e = opts.endpoints.find((x) => x.node === node);
    if (!e) throw new ClusterClientError(`no management endpoint for ${node}`);
    return e;
  };

  /** GET on one endpoint: status and parsed body, or undefined when it does not answer. */
  const get = async (base: string, path: string): Promise<{ status: number; body: unknown } | undefined> => {
    try {
      const res = await (opts.fetch ?? fetch)(`${base}/api/${path}`, {
        headers: { authorization: auth },
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: keep the text for the message
      }
      if (res.status === 401)
        throw new ClusterClientError(
          `${base} refused the login of ${opts.username} (401); check the administrator password`,
        );
      return { status: res.status, body };
    } catch (e) {
      if (e instanceof ClusterClientError) throw e;
      return undefined;
    }
  };

  /** The first endpoint that answers `path` with 200. */
  const getAny = async (path: string): Promise<unknown> => {
    for (const e of opts.endpoints) {
      const r = await get(e.url, path);
      if (r?.status === 200) return r.body;
    }
    throw new ClusterClientError(
      `no RabbitMQ management API answered (${opts.endpoints.map((e) => e.url).join(', ')}); ` +
        'this machine must reach every node on the management port (access.adminCidrs)',
    );
  };

  const versionOf = async (node: string): Promise<string | undefined> => {
    const r = await get(endpointOf(node).url, 'overview');
    const v = (r?.body as { rabbitmq_version?: unknown } | undefined)?.rabbitmq_version;
    return r?.status === 200 && typeof v === 'string' ? v : undefined;
  };

  const status = async (): Promise<ClusterStatus> => {
    const nodes = (await getAny('nodes')) as ApiNode[];
    const queues = (await getAny('queues')) as ApiQueue[];
    return {
      nodes: nodes.map((n) => ({
        name: n.name,
        running: n.running === true,
        alarms: [...(n.mem_alarm ? ['memory'] : []), ...(n.disk_free_alarm ? ['disk'] : [])],
        partitions: n.partitions ?? [],
      })),
      queues: queues.map(toReplicas),
    };
  };

  const capsOf = async (node: string): Promise<RabbitCapabilities | undefined> => {
    const v = await versionOf(node);
    return v === undefined ? undefined : rabbitCapabilities(v);
  };

  const criticality: ClusterClient['criticality'] = async (node) => {
    const caps = await capsOf(node);
    if (!caps) return { problem: `${node} does not answer on its management API`, how: 'management API' };
    if (caps.httpCriticalityChecks) {
      const checks = [
        ...(caps.quorumQueues ? ['node-is-quorum-critical'] : []),
        ...(caps.classicMirroring ? ['node-is-mirror-sync-critical'] : []),
      ];
      for (const check of checks) {
        const r = await get(endpointOf(node).url, `health/checks/${check}`);
        if (r === undefined) return { problem: `${node} does not answer ${check}`, how: check };
        if (r.status !== 200) return { problem: `${check}: ${describeCheckFailure(r.body)}`, how: check };
      }
      return { problem: undefined, how: `${checks.join(' and ')} (HTTP API of ${caps.version})` };
    }
    if (opts.nodeCli && caps.criticalityChecksCli) {
      const checks = [
        ...(caps.quorumQueues ? ['check_if_node_is_quorum_critical'] : []),
        ...(caps.classicMirroring ? ['check_if_node_is_mirror_sync_critical'] : []),
      ];
      for (const check of checks) {
        const r = await opts.nodeCli(node, 'rabbitmq-queues', [check]);
        if (r.code !== 0) return { problem: `${check}: ${(r.stdout || r.stderr).trim()}`, how: check };
      }
      return { problem: undefined, how: `rabbitmq-queues ${checks.join(' and ')} (${caps.version})` };
    }
    const s = await status();
    return {
      problem: computedCriticality(node, s),
      how: `computed from the queue list (${caps.version} has no criticality checks over HTTP)`,
    };
  };

  const cli = opts.nodeCli;
  return {
    status,
    versionOf,
    criticality,
    ...(cli
      ? {
          drain: async (node: string) => {
            const r = await cli(node, 'rabbitmq-upgrade', ['drain']);
            if (r.code !== 0)
              throw new ClusterClientError(
                `rabbitmq-upgrade drain on ${node} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`,
              );
          },
        }
      : {
          cannotDrain:
            opts.noCliReason ??
            'draining needs rabbitmq-upgrade on the node and this client reaches only the management API',
        }),
  };
}

function toReplicas(q: ApiQueue): QueueReplicas {
  const type = q.type === 'quorum' || q.type === 'stream' ? q.type : 'classic';
  const exclusive = q.exclusive === true;
  if (type === 'classic') {
    return {
      vhost: q.vhost,
      name: q.name,
      type,
      leader: q.node,
      replicas: q.slave_nodes ?? [],
      inSync: q.synchronised_slave_nodes ?? [],
      exclusive,
    };
  }
  const leader = q.leader ?? q.node;
  return {
    vhost: q.vhost,
    name: q.name,
    type,
    leader,
    replicas: (q.members ?? []).filter((m) => m !== leader),
    inSync: q.online ?? [],
    exclusive,
  };
}

function describeCheckFailure(body: unknown): string {
  if (body && typeof body === 'object' && 'reason' in body)
    return String((body as { reason: unknown }).reason);
  return typeof body === 'string' ? body.slice(0, 300) : JSON.stringify(body).slice(0, 300);
}

/**
 * The verdicts of `check_if_node_is_quorum_critical` and `check_if_node_is_mirror_sync_critical`,
 * from the queue list: a quorum queue whose online members without `node` are no majority, or a
 * classic queue led by `node` with no synchronised copy on another running node (an
 * unmirrored one included: stopping its only node takes it away).
 */
export function computedCriticality(node: string, s: ClusterStatus): string | undefined {
  const running = new Set(s.nodes.filter((n) => n.running).map((n) => n.name));
  const problems: string[] = [];
  for (const q of s.queues) {
    if (q.exclusive) continue;
    const id = `queue '${q.name}' in vhost '${q.vhost}'`;
    if (q.type === 'classic') {
      if (q.leader !== node) continue;
      const copies = q.inSync.filter((m) => m !== node && running.has(m));
      if (copies.length === 0) problems.push(`${id} has no synchronised mirror besides ${node}`);
    } else {
      const members = [...new Set([...(q.leader ? [q.leader] : []), ...q.replicas])];
      if (!members.includes(node)) continue;
      const online = q.inSync.filter((m) => m !== node && members.includes(m));
      if (online.length < Math.floor(members.length / 2) + 1)
        problems.push(`${id} would keep ${online.length} of ${members.length} members online`);
    }
  }
  if (problems.length === 0) return undefined;
  const shown = problems.slice(0, 3).join('; ');
  return problems.length > 3 ? `${shown}; and ${problems.length - 3} more` : shown;
}

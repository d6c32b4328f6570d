/**
 * The rolling orchestrator: brings hosts up to date one at a time without losing a quorum or the
 * last synchronised copy of a queue. It knows nothing of AWS or the lab: the platform is an
 * adapter, the cluster a `ClusterClient`.
 *
 * Adapter contract (`RollAdapter`):
 * - `replaceHost(host, progress)` does the platform's part of "this host gets its new image,
 *   user-data or size" (AWS: `terraform apply -replace`; the lab: a new container on the host's
 *   kept data volume) and resolves once the platform has done it. It must not wait for RabbitMQ:
 *   the orchestrator waits for the node to be back in the cluster itself. It throws (ideally a
 *   WarrenError saying what to do) when the platform failed.
 * - `awaitHost(host, progress)` (optional) waits, bounded, until a host that is not a RabbitMQ node
 *   (an HAProxy host) serves again. Without it the orchestrator goes on once `replaceHost` resolves.
 * - `vipHolder()` (optional) names the keepalived host holding the VIP now. keepalived runs with
 *   nopreempt, so the VIP stays wherever the last failover put it; without an answer the orchestrator
 *   guesses the host with the highest priority (the one that wins when both start together).
 *
 * The plan lists only the hosts that need a change: a re-run recomputes it from what is deployed,
 * so the hosts a stopped roll already did are simply not in it (no state file to trust or lose).
 *
 * Order: RabbitMQ nodes first, the one leading the fewest queues first (asked again before each
 * node, as leadership moves while nodes go and come); then the keepalived backup; the VIP holder
 * last. Per RabbitMQ node: the cluster is healthy (every expected node running, no alarms, no
 * partitions); stopping this node loses no quorum and no last synchronised mirror; drain it where
 * the version and the client can; replace it; wait until it runs in the cluster again and every
 * queue it held a replica of has it back in sync. The first failure stops the roll with what is
 * wrong and what to do.
 */
import { WarrenError, rabbitCapabilities } from '../topology';
import { waitFor } from '../workspace';
import type { ClusterClient, ClusterStatus, QueueReplicas } from './cluster-client';

export interface RollHost {
  /** Hostname as in the topology (`rabbit-01`). */
  readonly name: string;
  readonly role: 'rabbitmq' | 'haproxy';
  /** RabbitMQ hosts: the Erlang node name (`rabbit@rabbit-01`). */
  readonly node?: string;
  /** keepalived hosts: the VRRP priority (the highest holds the VIP when healthy). */
  readonly priority?: number;
  /** Why the host needs replacing, for the progress lines (`ami ami-1 → ami-2`). */
  readonly reasons: readonly string[];
}

export interface RollAdapter {
  replaceHost(host: RollHost, progress: (line: string) => void): Promise<void>;
  awaitHost?(host: RollHost, progress: (line: string) => void): Promise<void>;
  vipHolder?(): Promise<string | undefined>;
}

export interface RollOptions {
  /** The hosts to replace (those that differ), in any order. */
  readonly hosts: readonly RollHost[];
  /** Every RabbitMQ node the cluster must have running (all of the topology's, not only the rolled ones). */
  readonly expectedNodes: readonly string[];
  readonly adapter: RollAdapter;
  readonly cluster: ClusterClient;
  readonly onProgress?: (line: string) => void;
  /** How long a replaced node may take to be back and in sync. @default 900000 (15 min) */
  readonly nodeTimeoutMs?: number;
  /** Poll interval of the waits. @default 2000 */
  readonly intervalMs?: number;
  /** What to run again to continue, for the failure messages. @default 'warren roll' */
  readonly rerun?: string;
}

/** The roll stopped: the message says what is wrong and what to do; a re-run continues. */
export class RollError extends WarrenError {
  override readonly name = 'RollError';
}

export interface RollResult {
  /** Host names in the order they were replaced. */
  readonly replaced: readonly string[];
}

/** Leader counts per node, for the order. */
export function leaderCounts(queues: readonly QueueReplicas[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const q of queues) if (q.leader) counts.set(q.leader, (counts.get(q.leader) ?? 0) + 1);
  return counts;
}

/** The RabbitMQ host to do next: the one leading the fewest queues (ties: plan order). */
export function nextRabbitHost(
  remaining: readonly RollHost[],
  counts: ReadonlyMap<string, number>,
): RollHost | undefined {
  let best: RollHost | undefined;
  for (const h of remaining) {
    if (h.role !== 'rabbitmq') continue;
    if (!best || (counts.get(h.node ?? '') ?? 0) < (counts.get(best.node ?? '') ?? 0)) best = h;
  }
  return best;
}

/** The keepalived hosts in roll order: every backup first, the VIP holder last. */
export function frontDoorOrder(hosts: readonly RollHost[], vipHolder: string | undefined): RollHost[] {
  const proxies = hosts.filter((h) => h.role === 'haproxy');
  const holder =
    vipHolder ?? [...proxies].sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0))[0]?.name ?? '';
  return [...proxies.filter((h) => h.name !== holder), ...proxies.filter((h) => h.name === holder)];
}

/** What keeps the cluster from being healthy, or undefined. */
export function healthProblems(s: ClusterStatus, expected: readonly string[]): string[] {
  const problems: string[] = [];
  const byName = new Map(s.nodes.map((n) => [n.name, n]));
  for (const name of expected) {
    const n = byName.get(name);
    if (!n) problems.push(`${name} is not a member of the cluster`);
    else if (!n.running) problems.push(`${name} is not running`);
  }
  for (const n of s.nodes) {
    if (!expected.includes(n.name)) problems.push(`${n.name} is a member the topology does not have`);
    if (n.alarms.length > 0) problems.push(`${n.name} has a ${n.alarms.join(' and ')} alarm`);
    if (n.partitions.length > 0) problems.push(`${n.name} is partitioned from ${n.partitions.join(', ')}`);
  }
  return problems;
}

/** The queues `node` holds a replica of (leader, mirror or member). */
function queuesOn(node: string, s: ClusterStatus): QueueReplicas[] {
  return s.queues.filter((q) => !q.exclusive && (q.leader === node || q.replicas.includes(node)));
}

/** Which of `held` do not have `node` back in sync yet (by vhost and name). */
function notBackInSync(node: string, held: readonly QueueReplicas[], s: ClusterStatus): string[] {
  const now = new Map(s.queues.map((q) => [`${q.vhost}\u0000${q.name}`, q]));
  const missing: string[] = [];
  for (const q of held) {
    const cur = now.get(`${q.vhost}\u0000${q.name}`);
    // A queue deleted meanwhile has nothing left to wait for.
    if (!cur) continue;
    const ok =
      cur.type === 'classic' ? cur.leader === node || cur.inSync.includes(node) : cur.inSync.includes(node);
    if (!ok) missing.push(q.name);
  }
  return missing;
}

export async function rollHosts(opts: RollOptions): Promise<RollResult> {
  const say = opts.onProgress ?? (() => undefined);
  const { cluster, adapter } = opts;
  const rerun = opts.rerun ?? 'warren roll';
  const timeoutMs = opts.nodeTimeoutMs ?? 900_000;
  const intervalMs = opts.intervalMs ?? 2_000;
  const total = opts.hosts.length;
  const replaced: string[] = [];
  const step = (h: RollHost) => `${h.name} (${replaced.length + 1}/${total})`;
  const stop = (h: RollHost, what: string, todo: string): never => {
    const done =
      replaced.length > 0 ? `${replaced.join(', ')} ${replaced.length === 1 ? 'is' : 'are'} done; ` : '';
    throw new RollError(
      `${h.name}: ${what}. ${done}${h.name} was not replaced${todo ? `. ${todo}` : ''}; then run ${rerun} again: it continues with the hosts not yet up to date`,
    );
  };

  const checkHealthy = async (h: RollHost): Promise<ClusterStatus> => {
    const s = await cluster.status();
    const problems = healthProblems(s, opts.expectedNodes);
    if (problems.length > 0)
      stop(
        h,
        `the cluster is not healthy: ${problems.join('; ')}`,
        'Bring every node back (start it, clear the alarm, heal the partition; `forget_cluster_node` a member the topology dropped)',
      );
    say(`${step(h)}: cluster healthy (${opts.expectedNodes.length} nodes running, no alarms, no partitions)`);
    return s;
  };

  const rollRabbit = async (h: RollHost) => {
    const node = h.node as string;
    say(`${step(h)}: ${h.reasons.join('; ')}`);
    const before = await checkHealthy(h);
    const verdict = await cluster.criticality(node);
    if (verdict.problem)
      stop(
        h,
        `stopping ${node} now would lose data or availability: ${verdict.problem}`,
        'Wait until its mirrors are synchronised or its quorum queues have their members online (rabbitmq-queues check_if_node_is_quorum_critical / check_if_node_is_mirror_sync_critical)',
      );
    say(`${step(h)}: safe to stop ${node} (${verdict.how})`);
    const version = await cluster.versionOf(node);
    if (version !== undefined && rabbitCapabilities(version).maintenanceMode) {
      if (cluster.drain) {
        say(`${step(h)}: draining ${node} (rabbitmq-upgrade drain)`);
        try {
          await cluster.drain(node);
        } catch (e) {
          stop(
            h,
            `draining failed: ${(e as Error).message}`,
            `Revive it with rabbitmq-upgrade revive on ${node} if needed`,
          );
        }
      } else
        say(
          `${step(h)}: not draining ${node}: ${cluster.cannotDrain ?? 'this client cannot'}; its shutdown hands its queues over`,
        );
    } else {
      say(
        `${step(h)}: not draining ${node}: RabbitMQ ${version ?? '(unknown)'} has no maintenance mode (3.8.8+)`,
      );
    }
    const held = queuesOn(node, before);
    await replace(h);
    const started = Date.now();
    let last = '';
    await waitFor(
      `${node} to be back in the cluster and in sync`,
      timeoutMs,
      async () => {
        let line: string;
        let ready = false;
        try {
          const s = await cluster.status();
          const me = s.nodes.find((n) => n.name === node);
          if (!me?.running) line = `waiting for ${node} to run in the cluster again`;
          else {
            const behind = notBackInSync(node, held, s);
            if (behind.length > 0)
              line = `${node} runs; waiting for ${behind.length} of ${held.length} queues to have it in sync (${behind.slice(0, 3).join(', ')}${behind.length > 3 ? ', …' : ''})`;
            else {
              const problems = healthProblems(s, opts.expectedNodes);
              if (problems.length > 0) line = `${node} is back; waiting for: ${problems.join('; ')}`;
              else {
                line = `${node} is back and in sync (${held.length} queues)`;
                ready = true;
              }
            }
          }
        } catch (e) {
          line = `waiting for the management API (${(e as Error).message})`;
        }
        if (line !== last)
          say(`${step(h)}: ${(last = line)} [${Math.round((Date.now() - started) / 1000)} s]`);
        return ready ? true : undefined;
      },
      intervalMs,
    ).catch((e: Error) =>
      stop(
        h,
        `${e.message}; it was replaced but is not back (${last})`,
        `Look at the host's boot log (/var/log/cloud-init-output.log, journalctl -u rabbitmq-server); once ${node} runs in the cluster`,
      ),
    );
  };

  const replace = async (h: RollHost) => {
    say(`${step(h)}: replacing`);
    try {
      await adapter.replaceHost(h, (line) => say(`${h.name}: ${line}`));
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw new RollError(
        `${h.name}: replacing it failed: ${msg}. ${replaced.length > 0 ? `${replaced.join(', ')} done. ` : ''}Fix the cause, then run ${rerun} again: it continues with the hosts not yet up to date`,
      );
    }
  };

  const rollProxy = async (h: RollHost) => {
    say(`${step(h)}: ${h.reasons.join('; ')}`);
    await checkHealthy(h);
    await replace(h);
    if (adapter.awaitHost) {
      try {
        await adapter.awaitHost(h, (line) => say(`${step(h)}: ${line}`));
      } catch (e) {
        stop(h, `replaced but not serving: ${(e as Error).message}`, `Look at the host's boot log`);
      }
    }
  };

  const remaining = opts.hosts.filter((h) => h.role === 'rabbitmq');
  for (;;) {
    const counts = remaining.length > 1 ? leaderCounts((await cluster.status()).queues) : new Map();
    const h = nextRabbitHost(remaining, counts);
    if (!h) break;
    remaining.splice(remaining.indexOf(h), 1);
    await rollRabbit(h);
    replaced.push(h.name);
  }
  const holder = opts.hosts.some((h) => h.role === 'haproxy') ? await adapter.vipHolder?.() : undefined;
  for (const h of frontDoorOrder(opts.hosts, holder)) {
    await rollProxy(h);
    replaced.push(h.name);
  }
  say(total === 0 ? 'every host is up to date; nothing to do' : `rolled ${replaced.join(', ')}`);
  return { replaced };
}

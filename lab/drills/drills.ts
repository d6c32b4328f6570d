/**
 * The failure drills. Each one breaks the lab the way production breaks, then does what an operator (or
 * the automation) does next, and checks what the cluster must do on its own. The runner around them
 * (drill-runner.ts) keeps traffic flowing through the front door and counts every message.
 */
import {
  execInHost,
  healHost,
  killHost,
  labClusterClient,
  labRoll,
  labStatus,
  labVipHolder,
  partitionHost,
  replaceHost,
  startHost,
} from '../index';
import { labVipAssignedTo, labVrrpState } from '../lab-vip';
import type { Drill, DrillContext } from './drill-runner';
import {
  clusterNodes,
  elapsedMs,
  haproxyHosts,
  holds,
  hostOfNode,
  partitions,
  queueLocation,
  quorumMembers,
  rabbitHosts,
  type QuorumMembers,
  rabbitOsPid,
  rabbitRunning,
  runningNodes,
  waitHealthy,
} from './cluster-view';
import { amqpServerStatus } from './haproxy-stats';
import {
  dropPackets,
  hostState,
  killServiceForGood,
  rerunUserData,
  reviveService,
  shutdownHost,
  stopDroppingPackets,
} from './host-actions';
import { waitFor } from '../../workspace';

const sorted = (a: string[]) => [...a].sort();

/** Some running RabbitMQ host other than `except`, to ask questions of. */
function witness(ctx: DrillContext, except: string[] = []): string {
  const h = rabbitHosts(labStatus(ctx.env)!).find(
    (x) => !except.includes(x) && hostState(ctx.env, x) === 'running',
  );
  if (!h) throw new Error('no running RabbitMQ host left to ask');
  return h;
}

async function masterOf(ctx: DrillContext, except: string[] = []): Promise<string> {
  const q = await queueLocation(ctx.env, witness(ctx, except), ctx.queue);
  if (!q || !q.master) throw new Error(`queue ${ctx.queue} not found`);
  return hostOfNode(q.master);
}

/**
 * Every node holds an up-to-date replica of the drill queue again: for ha-all every mirror synchronised,
 * for quorum queues every node a member and online (a replaced node must be added back as a member).
 */
async function waitMirrorsSynced(ctx: DrillContext, timeoutMs: number): Promise<void> {
  if (ctx.topology.rabbitmq.replication === 'quorum') {
    const all = ctx.topology.rabbitmq.nodes.map((n) => `rabbit@${n.name}`).sort();
    let last: QuorumMembers | undefined;
    const ms = await elapsedMs(() =>
      waitFor(
        `every node an online member of quorum queue ${ctx.queue}`,
        timeoutMs,
        holds(async () => {
          last = await quorumMembers(ctx.env, witness(ctx), ctx.queue);
          return sorted(last?.online ?? []).join() === all.join();
        }),
        1_000,
      ),
    ).catch((e: Error) => {
      throw new Error(
        `${e.message} (members ${last?.members.join(', ')}; online ${last?.online.join(', ')})`,
      );
    });
    ctx.note('replicasOnlineSeconds', ms / 1000);
    return;
  }
  const want = ctx.topology.rabbitmq.nodes.length - 1;
  const ms = await elapsedMs(() =>
    waitFor(
      `every mirror of ${ctx.queue} synchronised`,
      timeoutMs,
      holds(
        async () =>
          ((await queueLocation(ctx.env, witness(ctx), ctx.queue))?.synchronisedMirrors.length ?? 0) >= want,
      ),
      1_000,
    ),
  );
  ctx.note('mirrorsSyncedSeconds', ms / 1000);
}

export const killQueueMaster: Drill = {
  name: 'kill-queue-master',
  summary: "kill -9 the RabbitMQ node holding the queue's master (or quorum leader), then start it again",
  async run(ctx) {
    const victim = await masterOf(ctx);
    ctx.note('killed', victim);
    // The node, not the machine: SIGKILL to the whole rabbitmq-server unit (beam and its children),
    // kept dead; the host's kernel stays, so peers see the distribution link drop at once.
    ctx.log(`kill -9 of RabbitMQ on ${victim} (holds the master of ${ctx.queue})`);
    await killServiceForGood(ctx.env, victim, 'rabbitmq-server');
    await ctx.trafficFlows(200, 120_000);
    const promoted = await masterOf(ctx, [victim]);
    if (promoted === victim) throw new Error(`the master of ${ctx.queue} is still on the dead ${victim}`);
    ctx.note('newMaster', promoted);
    ctx.log(`master moved to ${promoted}; starting RabbitMQ on ${victim} again`);
    await reviveService(ctx.env, victim, 'rabbitmq-server');
    await waitHealthy(ctx.env, 300_000, ctx.log);
    await waitMirrorsSynced(ctx, 120_000);
  },
};

export const keepalivedMasterFailover: Drill = {
  name: 'keepalived-master-failover',
  summary:
    'kill HAProxy on the keepalived master, then the whole master host; the VIP moves each time and stays on the backup once the old master recovers (nopreempt)',
  async run(ctx) {
    if (ctx.topology.frontDoor.kind !== 'keepalived')
      throw new Error('this drill needs a keepalived front door');
    const vip = ctx.topology.frontDoor.vip;
    const env = ctx.status.env;
    let master = await labVipHolder(env);
    if (!master) throw new Error(`no host holds the VIP ${vip}`);
    let backup = haproxyHosts(ctx.status).find((h) => h !== master)!;
    ctx.note('master', master);

    /** The VIP moved to `to`, and its notify hook moved and confirmed it at the platform level. */
    const awaitMove = async (to: string, key: string, t0: number) => {
      await waitFor(
        `the VIP to move to ${to}`,
        60_000,
        holds(async () => (await labVipHolder(env)) === to),
        100,
      );
      ctx.note(key, (Date.now() - t0) / 1000);
      await waitFor(
        `${to}'s notify hook to move and confirm the VIP (the lab's stand-in for EC2)`,
        30_000,
        holds(async () => (await labVipAssignedTo(env, to)) === to),
        200,
      );
    };
    /** The recovered host rejoined as BACKUP and left the VIP where it is, under traffic. */
    const staysBackup = async (recovered: string, holder: string, timeoutMs: number) => {
      await waitFor(
        `${recovered} to rejoin as keepalived BACKUP`,
        timeoutMs,
        holds(async () => (await labVrrpState(env, recovered)) === 'backup'),
        200,
      );
      await ctx.trafficFlows(200, 120_000);
      const now = await labVipHolder(env);
      if (now !== holder)
        throw new Error(
          `the recovered ${recovered} took the VIP back (now on ${now ?? 'no host'}): preemption`,
        );
      const state = await labVrrpState(env, recovered);
      if (state !== 'backup')
        throw new Error(`the recovered ${recovered} is keepalived ${state}, not BACKUP`);
    };

    ctx.log(`killing HAProxy on ${master} (kept dead)`);
    await killServiceForGood(ctx.env, master, 'haproxy');
    await awaitMove(backup, 'vipMovedAfterHaproxyKillSeconds', Date.now());
    await ctx.trafficFlows(200, 120_000);
    ctx.log(`starting HAProxy on ${master} again; it must stay BACKUP`);
    await reviveService(ctx.env, master, 'haproxy');
    await staysBackup(master, backup, 60_000);
    ctx.note('recoveredAfterHaproxyKill', `${master} BACKUP, VIP stayed on ${backup}`);

    // The VIP is on the old backup now: that host is the master whose machine dies next.
    [master, backup] = [backup, master];
    ctx.log(`killing the whole host ${master} (the VIP holder now)`);
    const t0 = Date.now();
    await killHost(ctx.env, master);
    await awaitMove(backup, 'vipMovedAfterHostKillSeconds', t0);
    await ctx.trafficFlows(200, 120_000);
    ctx.log(`booting ${master} again; it must stay BACKUP`);
    await startHost(ctx.env, master);
    await staysBackup(master, backup, 180_000);
    ctx.note('recoveredAfterHostKill', `${master} BACKUP, VIP stayed on ${backup}`);
  },
};

export const partitionOneNode: Drill = {
  name: 'partition-one-node',
  summary: 'cut one node off the network; pause_minority pauses it; heal it',
  async run(ctx) {
    const master = await masterOf(ctx);
    // Cut off a node that doesn't hold the master: the master's case is the kill drill's.
    const victim = rabbitHosts(ctx.status).find((h) => h !== master)!;
    ctx.note('partitioned', victim);
    await partitionHost(ctx.env, victim);
    try {
      if (ctx.topology.rabbitmq.partitionHandling === 'pause_minority') {
        const ms = await elapsedMs(() =>
          waitFor(
            `${victim} to pause (pause_minority)`,
            180_000,
            holds(async () => (await rabbitRunning(ctx.env, victim)) === false),
            1_000,
          ),
        );
        ctx.note('pausedAfterSeconds', ms / 1000);
      }
      for (const hp of haproxyHosts(ctx.status)) {
        const netns = ctx.status.hosts.find((h) => h.name === hp)!.netns;
        await waitFor(
          `${hp} to take ${victim} out of the AMQP backend`,
          60_000,
          holds(async () => /DOWN/.test((await amqpServerStatus(netns, victim)) ?? '')),
          200,
        );
      }
      await ctx.trafficFlows(200, 120_000);
    } finally {
      await healHost(ctx.env, victim);
    }
    ctx.log(`healed ${victim}; waiting for it to run again by itself`);
    const ms = await elapsedMs(() =>
      waitFor(
        `${victim} running again`,
        300_000,
        holds(async () => (await rabbitRunning(ctx.env, victim)) === true),
        1_000,
      ),
    );
    ctx.note('runningAfterHealSeconds', ms / 1000);
    await waitHealthy(ctx.env, 300_000, ctx.log);
    const parts = await partitions(ctx.env, witness(ctx));
    if (parts.length > 0) throw new Error(`partitions still reported after heal: ${parts.join(', ')}`);
  },
};

export const replaceNode: Drill = {
  name: 'replace-node',
  summary:
    'replace a node by a new instance with a blank data volume (a lost node and volume); it rejoins and its mirrors sync',
  async run(ctx) {
    const master = await masterOf(ctx);
    const victim = rabbitHosts(ctx.status).find((h) => h !== master)!;
    ctx.note('replaced', victim);
    const before = sorted(await clusterNodes(ctx.env, witness(ctx, [victim])));
    await replaceHost(ctx.env, victim, { blank: true });
    await waitHealthy(ctx.env, 300_000, ctx.log);
    const after = sorted(await clusterNodes(ctx.env, victim));
    if (after.join() !== before.join())
      throw new Error(`cluster members changed: ${before.join(', ')} → ${after.join(', ')}`);
    await waitMirrorsSynced(ctx, 180_000);
  },
};

export const rebootNode: Drill = {
  name: 'reboot-node',
  summary: 'shut a healthy node down and boot it again on the same disk',
  async run(ctx) {
    const victim = rabbitHosts(ctx.status).at(-1)!;
    ctx.note('rebooted', victim);
    const before = sorted(await clusterNodes(ctx.env, victim));
    await shutdownHost(ctx.env, victim);
    await ctx.trafficFlows(200, 120_000);
    await startHost(ctx.env, victim);
    await waitHealthy(ctx.env, 300_000, ctx.log);
    const after = sorted(await clusterNodes(ctx.env, victim));
    if (after.join() !== before.join())
      throw new Error(`cluster members changed: ${before.join(', ')} → ${after.join(', ')}`);
    await waitMirrorsSynced(ctx, 180_000);
  },
};

export const rerunUserDataDrill: Drill = {
  name: 'rerun-user-data',
  summary: "run a healthy node's user-data again: nothing changes",
  async run(ctx) {
    const victim = rabbitHosts(ctx.status).at(-1)!;
    ctx.note('host', victim);
    const members = sorted(await clusterNodes(ctx.env, victim));
    const pid = await rabbitOsPid(ctx.env, victim);
    await rerunUserData(ctx.env, victim);
    const membersAfter = sorted(await clusterNodes(ctx.env, victim));
    if (membersAfter.join() !== members.join()) {
      throw new Error(
        `re-running the user-data changed the cluster: ${members.join(', ')} → ${membersAfter.join(', ')}`,
      );
    }
    const pidAfter = await rabbitOsPid(ctx.env, victim);
    if (pidAfter !== pid)
      throw new Error(`re-running the user-data restarted RabbitMQ on ${victim} (pid ${pid} → ${pidAfter})`);
    const running = sorted(await runningNodes(ctx.env, victim));
    if (running.join() !== members.join())
      throw new Error(`not every node runs after the re-run: ${running.join(', ')}`);
  },
};

export const flakyNetwork: Drill = {
  name: 'flaky-network',
  summary: "one node's links drop 5% of packets for a minute",
  async run(ctx) {
    const victim = rabbitHosts(ctx.status).at(-1)!;
    const netns = ctx.status.hosts.find((h) => h.name === victim)!.netns;
    ctx.note('host', victim);
    await dropPackets(netns, 0.05);
    try {
      // Traffic must keep flowing through the whole minute, not merely resume afterwards.
      const end = Date.now() + 60_000;
      let windows = 0;
      while (Date.now() < end) {
        await ctx.trafficFlows(100, 30_000);
        windows++;
        await new Promise((r) => setTimeout(r, Math.min(5_000, Math.max(0, end - Date.now()))));
      }
      ctx.note('flowingChecks', windows);
    } finally {
      await stopDroppingPackets(netns);
    }
    await waitHealthy(ctx.env, 180_000, ctx.log);
    const members = sorted(await clusterNodes(ctx.env, victim));
    if (members.length !== ctx.topology.rabbitmq.nodes.length)
      throw new Error(`a node was expelled: ${members.join(', ')}`);
  },
};

export const fullStopRestart: Drill = {
  name: 'full-stop-restart',
  summary: 'stop every node, then start them in a different order',
  async run(ctx) {
    const hosts = rabbitHosts(ctx.status);
    ctx.log(`stopping ${hosts.join(', ')} in this order`);
    for (const h of hosts) await shutdownHost(ctx.env, h);
    const lastDown = hosts.at(-1)!;
    // Started in the order they stopped, so the first to boot is NOT the last that stopped: RabbitMQ
    // makes it wait for the last node down (whose tables are newest). Boots overlap, as they would when
    // an operator starts the fleet, within RabbitMQ's wait window (10 tries x 30 s).
    const order = [...hosts];
    ctx.note('stopOrder', hosts);
    ctx.note('startOrder', order);
    ctx.note('lastDown', lastDown);
    await Promise.all(
      order.map(async (h, i) => {
        await new Promise((r) => setTimeout(r, i * 3_000));
        await startHost(ctx.env, h);
      }),
    );
    await waitHealthy(ctx.env, 600_000, ctx.log);
  },
};

/** Runs a shell line inside a host; throws with its output when it fails. */
async function sh(env: string, host: string, line: string): Promise<string> {
  const r = await execInHost(env, host, ['sh', '-c', line], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`${host}: ${line} failed (${r.code}): ${(r.stderr || r.stdout).trim()}`);
  return r.stdout.trim();
}

const MARKER = '/var/lib/rabbitmq/warren-roll-marker';

/**
 * What shows that a node came back from its own volume and not empty: a marker file written on the
 * volume before the roll, and the inode of its Mnesia directory (a node that started on a blank
 * volume, or re-created its database, has a new one). The instance-id shows it WAS replaced.
 */
async function volumeEvidence(env: string, host: string) {
  const [marker = '', mnesiaInode = '', instanceId = ''] = (
    await sh(
      env,
      host,
      `cat ${MARKER} 2>/dev/null || echo -; stat -c %i /var/lib/rabbitmq/mnesia/rabbit@${host}; cat /var/lib/cloud/data/instance-id`,
    )
  ).split('\n');
  return { marker, mnesiaInode, instanceId };
}

export const rollingReplace: Drill = {
  name: 'rolling-replace',
  summary:
    'lab roll: every host replaced one at a time (drain, new instance on its kept volume, back in sync), never fewer than N−1 nodes running',
  async run(ctx) {
    const nodes = rabbitHosts(ctx.status);
    const hosts = [...nodes, ...haproxyHosts(ctx.status)];
    const token = `roll-${Date.now().toString(36)}`;
    const before = new Map<string, Awaited<ReturnType<typeof volumeEvidence>>>();
    for (const h of nodes) {
      await sh(ctx.env, h, `echo ${token} > ${MARKER} && sync`);
      before.set(h, await volumeEvidence(ctx.env, h));
    }
    const instanceBefore = new Map<string, string>();
    for (const h of hosts) instanceBefore.set(h, await sh(ctx.env, h, 'cat /var/lib/cloud/data/instance-id'));

    // The running node count, sampled every second through the management API while the roll runs.
    const cluster = labClusterClient(ctx.env);
    let minRunning = nodes.length;
    let samples = 0;
    let sampleFailures = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const t0 = Date.now();
        try {
          const s = await cluster.status();
          const running = s.nodes.filter((n) => n.running).length;
          minRunning = Math.min(minRunning, running);
          samples++;
        } catch {
          sampleFailures++;
        }
        await new Promise((r) => setTimeout(r, Math.max(0, 1_000 - (Date.now() - t0))));
      }
    })();

    // When each host's step and its phases began (checks, drain, replace and wait), to say where a gap was.
    const stepStarts = new Map<string, number>();
    const phases: { key: string; at: number }[] = [];
    const start = Date.now();
    let end = start;
    try {
      // Every host named: a roll an earlier attempt left half-done must not shrink this one.
      const r = await labRoll(ctx.env, {
        hosts,
        onProgress: (l) => {
          const m = /^(\S+) \(\d+\/\d+\): (draining|replacing)?/.exec(l);
          if (m?.[1] && !stepStarts.has(m[1])) {
            stepStarts.set(m[1], Date.now());
            phases.push({ key: `${m[1]}.checks`, at: Date.now() });
          }
          if (m?.[2])
            phases.push({ key: `${m[1]}.${m[2] === 'draining' ? 'drain' : 'replace'}`, at: Date.now() });
          ctx.log(`roll: ${l}`);
        },
      });
      end = Date.now();
      ctx.note('rolled', r.replaced);
    } finally {
      sampling = false;
      await sampler;
      ctx.note('rollSeconds', (Date.now() - start) / 1000);
      ctx.note('minRunningNodes', minRunning);
      ctx.note('runningSamples', samples);
      ctx.note('runningSampleFailures', sampleFailures);
    }
    ctx.noteConfirmGap('rollLongestConfirmGapSeconds', start, end);
    const steps = [...stepStarts.entries()];
    steps.forEach(([host, from], i) =>
      ctx.noteConfirmGap(`rollLongestConfirmGapSeconds.${host}`, from, steps[i + 1]?.[1] ?? end),
    );
    phases.forEach((p, i) =>
      ctx.noteConfirmGap(`rollLongestConfirmGapSeconds.${p.key}`, p.at, phases[i + 1]?.at ?? end),
    );
    if (minRunning < nodes.length - 1)
      throw new Error(
        `only ${minRunning} of ${nodes.length} RabbitMQ nodes ran at one point during the roll (never fewer than ${nodes.length - 1} allowed)`,
      );
    if (samples < (end - start) / 2_000)
      throw new Error(
        `the running node count was sampled only ${samples} times in ${(end - start) / 1000} s`,
      );

    const problems: string[] = [];
    for (const h of hosts) {
      const id = await sh(ctx.env, h, 'cat /var/lib/cloud/data/instance-id');
      if (id === instanceBefore.get(h)) problems.push(`${h} was not replaced (instance-id ${id})`);
    }
    for (const h of nodes) {
      const was = before.get(h)!;
      const now = await volumeEvidence(ctx.env, h);
      if (now.marker !== token) problems.push(`${h} came back without the marker written on its volume`);
      if (now.mnesiaInode !== was.mnesiaInode)
        problems.push(`${h}'s Mnesia directory is new (inode ${was.mnesiaInode} → ${now.mnesiaInode})`);
    }
    ctx.note('cameBackFromOwnVolume', problems.length === 0 ? nodes : []);
    if (problems.length > 0) throw new Error(problems.join('; '));
    for (const h of nodes) await sh(ctx.env, h, `rm -f ${MARKER}`);
    await waitHealthy(ctx.env, 300_000, ctx.log);
    await waitMirrorsSynced(ctx, 180_000);
  },
};

/**
 * The subnet an AZ outage takes down: the VIP holder's for keepalived (the worst case: the VIP must
 * leave the AZ), the first node's for the NLB (it spans every AZ; the lab's stand-in sits in none).
 * Refuses a layout that cannot survive the cut, so the drill never passes for want of a real failover.
 */
async function lostSubnet(ctx: DrillContext): Promise<string> {
  const t = ctx.topology;
  const nodes = t.rabbitmq.nodes;
  let subnet = nodes[0]!.subnet;
  if (t.frontDoor.kind === 'keepalived') {
    const holder = await labVipHolder(ctx.status.env);
    if (!holder) throw new Error(`az-outage: no host holds the VIP ${t.frontDoor.vip}`);
    subnet = t.frontDoor.haproxy.find((h) => h.name === holder)!.subnet;
    if (t.frontDoor.haproxy.every((h) => h.subnet === subnet))
      throw new Error(
        `az-outage: every HAProxy host of ${t.name} is in subnet ${subnet}, so losing that AZ loses the ` +
          `front door: a keepalived VIP cannot survive it. Put haproxy-02 in another subnet with ` +
          `frontDoor.vipMode 'overlay' (a secondary IP cannot cross subnets).`,
      );
  }
  const left = nodes.filter((n) => n.subnet !== subnet).length;
  if (left * 2 <= nodes.length)
    throw new Error(
      `az-outage: subnet ${subnet} holds ${nodes.length - left} of ${nodes.length} RabbitMQ nodes, so the ` +
        `rest are no majority and pause (pause_minority): spread the nodes over at least three subnets`,
    );
  return subnet;
}

export const azOutage: Drill = {
  name: 'az-outage',
  summary:
    "cut every host of one subnet at once (the VIP holder's, or a node's for the NLB) for longer than net_ticktime; publishing resumes while the AZ is down; heal",
  async run(ctx) {
    const t = ctx.topology;
    const subnet = await lostSubnet(ctx);
    const inSubnet = (h: { subnet: string }) => h.subnet === subnet;
    const lostNodes = t.rabbitmq.nodes.filter(inSubnet).map((n) => n.name);
    const lost = [
      ...lostNodes,
      ...(t.frontDoor.kind === 'keepalived' ? t.frontDoor.haproxy.filter(inSubnet).map((h) => h.name) : []),
    ];
    const survivor = witness(ctx, lost);
    // Peers notice a silent node between net_ticktime and 1.25× it; the margin covers failover itself.
    const minDownMs = t.rabbitmq.netTickTimeSeconds * 1250 + 15_000;
    ctx.note('subnet', subnet);
    ctx.note('cut', lost);
    ctx.log(`az-outage: cutting every host of subnet ${subnet} (${lost.join(', ')})`);
    const t0 = Date.now();
    let healedAt = 0;
    // One after the other (each is a single `ip link` and a state write): the cut takes milliseconds.
    for (const h of lost) await partitionHost(ctx.env, h);
    try {
      await ctx.trafficFlows(200, 120_000);
      ctx.note('publishingResumedSeconds', (Date.now() - t0) / 1000);
      await waitFor(
        `the surviving nodes to see ${lostNodes.join(', ')} down`,
        t.rabbitmq.netTickTimeSeconds * 2_000 + 60_000,
        holds(async () => {
          const running = await runningNodes(ctx.env, survivor);
          return lostNodes.every((n) => !running.includes(`rabbit@${n}`));
        }),
        1_000,
      );
      ctx.note('nodesSeenDownSeconds', (Date.now() - t0) / 1000);
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + minDownMs - Date.now())));
      // Still flowing at the end of the outage, not merely once right after the cut.
      await ctx.trafficFlows(200, 120_000);
    } finally {
      for (const h of lost) await healHost(ctx.env, h);
      healedAt = Date.now();
    }
    ctx.note('azDownSeconds', (healedAt - t0) / 1000);
    ctx.noteConfirmGap('azOutageLongestConfirmGapSeconds', t0, healedAt);
    ctx.log(`healed subnet ${subnet}; waiting for ${lostNodes.join(', ')} to run again by themselves`);
    for (const n of lostNodes)
      await waitFor(
        `${n} running again`,
        300_000,
        holds(async () => (await rabbitRunning(ctx.env, n)) === true),
        1_000,
      );
    await waitHealthy(ctx.env, 300_000, ctx.log);
    const parts = await partitions(ctx.env, witness(ctx));
    if (parts.length > 0) throw new Error(`partitions still reported after heal: ${parts.join(', ')}`);
    await waitMirrorsSynced(ctx, 180_000);
  },
};

export const ALL_DRILLS: readonly Drill[] = [
  killQueueMaster,
  keepalivedMasterFailover,
  partitionOneNode,
  replaceNode,
  rebootNode,
  rerunUserDataDrill,
  flakyNetwork,
  fullStopRestart,
  rollingReplace,
  azOutage,
];

export function drillsFor(frontDoor: 'keepalived' | 'nlb'): Drill[] {
  return ALL_DRILLS.filter((d) => frontDoor === 'keepalived' || d !== keepalivedMasterFailover);
}

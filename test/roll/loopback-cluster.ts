/**
 * A real three-node RabbitMQ cluster (the installed 3.10) on 127.0.0.1 for the roll tests, named
 * like the dev environment's nodes (`rabbit-01@localhost`…), with management on each node, an
 * administrator, the ha-all policy warren applies, and classic queues led by chosen nodes. Ports
 * of its own (AMQP 5961+, management 15961+, distribution 25961+, epmd 4421). Processes and the temp
 * dir are test/support/loopback-rabbit.ts's.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import { HA_ALL_POLICY } from '../../cloudinit';
import { ADMIN_USERNAME } from '../../topology';
import {
  RABBIT_BIN,
  startLoopbackRabbit,
  type LoopbackNode,
  type LoopbackRabbit,
} from '../support/loopback-rabbit';
import { assertPortsFree } from '../support/ports';

const execFileP = promisify(execFile);
const AMQP_BASE = 5961;
const EPMD_PORT = 4421;

export interface RollNode extends LoopbackNode {
  readonly host: string;
  readonly amqpPort: number;
  readonly url: string;
}

export interface RollCluster {
  readonly rabbit: LoopbackRabbit;
  readonly nodes: readonly RollNode[];
  readonly password: string;
  node(host: string): RollNode;
  /** Waits until the node's app runs (rabbitmqctl await_startup). */
  awaitStartup(n: RollNode): Promise<void>;
  /** A replaced instance on a kept data volume: a clean stop, then the same node starts again. */
  restart(n: RollNode): Promise<void>;
  /** Runs a RabbitMQ CLI tool as `node` (`rabbitmq-upgrade`, `rabbitmq-queues`, …). */
  cli(
    node: string,
    tool: string,
    args: readonly string[],
  ): Promise<{ code: number; stdout: string; stderr: string }>;
  /**
   * Declares `count` durable queues on `host` (so it leads them) with `messages` persistent messages
   * each; `quorum` makes them quorum queues (members on every node).
   */
  queuesOn(host: string, prefix: string, count: number, messages: number, quorum?: boolean): Promise<void>;
  destroy(): void;
}

export async function startRollCluster(hosts: readonly string[]): Promise<RollCluster> {
  const ports = hosts.flatMap((_, i) => [AMQP_BASE + i, AMQP_BASE + 10000 + i, AMQP_BASE + 20000 + i]);
  await assertPortsFree(ports);
  const rabbit = await startLoopbackRabbit({ prefix: 'roll-rabbit', epmdPort: EPMD_PORT });
  const password = randomBytes(12).toString('hex');
  try {
    const nodes: RollNode[] = hosts.map((host, i) => {
      const amqpPort = AMQP_BASE + i;
      const mgmt = AMQP_BASE + 10000 + i;
      const node = rabbit.addNode({
        name: `${host}@localhost`,
        distPort: AMQP_BASE + 20000 + i,
        enabledPlugins: '[rabbitmq_management].\n',
        config: {
          fileName: 'rabbitmq.conf',
          content: [
            `listeners.tcp.1 = 127.0.0.1:${amqpPort}`,
            'management.tcp.ip = 127.0.0.1',
            `management.tcp.port = ${mgmt}`,
            'cluster_partition_handling = pause_minority',
            // Queue replica state in the management API within a second, not five.
            'collect_statistics_interval = 1000',
            '',
          ].join('\n'),
        },
      });
      return { ...node, host, amqpPort, url: `http://127.0.0.1:${mgmt}` };
    });
    const byName = new Map(nodes.map((n) => [n.name, n]));
    const cli: RollCluster['cli'] = async (name, tool, args) => {
      const n = byName.get(name);
      if (!n) throw new Error(`no loopback node ${name}`);
      try {
        const r = await execFileP(path.join(RABBIT_BIN, tool), ['-n', name, ...args], { env: n.env });
        return { code: 0, stdout: r.stdout, stderr: r.stderr };
      } catch (e) {
        const x = e as { code?: number; stdout?: string; stderr?: string };
        return {
          code: typeof x.code === 'number' ? x.code : 1,
          stdout: x.stdout ?? '',
          stderr: x.stderr ?? '',
        };
      }
    };
    const awaitStartup = async (n: RollNode) => {
      // await_startup fails at once while the VM is not up yet; the pid file tells `wait` when it is.
      for (let i = 0; i < 60; i++) {
        const r = await cli(n.name, 'rabbitmqctl', ['await_startup', '--timeout', '120']);
        if (r.code === 0) return;
        await new Promise((res) => setTimeout(res, 1000));
      }
      throw new Error(`${n.name} did not start within two minutes`);
    };
    const [seed, ...others] = nodes as [RollNode, ...RollNode[]];
    rabbit.start(seed);
    await awaitStartup(seed);
    for (const n of others) {
      rabbit.start(n);
      await awaitStartup(n);
      await rabbit.ctl(n, 'stop_app');
      await rabbit.ctl(n, 'join_cluster', seed.name);
      await rabbit.ctl(n, 'start_app');
    }
    await rabbit.ctl(seed, 'add_user', ADMIN_USERNAME, password);
    await rabbit.ctl(seed, 'set_user_tags', ADMIN_USERNAME, 'administrator');
    await rabbit.ctl(seed, 'set_permissions', '-p', '/', ADMIN_USERNAME, '.*', '.*', '.*');
    await rabbit.ctl(seed, 'set_policy', '--apply-to', 'queues', 'ha-all', '^', HA_ALL_POLICY);

    const node = (host: string) => {
      const n = nodes.find((x) => x.host === host);
      if (!n) throw new Error(`no loopback node for ${host}`);
      return n;
    };
    return {
      rabbit,
      nodes,
      password,
      node,
      awaitStartup,
      cli,
      async restart(n) {
        await rabbit.ctl(n, 'stop');
        rabbit.kill(n);
        rabbit.start(n);
      },
      async queuesOn(host, prefix, count, messages, quorum = false) {
        const n = node(host);
        const conn = await amqp.connect(`amqp://${ADMIN_USERNAME}:${password}@127.0.0.1:${n.amqpPort}`);
        try {
          const ch = await conn.createConfirmChannel();
          for (let q = 0; q < count; q++) {
            const name = `${prefix}-${q + 1}`;
            await ch.assertQueue(name, {
              durable: true,
              ...(quorum ? { arguments: { 'x-queue-type': 'quorum' } } : {}),
            });
            for (let m = 0; m < messages; m++)
              ch.sendToQueue(name, Buffer.from(`${name}/${m}`), { persistent: true });
          }
          await ch.waitForConfirms();
          await ch.close();
        } finally {
          await conn.close();
        }
      },
      destroy: () => rabbit.destroy(),
    };
  } catch (e) {
    rabbit.destroy();
    throw e;
  }
}

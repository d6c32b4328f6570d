/**
 * A real RabbitMQ on 127.0.0.1 for the load client's tests (test/support/loopback-rabbit.ts runs it):
 * ports of its own (AMQP 5699, distribution 25699, epmd 4372) so it never meets the lab's or another
 * suite's, a generated user (no guest), and a crash that keeps its data for the next start.
 */
import { randomBytes } from 'node:crypto';
import { startLoopbackRabbit } from '../support/loopback-rabbit';
import { assertPortsFree, portOpen } from '../support/ports';
import { waitFor } from '../support/wait-for';

export const LOOPBACK_AMQP_PORT = 5699;
const DIST_PORT = LOOPBACK_AMQP_PORT + 20000;
const EPMD_PORT = 4372;
const NODE = 'warren-drills@localhost';

export interface LoopbackBroker {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** kill -9 the broker (a crash); its data stays for `start()`. */
  crash(): Promise<void>;
  /** Starts the broker again on the same data and waits for AMQP. */
  start(): Promise<void>;
  /** Stops everything this helper started (broker, epmd) by PID and removes the temp dir. */
  destroy(): Promise<void>;
}

export async function startLoopbackBroker(): Promise<LoopbackBroker> {
  await assertPortsFree([LOOPBACK_AMQP_PORT, DIST_PORT]);
  const rabbit = await startLoopbackRabbit({ prefix: 'drills-rabbit', epmdPort: EPMD_PORT });
  const node = rabbit.addNode({
    name: NODE,
    distPort: DIST_PORT,
    env: { RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1', RABBITMQ_NODE_PORT: String(LOOPBACK_AMQP_PORT) },
  });
  const username = 'warren-drills';
  const password = randomBytes(12).toString('hex');

  const start = async () => {
    rabbit.start(node);
    await waitFor('loopback RabbitMQ accepting AMQP', () => portOpen(LOOPBACK_AMQP_PORT), 60_000);
  };
  const crash = async () => {
    if (!rabbit.started(node)) throw new Error('loopback RabbitMQ is not running');
    rabbit.kill(node);
    await waitFor('loopback RabbitMQ gone', async () => !(await portOpen(LOOPBACK_AMQP_PORT)), 10_000);
  };

  try {
    await start();
    await rabbit.ctl(node, 'add_user', username, password);
    await rabbit.ctl(node, 'set_permissions', '-p', '/', username, '.*', '.*', '.*');
  } catch (e) {
    rabbit.destroy();
    throw e;
  }
  const destroy = async () => rabbit.destroy();
  return { host: '127.0.0.1', port: LOOPBACK_AMQP_PORT, username, password, crash, start, destroy };
}

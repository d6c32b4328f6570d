/**
 * A real RabbitMQ with the management plugin on 127.0.0.1 for the health-gate tests
 * (test/support/loopback-rabbit.ts runs it): ports of its own (AMQP 5697, management 15697,
 * distribution 25697, epmd 4374) so it never meets the lab's, the drills' or anyone else's, and an
 * administrator the caller names.
 */
import { randomBytes } from 'node:crypto';
import { startLoopbackRabbit } from '../support/loopback-rabbit';
import { assertPortsFree, portOpen } from '../support/ports';
import { waitFor } from '../support/wait-for';

export const GATE_AMQP_PORT = 5697;
export const GATE_MANAGEMENT_PORT = 15697;
const DIST_PORT = GATE_AMQP_PORT + 20000;
const EPMD_PORT = 4374;
export const GATE_NODE = 'warren-gate@localhost';

export interface LoopbackManagement {
  readonly managementPort: number;
  readonly nodeName: string;
  readonly username: string;
  readonly password: string;
  /** rabbitmqctl on the broker: its stdout, or a rejection with its output. */
  ctl(...args: string[]): Promise<string>;
  /** Stops the broker and its epmd by PID and removes the temp dir. */
  destroy(): Promise<void>;
}

export async function startLoopbackManagement(username: string): Promise<LoopbackManagement> {
  await assertPortsFree([GATE_AMQP_PORT, GATE_MANAGEMENT_PORT, DIST_PORT]);
  const rabbit = await startLoopbackRabbit({ prefix: 'gate-rabbit', epmdPort: EPMD_PORT });
  const node = rabbit.addNode({
    name: GATE_NODE,
    distPort: DIST_PORT,
    enabledPlugins: '[rabbitmq_management].\n',
    config: {
      fileName: 'rabbitmq.conf',
      content: [
        `listeners.tcp.1 = 127.0.0.1:${GATE_AMQP_PORT}`,
        `management.tcp.ip = 127.0.0.1`,
        `management.tcp.port = ${GATE_MANAGEMENT_PORT}`,
        'loopback_users.guest = true',
        '',
      ].join('\n'),
    },
  });
  const password = randomBytes(12).toString('hex');
  const ctl = (...args: string[]) => rabbit.ctl(node, ...args);

  try {
    rabbit.start(node);
    await waitFor('loopback RabbitMQ management listening', () => portOpen(GATE_MANAGEMENT_PORT), 90_000);
    await ctl('add_user', username, password);
    await ctl('set_user_tags', username, 'administrator');
    await ctl('set_permissions', '-p', '/', username, '.*', '.*', '.*');
  } catch (e) {
    rabbit.destroy();
    throw e;
  }
  const destroy = async () => rabbit.destroy();
  return { managementPort: GATE_MANAGEMENT_PORT, nodeName: GATE_NODE, username, password, ctl, destroy };
}

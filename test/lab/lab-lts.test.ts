/**
 * The lts environment in the lab on Debian 13's RabbitMQ 4.0.5, the upstream release Ubuntu 26.04's
 * archive ships: what 4.x changes is proven on a real 4.x broker. The vhost's default queue type is
 * quorum (a queue declared with no arguments is a quorum queue), no mirroring policy exists, every
 * node started at once (4.x peer discovery picks the seed), and a blank replacement rejoins and is
 * added back to every quorum queue. lts ships rabbitmq.tls 'required': clients go over AMQPS with the
 * lab's CA, and plaintext AMQP through the front door is refused (test/lab/lab-tls.test.ts has the rest).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { replaceHost, type LabStatus } from '../../lab';
import { PORTS } from '../../topology';
import {
  expectDefaultQueueTypeQuorum,
  expectQuorumQueueRegrown,
  expectRunningNodes,
  fromClient,
  inHost,
  sharedLab,
} from './lab-helpers';

const ENV = 'lts';
const NODES = ['rabbit@rabbit-01', 'rabbit@rabbit-02', 'rabbit@rabbit-03'];
const RABBITS = ['rabbit-01', 'rabbit-02', 'rabbit-03'];
const QUEUE = 'warren-lts-no-arguments';

describe('lts lab (RabbitMQ 4.0.5 on Debian 13)', () => {
  let lab: LabStatus;
  beforeAll(async () => {
    lab = await sharedLab(ENV);
  }, 900_000);

  it('runs the RabbitMQ the environment pins, 4.0.5, on Erlang 27', async () => {
    for (const host of RABBITS) await expectRunningNodes(ENV, host, NODES);
    const out = await inHost(ENV, 'rabbit-01', ['rabbitmqctl', '-q', 'version']);
    expect(out.trim()).toBe('4.0.5');
    const otp = await inHost(ENV, 'rabbit-01', ['rabbitmq-diagnostics', '-q', 'erlang_version']);
    expect(otp).toMatch(/OTP 27/);
  });

  it('started every node at once: no blank node waited for a running peer', async () => {
    for (const host of RABBITS) {
      // cloud-init's output log, not this boot's journal: the lab is shared, and a drill that ran
      // first may have restarted the host, whose later boots start RabbitMQ through systemd alone.
      const log = await inHost(ENV, host, ['cat', '/var/log/cloud-init-output.log']);
      expect(log).toContain(`warren-rabbitmq-boot: starting rabbitmq-server as rabbit@${host}`);
      expect(log).not.toContain('blank node: waiting for a peer to run');
    }
  });

  it('makes quorum the default queue type of /, so a queue declared with no arguments is a quorum queue', async () => {
    await expectDefaultQueueTypeQuorum(ENV, lab, QUEUE, NODES);
  });

  it("refuses a plaintext AMQP client on 5672 through the front door (rabbitmq.tls 'required')", async () => {
    expect(lab.endpoint.amqpsPort).toBe(PORTS.amqps);
    const plain = await fromClient<{ confirmed: number }>(ENV, 'vhost-publish.ts', [
      lab.endpoint.address,
      String(PORTS.amqp),
      lab.credentials,
      '/',
      `${QUEUE}-plaintext`,
      '1',
    ]).catch((e: unknown) => e as Error);
    expect(plain).toBeInstanceOf(Error);
    expect((plain as Error).message).toMatch(/vhost-publish\.ts in \S+ exited 1/);
  });

  it('has no mirroring policy (4.x has no classic mirroring)', async () => {
    const out = await inHost(ENV, 'rabbit-01', ['rabbitmqctl', '-q', 'list_policies', '--formatter', 'json']);
    const policies = JSON.parse(out.trim() || '[]') as { definition: unknown }[];
    expect(JSON.stringify(policies)).not.toMatch(/ha-mode/);
    expect(policies).toEqual([]);
  });

  it('a blank replacement rejoins and is added back to every quorum queue, messages intact', async () => {
    await replaceHost(ENV, 'rabbit-02', { blank: true });
    for (const host of RABBITS) await expectRunningNodes(ENV, host, NODES);
    await expectQuorumQueueRegrown(ENV, QUEUE, NODES, 'rabbit-02', 200);
  });
});

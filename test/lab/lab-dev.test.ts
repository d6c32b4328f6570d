/**
 * The dev environment in the lab (3 RabbitMQ 3.10 nodes formed with join_cluster, 2 HAProxy with
 * keepalived and a VIP): the cluster forms, the policy is applied, messages go through the VIP with
 * confirms, the management API answers with the generated admin only, the firewall holds, and
 * the drill operations (kill, start, replace, partition, heal) work.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  killHost,
  labStatus,
  partitionHost,
  healHost,
  replaceHost,
  startHost,
  type LabStatus,
} from '../../lab';
import {
  expectRunningNodes,
  policyDefinition,
  fromClient,
  inHost,
  sharedLab,
  tcpFromClient,
} from './lab-helpers';

const ENV = 'dev';
const NODES = ['rabbit@rabbit-01', 'rabbit@rabbit-02', 'rabbit@rabbit-03'];

describe('dev lab', () => {
  let lab: LabStatus;
  beforeAll(async () => {
    lab = await sharedLab(ENV);
  });

  it('runs every host, with the status shape other tools rely on', () => {
    const s = labStatus(ENV);
    expect(s).toBeDefined();
    expect(s!.hosts.map((h) => [h.name, h.role, h.state])).toEqual([
      ['rabbit-01', 'rabbitmq', 'running'],
      ['rabbit-02', 'rabbitmq', 'running'],
      ['rabbit-03', 'rabbitmq', 'running'],
      ['haproxy-01', 'haproxy', 'running'],
      ['haproxy-02', 'haproxy', 'running'],
      ['client', 'client', 'running'],
    ]);
    expect(s!.hosts.every((h) => h.netns === `wl-dev-${h.name}`)).toBe(true);
    expect(s!.endpoint).toEqual({ address: '10.42.1.230', amqpPort: 5672, managementPort: 15672 });
    const creds = JSON.parse(readFileSync(s!.credentials, 'utf8')) as { username: string; password: string };
    expect(creds.username).toBe('warren-admin');
    expect(creds.password.length).toBeGreaterThanOrEqual(20);
  });

  it('forms one cluster of all three nodes, with the ha-all policy applied', async () => {
    for (const host of ['rabbit-01', 'rabbit-02', 'rabbit-03']) await expectRunningNodes(ENV, host, NODES);
    const policies = await inHost(ENV, 'rabbit-01', [
      'rabbitmqctl',
      '-q',
      'list_policies',
      '--formatter',
      'json',
    ]);
    const list = JSON.parse(policies) as { name: string; definition: unknown; pattern: string }[];
    expect(list.map((p) => policyDefinition(p.definition))).toContainEqual({
      'ha-mode': 'all',
      'ha-sync-mode': 'automatic',
    });
  });

  it('publishes with confirms through the VIP and consumes every message; guest is refused', async () => {
    const r = await fromClient<{ published: number; consumed: number; guest: string }>(
      ENV,
      'amqp-roundtrip.ts',
      [lab.endpoint.address, String(lab.endpoint.amqpPort), lab.credentials, '2000'],
    );
    expect(r).toMatchObject({ published: 2000, consumed: 2000, guest: 'refused' });
  });

  it('answers the management API through the VIP for the generated admin only', async () => {
    const r = await fromClient<{
      admin: { status: number; body: { name: string; running: boolean }[] };
      guest: { status: number };
    }>(ENV, 'management-get.ts', [
      lab.endpoint.address,
      String(lab.endpoint.managementPort),
      '/api/nodes',
      lab.credentials,
    ]);
    expect(r.admin.status).toBe(200);
    expect(
      r.admin.body
        .filter((n) => n.running)
        .map((n) => n.name)
        .sort(),
    ).toEqual(NODES);
    expect(r.guest.status).toBe(401);
  });

  it('applies the network policy in every host: cluster ports closed to clients, AMQP open to admins', async () => {
    expect(await tcpFromClient(ENV, '10.42.1.11', 25672)).toBe('filtered');
    expect(await tcpFromClient(ENV, '10.42.1.11', 4369)).toBe('filtered');
    expect(await tcpFromClient(ENV, '10.42.1.11', 5672)).toBe('open');
    // The HAProxy hosts take AMQP, management and stats only: RabbitMQ's ports on them are dropped.
    expect(await tcpFromClient(ENV, '10.42.1.21', 25672)).toBe('filtered');
  });

  it('kills a node (a dead machine: silent) and starts it again on its disk; it rejoins', async () => {
    await killHost(ENV, 'rabbit-03');
    expect(labStatus(ENV)!.hosts.find((h) => h.name === 'rabbit-03')!.state).toBe('stopped');
    // A dead machine answers nothing: no RST from its kernel, no ARP (a refused port would say 'closed').
    expect(['filtered', 'unreachable']).toContain(await tcpFromClient(ENV, '10.42.3.11', 5672));
    // Its peers learn it is gone from the Erlang distribution's tick (net_ticktime), not from a RST.
    await expectRunningNodes(ENV, 'rabbit-01', NODES.slice(0, 2));
    await startHost(ENV, 'rabbit-03');
    expect(labStatus(ENV)!.hosts.find((h) => h.name === 'rabbit-03')!.state).toBe('running');
    expect(await tcpFromClient(ENV, '10.42.3.11', 5672)).toBe('open');
    await expectRunningNodes(ENV, 'rabbit-01', NODES);
  });

  it('replaces a node with a blank instance (new instance-id, same user-data); it joins again', async () => {
    const before = (await inHost(ENV, 'rabbit-02', ['cat', '/var/lib/cloud/data/instance-id'])).trim();
    await replaceHost(ENV, 'rabbit-02');
    const after = (await inHost(ENV, 'rabbit-02', ['cat', '/var/lib/cloud/data/instance-id'])).trim();
    expect(after).not.toBe(before);
    await expectRunningNodes(ENV, 'rabbit-01', NODES);
    await expectRunningNodes(ENV, 'rabbit-02', NODES);
  });

  it('partitions a host (its link cut) and heals it', async () => {
    await partitionHost(ENV, 'rabbit-03');
    expect(labStatus(ENV)!.hosts.find((h) => h.name === 'rabbit-03')!.state).toBe('partitioned');
    expect(['filtered', 'unreachable']).toContain(await tcpFromClient(ENV, '10.42.3.11', 5672));
    await healHost(ENV, 'rabbit-03');
    expect(labStatus(ENV)!.hosts.find((h) => h.name === 'rabbit-03')!.state).toBe('running');
    expect(await tcpFromClient(ENV, '10.42.3.11', 5672)).toBe('open');
    await expectRunningNodes(ENV, 'rabbit-01', NODES);
  });
});

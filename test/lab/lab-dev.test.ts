/**
 * The dev environment in the lab (3 RabbitMQ 3.10 nodes formed with join_cluster, 2 HAProxy with
 * keepalived and a VIP): the cluster forms, the policy is applied, messages go through the VIP with
 * confirms, the management API answers with the generated admin only, the firewall holds, each
 * node's data lives on its own block device (a loop device), and the drill operations (kill,
 * start, replace keeping the data volume, replace --blank, partition, heal) work.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  envStateDir,
  execInHost,
  killHost,
  labDown,
  labStatus,
  loopDevicesUnder,
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
import { runOk } from '../../workspace';

const ENV = 'dev';
const NODES = ['rabbit@rabbit-01', 'rabbit@rabbit-02', 'rabbit@rabbit-03'];
const RABBITS = ['rabbit-01', 'rabbit-02', 'rabbit-03'];
const VHOST = 'warren-volume-test';

/** What the lab recorded (lab.json): the data volumes are there. */
function labState(): { hosts: { name: string; volume?: { file: string; device: string } }[] } {
  return JSON.parse(readFileSync(path.join(envStateDir(ENV), 'lab.json'), 'utf8')) as ReturnType<
    typeof labState
  >;
}

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
    expect(s!.endpoint).toEqual({ address: '192.168.1.230', amqpPort: 5672, managementPort: 15672 });
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

  it("keeps each node's data on its own block device: a loop device bound in and mounted at /var/lib/rabbitmq", async () => {
    const state = labState();
    for (const host of RABBITS) {
      const volume = state.hosts.find((h) => h.name === host)!.volume!;
      expect(volume.file.startsWith(`${envStateDir(ENV)}/volumes/`)).toBe(true);
      expect(volume.device).toMatch(/^\/dev\/loop\d+$/);
      const attached = await loopDevicesUnder(envStateDir(ENV));
      expect(attached).toContainEqual({ device: volume.device, file: volume.file });
      // The container's /dev/warren-data is that very device (same major:minor), and it is what is mounted.
      const hostSide = (await runOk('stat', ['-c', '%t:%T', volume.device])).trim();
      expect((await inHost(ENV, host, ['stat', '-Lc', '%t:%T', '/dev/warren-data'])).trim()).toBe(hostSide);
      const mount = (
        await inHost(ENV, host, ['findmnt', '-no', 'SOURCE,FSTYPE', '/var/lib/rabbitmq'])
      ).trim();
      expect(mount.split(/\s+/)).toEqual(['/dev/warren-data', 'ext4']);
      // RabbitMQ's database is on it.
      await inHost(ENV, host, ['sh', '-c', 'ls -d /var/lib/rabbitmq/mnesia/rabbit@*']);
    }
  });

  it('replaces a node by a new instance (new instance-id, blank root disk) that keeps its data volume', async () => {
    const host = 'rabbit-02';
    const ip = lab.hosts.find((h) => h.name === host)!.ip;
    await inHost(ENV, 'rabbit-01', ['rabbitmqctl', '-q', 'add_vhost', VHOST]);
    await inHost(ENV, 'rabbit-01', [
      'rabbitmqctl',
      '-q',
      'set_permissions',
      '-p',
      VHOST,
      'warren-admin',
      '.*',
      '.*',
      '.*',
    ]);
    // Its own vhost has no ha-all policy: the queue and its messages live on rabbit-02 only.
    const r = await fromClient<{ confirmed: number }>(ENV, 'vhost-publish.ts', [
      ip,
      String(lab.endpoint.amqpPort),
      lab.credentials,
      VHOST,
      'warren-volume-test',
      '250',
    ]);
    expect(r.confirmed).toBe(250);
    await inHost(ENV, host, ['sh', '-c', 'echo kept > /var/lib/rabbitmq/warren-volume-marker']);
    const uuid = (await inHost(ENV, host, ['blkid', '-s', 'UUID', '-o', 'value', '/dev/warren-data'])).trim();
    const before = (await inHost(ENV, host, ['cat', '/var/lib/cloud/data/instance-id'])).trim();
    const volume = labState().hosts.find((h) => h.name === host)!.volume!;

    await replaceHost(ENV, host);

    const after = (await inHost(ENV, host, ['cat', '/var/lib/cloud/data/instance-id'])).trim();
    expect(after).not.toBe(before);
    expect(labState().hosts.find((h) => h.name === host)!.volume).toEqual(volume);
    expect((await inHost(ENV, host, ['blkid', '-s', 'UUID', '-o', 'value', '/dev/warren-data'])).trim()).toBe(
      uuid,
    );
    expect((await inHost(ENV, host, ['cat', '/var/lib/rabbitmq/warren-volume-marker'])).trim()).toBe('kept');
    await expectRunningNodes(ENV, 'rabbit-01', NODES);
    await expectRunningNodes(ENV, host, NODES);
    // The unmirrored queue, declared before, is back with every message: from the volume, not from a peer.
    const queues = await inHost(ENV, host, [
      'rabbitmqctl',
      '-q',
      'list_queues',
      '-p',
      VHOST,
      'name',
      'messages',
    ]);
    expect(queues).toMatch(/^warren-volume-test\s+250$/m);
  });

  it('replaces a node with --blank: a new empty volume; it rejoins as a blank node', async () => {
    const host = 'rabbit-02';
    const old = labState().hosts.find((h) => h.name === host)!.volume!;
    const uuid = (await inHost(ENV, host, ['blkid', '-s', 'UUID', '-o', 'value', '/dev/warren-data'])).trim();

    await replaceHost(ENV, host, { blank: true });

    const volume = labState().hosts.find((h) => h.name === host)!.volume!;
    expect(volume.file).not.toBe(old.file);
    expect(existsSync(old.file)).toBe(false);
    expect((await loopDevicesUnder(envStateDir(ENV))).map((l) => l.file)).not.toContain(old.file);
    expect(
      (await inHost(ENV, host, ['blkid', '-s', 'UUID', '-o', 'value', '/dev/warren-data'])).trim(),
    ).not.toBe(uuid);
    const marker = await execInHost(ENV, host, ['cat', '/var/lib/rabbitmq/warren-volume-marker']);
    expect(marker.code).not.toBe(0);
    await expectRunningNodes(ENV, 'rabbit-01', NODES);
    await expectRunningNodes(ENV, host, NODES);
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

  it('goes down leaving no data volume: no loop device of the lab, no volume file', async () => {
    const devices = labState().hosts.flatMap((h) => (h.volume ? [h.volume.device] : []));
    expect(devices).toHaveLength(3);
    await labDown(ENV);
    expect(await loopDevicesUnder(envStateDir(ENV))).toEqual([]);
    const all = await runOk('losetup', ['-a']);
    expect(all).not.toContain(envStateDir(ENV));
    expect(existsSync(envStateDir(ENV))).toBe(false);
  });
});

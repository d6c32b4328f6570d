/**
 * The elb environment in the lab: three nodes (rendered for RabbitMQ 3.13, classic_config peer
 * discovery) behind the NLB stand-in (HAProxy in TCP mode with health checks), reached from the
 * client through the stand-in's address; an AZ outage (one node's subnet cut) loses no confirmed
 * message while publishing goes on through the stand-in.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { envStateDir, killHost, labDown, labStatus, labUp, type LabStatus } from '../../lab';
import { loadEnvironment } from '../../workspace';
import { azOutage } from '../../lab/drills/drills';
import {
  expectAzOutageSurvived,
  expectRunningNodes,
  policyDefinition,
  fromClient,
  inHost,
  sharedLab,
  tcpFromClient,
} from './lab-helpers';

const ENV = 'elb';
const NODES = ['rabbit@rabbit-01', 'rabbit@rabbit-02', 'rabbit@rabbit-03'];

describe('elb lab', () => {
  let lab: LabStatus;
  beforeAll(async () => {
    lab = await sharedLab(ENV);
  });

  it('runs the three nodes and the NLB stand-in, whose address is the endpoint', () => {
    const s = labStatus(ENV)!;
    expect(s.hosts.map((h) => [h.name, h.role, h.state])).toEqual([
      ['rabbit-01', 'rabbitmq', 'running'],
      ['rabbit-02', 'rabbitmq', 'running'],
      ['rabbit-03', 'rabbitmq', 'running'],
      ['nlb', 'nlb', 'running'],
      ['client', 'client', 'running'],
    ]);
    expect(s.endpoint.address).toBe(s.hosts.find((h) => h.role === 'nlb')!.ip);
  });

  it('forms one cluster with the ha-all policy', async () => {
    await expectRunningNodes(ENV, 'rabbit-01', NODES);
    const policies = await inHost(ENV, 'rabbit-02', [
      'rabbitmqctl',
      '-q',
      'list_policies',
      '--formatter',
      'json',
    ]);
    const list = JSON.parse(policies) as { definition: unknown }[];
    expect(list.map((p) => policyDefinition(p.definition))).toContainEqual({
      'ha-mode': 'all',
      'ha-sync-mode': 'automatic',
    });
  });

  it('publishes with confirms through the NLB stand-in and consumes every message; guest is refused', async () => {
    const r = await fromClient<{ published: number; consumed: number; guest: string }>(
      ENV,
      'amqp-roundtrip.ts',
      [lab.endpoint.address, String(lab.endpoint.amqpPort), lab.credentials, '2000'],
    );
    expect(r).toMatchObject({ published: 2000, consumed: 2000, guest: 'refused' });
  });

  it('answers the management API through the NLB stand-in for the generated admin only', async () => {
    const r = await fromClient<{ admin: { status: number }; guest: { status: number } }>(
      ENV,
      'management-get.ts',
      [lab.endpoint.address, String(lab.endpoint.managementPort), '/api/overview', lab.credentials],
    );
    expect(r.admin.status).toBe(200);
    expect(r.guest.status).toBe(401);
  });

  it('lets the client host (inside adminCidrs) reach nodes on AMQP, but never on cluster ports', async () => {
    // Operators may talk to a node directly; the cluster ports stay between nodes only.
    expect(await tcpFromClient(ENV, '10.43.2.11', 5672)).toBe('open');
    expect(await tcpFromClient(ENV, '10.43.2.11', 25672)).toBe('filtered');
  });

  it(`az-outage through the NLB stand-in: ${azOutage.summary}`, async () => {
    await expectAzOutageSurvived(ENV, (line) => process.stderr.write(`${line}\n`));
  });

  it('clears a dead lab (every instance crashed) before booting again', async () => {
    for (const h of labStatus(ENV)!.hosts.filter((x) => x.role !== 'client')) await killHost(ENV, h.name);
    expect(
      labStatus(ENV)!
        .hosts.filter((h) => h.state === 'running')
        .map((h) => h.name),
    ).toEqual(['client']);
    const lines: string[] = [];
    const s = await labUp(loadEnvironment(ENV), { onProgress: (l) => lines.push(l) });
    expect(lines).toContain('clearing what a previous elb lab left behind');
    expect(s.hosts.every((h) => h.state === 'running')).toBe(true);
    await expectRunningNodes(ENV, 'rabbit-01', NODES);
  });

  it('goes down leaving nothing: processes, cgroups, namespaces, nspawn leftovers, mounts, state', async () => {
    const netns = labStatus(ENV)!.hosts.map((h) => h.netns);
    await labDown(ENV);
    expect(labStatus(ENV)).toBeUndefined();
    expect(existsSync(envStateDir(ENV))).toBe(false);
    const namespaces = existsSync('/run/netns') ? readdirSync('/run/netns') : [];
    expect(namespaces.filter((n) => n.startsWith('wl-elb-'))).toEqual([]);
    expect(netns.filter((n) => existsSync(`/run/netns/${n}`))).toEqual([]);
    for (const root of ['/sys/fs/cgroup/systemd', '/sys/fs/cgroup/unified', '/sys/fs/cgroup']) {
      if (existsSync(root)) expect(readdirSync(root).filter((d) => d.startsWith('wl-elb-'))).toEqual([]);
    }
    for (const dir of ['/run/systemd/nspawn/propagate', '/run/systemd/nspawn/unix-export']) {
      if (existsSync(dir)) expect(readdirSync(dir).filter((d) => d.startsWith('wl-elb-'))).toEqual([]);
    }
    expect(readFileSync('/proc/mounts', 'utf8')).not.toContain(envStateDir(ENV));
    // No process is left in an elb instance's cgroups or names one on its command line (nspawn).
    const inLab = readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          const cgroup = readFileSync(`/proc/${p}/cgroup`, 'utf8');
          const cmdline = readFileSync(`/proc/${p}/cmdline`, 'utf8');
          return cgroup.includes('/wl-elb-') || cmdline.includes('wl-elb-');
        } catch {
          return false;
        }
      });
    expect(inLab).toEqual([]);
  });
});

/**
 * The next environment in the lab: rendered for Team RabbitMQ's 4.2.1 (Khepri is the metadata store
 * of a new 4.2 cluster), run on Debian 13's 4.0.5, where `up` enables the khepri_db feature flag once
 * the cluster has formed. Quorum is the vhost's default queue type; a blank replacement rejoins the
 * Khepri cluster (its old incarnation forgotten: under Khepri, removed from the Raft membership) and
 * is added back to every quorum queue; and an AZ outage behind the NLB front door loses no confirmed
 * message while publishing goes on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replaceHost, type LabStatus } from '../../lab';
import { azOutage } from '../../lab/drills/drills';
import {
  expectAzOutageSurvived,
  expectDefaultQueueTypeQuorum,
  expectQuorumQueueRegrown,
  expectRunningNodes,
  inHost,
  sharedLab,
} from './lab-helpers';

const ENV = 'next';
const NODES = ['rabbit@rabbit-01', 'rabbit@rabbit-02', 'rabbit@rabbit-03'];
const RABBITS = ['rabbit-01', 'rabbit-02', 'rabbit-03'];
const QUEUE = 'warren-next-no-arguments';
const log = (line: string) => process.stderr.write(`${line}\n`);

/** The khepri_db feature flag's state as `host` reports it. */
async function khepriState(host: string): Promise<string | undefined> {
  const out = await inHost(ENV, host, [
    'rabbitmqctl',
    '-q',
    'list_feature_flags',
    'name',
    'state',
    '--formatter',
    'json',
  ]);
  return (JSON.parse(out) as { name: string; state: string }[]).find((f) => f.name === 'khepri_db')?.state;
}

/** The Khepri store's Raft members as `host` sees them (4.0's metadata_store_status; Mnesia has none). */
async function khepriVoters(host: string): Promise<string[]> {
  const out = await inHost(ENV, host, [
    'rabbitmq-diagnostics',
    '-q',
    'metadata_store_status',
    '--formatter',
    'json',
  ]);
  const rows = JSON.parse(out) as { 'Node Name'?: string; Membership?: string }[];
  return rows
    .filter((r) => r.Membership === 'voter')
    .map((r) => r['Node Name'] as string)
    .sort();
}

describe('next lab (rendered for RabbitMQ 4.2.1, run on 4.0.5 with khepri_db)', () => {
  let lab: LabStatus;
  beforeAll(async () => {
    lab = await sharedLab(ENV);
  }, 900_000);

  afterAll(() => {
    log(`next lab endpoint ${lab?.endpoint.address}`);
  });

  it('runs 4.0.5 with the khepri_db feature flag enabled on every node', async () => {
    for (const host of RABBITS) await expectRunningNodes(ENV, host, NODES);
    const out = await inHost(ENV, 'rabbit-01', ['rabbitmqctl', '-q', 'version']);
    expect(out.trim()).toBe('4.0.5');
    for (const host of RABBITS) expect(await khepriState(host)).toBe('enabled');
    // The metadata is in Khepri: three voters in its Raft cluster.
    expect(await khepriVoters('rabbit-01')).toEqual(NODES);
  });

  it('makes quorum the default queue type of /: a queue declared with no arguments through the NLB is quorum', async () => {
    await expectDefaultQueueTypeQuorum(ENV, lab, QUEUE, NODES);
  });

  it('a blank replacement is forgotten, rejoins under Khepri and is back in every quorum queue, messages intact', async () => {
    await replaceHost(ENV, 'rabbit-02', { blank: true });
    for (const host of RABBITS) await expectRunningNodes(ENV, host, NODES);
    // The new instance's boot: a running peer still listed rabbit-02, so it was forgotten there
    // (under Khepri: removed from the metadata store's Raft membership, with 2 of 3 members up).
    const boot = await inHost(ENV, 'rabbit-02', ['cat', '/var/log/cloud-init-output.log']);
    expect(boot).toMatch(
      /still lists rabbit@rabbit-02 from a previous instance; asking it to forget this node/,
    );
    expect(boot).not.toMatch(/forget_cluster_node on \S+ failed/);
    // It joined the cluster's Khepri store: the flag is enabled on it too.
    expect(await khepriState('rabbit-02')).toBe('enabled');
    expect(await khepriVoters('rabbit-02')).toEqual(NODES);
    await expectQuorumQueueRegrown(ENV, QUEUE, NODES, 'rabbit-02', 200);
  });

  it(`az-outage through the NLB front door: ${azOutage.summary}`, async () => {
    await expectAzOutageSurvived(ENV, log);
  });
});

// Cluster formation by the boot script on real RabbitMQ nodes (two on loopback, the installed 3.10):
// blank nodes booting at the same time end in one named cluster; a second run changes nothing; a
// blank replacement with the same name is forgotten by the running peer, then joins. Run for the
// cluster_nodes/eval dialect (3.5.7 profile) and the classic_config/JSON one (3.13).
// Whole-environment behaviour (boot orders, reboots, three nodes behind HAProxy) is the lab's.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { topologyNamed } from './helpers';
import { destroyAllClusters, loopbackCluster } from './loopback-rabbit';

afterAll(destroyAllClusters);

const A = 'a@localhost';
const B = 'b@localhost';
const BOOT = 'prepare_blank_start && form_cluster && ensure_admin && ensure_replication';

describe('cluster formation on real nodes', () => {
  for (const env of ['dev', 'elb']) {
    it(`${env}: simultaneous blank boot, idempotent re-run, blank replacement`, async () => {
      // Two nodes: with pause_minority the survivor of a 2-node cluster pauses (1 of 2 is no majority),
      // so this test uses autoheal; the shipped 3-node environments keep pause_minority.
      const shipped = topologyNamed(env);
      const t = { ...shipped, rabbitmq: { ...shipped.rabbitmq, partitionHandling: 'autoheal' as const } };
      const cluster = await loopbackCluster(t, [A, B]);
      try {
        const [a, b] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
        const members = (n: typeof a) =>
          cluster
            .steps(n, `cli members ${n.name}`)
            .out.trim()
            .split('\n')
            .filter((l) => l.includes('@'))
            .sort();
        const name = (n: typeof a) => cluster.steps(n, `cli cluster-name ${n.name}`).out.trim();

        // Both blank, both booting now.
        cluster.start(a);
        cluster.start(b);
        cluster.awaitRunning(a);
        cluster.awaitRunning(b);
        const [ra, rb] = await Promise.all([cluster.stepsAsync(a, BOOT), cluster.stepsAsync(b, BOOT)]);
        expect(ra.code, ra.out).toBe(0);
        expect(rb.code, rb.out).toBe(0);
        expect(members(a)).toEqual([A, B]);
        expect(members(b)).toEqual([A, B]);
        expect(name(a)).toBe(`warren-${env}`);
        expect(name(b)).toBe(`warren-${env}`);

        // Re-running on healthy nodes changes nothing.
        const again = cluster.steps(b, BOOT);
        expect(again.code, again.out).toBe(0);
        expect(again.out).not.toMatch(/creating|applying|naming|starts cluster|joining|forget/);

        // B's instance dies and a blank one with the same name replaces it.
        cluster.crash(b);
        rmSync(b.mnesiaDir, { recursive: true, force: true });
        const forget = cluster.steps(b, 'prepare_blank_start');
        expect(forget.code, forget.out).toBe(0);
        expect(forget.out).toMatch(/still lists b@localhost/);
        expect(members(a)).toEqual([A]);
        cluster.start(b);
        cluster.awaitRunning(b);
        const rejoin = cluster.steps(b, BOOT);
        expect(rejoin.code, rejoin.out).toBe(0);
        expect(rejoin.out).toMatch(/joining the cluster of a@localhost/);
        expect(members(a)).toEqual([A, B]);
        expect(name(b)).toBe(`warren-${env}`);
      } finally {
        cluster.destroy();
      }
    }, 600_000);
  }
});

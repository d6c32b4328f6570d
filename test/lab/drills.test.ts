// The failure drills on the real dev lab (3 RabbitMQ nodes with ha-all, 2 HAProxy + keepalived + VIP).
// Each drill keeps a publisher (persistent, confirmed) and a consumer (manual acks) running through
// the front door while it breaks something, and fails when a confirmed message is never consumed or
// the cluster does not recover by itself. Every drill leaves the lab healthy for the next one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execInHost } from '../../lab';
import { assertDrillPassed, runDrill, type Drill, type DrillResult } from '../../lab/drills/drill-runner';
import { drillsFor } from '../../lab/drills/drills';
import { requireLab } from '../../lab/drills/cluster-view';
import { drillSummary, expectDrillPasses, sharedLab } from './lab-helpers';
import { loadEnvironment } from '../../workspace';

// dev by default (ha-all, the seed layout); WARREN_DRILLS_ENV=lts runs them on quorum queues.
const ENV = process.env.WARREN_DRILLS_ENV ?? 'dev';
const log = (line: string) => process.stderr.write(`${line}\n`);
const results: DrillResult[] = [];

beforeAll(async () => {
  // The run's shared lab: booted once per run, reused by the other lab files, taken down at the end.
  await sharedLab(ENV);
}, 900_000);

afterAll(() => {
  for (const r of results) log(drillSummary(r));
});

async function drill(d: Drill): Promise<DrillResult> {
  const r = await runDrill(ENV, d, { log });
  results.push(r);
  return r;
}

describe(`failure drills on the ${ENV} lab`, () => {
  it('fails a drill whose confirmed messages are lost (the queue deleted under the load)', async () => {
    // Negative control: deleting the queue drops what it holds and what arrives before it is declared
    // again (confirmed, yet unroutable). The drill's verdict must catch it.
    const deleteQueue: Drill = {
      name: 'control-delete-queue',
      summary: 'delete the drill queue while traffic flows',
      rate: 400,
      async run(ctx) {
        const host = requireLab(ctx.env).hosts.find((h) => h.role === 'rabbitmq')!.name;
        for (let i = 0; i < 3; i++) {
          const r = await execInHost(ctx.env, host, ['rabbitmqctl', '-q', 'delete_queue', ctx.queue]);
          ctx.note(`delete${i}`, r.code);
          await ctx.trafficFlows(100, 60_000);
        }
      },
    };
    const r = await drill(deleteQueue);
    expect(r.lost).toBeGreaterThan(0);
    expect(() => assertDrillPassed(r)).toThrow(/confirmed messages were never consumed/);
  });

  for (const d of drillsFor(loadEnvironment(ENV).topology.frontDoor.kind)) {
    it(`${d.name}: ${d.summary}`, async () => {
      await expectDrillPasses(ENV, d, log, results);
    });
  }
});

// The keepalived VIP's platform path on the real dev lab: the notify hook moved and confirmed the VIP
// through the lab's stand-in for EC2, the reconcile timer runs only on the MASTER, and it re-asserts
// an assignment the platform lost (the case a one-shot hook could never recover from). With an
// overlay VIP: the lab's VPC router (the bridge namespace) routes the VIP to the master, the client
// reaches the front door through it, and a cut master's route moves to the new master.
import { beforeAll, describe, expect, it } from 'vitest';
import { healHost, partitionHost } from '../../lab/lab';
import type { LabStatus } from '../../lab/lab-state';
import { labVipAssignedTo, labVipHolder, labVipRoute, labVrrpState } from '../../lab/lab-vip';
import { loadEnvironment, waitFor } from '../../workspace';
import { fromClient, frontDoorAmqp, inHost, sharedLab } from './lab-helpers';

const ENV = process.env.WARREN_DRILLS_ENV ?? 'dev';
const t = loadEnvironment(ENV).topology;
const vip = t.frontDoor.kind === 'keepalived' ? t.frontDoor.vip : '';
const TIMER = 'warren-vip-reconcile.timer';
const overlay = t.frontDoor.kind === 'keepalived' && t.frontDoor.vipMode === 'overlay';
const ipOf = (host: string) =>
  t.frontDoor.kind === 'keepalived' ? t.frontDoor.haproxy.find((h) => h.name === host)!.ip : '';

const timerActive = async (host: string) =>
  (await inHost(ENV, host, ['systemctl', 'show', '-p', 'ActiveState', '--value', TIMER])).trim() === 'active';

/** What the notify hook (and its reconcile timer) logged on a host. */
const notifyJournal = (host: string) =>
  inHost(ENV, host, ['journalctl', '-t', 'warren-vip-notify', '--no-pager', '-o', 'cat']);

/** 500 messages published and consumed by a client through the front door's address. */
async function expectRoundTripThroughFrontDoor(lab: LabStatus): Promise<void> {
  const door = frontDoorAmqp(ENV, lab);
  const r = await fromClient<{ published: number; consumed: number }>(ENV, 'amqp-roundtrip.ts', [
    door.address,
    door.port,
    lab.credentials,
    '500',
    ...door.caArgs,
  ]);
  expect(r).toMatchObject({ published: 500, consumed: 500 });
}

describe.skipIf(t.frontDoor.kind !== 'keepalived')(`keepalived VIP platform path on the ${ENV} lab`, () => {
  let master = '';
  let backup = '';
  let lab: LabStatus;
  beforeAll(async () => {
    lab = await sharedLab(ENV);
    master = (await waitFor('a VIP holder', 120_000, () => labVipHolder(ENV), 500))!;
    backup =
      t.frontDoor.kind === 'keepalived' ? t.frontDoor.haproxy.find((h) => h.name !== master)!.name : '';
  }, 900_000);

  it('keepalived reconcile: MASTER confirmed the move and runs the reconcile timer; BACKUP does neither', async () => {
    await waitFor('the hook to confirm the move', 30_000, async () =>
      (await labVipAssignedTo(ENV, master)) === master ? true : undefined,
    );
    expect(await labVrrpState(ENV, master)).toBe('master');
    expect(await labVrrpState(ENV, backup)).toBe('backup');
    expect(await timerActive(master)).toBe(true);
    expect(await timerActive(backup)).toBe(false);
    const journal = await notifyJournal(master);
    expect(journal).toMatch(
      new RegExp(`attempt 1/5: VIP ${vip.replace(/\./g, '\\.')} moved to ${master} and confirmed \\(lab\\)`),
    );
  });

  it('keepalived reconcile: an assignment the platform lost is re-asserted by the MASTER within a timer period', async () => {
    // As if someone reassigned the secondary IP to the other ENI behind keepalived's back.
    await inHost(ENV, master, ['sh', '-c', `echo ${backup} >/run/warren/lab-platform/${vip}`]);
    await waitFor(
      'the reconcile to move the VIP back to the MASTER',
      30_000,
      async () => ((await labVipAssignedTo(ENV, master)) === master ? true : undefined),
      500,
    );
    const journal = await notifyJournal(master);
    expect(journal).toMatch(/reconcile: this host is MASTER but the platform does not route VIP/);
    expect(await labVipHolder(ENV)).toBe(master);
  });

  it.runIf(overlay)(
    'keepalived overlay: the lab VPC router routes the VIP to the MASTER, and the client reaches the front door through it',
    async () => {
      await waitFor('the route to point at the MASTER', 30_000, async () =>
        (await labVipRoute(ENV)) === ipOf(master) ? true : undefined,
      );
      expect(await labVipHolder(ENV)).toBe(master);
      await expectRoundTripThroughFrontDoor(lab);
    },
  );

  it.runIf(overlay)(
    "keepalived overlay: a route moved behind the hook's back is moved back by the MASTER",
    async () => {
      // As if someone pointed the route tables at the other ENI.
      await inHost(ENV, master, [
        'sh',
        '-c',
        `nsenter --net=/run/warren-lab/router-netns ip route replace ${vip}/32 via ${ipOf(backup)}`,
      ]);
      expect(await labVipHolder(ENV)).toBeUndefined();
      await waitFor('the reconcile to route the VIP to the MASTER again', 30_000, async () =>
        (await labVipRoute(ENV)) === ipOf(master) ? true : undefined,
      );
      expect(await labVipHolder(ENV)).toBe(master);
    },
  );

  it.runIf(overlay)(
    "keepalived overlay: a cut MASTER's route moves to the new master and stays there while it is cut",
    async () => {
      await partitionHost(ENV, master);
      try {
        await waitFor('the route to move to the new master', 60_000, async () =>
          (await labVipRoute(ENV)) === ipOf(backup) ? true : undefined,
        );
        expect(await labVipHolder(ENV)).toBe(backup);
        await expectRoundTripThroughFrontDoor(lab);
        // The cut host either gave up itself (keepalived's FAULT on a link without carrier) or still
        // believes it is MASTER (it hears no adverts) and its reconcile runs; then its stand-in refuses
        // with the link down. Either way the route stays with the new master.
        await waitFor('the cut master to give the VIP up or be refused', 60_000, async () => {
          if ((await labVrrpState(ENV, master)) === 'fault') return true;
          const j = await notifyJournal(master);
          return j.includes("this host's link is down: the lab's VPC router is out of reach")
            ? true
            : undefined;
        });
        expect(await labVipRoute(ENV)).toBe(ipOf(backup));
      } finally {
        await healHost(ENV, master);
      }
      // Healed, the higher priority takes the VIP back and its hook the route.
      await waitFor('the route to follow the VIP holder after the heal', 60_000, async () => {
        const holder = await labVipHolder(ENV);
        return holder !== undefined && (await labVrrpState(ENV, holder)) === 'master' ? holder : undefined;
      });
    },
  );
});

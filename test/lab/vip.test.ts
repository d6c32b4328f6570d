// The keepalived VIP's platform path on the real dev lab: the notify hook moved and confirmed the VIP
// through the lab's stand-in for EC2, the reconcile timer runs only on the MASTER, and it re-asserts
// an assignment the platform lost (the case a one-shot hook could never recover from).
import { beforeAll, describe, expect, it } from 'vitest';
import { labVipAssignedTo, labVipHolder, labVrrpState } from '../../lab/lab-vip';
import { loadEnvironment, waitFor } from '../../workspace';
import { inHost, sharedLab } from './lab-helpers';

const ENV = process.env.WARREN_DRILLS_ENV ?? 'dev';
const t = loadEnvironment(ENV).topology;
const vip = t.frontDoor.kind === 'keepalived' ? t.frontDoor.vip : '';
const TIMER = 'warren-vip-reconcile.timer';

const timerActive = async (host: string) =>
  (await inHost(ENV, host, ['systemctl', 'show', '-p', 'ActiveState', '--value', TIMER])).trim() === 'active';

describe.skipIf(t.frontDoor.kind !== 'keepalived')(`keepalived VIP platform path on the ${ENV} lab`, () => {
  let master = '';
  let backup = '';
  beforeAll(async () => {
    await sharedLab(ENV);
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
    const journal = await inHost(ENV, master, [
      'journalctl',
      '-t',
      'warren-vip-notify',
      '--no-pager',
      '-o',
      'cat',
    ]);
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
    const journal = await inHost(ENV, master, [
      'journalctl',
      '-t',
      'warren-vip-notify',
      '--no-pager',
      '-o',
      'cat',
    ]);
    expect(journal).toMatch(/reconcile: this host is MASTER but the platform does not route VIP/);
    expect(await labVipHolder(ENV)).toBe(master);
  });
});

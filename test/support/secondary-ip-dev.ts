/**
 * dev as it shipped before its overlay VIP: both HAProxy hosts in subnet a and the VIP a secondary
 * private IP in it (vipMode left to its default). For the tests of the secondary-ip layout, which no
 * shipped environment uses any more; derived from dev so everything else stays dev's.
 */
import dev from '../../environments/dev';
import type { EnvironmentInput } from '../../topology';

export const secondaryIpDev: EnvironmentInput = (() => {
  const e = structuredClone(dev);
  if (e.frontDoor.kind !== 'keepalived') throw new Error('dev no longer has a keepalived front door');
  const [first, second] = e.frontDoor.haproxy;
  delete e.frontDoor.vipMode;
  e.frontDoor.vip = '10.42.1.230';
  e.frontDoor.haproxy = [first!, { ...second!, subnet: 'a', ip: '10.42.1.22' }];
  return e;
})();

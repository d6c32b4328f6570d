/** Which HAProxy host of a lab holds the keepalived VIP: the one lookup the drills, the bench and lab roll share. */
import { run } from '../workspace';
import { labStatus, labTopology } from './lab';

/**
 * The HAProxy host whose namespace carries the VIP now; undefined when none does or the front door is
 * an NLB. A stopped host holds nothing; a partitioned one still may (VRRP there is cut, not the host).
 */
export async function labVipHolder(env: string): Promise<string | undefined> {
  const t = labTopology(env);
  if (t.frontDoor.kind !== 'keepalived') return undefined;
  const vip = t.frontDoor.vip;
  for (const h of labStatus(env)?.hosts ?? []) {
    if (h.role !== 'haproxy' || h.state === 'stopped') continue;
    const r = await run('ip', ['-n', h.netns, '-o', '-4', 'addr', 'show']).catch(() => ({ stdout: '' }));
    if (r.stdout.split(/\s+/).some((w) => w.split('/')[0] === vip)) return h.name;
  }
  return undefined;
}

/** Which HAProxy host of a lab holds the keepalived VIP: the one lookup the drills, the bench and lab roll share. */
import { run } from '../workspace';
import { execInHost, labStatus, labTopology } from './lab';
import { routerVipTarget } from './lab-router';
import { bridgeNetns } from './paths';

/** Where warren-vip-notify records keepalived's state and, in the lab, its stand-in's assignment. */
const VRRP_STATE_FILE = '/run/warren/vrrp-state';
const LAB_PLATFORM_DIR = '/run/warren/lab-platform';

/**
 * The HAProxy host whose namespace carries the VIP now; undefined when none does or the front door is
 * an NLB. A stopped host holds nothing; a partitioned one still may (VRRP there is cut, not the host).
 */
export async function labVipHolder(env: string): Promise<string | undefined> {
  const t = labTopology(env);
  if (t.frontDoor.kind !== 'keepalived') return undefined;
  const vip = t.frontDoor.vip;
  const status = labStatus(env);
  // An overlay VIP reaches clients only by the router's route: a host with the VIP on lo that the
  // route does not point at (a cut master, one whose hook has not run yet) holds nothing for them.
  const routedTo =
    t.frontDoor.vipMode === 'overlay' ? await routerVipTarget(bridgeNetns(env), vip) : undefined;
  if (t.frontDoor.vipMode === 'overlay' && routedTo === undefined) return undefined;
  for (const h of status?.hosts ?? []) {
    if (h.role !== 'haproxy' || h.state === 'stopped') continue;
    if (routedTo !== undefined && h.ip !== routedTo) continue;
    const r = await run('ip', ['-n', h.netns, '-o', '-4', 'addr', 'show']).catch(() => ({ stdout: '' }));
    if (r.stdout.split(/\s+/).some((w) => w.split('/')[0] === vip)) return h.name;
  }
  return undefined;
}

/** Where the lab's VPC router sends an overlay VIP now (a host's address); undefined without one. */
export async function labVipRoute(env: string): Promise<string | undefined> {
  const t = labTopology(env);
  if (t.frontDoor.kind !== 'keepalived' || t.frontDoor.vipMode !== 'overlay') return undefined;
  return routerVipTarget(bridgeNetns(env), t.frontDoor.vip);
}

/**
 * The keepalived state `host` last entered, as its notify hook recorded it (warren-vip-notify writes
 * /run/warren/vrrp-state on every transition); undefined when the host is down or keepalived has
 * not reported yet.
 */
export async function labVrrpState(env: string, host: string): Promise<string | undefined> {
  const r = await execInHost(env, host, ['cat', VRRP_STATE_FILE], { timeoutMs: 5_000 }).catch(
    () => undefined,
  );
  return r?.code === 0 ? r.stdout.trim() || undefined : undefined;
}

/**
 * Which host the lab's stand-in for EC2 says the VIP is assigned to, as `host` sees it (the hook's
 * confirm reads the same record): proves the notify hook's platform path ran and confirmed.
 */
export async function labVipAssignedTo(env: string, host: string): Promise<string | undefined> {
  const t = labTopology(env);
  if (t.frontDoor.kind !== 'keepalived') return undefined;
  const r = await execInHost(env, host, ['cat', `${LAB_PLATFORM_DIR}/${t.frontDoor.vip}`], {
    timeoutMs: 5_000,
  }).catch(() => undefined);
  return r?.code === 0 ? r.stdout.trim() || undefined : undefined;
}

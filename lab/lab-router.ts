/**
 * The lab's VPC router for an overlay VIP. In AWS an overlay VIP lies outside the VPC and reaches the
 * master only through a /32 route per route table; in the lab the bridge namespace plays that router:
 * it gets the VPC router's address (the VPC's base + 1), forwards, and routes VIP/32 to the master's
 * address. Every host namespace routes the VIP via it, as a VPC subnet's route table does.
 *
 * Who moves the route: the notify hook itself, with only its AWS call swapped (WARREN_VIP_MOVE=lab).
 * The bridge namespace is bound into each HAProxy container at LAB_ROUTER_NETNS, and the hook's
 * stand-in for `replace-route` runs `ip route replace` in it (its stand-in for describe-route-tables
 * reads the route back). Chosen over a daemon on the machine polling each host's record: no process
 * to start, stop and keep alive, no polling delay in the VIP move, and the route moves exactly when
 * and as the hook's AWS path would move it. The stand-in refuses while the host's link has no
 * carrier, as the EC2 API is out of reach from a lost AZ: a cut master cannot pull the route back.
 */
import { blockSize, formatIpv4, parseCidr, type Cidr, type Topology } from '../topology';
import { run, runOk } from '../workspace';

/** The interface the bridge namespace routes on (the bridge itself, lab-network.ts's br0). */
const ROUTER_INTERFACE = 'br0';

export interface LabRouter {
  readonly vip: string;
  /** The router's address on the bridge: what every host routes the VIP via. */
  readonly ip: string;
}

/** The router of an overlay-VIP environment; undefined for a secondary-IP VIP or an NLB (no router needed). */
export function labRouter(t: Topology, prefix: number): LabRouter | undefined {
  if (t.frontDoor.kind !== 'keepalived' || t.frontDoor.vipMode !== 'overlay') return undefined;
  const first = t.network.subnets[0];
  if (!first) throw new Error(`environment ${t.name} has no subnets`);
  const size = blockSize(prefix);
  const base = Math.floor((parseCidr(first.cidr) as Cidr).network / size) * size;
  // AWS's VPC router sits at base + 1; every subnet reserves its own base + 1, so no host has it.
  return { vip: t.frontDoor.vip, ip: formatIpv4(base + 1) };
}

/** Gives the bridge namespace the router's address and makes it forward. */
export async function createRouter(bridgeNs: string, router: LabRouter, prefix: number): Promise<void> {
  await runOk('ip', ['-n', bridgeNs, 'addr', 'replace', `${router.ip}/${prefix}`, 'dev', ROUTER_INTERFACE]);
  // No redirects: a client told "go straight to the master" would keep a cached next hop that
  // outlives the next failover; in AWS the route table is the only path.
  await runOk('ip', [
    'netns',
    'exec',
    bridgeNs,
    'sysctl',
    '-q',
    '-w',
    'net.ipv4.ip_forward=1',
    'net.ipv4.conf.all.send_redirects=0',
    `net.ipv4.conf.${ROUTER_INTERFACE}.send_redirects=0`,
  ]);
}

/** A host's route for the VIP via the router (its subnet's route table). */
export async function routeVipViaRouter(netns: string, dev: string, router: LabRouter): Promise<void> {
  await runOk('ip', ['-n', netns, 'route', 'replace', `${router.vip}/32`, 'via', router.ip, 'dev', dev]);
}

/** The address the router sends the VIP to now; undefined when it has no route for it. */
export async function routerVipTarget(bridgeNs: string, vip: string): Promise<string | undefined> {
  const r = await run('ip', ['-n', bridgeNs, '-o', 'route', 'show', `${vip}/32`]);
  return r.code === 0 ? (/\bvia (\S+)/.exec(r.stdout)?.[1] ?? undefined) : undefined;
}

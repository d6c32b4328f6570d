/**
 * Which keepalived host holds the VIP on AWS now, as EC2 says. keepalived runs with `nopreempt`, so
 * the VIP stays wherever the last failover put it: the roll cannot infer the holder from the
 * priorities, and rolling the holder before the backup would cost the clients two VIP moves instead
 * of one. EC2 names an interface (the one carrying the secondary private IP, or the target of the
 * overlay VIP's /32 routes); the Terraform state maps it back to a host (each warren instance's
 * `primary_network_interface_id` and its `warren:host` tag).
 */
import { WarrenError, type Topology } from '../topology';
import { run } from '../workspace';
import { allStateResources } from './roll-diff';

type Json = Record<string, unknown>;

/** The answer, or why there is none (the roll then falls back to the priorities and says so). */
export type VipHolderAnswer = { readonly host: string } | { readonly unknown: string };

/** `aws ec2 …` with JSON output; WARREN_EC2_ENDPOINT_URL points it elsewhere (the tests' loopback EC2). */
async function ec2(t: Topology, args: readonly string[]): Promise<Json> {
  const endpoint = process.env.WARREN_EC2_ENDPOINT_URL;
  const full = [
    'ec2',
    ...args,
    ...(endpoint ? ['--endpoint-url', endpoint] : []),
    '--region',
    t.region,
    '--output',
    'json',
  ];
  let r;
  try {
    r = await run('aws', full, { timeoutMs: 60_000 });
  } catch {
    throw new WarrenError(`no 'aws' on PATH to ask EC2 which host holds the VIP; install the AWS CLI`);
  }
  if (r.code !== 0)
    throw new WarrenError(`aws ec2 ${args[0]} failed: ${r.stderr.trim().split('\n').slice(-2).join(' ')}`);
  return JSON.parse(r.stdout) as Json;
}

/** Host by primary network interface id, from the state's warren instances. */
function hostsByInterface(state: unknown): Map<string, string> {
  const m = new Map<string, string>();
  for (const r of allStateResources(state)) {
    if (r.mode !== 'managed' || r.type !== 'aws_instance') continue;
    const eni = r.values?.primary_network_interface_id;
    const host = (r.values?.tags as Record<string, string> | undefined)?.['warren:host'];
    if (typeof eni === 'string' && host) m.set(eni, host);
  }
  return m;
}

/** The route tables the state holds a VIP/32 route in (the overlay mode's). */
function vipRouteTables(state: unknown, vip: string): string[] {
  return allStateResources(state).flatMap((r) =>
    r.mode === 'managed' &&
    r.type === 'aws_route' &&
    r.values?.destination_cidr_block === `${vip}/32` &&
    typeof r.values.route_table_id === 'string'
      ? [r.values.route_table_id]
      : [],
  );
}

async function holderInterface(t: Topology, state: unknown, enis: readonly string[]): Promise<string[]> {
  if (t.frontDoor.kind !== 'keepalived') return [];
  const vip = t.frontDoor.vip;
  if (t.frontDoor.vipMode === 'overlay') {
    const tables = vipRouteTables(state, vip);
    if (tables.length === 0) return [];
    const out = await ec2(t, ['describe-route-tables', '--route-table-ids', ...tables]);
    const targets = ((out.RouteTables ?? []) as Json[]).flatMap((rt) =>
      ((rt.Routes ?? []) as Json[]).filter((x) => x.DestinationCidrBlock === `${vip}/32`),
    );
    return [...new Set(targets.map((x) => String(x.NetworkInterfaceId ?? '')))];
  }
  const out = await ec2(t, ['describe-network-interfaces', '--network-interface-ids', ...enis]);
  return ((out.NetworkInterfaces ?? []) as Json[])
    .filter((n) => ((n.PrivateIpAddresses ?? []) as Json[]).some((a) => a.PrivateIpAddress === vip))
    .map((n) => String(n.NetworkInterfaceId));
}

export async function awsVipHolder(t: Topology, state: unknown): Promise<VipHolderAnswer> {
  if (t.frontDoor.kind !== 'keepalived') return { unknown: 'the front door has no VIP' };
  const proxies = new Set(t.frontDoor.haproxy.map((h) => h.name));
  const byEni = new Map([...hostsByInterface(state)].filter(([, host]) => proxies.has(host)));
  if (byEni.size === 0) return { unknown: 'the state records no HAProxy instance interface' };
  let enis: string[];
  try {
    enis = await holderInterface(t, state, [...byEni.keys()]);
  } catch (e) {
    return { unknown: (e as Error).message };
  }
  const hosts = [...new Set(enis.map((e) => byEni.get(e)).filter((h): h is string => h !== undefined))];
  if (hosts.length === 1 && enis.length === 1) return { host: hosts[0]! };
  if (enis.length === 0) return { unknown: `EC2 shows the VIP ${t.frontDoor.vip} on no HAProxy interface` };
  return {
    unknown: `EC2 shows the VIP ${t.frontDoor.vip} on ${enis.join(', ')} (${hosts.join(', ') || 'no warren host'}); the notify hook's reconcile is still moving it`,
  };
}

/**
 * The lab's network: a bridge in a namespace of its own, one namespace per host joined to it by a
 * veth pair, the topology's addresses, and each host's firewall. Nothing is created in the
 * machine's own namespace (veths are created inside the bridge namespace and their peer moved
 * straight into the host's), so there is no route out.
 */
import { existsSync, readdirSync } from 'node:fs';
import type { Topology } from '../topology';
import { firewallRules } from './firewall-rules';
import type { LabHostPlan, LabPlan } from './lab-plan';
import { LAB_PREFIX } from './paths';
import { routeVipViaRouter, type LabRouter, labRouter } from './lab-router';
import { run, runOk } from '../workspace';

const BRIDGE = 'br0';
/** The host's side of its link, as the instance sees it. */
export const HOST_INTERFACE = 'eth0';

export function netnsExists(ns: string): boolean {
  return existsSync(`/run/netns/${ns}`);
}

/** Every lab namespace that exists now, of any environment. */
export function allLabNamespaces(): string[] {
  if (!existsSync('/run/netns')) return [];
  return readdirSync('/run/netns').filter((ns) => ns.startsWith(LAB_PREFIX));
}

async function addNetns(ns: string): Promise<void> {
  if (!netnsExists(ns)) await runOk('ip', ['netns', 'add', ns]);
  await runOk('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
}

export async function createBridge(plan: LabPlan): Promise<void> {
  const ns = plan.bridgeNetns;
  await addNetns(ns);
  const has = await run('ip', ['-n', ns, 'link', 'show', BRIDGE]);
  if (has.code !== 0) await runOk('ip', ['-n', ns, 'link', 'add', BRIDGE, 'type', 'bridge']);
  await runOk('ip', ['-n', ns, 'link', 'set', BRIDGE, 'up']);
}

/** Creates the host's namespace, its link to the bridge and its address; applies its firewall. */
export async function createHostNetwork(t: Topology, plan: LabPlan, host: LabHostPlan): Promise<void> {
  await addNetns(host.netns);
  const has = await run('ip', ['-n', plan.bridgeNetns, 'link', 'show', host.link]);
  if (has.code !== 0) {
    await runOk('ip', [
      '-n',
      plan.bridgeNetns,
      'link',
      'add',
      host.link,
      'type',
      'veth',
      'peer',
      'name',
      HOST_INTERFACE,
      'netns',
      host.netns,
    ]);
  }
  await runOk('ip', ['-n', plan.bridgeNetns, 'link', 'set', host.link, 'master', BRIDGE, 'up']);
  await run('ip', ['-n', host.netns, 'addr', 'flush', 'dev', HOST_INTERFACE, 'scope', 'global']);
  await runOk('ip', ['-n', host.netns, 'addr', 'add', `${host.ip}/${plan.prefix}`, 'dev', HOST_INTERFACE]);
  await runOk('ip', ['-n', host.netns, 'link', 'set', HOST_INTERFACE, 'up']);
  const router = labRouter(t, plan.prefix);
  if (router) await routeVipViaRouter(host.netns, HOST_INTERFACE, router);
  if (host.role !== 'client') {
    await runOk('ip', ['netns', 'exec', host.netns, 'iptables-restore'], {
      input: firewallRules(t, plan, host.role),
    });
  }
}

/**
 * The NIC of a machine that boots: only the host's own address (a crashed keepalived master may have
 * left the VIP on it), the link up unless the host is partitioned. The firewall stays: it plays the
 * security groups, which outlive instances.
 */
export async function bootHostNic(
  bridgeNs: string,
  prefix: number,
  host: LabHostPlan,
  linkUp: boolean,
  router?: LabRouter,
) {
  await run('ip', ['-n', host.netns, 'addr', 'flush', 'dev', HOST_INTERFACE, 'scope', 'global']);
  await runOk('ip', ['-n', host.netns, 'addr', 'add', `${host.ip}/${prefix}`, 'dev', HOST_INTERFACE]);
  // The flush took the VIP's route with the address it went through.
  if (router) await routeVipViaRouter(host.netns, HOST_INTERFACE, router);
  await setHostLink(bridgeNs, host, linkUp);
}

/**
 * Cuts (down) or restores (up) a host's only link, from the bridge side: a network partition, or a
 * dead machine, which answers nothing (no RST, no ARP).
 */
export async function setHostLink(bridgeNs: string, host: LabHostPlan, up: boolean): Promise<void> {
  await runOk('ip', ['-n', bridgeNs, 'link', 'set', host.link, up ? 'up' : 'down']);
}

export async function hostLinkUp(bridgeNs: string, host: LabHostPlan): Promise<boolean> {
  const r = await run('ip', ['-n', bridgeNs, '-o', 'link', 'show', host.link]);
  return r.code === 0 && /[<,]UP[,>]/.test(r.stdout);
}

/** Deletes the given namespaces that exist (their veths and the bridge go with them). */
export async function removeNetworks(namespaces: readonly string[]): Promise<void> {
  for (const ns of namespaces.filter(netnsExists)) {
    const r = await run('ip', ['netns', 'delete', ns]);
    if (r.code !== 0 && netnsExists(ns))
      throw new Error(`cannot delete network namespace ${ns}: ${r.stderr.trim()}`);
  }
}

/**
 * What `warren roll` would change on AWS: each host's image, user-data and instance type as the
 * Terraform state has them (`terraform show -json`) against the synthesized stack (cdk.tf.json).
 * Hosts are matched by the `warren:host` tag every warren instance carries. The state keeps
 * `user_data` as the SHA-1 (hex) of the text (the AWS provider's StateFunc), so the stack's text
 * is hashed as Terraform renders it: unescaped, and with its plain references (a node's data
 * volume id) filled in from the state. A change to the set of hosts is reported, never rolled.
 */
import { createHash } from 'node:crypto';
import { renderTemplate, type ReferenceLookup } from '../stacks';

export interface StackInstance {
  /** Terraform address, `aws_instance.rabbitmq_rabbit-01_instance_BE59F489`. */
  readonly address: string;
  readonly host: string;
  readonly role: string;
  /** A literal AMI id, or undefined when the stack looks it up at apply time. */
  readonly ami: string | undefined;
  /** The reference when `ami` is looked up (`${data.aws_ami….id}`). */
  readonly amiLookup: string | undefined;
  readonly instanceType: string;
  /** SHA-1 hex of the user-data text, or undefined when it interpolates. */
  readonly userDataSha1: string | undefined;
}

export interface DeployedInstance {
  readonly address: string;
  readonly host: string;
  readonly role: string;
  readonly ami: string | undefined;
  readonly instanceType: string | undefined;
  /** As the state holds it: a SHA-1 hex (or, from other providers, the text). */
  readonly userData: string | undefined;
}

export interface HostChange {
  readonly host: string;
  readonly role: string;
  readonly address: string;
  readonly reasons: readonly string[];
}

export interface RollDiff {
  /** Hosts deployed and in the stack whose image, user-data or instance type differ. */
  readonly changed: readonly HostChange[];
  /** Hosts deployed and in the stack with nothing to roll. */
  readonly upToDate: readonly string[];
  /** In the stack, not deployed. */
  readonly added: readonly StackInstance[];
  /** Deployed, no longer in the stack. */
  readonly removed: readonly DeployedInstance[];
  /** Deployed under another Terraform address than the stack now gives the host. */
  readonly moved: readonly { readonly host: string; readonly from: string; readonly to: string }[];
  /** Things the comparison could not decide (an AMI looked up at apply time). */
  readonly notes: readonly string[];
}

const sha1 = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex');

type Json = Record<string, unknown>;

/** Looks up `TYPE.NAME.ATTR` (or `data.TYPE.NAME.ATTR`) in the state; undefined when not there. */
export type StateLookup = ReferenceLookup;

/** A lookup of plain references in a `terraform show -json` state. */
export function stateLookup(state: unknown): StateLookup {
  const byAddress = new Map(allStateResources(state).map((r) => [r.address ?? '', r.values ?? {}]));
  return (ref) => {
    const parts = ref.split('.');
    const attr = parts.pop() as string;
    const v = byAddress.get(parts.join('.'))?.[attr];
    return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
  };
}

/**
 * What must be applied with an instance's replacement: the instance and every resource of the stack
 * that refers to it (its data volume's attachment, a target-group attachment, an Elastic IP), as
 * `-target`s. Left out, an attachment would keep pointing at the old instance and the new one would
 * boot without its volume. The health gate (null_resource) is left to the next deploy.
 */
export function replacementTargets(stack: unknown, address: string): string[] {
  const resources = ((stack as Json).resource ?? {}) as Record<string, Record<string, Json>>;
  const targets = [address];
  for (const [type, byName] of Object.entries(resources)) {
    if (type === 'null_resource') continue;
    for (const [name, body] of Object.entries(byName)) {
      const self = `${type}.${name}`;
      if (self === address) continue;
      const text = JSON.stringify({ ...body, '//': undefined });
      if (text.includes(`\${${address}.`) || (body.depends_on as string[] | undefined)?.includes(address))
        targets.push(self);
    }
  }
  return targets;
}

/** The warren instances of a synthesized stack (cdk.tf.json parsed), references resolved by `lookup`. */
export function stackInstances(stack: unknown, lookup: StateLookup = () => undefined): StackInstance[] {
  const resources = ((stack as Json).resource as Json | undefined)?.aws_instance as
    Record<string, Json> | undefined;
  return Object.entries(resources ?? {}).flatMap(([name, r]) => {
    const tags = (r.tags ?? {}) as Record<string, string>;
    const host = tags['warren:host'];
    if (host === undefined) return [];
    const ami = String(r.ami ?? '');
    const lookedUp = ami.includes('${');
    const rendered = renderTemplate(String(r.user_data ?? ''), lookup);
    const userDataSha1 = rendered === undefined ? undefined : sha1(rendered);
    return [
      {
        address: `aws_instance.${name}`,
        host,
        role: tags['warren:role'] ?? 'unknown',
        ami: lookedUp ? undefined : ami,
        amiLookup: lookedUp ? ami : undefined,
        instanceType: String(r.instance_type ?? ''),
        userDataSha1,
      },
    ];
  });
}

export interface StateResource {
  address?: string;
  mode?: string;
  type?: string;
  values?: Json;
}

interface StateModule {
  resources?: StateResource[];
  child_modules?: StateModule[];
}

/** Every resource of a `terraform show -json` state, child modules included. */
export function allStateResources(state: unknown): StateResource[] {
  const root = ((state as Json).values as Json | undefined)?.root_module as StateModule | undefined;
  const all: StateResource[] = [];
  const walk = (m: StateModule | undefined) => {
    if (!m) return;
    all.push(...(m.resources ?? []));
    for (const c of m.child_modules ?? []) walk(c);
  };
  walk(root);
  return all;
}

/** The warren instances of a state (`terraform show -json` parsed); an empty state has none. */
export function deployedInstances(state: unknown): DeployedInstance[] {
  return allStateResources(state).flatMap((r) => {
    if (r.mode !== 'managed' || r.type !== 'aws_instance' || !r.address) return [];
    const v = r.values ?? {};
    const tags = (v.tags ?? {}) as Record<string, string>;
    const host = tags['warren:host'];
    if (host === undefined) return [];
    const s = (x: unknown) => (typeof x === 'string' && x !== '' ? x : undefined);
    return [
      {
        address: r.address,
        host,
        role: tags['warren:role'] ?? 'unknown',
        ami: s(v.ami),
        instanceType: s(v.instance_type),
        userData: s(v.user_data),
      },
    ];
  });
}

export function rollDiff(stack: unknown, state: unknown): RollDiff {
  const want = stackInstances(stack, stateLookup(state));
  const have = deployedInstances(state);
  const haveByHost = new Map(have.map((d) => [d.host, d]));
  const wantHosts = new Set(want.map((w) => w.host));
  const changed: HostChange[] = [];
  const upToDate: string[] = [];
  const added: StackInstance[] = [];
  const notes: string[] = [];
  const moved: { host: string; from: string; to: string }[] = [];
  for (const w of want) {
    const d = haveByHost.get(w.host);
    if (!d) {
      added.push(w);
      continue;
    }
    const reasons: string[] = [];
    if (w.ami !== undefined && w.ami !== d.ami) reasons.push(`image ${d.ami ?? '(none)'} → ${w.ami}`);
    if (w.amiLookup !== undefined)
      notes.push(
        `${w.host}: the stack looks its image up at apply time (${w.amiLookup}), so a new bake cannot be seen here; pin the image ids to roll onto a new image`,
      );
    if (w.instanceType !== d.instanceType)
      reasons.push(`instance type ${d.instanceType ?? '(none)'} → ${w.instanceType}`);
    if (w.userDataSha1 === undefined)
      notes.push(
        `${w.host}: its user-data refers to values the state does not hold yet, so it cannot be compared`,
      );
    else if (d.userData !== w.userDataSha1 && d.userData !== undefined && sha1(d.userData) !== w.userDataSha1)
      reasons.push(`user-data changed (sha1 ${d.userData.slice(0, 12)}… → ${w.userDataSha1.slice(0, 12)}…)`);
    if (w.address !== d.address) {
      moved.push({ host: w.host, from: d.address, to: w.address });
      continue;
    }
    if (reasons.length > 0) changed.push({ host: w.host, role: w.role, address: d.address, reasons });
    else upToDate.push(w.host);
  }
  const removed = have.filter((d) => !wantHosts.has(d.host));
  return { changed, upToDate, added, removed, moved, notes };
}

/** What a change of the host set means, one line per host, for `--dry-run` and the refusal. */
export function nodeSetImplications(diff: RollDiff, stackName: string): string[] {
  const lines: string[] = [];
  for (const a of diff.added) {
    lines.push(
      a.role === 'rabbitmq'
        ? `${a.host} is in the stack but not deployed: \`cdktf deploy ${stackName}\` creates it blank and it joins the cluster; the other nodes' user-data (peer list, /etc/hosts) then differs and warren roll replaces them one at a time. warren roll does not create hosts: deploy first, then roll. (If a roll stopped while replacing ${a.host}, the same deploy creates it again on its kept volume.)`
        : `${a.host} (${a.role}) is in the stack but not deployed: \`cdktf deploy ${stackName}\` creates it; warren roll does not create hosts.`,
    );
  }
  for (const r of diff.removed) {
    lines.push(
      r.role === 'rabbitmq'
        ? `${r.host} is deployed but no longer in the stack: \`cdktf deploy ${stackName}\` would terminate it and the cluster would keep listing rabbit@${r.host} as a member that never comes back (a pause_minority cluster counts it against its majority). Removing a node is not live yet: move its queues off (its mirrors synchronised elsewhere, quorum members shrunk), stop it, \`rabbitmqctl forget_cluster_node rabbit@${r.host}\` on a remaining node, then deploy (docs/stacks.md "Changing a running environment").`
        : `${r.host} (${r.role}) is deployed but no longer in the stack: \`cdktf deploy ${stackName}\` would terminate it; warren roll does not remove hosts.`,
    );
  }
  for (const m of diff.moved) {
    lines.push(
      `${m.host} is deployed as ${m.from} but the stack now calls it ${m.to}: a deploy would destroy one and create the other. Run \`terraform state mv ${m.from} ${m.to}\` in the stack directory first (and the same for its volume and attachment), then roll.`,
    );
  }
  return lines;
}

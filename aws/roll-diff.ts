/**
 * What `warren roll` would change on AWS: each host's image, user-data and instance type as the
 * Terraform state has them (`terraform show -json`) against the synthesized stack (cdk.tf.json).
 * Hosts are matched by the `warren:host` tag every warren instance carries. The state keeps
 * `user_data` as the SHA-1 (hex) of the text (the AWS provider's StateFunc), so the stack's text
 * is hashed after Terraform's own unescaping. A change to the set of hosts is reported, never rolled.
 */
import { createHash } from 'node:crypto';
import { terraformLiteral } from '../stacks';

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
  /** Things the comparison could not decide (an AMI looked up at apply time). */
  readonly notes: readonly string[];
}

const sha1 = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex');

type Json = Record<string, unknown>;

/** The warren instances of a synthesized stack (cdk.tf.json parsed). */
export function stackInstances(stack: unknown): StackInstance[] {
  const resources = ((stack as Json).resource as Json | undefined)?.aws_instance as
    Record<string, Json> | undefined;
  return Object.entries(resources ?? {}).flatMap(([name, r]) => {
    const tags = (r.tags ?? {}) as Record<string, string>;
    const host = tags['warren:host'];
    if (host === undefined) return [];
    const ami = String(r.ami ?? '');
    const lookedUp = ami.includes('${');
    let userDataSha1: string | undefined;
    try {
      userDataSha1 = sha1(terraformLiteral(String(r.user_data ?? '')));
    } catch {
      userDataSha1 = undefined;
    }
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

interface StateResource {
  address?: string;
  mode?: string;
  type?: string;
  values?: Json;
}

interface StateModule {
  resources?: StateResource[];
  child_modules?: StateModule[];
}

/** The warren instances of a state (`terraform show -json` parsed); an empty state has none. */
export function deployedInstances(state: unknown): DeployedInstance[] {
  const root = ((state as Json).values as Json | undefined)?.root_module as StateModule | undefined;
  const all: StateResource[] = [];
  const walk = (m: StateModule | undefined) => {
    if (!m) return;
    all.push(...(m.resources ?? []));
    for (const c of m.child_modules ?? []) walk(c);
  };
  walk(root);
  return all.flatMap((r) => {
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
  const want = stackInstances(stack);
  const have = deployedInstances(state);
  const haveByHost = new Map(have.map((d) => [d.host, d]));
  const wantHosts = new Set(want.map((w) => w.host));
  const changed: HostChange[] = [];
  const upToDate: string[] = [];
  const added: StackInstance[] = [];
  const notes: string[] = [];
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
      notes.push(`${w.host}: its user-data interpolates Terraform values and cannot be compared`);
    else if (d.userData !== w.userDataSha1 && d.userData !== undefined && sha1(d.userData) !== w.userDataSha1)
      reasons.push(`user-data changed (sha1 ${d.userData.slice(0, 12)}… → ${w.userDataSha1.slice(0, 12)}…)`);
    if (w.address !== d.address) reasons.push(`address ${d.address} → ${w.address}`);
    if (reasons.length > 0) changed.push({ host: w.host, role: w.role, address: d.address, reasons });
    else upToDate.push(w.host);
  }
  const removed = have.filter((d) => !wantHosts.has(d.host));
  return { changed, upToDate, added, removed, notes };
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
        ? `${r.host} is deployed but no longer in the stack: \`cdktf deploy ${stackName}\` would terminate it and the cluster would keep listing rabbit@${r.host} as a member that never comes back (a pause_minority cluster counts it against its majority). Removing a node is not live yet: move its queues off (its mirrors synchronised elsewhere, quorum members shrunk), stop it, \`rabbitmqctl forget_cluster_node rabbit@${r.host}\` on a remaining node, then deploy (docs/stacks.md "warren roll").`
        : `${r.host} (${r.role}) is deployed but no longer in the stack: \`cdktf deploy ${stackName}\` would terminate it; warren roll does not remove hosts.`,
    );
  }
  return lines;
}

/**
 * The network policy as security-group rules: one pure function from the topology to the ingress
 * rules of each role's security group. The `PolicySecurityGroups` construct and the review summary
 * both render this list, so the summary shows exactly what the stack creates. No flow is added here:
 * a missing flow belongs in topology/network-policy.ts, where the lab's firewall sees it too.
 */
import { networkPolicy, type Flow, type PolicyRole, type Topology } from '../topology';

/** The roles whose hosts call AWS APIs (SSM for secrets, EC2 for the VIP): the NLB calls none. */
export const AWS_API_CALLERS: readonly PolicyRole[] = ['rabbitmq', 'haproxy'];

/** IP protocol number of VRRP (keepalived's advertisements). */
export const VRRP_PROTOCOL = '112';

export type RuleSource =
  | { readonly kind: 'group'; readonly role: PolicyRole }
  | { readonly kind: 'cidr'; readonly cidr: string; readonly labels: readonly ('clients' | 'admins')[] };

export interface SecurityGroupRule {
  /** Construct id, stable across synths (ports and source, not list position). */
  readonly id: string;
  /** The role whose security group receives the traffic. */
  readonly group: PolicyRole;
  /** `tcp`, or `112` for VRRP. */
  readonly ipProtocol: 'tcp' | typeof VRRP_PROTOCOL;
  /** Port range for tcp; undefined for VRRP. */
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly source: RuleSource;
  /** The flows' purposes, joined; becomes the rule's description. */
  readonly description: string;
}

/** The roles that get a security group: every role that receives or sends a policy flow. */
export function policyRoles(t: Topology): PolicyRole[] {
  const roles = new Set<PolicyRole>();
  for (const f of networkPolicy(t)) {
    roles.add(f.to);
    if (f.from.kind === 'role') roles.add(f.from.role);
  }
  const order: PolicyRole[] = ['rabbitmq', 'haproxy', 'nlb'];
  return order.filter((r) => roles.has(r));
}

/**
 * One rule per (group, protocol, ports, source). Flows that coincide, e.g. clients and admins
 * sharing the VPC CIDR on the same port, merge into one rule: AWS refuses duplicate rules.
 */
export function securityGroupRules(t: Topology): SecurityGroupRule[] {
  const merged = new Map<string, { rule: Omit<SecurityGroupRule, 'description'>; purposes: string[] }>();
  for (const flow of networkPolicy(t)) {
    for (const source of sourcesOf(flow)) {
      const ipProtocol = flow.protocol === 'vrrp' ? VRRP_PROTOCOL : 'tcp';
      const ports = flow.protocol === 'vrrp' ? {} : { fromPort: flow.fromPort, toPort: flow.toPort };
      const id = ruleId(flow.to, flow.protocol, flow.fromPort, flow.toPort, source);
      const existing = merged.get(id);
      if (existing) {
        if (!existing.purposes.includes(flow.purpose)) existing.purposes.push(flow.purpose);
        const prev = existing.rule.source;
        if (prev.kind === 'cidr' && source.kind === 'cidr') {
          const labels = [...new Set([...prev.labels, ...source.labels])];
          existing.rule = { ...existing.rule, source: { ...prev, labels } };
        }
      } else {
        merged.set(id, {
          rule: { id, group: flow.to, ipProtocol, ...ports, source },
          purposes: [flow.purpose],
        });
      }
    }
  }
  return [...merged.values()].map(({ rule, purposes }) => ({
    ...rule,
    description: ruleDescription(purposes),
  }));
}

export interface SecurityGroupEgressRule {
  /** Construct id, stable across synths. */
  readonly id: string;
  /** The role whose security group sends the traffic. */
  readonly group: PolicyRole;
  readonly ipProtocol: 'tcp' | typeof VRRP_PROTOCOL;
  readonly fromPort?: number;
  readonly toPort?: number;
  /** The receiving role's security group. */
  readonly destination: PolicyRole;
  readonly description: string;
}

/**
 * The egress between warren's roles: one rule per flow of the policy that a role starts (a security
 * group is stateful, so replies to inbound flows need none). What else a host may send, HTTPS to the
 * AWS APIs, is plumbing the stack adds (policy-security-groups.ts), like the endpoints' own group.
 */
export function securityGroupEgressRules(t: Topology): SecurityGroupEgressRule[] {
  const merged = new Map<
    string,
    { rule: Omit<SecurityGroupEgressRule, 'description'>; purposes: string[] }
  >();
  for (const flow of networkPolicy(t)) {
    if (flow.from.kind !== 'role') continue;
    const from = flow.from.role;
    const ipProtocol = flow.protocol === 'vrrp' ? VRRP_PROTOCOL : 'tcp';
    const ports = flow.protocol === 'vrrp' ? {} : { fromPort: flow.fromPort, toPort: flow.toPort };
    const portId =
      flow.protocol === 'vrrp'
        ? ''
        : flow.fromPort === flow.toPort
          ? `-${flow.fromPort}`
          : `-${flow.fromPort}-${flow.toPort}`;
    const id = `${from}-egress-${flow.protocol}${portId}-to-${flow.to}`;
    const existing = merged.get(id);
    if (existing) {
      if (!existing.purposes.includes(flow.purpose)) existing.purposes.push(flow.purpose);
    } else {
      merged.set(id, {
        rule: { id, group: from, ipProtocol, ...ports, destination: flow.to },
        purposes: [flow.purpose],
      });
    }
  }
  return [...merged.values()].map(({ rule, purposes }) => ({
    ...rule,
    description: ruleDescription(purposes),
  }));
}

function sourcesOf(flow: Flow): RuleSource[] {
  if (flow.from.kind === 'role') return [{ kind: 'group', role: flow.from.role }];
  const label = flow.from.label;
  return flow.from.cidrs.map((cidr) => ({ kind: 'cidr', cidr, labels: [label] }));
}

function ruleId(to: PolicyRole, protocol: string, from: number, toPort: number, source: RuleSource): string {
  const ports = protocol === 'vrrp' ? '' : from === toPort ? `-${from}` : `-${from}-${toPort}`;
  const src = source.kind === 'group' ? source.role : source.cidr.replace(/[./:]/g, '-');
  return `${to}-${protocol}${ports}-from-${src}`;
}

/** Security-group rule descriptions allow only `a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*`, up to 255 characters. */
export function ruleDescription(purposes: readonly string[]): string {
  return purposes
    .join('; ')
    .replace(/[^a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]/g, ' ')
    .slice(0, 255);
}

/** `5672`, `35672-35682`, or `-` for VRRP: how the review summary shows a rule's ports. */
export function portLabel(rule: Pick<SecurityGroupRule, 'fromPort' | 'toPort'>): string {
  if (rule.fromPort === undefined) return '-';
  return rule.fromPort === rule.toPort ? String(rule.fromPort) : `${rule.fromPort}-${rule.toPort}`;
}

/** What the review summary and the stack's SG names call a role's security group. */
export function securityGroupName(t: Topology, role: PolicyRole): string {
  return `warren-${t.name}-${role}`;
}

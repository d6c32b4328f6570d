/**
 * One security group per role, with exactly the ingress rules of the network policy
 * (security-group-rules.ts). Egress is open: the policy, like the lab's firewall, governs what
 * reaches a host, and a new VPC has no route out unless one is asked for.
 */
import { ConstructError } from './construct-error';
import { Construct } from 'constructs';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import type { PolicyRole, Topology } from '../topology';
import {
  policyRoles,
  securityGroupName,
  securityGroupRules,
  type SecurityGroupRule,
} from './security-group-rules';
import { escapeTerraform } from './terraform-string';

export interface PolicySecurityGroupsProps {
  readonly topology: Topology;
  readonly vpcId: string;
}

const ROLE_DESCRIPTIONS: Record<PolicyRole, string> = {
  rabbitmq: 'RabbitMQ nodes',
  haproxy: 'HAProxy and keepalived pair',
  nlb: 'Network Load Balancer',
};

export class PolicySecurityGroups extends Construct {
  /** The rules rendered, as data (what the review summary shows). */
  readonly rules: readonly SecurityGroupRule[];
  private readonly groups = new Map<PolicyRole, SecurityGroup>();

  constructor(scope: Construct, id: string, props: PolicySecurityGroupsProps) {
    super(scope, id);
    const t = props.topology;
    this.rules = securityGroupRules(t);
    for (const role of policyRoles(t)) {
      const name = securityGroupName(t, role);
      const sg = new SecurityGroup(this, role, {
        name,
        description: `warren ${t.name}: ${ROLE_DESCRIPTIONS[role]}`,
        vpcId: props.vpcId,
        tags: { Name: name, 'warren:role': role },
      });
      this.groups.set(role, sg);
      new VpcSecurityGroupEgressRule(this, `${role}-egress`, {
        securityGroupId: sg.id,
        ipProtocol: '-1',
        cidrIpv4: '0.0.0.0/0',
        description: 'all outbound (the network policy governs inbound)',
      });
    }
    for (const rule of this.rules) {
      const source =
        rule.source.kind === 'group'
          ? { referencedSecurityGroupId: this.securityGroup(rule.source.role).id }
          : { cidrIpv4: rule.source.cidr };
      new VpcSecurityGroupIngressRule(this, rule.id, {
        securityGroupId: this.securityGroup(rule.group).id,
        ipProtocol: rule.ipProtocol,
        ...(rule.fromPort !== undefined ? { fromPort: rule.fromPort, toPort: rule.toPort } : {}),
        ...source,
        description: escapeTerraform(rule.description),
        tags: { Name: rule.id },
      });
    }
  }

  /** The security group of one role; throws when the policy gives that role no group. */
  securityGroup(role: PolicyRole): SecurityGroup {
    const sg = this.groups.get(role);
    if (!sg) {
      throw new ConstructError(
        `PolicySecurityGroups: the network policy has no '${role}' role; roles: ${[...this.groups.keys()].join(', ')}`,
      );
    }
    return sg;
  }
}

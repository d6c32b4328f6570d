/**
 * One security group per role, with exactly the ingress rules of the network policy
 * (security-group-rules.ts) and egress only where a host needs it: the policy's flows it starts (its
 * peers, the nodes behind the front door) and HTTPS to the AWS APIs (the VPC endpoints' group, or,
 * in an existing VPC whose route to the APIs warren does not know, any address on 443). No group
 * allows all egress; Amazon DNS, NTP (169.254.169.123) and the metadata service are not filtered
 * by security groups, so they need no rule.
 */
import { ConstructError } from './construct-error';
import { Construct } from 'constructs';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import type { PolicyRole, Topology } from '../topology';
import {
  AWS_API_CALLERS,
  policyRoles,
  securityGroupEgressRules,
  securityGroupName,
  securityGroupRules,
  type SecurityGroupEgressRule,
  type SecurityGroupRule,
} from './security-group-rules';
import { escapeTerraform } from './terraform-string';

export interface PolicySecurityGroupsProps {
  readonly topology: Topology;
  readonly vpcId: string;
  /**
   * The VPC endpoints' security group: the hosts' HTTPS to the AWS APIs goes there only.
   * @default none: HTTPS to 0.0.0.0/0 (an existing VPC reaches the APIs by a route of its owner's)
   */
  readonly awsApiSecurityGroupId?: string;
}

const ROLE_DESCRIPTIONS: Record<PolicyRole, string> = {
  rabbitmq: 'RabbitMQ nodes',
  haproxy: 'HAProxy and keepalived pair',
  nlb: 'Network Load Balancer',
};

export class PolicySecurityGroups extends Construct {
  /** The rules rendered, as data (what the review summary shows). */
  readonly rules: readonly SecurityGroupRule[];
  /** The egress rules between roles, as data. */
  readonly egressRules: readonly SecurityGroupEgressRule[];
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
      if (AWS_API_CALLERS.includes(role)) {
        new VpcSecurityGroupEgressRule(this, `${role}-egress-aws-apis`, {
          securityGroupId: sg.id,
          ipProtocol: 'tcp',
          fromPort: 443,
          toPort: 443,
          ...(props.awsApiSecurityGroupId !== undefined
            ? { referencedSecurityGroupId: props.awsApiSecurityGroupId }
            : { cidrIpv4: '0.0.0.0/0' }),
          description:
            props.awsApiSecurityGroupId !== undefined
              ? 'HTTPS to the AWS APIs through the VPC endpoints'
              : 'HTTPS to the AWS APIs through the existing VPC route',
          tags: { Name: `${role}-egress-aws-apis` },
        });
      }
    }
    this.egressRules = securityGroupEgressRules(t);
    for (const rule of this.egressRules) {
      new VpcSecurityGroupEgressRule(this, rule.id, {
        securityGroupId: this.securityGroup(rule.group).id,
        ipProtocol: rule.ipProtocol,
        ...(rule.fromPort !== undefined ? { fromPort: rule.fromPort, toPort: rule.toPort } : {}),
        referencedSecurityGroupId: this.securityGroup(rule.destination).id,
        description: escapeTerraform(rule.description),
        tags: { Name: rule.id },
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

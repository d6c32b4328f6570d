/**
 * The IAM role and instance profile of one kind of host. The base permission is reading the
 * environment's SecureStrings (`/warren/<env>/*`) and nothing else; callers add narrow statements
 * (the keepalived pair adds moving its VIP).
 */
import { ConstructError } from './construct-error';
import { Construct } from 'constructs';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';

/** An IAM policy statement (JSON shape). Values may hold Terraform references. */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

export interface InstanceRoleProps {
  /** Role name, e.g. `warren-dev-rabbitmq`; at most 64 characters. */
  readonly roleName: string;
  readonly region: string;
  /** SSM path whose parameters the role may read, e.g. `/warren/dev`. */
  readonly ssmPrefix: string;
  /**
   * More statements for this role.
   * @default none
   */
  readonly statements?: readonly PolicyStatement[];
}

export class InstanceRole extends Construct {
  readonly role: IamRole;
  /** The instance profile's name, for `iam_instance_profile`. */
  readonly instanceProfileName: string;
  /** The ARN pattern the role may read: `arn:<partition>:ssm:<region>:<account>:parameter/warren/<env>/*`. */
  readonly parameterArnPattern: string;
  /** The statements of the inline policy, as rendered. */
  readonly statements: PolicyStatement[];

  constructor(scope: Construct, id: string, props: InstanceRoleProps) {
    super(scope, id);
    if (!/^[\w+=,.@-]{1,64}$/.test(props.roleName)) {
      throw new ConstructError(
        `InstanceRole: roleName '${props.roleName}' is not a valid IAM role name; use at most 64 letters, digits and +=,.@_-`,
      );
    }
    if (!/^(\/[a-zA-Z0-9_.-]+)+$/.test(props.ssmPrefix)) {
      throw new ConstructError(
        `InstanceRole: ssmPrefix '${props.ssmPrefix}' is not an SSM path; write it like /warren/dev`,
      );
    }
    const partition = new DataAwsPartition(this, 'partition');
    const account = new DataAwsCallerIdentity(this, 'account');
    this.parameterArnPattern = `arn:${partition.partition}:ssm:${props.region}:${account.accountId}:parameter${props.ssmPrefix}/*`;

    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      description: `warren: instances of ${props.roleName}`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      }),
    });
    this.statements = [
      {
        Sid: 'ReadEnvironmentSecrets',
        Effect: 'Allow',
        Action: ['ssm:GetParameter', 'ssm:GetParameters'],
        Resource: this.parameterArnPattern,
      },
      ...(props.statements ?? []),
    ];
    new IamRolePolicy(this, 'policy', {
      name: `${props.roleName}-policy`,
      role: this.role.id,
      policy: JSON.stringify({ Version: '2012-10-17', Statement: this.statements }),
    });
    const profile = new IamInstanceProfile(this, 'profile', { name: props.roleName, role: this.role.name });
    this.instanceProfileName = profile.name;
  }
}

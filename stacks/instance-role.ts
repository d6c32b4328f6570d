/**
 * The IAM role and instance profile of one kind of host. The base permission is reading the
 * parameters its own boot script uses (`/warren/<env>/<key>` for its keys only) and decrypting them
 * with the environment's key, only through SSM and only for those parameters; callers add narrow
 * statements (the keepalived pair adds moving its VIP).
 */
import { ConstructError } from './construct-error';
import { Construct } from 'constructs';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { SecretKey } from '../topology';

/** An IAM policy statement (JSON shape). Values may hold Terraform references. */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

/**
 * What the SSM agent needs for Session Manager, and no more: the part of AmazonSSMManagedInstanceCore
 * that registers the instance and opens session channels (no Run Command documents, State Manager
 * associations, inventory or parameter access, which that managed policy also grants).
 */
export const SESSION_MANAGER_ACTIONS = {
  /** Registers the instance (its own ARN). */
  register: ['ssm:UpdateInstanceInformation'],
  /** Session channels and the agent's message service; these actions have no resource types. */
  channels: [
    'ssmmessages:CreateControlChannel',
    'ssmmessages:CreateDataChannel',
    'ssmmessages:OpenControlChannel',
    'ssmmessages:OpenDataChannel',
    'ec2messages:AcknowledgeMessage',
    'ec2messages:DeleteMessage',
    'ec2messages:FailMessage',
    'ec2messages:GetEndpoint',
    'ec2messages:GetMessages',
    'ec2messages:SendReply',
  ],
} as const;

export interface InstanceRoleProps {
  /** Role name, e.g. `warren-dev-rabbitmq`; at most 64 characters. */
  readonly roleName: string;
  readonly region: string;
  /** SSM path of the environment's parameters, e.g. `/warren/dev`. */
  readonly ssmPrefix: string;
  /** The secrets this role's hosts read at boot (SECRETS_READ_BY in cluster-secrets.ts). */
  readonly secretKeys: readonly SecretKey[];
  /**
   * More parameters (paths under `ssmPrefix`) this role's hosts read, e.g. a node's own TLS
   * certificate and key (`tls/rabbit-01/key`, topology `tlsParameterSuffix`).
   * @default none
   */
  readonly extraParameters?: readonly string[];
  /**
   * ARN of the customer-managed key the parameters are encrypted with: the role may decrypt with it
   * through SSM, for its own parameters only (SSM's encryption context names the parameter).
   * @default none: parameters under the AWS managed key, which needs no grant
   */
  readonly secretsKeyArn?: string;
  /**
   * Let the SSM agent register and carry Session Manager sessions (SESSION_MANAGER_ACTIONS).
   * @default false
   */
  readonly sessionManager?: boolean;
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
  /** The parameters the role may read: `arn:<partition>:ssm:<region>:<account>:parameter/warren/<env>/<key>`. */
  readonly parameterArns: readonly string[];
  /** The statements of the inline policy, as rendered. */
  readonly statements: PolicyStatement[];
  /** The inline policy (instances depend on it: a host booting before it exists cannot read its secrets). */
  readonly policy: IamRolePolicy;

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
    if (props.secretKeys.length === 0 || new Set(props.secretKeys).size !== props.secretKeys.length) {
      throw new ConstructError(
        `InstanceRole ${props.roleName}: secretKeys must list the secrets its hosts read, each once`,
      );
    }
    const arnPrefix = `arn:${partition.partition}:ssm:${props.region}:${account.accountId}:parameter${props.ssmPrefix}`;
    this.parameterArns = [...props.secretKeys, ...(props.extraParameters ?? [])].map(
      (k) => `${arnPrefix}/${k}`,
    );

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
        Sid: 'ReadOwnSecrets',
        Effect: 'Allow',
        // warren-secret reads one parameter at a time.
        Action: 'ssm:GetParameter',
        Resource: [...this.parameterArns],
      },
      ...(props.secretsKeyArn !== undefined
        ? [
            {
              Sid: 'DecryptOwnSecretsThroughSsm',
              Effect: 'Allow' as const,
              Action: 'kms:Decrypt',
              Resource: props.secretsKeyArn,
              Condition: {
                StringEquals: {
                  'kms:ViaService': `ssm.${props.region}.amazonaws.com`,
                  'kms:EncryptionContext:PARAMETER_ARN': [...this.parameterArns],
                },
              },
            },
          ]
        : []),
      ...(props.sessionManager
        ? [
            {
              Sid: 'SessionManagerRegister',
              Effect: 'Allow' as const,
              Action: [...SESSION_MANAGER_ACTIONS.register],
              Resource: `arn:${partition.partition}:ec2:${props.region}:${account.accountId}:instance/*`,
            },
            {
              Sid: 'SessionManagerChannels',
              Effect: 'Allow' as const,
              Action: [...SESSION_MANAGER_ACTIONS.channels],
              Resource: '*',
            },
          ]
        : []),
      ...(props.statements ?? []),
    ];
    this.policy = new IamRolePolicy(this, 'policy', {
      name: `${props.roleName}-policy`,
      role: this.role.id,
      policy: JSON.stringify({ Version: '2012-10-17', Statement: this.statements }),
    });
    const profile = new IamInstanceProfile(this, 'profile', { name: props.roleName, role: this.role.name });
    this.instanceProfileName = profile.name;
  }
}

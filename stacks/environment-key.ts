/**
 * The environment's own KMS key (customer managed, yearly rotation on), alias `alias/warren-<env>`:
 * it encrypts the SSM SecureStrings and every EBS volume of the environment. With the AWS managed
 * `alias/aws/ssm` key any principal allowed `ssm:GetParameter` on `*` in the account reads the Erlang
 * cookie; with this key a reader also needs `kms:Decrypt` on it, which only the instance roles get,
 * each for its own parameters. The key policy is AWS's default (the account administers the key and
 * IAM policies grant its use), so the deploying principal uses it for the volumes through IAM.
 */
import { Construct } from 'constructs';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { ConstructError } from './construct-error';

/**
 * Days a deleted key waits before it is gone: the maximum, since every secret and volume of the
 * environment is unreadable without it.
 */
export const KEY_DELETION_WINDOW_DAYS = 30;

export interface EnvironmentKeyProps {
  /** Environment name; the alias is `alias/warren-<envName>`. */
  readonly envName: string;
}

export class EnvironmentKey extends Construct {
  readonly key: KmsKey;
  /** The key's ARN (reference): what `key_id`, `kms_key_id` and IAM statements take. */
  readonly keyArn: string;
  readonly aliasName: string;

  constructor(scope: Construct, id: string, props: EnvironmentKeyProps) {
    super(scope, id);
    if (!/^[a-z0-9-]+$/.test(props.envName)) {
      throw new ConstructError(
        `EnvironmentKey: envName '${props.envName}' is not an environment name; use lower-case letters, digits and dashes`,
      );
    }
    this.aliasName = `alias/warren-${props.envName}`;
    this.key = new KmsKey(this, 'key', {
      description: `warren ${props.envName}: SSM SecureStrings and EBS volumes`,
      enableKeyRotation: true,
      deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
      tags: { Name: `warren-${props.envName}` },
    });
    new KmsAlias(this, 'alias', { name: this.aliasName, targetKeyId: this.key.keyId });
    this.keyArn = this.key.arn;
  }
}

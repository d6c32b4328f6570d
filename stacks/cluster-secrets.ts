/**
 * An environment's secrets, generated at deploy time and kept in SSM Parameter Store. Terraform
 * creates each value with `random_password` and stores it as a SecureString under
 * `/warren/<env>/<key>`; instances read them at boot through their role. The synthesized stack
 * holds only references and parameter names (the values live in Terraform state, which is why the
 * state is local or in an encrypted bucket). The stack encrypts them with the environment's own key
 * (environment-key.ts).
 */
import { ConstructError } from './construct-error';
import { Construct } from 'constructs';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { Password } from '@cdktf/provider-random/lib/password';
import { SECRET_KEYS, type SecretKey } from '../topology';

export interface SecretSpec {
  /** Length in characters. */
  readonly length: number;
  /** Why this length (becomes the parameter's description). */
  readonly description: string;
}

/**
 * Alphanumeric only: every secret ends up in a config file (Erlang terms, keepalived.conf,
 * haproxy.cfg) or on a curl config line, and none of those should need quoting rules.
 * 32 alphanumerics are about 190 bits.
 */
export const SECRET_SPECS: Readonly<Record<SecretKey, SecretSpec>> = {
  'erlang-cookie': { length: 32, description: 'Erlang distribution cookie shared by the RabbitMQ nodes' },
  'admin-password': { length: 32, description: 'password of the RabbitMQ administrator (warren-admin)' },
  'stats-password': { length: 32, description: 'password of the HAProxy stats page (warren-stats)' },
  // keepalived uses only the first 8 characters of auth_pass (VRRP's authentication field is 8 bytes).
  'vrrp-password': {
    length: 8,
    description: 'VRRP authentication between the keepalived pair (8 characters is the VRRP maximum)',
  },
};

/**
 * The secrets each role's boot script reads (cloudinit/scripts/warren-rabbitmq-boot and
 * warren-haproxy-boot call `warren-secret <key>`); the instance roles may read these and no others.
 * The admin password's other reader, the health gate, runs as the deployer, not as a host.
 */
export const SECRETS_READ_BY = {
  rabbitmq: ['erlang-cookie', 'admin-password'],
  haproxy: ['stats-password', 'vrrp-password'],
} as const satisfies Record<'rabbitmq' | 'haproxy', readonly SecretKey[]>;

export interface ClusterSecretsProps {
  /** The SSM path prefix, e.g. `/warren/dev`; parameters are `<prefix>/<key>`. */
  readonly prefix: string;
  /**
   * The secrets to create.
   * @default every key of SECRET_KEYS (topology/secrets.ts)
   */
  readonly keys?: readonly SecretKey[];
  /**
   * KMS key for the SecureStrings (the stack gives its EnvironmentKey).
   * @default the account's AWS managed key `alias/aws/ssm`, which any principal with
   * `ssm:GetParameter` may decrypt through SSM
   */
  readonly kmsKeyId?: string;
}

export class ClusterSecrets extends Construct {
  /** The prefix, without a trailing slash. */
  readonly prefix: string;
  /** The keys created, in order. */
  readonly keys: readonly SecretKey[];
  private readonly parameters = new Map<SecretKey, SsmParameter>();

  constructor(scope: Construct, id: string, props: ClusterSecretsProps) {
    super(scope, id);
    if (!/^(\/[a-zA-Z0-9_.-]+)+$/.test(props.prefix)) {
      throw new ConstructError(
        `ClusterSecrets: prefix '${props.prefix}' is not an SSM path; write it like /warren/dev (leading slash, no trailing slash)`,
      );
    }
    const keys = props.keys ?? SECRET_KEYS;
    for (const key of keys) {
      if (!(SECRET_KEYS as readonly string[]).includes(key)) {
        throw new ConstructError(
          `ClusterSecrets: keys has unknown secret '${key}'; use ${SECRET_KEYS.join(', ')}`,
        );
      }
    }
    if (new Set(keys).size !== keys.length)
      throw new ConstructError('ClusterSecrets: keys lists a secret twice; list each once');
    this.prefix = props.prefix;
    this.keys = keys;
    for (const key of keys) {
      const spec = SECRET_SPECS[key];
      const value = new Password(this, `${key}-value`, {
        length: spec.length,
        special: false,
        upper: true,
        lower: true,
        numeric: true,
        minUpper: 1,
        minLower: 1,
        minNumeric: 1,
      });
      const parameter = new SsmParameter(this, key, {
        name: this.parameterName(key),
        type: 'SecureString',
        value: value.result,
        description: `warren: ${spec.description}`,
        ...(props.kmsKeyId !== undefined ? { keyId: props.kmsKeyId } : {}),
      });
      this.parameters.set(key, parameter);
    }
  }

  /** `/warren/<env>/<key>`: known at synth time, safe to print. */
  parameterName(key: SecretKey): string {
    return `${this.prefix}/${key}`;
  }

  /** Every parameter name, in key order. */
  get parameterNames(): string[] {
    return this.keys.map((k) => this.parameterName(k));
  }

  /** The `ssm_parameter` resource of one key (for depends_on). */
  parameter(key: SecretKey): SsmParameter {
    const p = this.parameters.get(key);
    if (!p)
      throw new ConstructError(
        `ClusterSecrets: no parameter '${key}'; this construct has ${this.keys.join(', ')}`,
      );
    return p;
  }

  /** All parameter resources, for depends_on: instances must not boot before their secrets exist. */
  get allParameters(): SsmParameter[] {
    return [...this.parameters.values()];
  }
}

/**
 * Where each stack keeps its Terraform state. Local by default, in one fixed directory the edge
 * gives (the repository root: `terraform.warren-<env>.tfstate`, git-ignored), whatever `--out` says,
 * so another output directory never silently starts an empty state. Optionally an S3 bucket,
 * SSE-KMS encrypted when a key is given, locked by Terraform's own lock file (`use_lockfile`,
 * Terraform >= 1.11); a DynamoDB lock table is still accepted, deprecated, for the migration.
 */
import { ConstructError } from './construct-error';
import { LocalBackend, S3Backend, type TerraformStack } from 'cdktf';

export type StateBackendOptions =
  | {
      readonly kind: 'local';
      /**
       * Absolute directory of the state files (`<dir>/terraform.<stack>.tfstate`); the edge gives
       * the repository root (stateBackendFromEnv's `localDir`).
       * @default relative to the stack's directory, next to the output directory (a stack built in
       * code: its state then moves with `--out`)
       */
      readonly dir?: string;
    }
  | {
      readonly kind: 's3';
      readonly bucket: string;
      /** @default the environment's region */
      readonly region?: string;
      /** Key prefix; the key is `<prefix>/warren-<env>.tfstate`. @default 'warren' */
      readonly keyPrefix?: string;
      /** KMS key (id, ARN or alias) for SSE-KMS of the state object. @default the bucket's default encryption (SSE-S3) */
      readonly kmsKeyId?: string;
      /**
       * Deprecated: a DynamoDB table (partition key `LockID`, string) locking the state as well as
       * the lock file, while moving off it (Terraform deprecates the table). @default none
       */
      readonly lockTable?: string;
    };

/** The environment variables that select the S3 backend (see docs/stacks.md). */
export const STATE_ENV = {
  bucket: 'WARREN_STATE_BUCKET',
  region: 'WARREN_STATE_REGION',
  keyPrefix: 'WARREN_STATE_KEY_PREFIX',
  kmsKeyId: 'WARREN_STATE_KMS_KEY_ID',
  lockTable: 'WARREN_STATE_LOCK_TABLE',
} as const;

export interface StateDefaults {
  /**
   * Absolute directory of local state files; the edge passes the repository root.
   * @default none: the stack-relative default of StateBackendOptions
   */
  readonly localDir?: string;
}

function isAbsolute(dir: string): boolean {
  return dir.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(dir);
}

/** S3 when WARREN_STATE_BUCKET is set, else local (in `defaults.localDir`). */
export function stateBackendFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  defaults: StateDefaults = {},
): StateBackendOptions {
  const bucket = env[STATE_ENV.bucket];
  if (bucket === undefined || bucket === '') {
    for (const key of [STATE_ENV.region, STATE_ENV.keyPrefix, STATE_ENV.kmsKeyId, STATE_ENV.lockTable]) {
      if (env[key])
        throw new ConstructError(
          `${key} is set but ${STATE_ENV.bucket} is not; set the bucket too, or unset ${key}`,
        );
    }
    return { kind: 'local', ...(defaults.localDir !== undefined ? { dir: defaults.localDir } : {}) };
  }
  const region = env[STATE_ENV.region];
  const keyPrefix = env[STATE_ENV.keyPrefix];
  const kmsKeyId = env[STATE_ENV.kmsKeyId];
  const lockTable = env[STATE_ENV.lockTable];
  return {
    kind: 's3',
    bucket,
    ...(region ? { region } : {}),
    ...(keyPrefix ? { keyPrefix } : {}),
    ...(kmsKeyId ? { kmsKeyId } : {}),
    ...(lockTable ? { lockTable } : {}),
  };
}

/** Configures `stack`'s backend and returns a one-line description for the review summary. */
export function applyStateBackend(
  stack: TerraformStack,
  stackName: string,
  region: string,
  options: StateBackendOptions,
): string {
  if (options.kind === 'local') {
    const file = `terraform.${stackName}.tfstate`;
    if (options.dir === undefined) {
      // Terraform runs in <outdir>/stacks/<stack>; three levels up is the output directory's parent.
      const statePath = `../../../${file}`;
      new LocalBackend(stack, { path: statePath });
      return `local file ${statePath} (relative to the stack's directory, <out>/stacks/${stackName})`;
    }
    if (!isAbsolute(options.dir)) {
      throw new ConstructError(
        `state dir '${options.dir}' is relative; give an absolute directory (the state must not move with the output directory)`,
      );
    }
    const statePath = `${options.dir.replace(/[\\/]+$/, '')}/${file}`;
    new LocalBackend(stack, { path: statePath });
    return `local file ${statePath}`;
  }
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(options.bucket)) {
    throw new ConstructError(
      `state bucket '${options.bucket}' is not a valid S3 bucket name; check ${STATE_ENV.bucket}`,
    );
  }
  const key = `${options.keyPrefix ?? 'warren'}/${stackName}.tfstate`;
  new S3Backend(stack, {
    bucket: options.bucket,
    key,
    region: options.region ?? region,
    encrypt: true,
    ...(options.kmsKeyId !== undefined ? { kmsKeyId: options.kmsKeyId } : {}),
    ...(options.lockTable !== undefined ? { dynamodbTable: options.lockTable } : {}),
  });
  // Terraform >= 1.11 locks with a `<key>.tflock` object next to the state; cdktf 0.21's
  // S3BackendConfig has no field for it yet.
  stack.addOverride('terraform.backend.s3.use_lockfile', true);
  const encryption = options.kmsKeyId !== undefined ? `SSE-KMS with ${options.kmsKeyId}` : 'encrypted';
  const lock =
    options.lockTable !== undefined
      ? `locked by its lock file and (deprecated) DynamoDB table ${options.lockTable}`
      : 'locked by its lock file';
  return `s3://${options.bucket}/${key}, ${encryption}, ${lock}`;
}

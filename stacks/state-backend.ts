/**
 * Where each stack keeps its Terraform state. Local by default, at a path relative to the stack's
 * working directory (`<outdir>/stacks/warren-<env>/`), so the synthesized JSON carries no path of
 * the machine that synthesized it and the state file ends up next to the output directory:
 * `terraform.warren-<env>.tfstate` in the project root for the default `cdktf.out` (git ignores it).
 * Optionally an S3 bucket, encrypted, with a DynamoDB lock table.
 */
import { ConstructError } from './construct-error';
import { LocalBackend, S3Backend, type TerraformStack } from 'cdktf';

export type StateBackendOptions =
  | {
      readonly kind: 'local';
      /**
       * Directory of the state files, relative to the output directory's parent.
       * @default '.' (next to the output directory)
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
      /** DynamoDB table (partition key `LockID`, string) that locks the state. @default no locking */
      readonly lockTable?: string;
    };

/** The environment variables that select the S3 backend (see docs/stacks.md). */
export const STATE_ENV = {
  bucket: 'WARREN_STATE_BUCKET',
  region: 'WARREN_STATE_REGION',
  keyPrefix: 'WARREN_STATE_KEY_PREFIX',
  lockTable: 'WARREN_STATE_LOCK_TABLE',
} as const;

/** S3 when WARREN_STATE_BUCKET is set, else local. */
export function stateBackendFromEnv(env: NodeJS.ProcessEnv = process.env): StateBackendOptions {
  const bucket = env[STATE_ENV.bucket];
  if (bucket === undefined || bucket === '') {
    for (const key of [STATE_ENV.region, STATE_ENV.keyPrefix, STATE_ENV.lockTable]) {
      if (env[key])
        throw new ConstructError(
          `${key} is set but ${STATE_ENV.bucket} is not; set the bucket too, or unset ${key}`,
        );
    }
    return { kind: 'local' };
  }
  const region = env[STATE_ENV.region];
  const keyPrefix = env[STATE_ENV.keyPrefix];
  const lockTable = env[STATE_ENV.lockTable];
  return {
    kind: 's3',
    bucket,
    ...(region ? { region } : {}),
    ...(keyPrefix ? { keyPrefix } : {}),
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
    const dir = options.dir ?? '.';
    if (dir.startsWith('/') || /^[a-zA-Z]:/.test(dir)) {
      throw new ConstructError(
        `state dir '${dir}' is absolute; give a path relative to the output directory's parent`,
      );
    }
    // Terraform runs in <outdir>/stacks/<stack>; three levels up is the output directory's parent.
    const statePath = [
      '..',
      '..',
      '..',
      ...(dir === '.' ? [] : [dir]),
      `terraform.${stackName}.tfstate`,
    ].join('/');
    new LocalBackend(stack, { path: statePath });
    return `local file ${statePath} (relative to the stack's directory, <out>/stacks/${stackName})`;
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
    ...(options.lockTable !== undefined ? { dynamodbTable: options.lockTable } : {}),
  });
  return `s3://${options.bucket}/${key}${options.lockTable ? ` locked by DynamoDB table ${options.lockTable}` : ' (no lock table)'}`;
}

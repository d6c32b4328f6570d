/**
 * What `warren bake` checks before it does anything: Packer ≥ 1.7 and AWS credentials. The
 * decision is a pure function over facts (`preflightProblems`), so each refusal is testable; the
 * facts are gathered at the edge (`gatherPreflightFacts`: runs `packer version`, reads the
 * environment and the ~/.aws files).
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MIN_PACKER_VERSION } from '../images';
import { versionHas, WarrenError } from '../topology';
import { runSync } from '../workspace';

export interface PreflightFacts {
  /** The Packer command that would run. */
  readonly packerCommand: string;
  /** `packer version`'s first line, or undefined when Packer could not be run (not installed). */
  readonly packerVersionOutput: string | undefined;
  /** The AWS_* variables of the environment. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** ~/.aws/credentials and ~/.aws/config (or AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE), when present. */
  readonly credentialsFile?: { readonly path: string; readonly text: string };
  readonly configFile?: { readonly path: string; readonly text: string };
}

export interface PreflightProblem {
  readonly what: string;
  readonly fix: string;
}

/** Refused by the preflight: every problem, each with how to fix it. */
export class BakePreflightError extends WarrenError {
  constructor(readonly problems: readonly PreflightProblem[]) {
    super(
      `cannot bake (nothing was done):\n${problems.map((p) => `  - ${p.what}\n    fix: ${p.fix}`).join('\n')}`,
    );
    this.name = 'BakePreflightError';
  }
}

const INSTALL_PACKER =
  "install Packer ≥ 1.7 from HashiCorp (https://developer.hashicorp.com/packer/install: HashiCorp's apt repository, then apt-get install packer), or point WARREN_PACKER at a packer binary";

export function parsePackerVersion(output: string): [number, number, number] | undefined {
  const m = /(\d+)\.(\d+)\.(\d+)/.exec(output);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** INI sections (`[default]`, `[profile x]`) → their keys. */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (section?.[1]) {
      current = new Map();
      sections.set(section[1], current);
      continue;
    }
    const kv = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (kv?.[1] && current) current.set(kv[1].toLowerCase(), kv[2] ?? '');
  }
  return sections;
}

/** Keys that make a profile a source of credentials (static keys, SSO, a process, an assumed role). */
function profileHasCredentials(keys: Map<string, string> | undefined): boolean {
  if (!keys) return false;
  return (
    (keys.has('aws_access_key_id') && keys.has('aws_secret_access_key')) ||
    ['sso_start_url', 'sso_session', 'credential_process', 'role_arn', 'web_identity_token_file'].some((k) =>
      keys.has(k),
    )
  );
}

/** Where credentials come from, as the AWS SDKs look, or undefined when there are none. */
export function findCredentials(facts: PreflightFacts): string | undefined {
  const env = facts.env;
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) return 'AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY';
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN) return 'AWS_WEB_IDENTITY_TOKEN_FILE/AWS_ROLE_ARN';
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI)
    return 'container credentials';
  const profile = env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || 'default';
  const credentials = facts.credentialsFile ? parseIni(facts.credentialsFile.text) : new Map();
  const config = facts.configFile ? parseIni(facts.configFile.text) : new Map();
  if (profileHasCredentials(credentials.get(profile)))
    return `profile '${profile}' in ${facts.credentialsFile?.path}`;
  const configSection =
    profile === 'default'
      ? (config.get('default') ?? config.get('profile default'))
      : config.get(`profile ${profile}`);
  if (profileHasCredentials(configSection)) return `profile '${profile}' in ${facts.configFile?.path}`;
  return undefined;
}

/** Every reason the bake cannot start; empty when it can. Pure. */
export function preflightProblems(facts: PreflightFacts): PreflightProblem[] {
  const problems: PreflightProblem[] = [];
  if (facts.packerVersionOutput === undefined) {
    problems.push({
      what: `Packer is not installed ('${facts.packerCommand}' was not found)`,
      fix: INSTALL_PACKER,
    });
  } else {
    const version = parsePackerVersion(facts.packerVersionOutput);
    if (!version) {
      problems.push({
        what: `cannot tell the version of '${facts.packerCommand}' (it said: ${facts.packerVersionOutput.trim()})`,
        fix: INSTALL_PACKER,
      });
    } else if (!versionHas(version.join('.'), { since: MIN_PACKER_VERSION })) {
      problems.push({
        what: `Packer ${version.join('.')} is older than ${MIN_PACKER_VERSION} (needed for required_plugins and packer init; Debian's packer package is 1.6.6)`,
        fix: INSTALL_PACKER,
      });
    }
  }
  if (!findCredentials(facts)) {
    const profile = facts.env.AWS_PROFILE || facts.env.AWS_DEFAULT_PROFILE;
    const looked = [
      'AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
      profile ? `profile '${profile}' (AWS_PROFILE)` : "the 'default' profile",
      facts.credentialsFile?.path ?? 'no ~/.aws/credentials',
      facts.configFile?.path ?? 'no ~/.aws/config',
    ];
    problems.push({
      what: `no AWS credentials (looked at ${looked.join(', ')})`,
      fix: 'run `aws configure` (or `aws configure sso`, then export AWS_PROFILE=NAME), or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    });
  }
  return problems;
}

/** The Packer binary: WARREN_PACKER, else `packer` on PATH. */
export function packerCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.WARREN_PACKER || 'packer';
}

function readIfPresent(file: string): { path: string; text: string } | undefined {
  return existsSync(file) ? { path: file, text: readFileSync(file, 'utf8') } : undefined;
}

/** The I/O edge: runs `packer version`, reads AWS_* and the ~/.aws files. */
export function gatherPreflightFacts(env: NodeJS.ProcessEnv = process.env): PreflightFacts {
  const command = packerCommand(env);
  let output: string | undefined;
  try {
    const r = runSync(command, ['version'], { env, timeoutMs: 30_000 });
    if (r.code === 0) output = r.stdout.split('\n')[0] ?? '';
  } catch {
    // Not found or not executable: the preflight says so.
  }
  const home = env.HOME ?? os.homedir();
  const awsEnv = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('AWS_')));
  return {
    packerCommand: command,
    packerVersionOutput: output,
    env: awsEnv,
    credentialsFile: readIfPresent(env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(home, '.aws', 'credentials')),
    configFile: readIfPresent(env.AWS_CONFIG_FILE ?? path.join(home, '.aws', 'config')),
  };
}

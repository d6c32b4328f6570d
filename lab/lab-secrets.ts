/**
 * The lab's secrets: generated once per lab into its state dir (files 0600 in a 0700 dir), the way
 * the stack generates them into SSM. Values are never printed; only the credentials file's path is.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  ADMIN_USERNAME,
  hostsOf,
  SECRET_KEYS,
  tlsNamesFor,
  tlsOn,
  type SecretKey,
  type TlsSecretKey,
  type Topology,
} from '../topology';
import { ensureCa, ensureHostCert, labTlsDir } from './lab-ca';
import { credentialsFile, secretsDir } from './paths';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Unbiased random string over `alphabet` (rejection sampling on random bytes). */
export function randomString(length: number, alphabet: string): string {
  let out = '';
  const limit = 256 - (256 % alphabet.length);
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < limit && out.length < length) out += alphabet[b % alphabet.length];
    }
  }
  return out;
}

/** One secret's value. VRRP PASS authentication uses only 8 characters, so that one is 8 long. */
export function generateSecret(key: SecretKey): string {
  switch (key) {
    case 'erlang-cookie':
      return randomString(32, UPPER);
    case 'vrrp-password':
      return randomString(8, ALNUM);
    default:
      return randomString(32, ALNUM);
  }
}

export type LabSecrets = Readonly<Record<SecretKey, string>>;

/** Creates the environment's secrets if missing and returns them (for seeding instances). */
export function ensureLabSecrets(env: string): LabSecrets {
  const dir = secretsDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const values = {} as Record<SecretKey, string>;
  for (const key of SECRET_KEYS) {
    const file = path.join(dir, key);
    if (!existsSync(file)) writeFileSync(file, generateSecret(key), { mode: 0o600 });
    values[key] = readFileSync(file, 'utf8');
  }
  const creds = credentialsFile(env);
  writeFileSync(
    creds,
    JSON.stringify({ username: ADMIN_USERNAME, password: values['admin-password'] }, null, 2) + '\n',
    {
      mode: 0o600,
    },
  );
  chmodSync(creds, 0o600);
  return values;
}

export interface LabCredentials {
  readonly username: string;
  readonly password: string;
}

export function readCredentials(env: string): LabCredentials {
  return JSON.parse(readFileSync(credentialsFile(env), 'utf8')) as LabCredentials;
}

/**
 * One host's TLS material as its secrets backend hands it over (`tls-ca`, `tls-cert`, `tls-key`),
 * made by the lab's own CA (lab-ca.ts) for the same names the stack gives: the host's name and IP
 * and the front door's address (the VIP, or the NLB stand-in's address and name). Nothing for an
 * environment without TLS, nor for the lab's own hosts (the NLB stand-in passes TLS through).
 */
export function labTlsSecrets(
  t: Topology,
  host: string,
  frontDoor: { readonly ip: string; readonly dns?: string },
): Partial<Record<TlsSecretKey, string>> {
  if (!tlsOn(t)) return {};
  const h = hostsOf(t).find((x) => x.name === host);
  if (!h) return {};
  const root = labTlsDir(t.name);
  const ca = ensureCa(root, `warren ${t.name} lab CA`);
  const files = ensureHostCert(root, ca, h.name, tlsNamesFor(h, frontDoor));
  return {
    'tls-ca': readFileSync(ca.cert, 'utf8'),
    'tls-cert': readFileSync(files.cert, 'utf8'),
    'tls-key': readFileSync(files.key, 'utf8'),
  };
}

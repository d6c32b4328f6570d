/**
 * The lab's CA, made with openssl in place of the stack's tls provider: one ECDSA P-256 CA per lab
 * environment and a certificate per host signed by it, with the same names and lifetimes the stack
 * gives (topology `tlsNamesFor`, TLS_LIFETIMES). Kept in the lab's state dir: the CA certificate
 * readable (clients need it), every private key in a 0700 directory, files 0600.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TLS_LIFETIMES, type TlsNames } from '../topology';
import { runSync } from '../workspace';
import { envStateDir } from './paths';

export interface CaFiles {
  /** The CA certificate (PEM): what clients trust. */
  readonly cert: string;
  readonly key: string;
}

export interface HostCertFiles {
  readonly cert: string;
  readonly key: string;
}

/** `<state>/<env>/tls`: ca.pem, certs/<host>.pem, private/ (ca.key, <host>.key). */
export function labTlsDir(env: string): string {
  return path.join(envStateDir(env), 'tls');
}

export function labCaFile(env: string): string {
  return path.join(labTlsDir(env), 'ca.pem');
}

function openssl(args: readonly string[], what: string): void {
  const r = runSync('openssl', args, { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`openssl could not ${what}: ${r.stderr.trim()}`);
}

const days = (hours: number) => String(Math.floor(hours / 24));

function dirs(root: string): { certs: string; priv: string } {
  const certs = path.join(root, 'certs');
  const priv = path.join(root, 'private');
  mkdirSync(certs, { recursive: true, mode: 0o755 });
  mkdirSync(priv, { recursive: true, mode: 0o700 });
  chmodSync(priv, 0o700);
  return { certs, priv };
}

function newKey(file: string): void {
  // SEC1 ("EC PRIVATE KEY"), the form every Erlang that passes the TLS gate reads.
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', file], 'make a key');
  chmodSync(file, 0o600);
}

/** The CA of `root` (a directory), made once. */
export function ensureCa(root: string, commonName: string): CaFiles {
  const { priv } = dirs(root);
  const cert = path.join(root, 'ca.pem');
  const key = path.join(priv, 'ca.key');
  if (existsSync(cert) && existsSync(key)) return { cert, key };
  newKey(key);
  openssl(
    [
      'req',
      '-x509',
      '-new',
      '-key',
      key,
      '-sha256',
      '-days',
      days(TLS_LIFETIMES.caHours),
      '-subj',
      `/CN=${commonName}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-out',
      cert,
    ],
    'make the CA certificate',
  );
  chmodSync(cert, 0o644);
  return { cert, key };
}

/** `host`'s key and certificate signed by `ca`, made once (again when the names change). */
export function ensureHostCert(root: string, ca: CaFiles, host: string, names: TlsNames): HostCertFiles {
  const { certs, priv } = dirs(root);
  const cert = path.join(certs, `${host}.pem`);
  const key = path.join(priv, `${host}.key`);
  const san = [...names.dns.map((d) => `DNS:${d}`), ...names.ips.map((i) => `IP:${i}`)].join(',');
  const sanFile = path.join(priv, `${host}.san`);
  if (existsSync(cert) && existsSync(key) && existsSync(sanFile) && readFileSync(sanFile, 'utf8') === san)
    return { cert, key };
  const csr = path.join(priv, `${host}.csr`);
  const ext = path.join(priv, `${host}.ext`);
  newKey(key);
  openssl(['req', '-new', '-key', key, '-subj', `/CN=${host}`, '-out', csr], `make ${host}'s request`);
  writeFileSync(
    ext,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth,clientAuth',
      `subjectAltName=${san}`,
    ].join('\n') + '\n',
    { mode: 0o600 },
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      ca.cert,
      '-CAkey',
      ca.key,
      '-set_serial',
      `0x${Date.now().toString(16)}${Math.floor(Math.random() * 0xffff).toString(16)}`,
      '-sha256',
      '-days',
      days(TLS_LIFETIMES.hostHours),
      '-extfile',
      ext,
      '-out',
      cert,
    ],
    `sign ${host}'s certificate`,
  );
  chmodSync(cert, 0o644);
  rmSync(csr, { force: true });
  rmSync(ext, { force: true });
  writeFileSync(sanFile, san, { mode: 0o600 });
  return { cert, key };
}

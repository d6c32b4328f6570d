/**
 * TLS in the lab (issue 16) on the shared lts lab, which ships rabbitmq.tls 'required', whichever
 * RabbitMQ its lab image runs: the lab's CA signs every host's certificate (openssl, the stand-in
 * for the stack's tls provider) and hands it to the same boot scripts through the file secrets
 * backend. Proven: the chain and the names verify (openssl, on the files and on what a node serves),
 * a real client publishes and consumes over AMQPS through the front door verifying the nodes'
 * certificates and the front door's address, a wrong name is refused, management answers over
 * HTTPS, HAProxy's stats page is served over HTTPS only, and no plaintext port answers.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { clientNetns, type LabStatus } from '../../lab';
import { labTlsDir } from '../../lab/lab-ca';
import { secretsDir } from '../../lab/paths';
import { PORTS, STATS_USERNAME } from '../../topology';
import { run, loadEnvironment } from '../../workspace';
import { fromClient, inHost, sharedLab, tcpFromClient } from './lab-helpers';

const ENV = 'lts';
const t = loadEnvironment(ENV).topology;

interface TlsClientResult {
  confirmed?: number;
  consumed?: number;
  management?: number;
  protocol?: string;
  error?: string;
}

async function openssl(args: string[], netns?: string): Promise<{ code: number; out: string }> {
  const argv = netns ? ['ip', 'netns', 'exec', netns, 'openssl', ...args] : ['openssl', ...args];
  const r = await run(argv[0]!, argv.slice(1), { timeoutMs: 30_000, input: '' });
  return { code: r.code, out: `${r.stdout}${r.stderr}` };
}

describe('lts lab over TLS', () => {
  let lab: LabStatus;
  beforeAll(async () => {
    expect(t.rabbitmq.tls).toBe('required');
    lab = await sharedLab(ENV);
  }, 900_000);

  it('status --json names the TLS ports and the CA file', () => {
    expect(lab.endpoint.amqpsPort).toBe(PORTS.amqps);
    expect(lab.endpoint.managementTlsPort).toBe(PORTS.managementTls);
    expect(lab.caFile).toBe(path.join(labTlsDir(ENV), 'ca.pem'));
    expect(readFileSync(lab.caFile!, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it("openssl verifies every host's certificate against the CA, for its name, its IP and the VIP", async () => {
    const vip = t.frontDoor.kind === 'keepalived' ? t.frontDoor.vip : lab.endpoint.address;
    for (const h of lab.hosts.filter((x) => x.role === 'rabbitmq' || x.role === 'haproxy')) {
      const cert = path.join(labTlsDir(ENV), 'certs', `${h.name}.pem`);
      for (const check of [
        ['-verify_hostname', h.name],
        ['-verify_ip', h.ip],
        ['-verify_ip', vip],
      ]) {
        const r = await openssl(['verify', '-CAfile', lab.caFile!, '-purpose', 'sslserver', ...check, cert]);
        expect(r.out, `${h.name} ${check.join(' ')}`).toMatch(/: OK/);
      }
      // The check can fail: another address is not in the certificate.
      expect(
        (await openssl(['verify', '-CAfile', lab.caFile!, '-verify_ip', '10.9.9.9', cert])).code,
      ).not.toBe(0);
    }
  });

  it('each node serves its own certificate, installed at boot with owner and mode, and it verifies', async () => {
    for (const n of t.rabbitmq.nodes) {
      const ls = await inHost(ENV, n.name, ['stat', '-c', '%U:%G %a %n', '/etc/rabbitmq/tls/key.pem']);
      expect(ls.trim()).toBe('root:rabbitmq 640 /etc/rabbitmq/tls/key.pem');
      // Management over HTTPS straight to the node (admins have direct access in the lab; no PROXY header there).
      const r = await openssl(
        [
          's_client',
          '-connect',
          `${n.ip}:${PORTS.managementTls}`,
          '-CAfile',
          lab.caFile!,
          '-verify_return_error',
          '-verify_ip',
          n.ip,
          '-brief',
        ],
        clientNetns(ENV),
      );
      expect(r.out, n.name).toMatch(/Verification: OK/);
      expect(r.out).toMatch(/Protocol version: TLSv1\.[23]/);
      expect(r.out).toContain(`CN = ${n.name}`);
    }
  });

  it('publishes and consumes over AMQPS through the front door, verifying the certificate and the address', async () => {
    const r = await fromClient<TlsClientResult>(ENV, 'tls-client.ts', [
      lab.endpoint.address,
      String(lab.endpoint.amqpsPort),
      String(lab.endpoint.managementTlsPort),
      lab.credentials,
      lab.caFile!,
      lab.endpoint.address,
      '500',
    ]);
    expect(r.error).toBeUndefined();
    expect(r).toMatchObject({ confirmed: 500, consumed: 500, management: 200 });
    expect(r.protocol).toMatch(/^TLSv1\.[23]$/);
  });

  it('refuses a name the certificates do not carry', async () => {
    const r = await fromClient<TlsClientResult>(ENV, 'tls-client.ts', [
      lab.endpoint.address,
      String(lab.endpoint.amqpsPort),
      String(lab.endpoint.managementTlsPort),
      lab.credentials,
      lab.caFile!,
      'not-a-warren-host.example',
      '1',
    ]);
    expect(r.error).toMatch(/altnames|Hostname\/IP does not match/i);
  });

  it("serves HAProxy's stats page over HTTPS with the host's certificate, behind its password, and not in plaintext", async () => {
    const password = readFileSync(path.join(secretsDir(ENV), 'stats-password'), 'utf8');
    for (const h of lab.hosts.filter((x) => x.role === 'haproxy')) {
      const s = await openssl(
        [
          's_client',
          '-connect',
          `${h.ip}:${PORTS.haproxyStats}`,
          '-CAfile',
          lab.caFile!,
          '-verify_return_error',
          '-verify_ip',
          h.ip,
          '-brief',
        ],
        clientNetns(ENV),
      );
      expect(s.out, h.name).toMatch(/Verification: OK/);
      expect(s.out).toContain(`CN = ${h.name}`);
      // The password goes through curl's config on stdin, never argv.
      const curl = async (url: string, config: string) =>
        run(
          'ip',
          [
            'netns',
            'exec',
            clientNetns(ENV),
            'curl',
            '-sS',
            '--max-time',
            '10',
            '--cacert',
            lab.caFile!,
            '-K',
            '-',
            '-o',
            '/dev/null',
            '-w',
            '%{http_code}',
            url,
          ],
          { input: config, timeoutMs: 30_000 },
        );
      const https = `https://${h.ip}:${PORTS.haproxyStats}/`;
      const quoted = `${STATS_USERNAME}:${password}`.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
      expect((await curl(https, `user = "${quoted}"\n`)).stdout, `${h.name} with the password`).toBe('200');
      expect((await curl(https, '')).stdout, `${h.name} without it`).toBe('401');
      // Plain HTTP on the stats port gets no stats page (HAProxy answers a TLS port's plaintext with an error).
      const plain = await curl(`http://${h.ip}:${PORTS.haproxyStats}/`, `user = "${quoted}"\n`);
      expect(plain.stdout, `${h.name} over plain http`).not.toBe('200');
    }
  });

  it("with 'required', plaintext AMQP and management do not answer, through the front door or at a node", async () => {
    for (const port of [PORTS.amqp, PORTS.management]) {
      expect(await tcpFromClient(ENV, lab.endpoint.address, port), `front door ${port}`).not.toBe('open');
      for (const n of t.rabbitmq.nodes)
        expect(await tcpFromClient(ENV, n.ip, port), `${n.name} ${port}`).not.toBe('open');
    }
  });
});

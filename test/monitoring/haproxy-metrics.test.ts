// The HAProxy exporter frontend as rendered for the lts front door, run by the installed HAProxy 2.6
// on 127.0.0.1 (ports 46001+; servers pointed at closed loopback ports, so every node is down): it
// serves the series the front-door rules read, and they say the backend has no server up. lts ships
// rabbitmq.tls 'required': the backends are the TLS ones (passthrough), the stats page is HTTPS with
// a certificate an openssl CA made (lab/lab-ca.ts), and the exporter stays plain HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAPROXY_CFG_PATH, renderHostFiles, STATS_PASSWORD_VAR } from '../../cloudinit';
import { HAPROXY_TLS } from '../../cloudinit/tls-files';
import { ensureCa, ensureHostCert } from '../../lab/lab-ca';
import { alertRules } from '../../monitoring';
import { PORTS } from '../../topology';
import { shippedTopologies } from '../cloudinit/helpers';
import { assertPortsFree, portOpen } from '../support/ports';
import { waitFor } from '../support/wait-for';

const BINDS: Record<number, number> = {
  [PORTS.amqp]: 46001,
  [PORTS.management]: 46002,
  [PORTS.amqps]: 46001,
  [PORTS.managementTls]: 46002,
  [PORTS.haproxyStats]: 46003,
  [PORTS.haproxyMetrics]: 46004,
};
/** Nothing listens here: the nodes behind HAProxy are all down. */
const CLOSED = [46011, 46012];

const t = shippedTopologies().find((x) => x.name === 'lts')!;
/** The client backends' names per rabbitmq.tls: the plaintext ones, or the TLS passthrough ones. */
const [AMQP_BACKEND, MANAGEMENT_BACKEND] =
  t.rabbitmq.tls === 'required'
    ? ['rabbitmq-amqps', 'rabbitmq-management-tls']
    : ['rabbitmq-amqp', 'rabbitmq-management'];
let dir: string;
let haproxy: ChildProcess | undefined;

beforeAll(async () => {
  await assertPortsFree([...new Set(Object.values(BINDS)), ...CLOSED]);
  dir = mkdtempSync(path.join(tmpdir(), 'warren-monitoring-haproxy-'));
  // The stats page's PEM (certificate, then key) as warren-install-tls writes it.
  const ca = ensureCa(path.join(dir, 'tls'), 'warren test CA');
  const host = ensureHostCert(path.join(dir, 'tls'), ca, 'haproxy-01', {
    dns: ['haproxy-01'],
    ips: ['127.0.0.1'],
  });
  const pem = path.join(dir, 'stats.pem');
  writeFileSync(pem, readFileSync(host.cert, 'utf8') + readFileSync(host.key, 'utf8'));
  const cfg = renderHostFiles(t, 'haproxy-01', 'lab')
    .find((f) => f.path === HAPROXY_CFG_PATH)!
    .content.split('\n')
    // Root-only or host-only settings of the real host; the sections under test stay as rendered.
    .filter((l) => !/^\s+(chroot|user|group|stats socket|log \/dev\/log)\b/.test(l))
    .map((l) =>
      l
        .replace(
          /^(\s+bind ):(\d+)( ssl crt \S+)?$/,
          (_, b: string, p: string, ssl?: string) =>
            `${b}127.0.0.1:${BINDS[Number(p)]}${ssl ? ssl.replace(HAPROXY_TLS.pem, pem) : ''}`,
        )
        .replace(/^(\s+server \S+ )\S+ check port (\d+)/, (_, s: string, p: string) => {
          const closed = CLOSED[Number(p) === PORTS.amqp || Number(p) === PORTS.amqps ? 0 : 1];
          return `${s}127.0.0.1:${closed} check port ${closed}`;
        }),
    )
    .join('\n');
  expect(cfg).toContain('prometheus-exporter');
  const file = path.join(dir, 'haproxy.cfg');
  writeFileSync(file, cfg);
  haproxy = spawn('haproxy', ['-db', '-f', file], {
    env: { ...process.env, [STATS_PASSWORD_VAR]: 'test' },
    stdio: 'ignore',
  });
  await waitFor('HAProxy serving metrics', () => portOpen(BINDS[PORTS.haproxyMetrics]!), 20_000);
}, 60_000);

afterAll(() => {
  if (haproxy?.pid !== undefined) process.kill(haproxy.pid, 'SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the HAProxy exporter serves what the front-door rules read', () => {
  it('haproxy_backend_active_servers is 0 for both backends once the checks fail', async () => {
    const used = new Set(
      alertRules(t).flatMap((r) => [...r.expr.matchAll(/([a-z_]+)\{job="haproxy"/g)].map((m) => m[1]!)),
    );
    expect([...used]).toEqual(['haproxy_backend_active_servers']);
    const value = (text: string, proxy: string) =>
      new RegExp(`^haproxy_backend_active_servers\\{proxy="${proxy}"\\} (\\d+)$`, 'm').exec(text)?.[1];
    let text = '';
    // Two failed checks 1 s apart take a server out (default-server inter 1s fall 2).
    await waitFor(
      'both backends with no server up',
      async () => {
        text = await (await fetch(`http://127.0.0.1:${BINDS[PORTS.haproxyMetrics]}/metrics`)).text();
        return value(text, AMQP_BACKEND) === '0' && value(text, MANAGEMENT_BACKEND) === '0';
      },
      20_000,
      500,
    );
    expect(text).toMatch(
      new RegExp(
        `^haproxy_server_check_failures_total\\{proxy="${AMQP_BACKEND}",server="rabbit-01"\\} \\d+$`,
        'm',
      ),
    );
  });

  it('only /metrics is the exporter', async () => {
    const r = await fetch(`http://127.0.0.1:${BINDS[PORTS.haproxyMetrics]}/other`);
    expect(r.status).not.toBe(200);
  });
});

// warren-cert-expiry, the boot-installed script behind warren_tls_certificate_not_after_timestamp_seconds:
// run for real on certificates openssl makes here, laid out as warren-install-tls lays them out on
// each role, its values held to openssl's own notAfter and its output checked by promtool as
// node_exporter's textfile collector would read it.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderHostFiles, WARREN_ENV_FILE } from '../../cloudinit';
import { CERT_NOT_AFTER_METRIC } from '../../monitoring';
import { NODE_EXPORTER_TEXTFILE_DIR } from '../../topology/capabilities/exporter-packages';
import type { Topology } from '../../topology';
import { run, SCRIPTS_DIR, topologyNamed, withTempDir } from '../cloudinit/helpers';
import { expectPromtoolAccepts, unitEnvironment } from './textfile';

const SCRIPT = path.join(SCRIPTS_DIR, 'warren-cert-expiry');
const PROM = `${CERT_NOT_AFTER_METRIC}.prom`;

function ok(r: { code: number | null; out: string }): string {
  expect(r.code, r.out).toBe(0);
  return r.out;
}

/** A self-signed certificate valid for `days`, and its key, under dir/name.{pem,key}. */
function certificate(dir: string, name: string, days: number): { cert: string; key: string } {
  const cert = path.join(dir, `${name}.pem`);
  const key = path.join(dir, `${name}.key`);
  ok(
    run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      `/CN=${name}`,
      '-days',
      String(days),
      '-keyout',
      key,
      '-out',
      cert,
    ]),
  );
  return { cert, key };
}

/** openssl's notAfter of the first certificate in `file`, as Unix seconds (ISO form, parsed here). */
function notAfter(file: string): number {
  const out = ok(run('openssl', ['x509', '-enddate', '-noout', '-dateopt', 'iso_8601', '-in', file]));
  const m = /^notAfter=(.+)$/m.exec(out);
  if (!m) throw new Error(`no notAfter in ${out}`);
  return Date.parse(m[1]!.trim().replace(' ', 'T')) / 1000;
}

/** Runs the script with the host's rendered facts, its TLS paths pointed at `files`. */
function expiryIn(dir: string, t: Topology, host: string, files: Record<string, string>) {
  const facts = renderHostFiles(t, host, 'lab').find((f) => f.path === WARREN_ENV_FILE)!.content;
  const factsFile = path.join(dir, 'warren.env');
  const platformFile = path.join(dir, 'platform.env');
  const overrides = Object.entries(files).map(([k, v]) => `${k}=${v}\n`);
  writeFileSync(factsFile, facts + overrides.join(''));
  writeFileSync(platformFile, '');
  const textfiles = path.join(dir, 'textfiles');
  const r = run(SCRIPT, [], {
    ...process.env,
    WARREN_FACTS_FILE: factsFile,
    WARREN_PLATFORM_FILE: platformFile,
    WARREN_TEXTFILE_DIR: textfiles,
    WARREN_CERT_EXPIRY_METRIC: CERT_NOT_AFTER_METRIC,
  });
  return { ...r, textfiles };
}

describe('warren-cert-expiry', () => {
  // Each role of an environment with TLS on: dev has keepalived HAProxy hosts.
  const base = topologyNamed('dev');
  const t: Topology = { ...base, rabbitmq: { ...base.rabbitmq, tls: 'required' } };

  it('its unit writes where the package textfile collector reads, under the metric the rules read', () => {
    expect(unitEnvironment('warren-cert-expiry.service')).toEqual({
      WARREN_TEXTFILE_DIR: NODE_EXPORTER_TEXTFILE_DIR,
      WARREN_CERT_EXPIRY_METRIC: CERT_NOT_AFTER_METRIC,
    });
    expect(readFileSync(path.join(SCRIPTS_DIR, 'warren-cert-expiry.timer'), 'utf8')).toMatch(
      /^WantedBy=timers\.target$/m,
    );
  });

  it('the boot scripts enable its timer exactly when rabbitmq.tls is not off', () => {
    for (const boot of ['warren-rabbitmq-boot', 'warren-haproxy-boot'])
      expect(readFileSync(path.join(SCRIPTS_DIR, boot), 'utf8'), boot).toContain(
        'if [[ "${WARREN_TLS:-off}" != off ]]; then systemctl enable --now warren-cert-expiry.timer; fi',
      );
  });

  it("a RabbitMQ node: the CA's and the certificate's notAfter, as openssl reads them; promtool accepts it", () => {
    withTempDir('cert-expiry', (dir) => {
      const ca = certificate(dir, 'ca', 3650);
      const host = certificate(dir, 'host', 40);
      const r = expiryIn(dir, t, 'rabbit-01', { WARREN_TLS_CA: ca.cert, WARREN_TLS_CERT: host.cert });
      ok(r);
      // Only the final file: the temporary one was renamed, never left for the collector.
      expect(readdirSync(r.textfiles)).toEqual([PROM]);
      const prom = readFileSync(path.join(r.textfiles, PROM), 'utf8');
      const samples = prom.split('\n').filter((l) => l.startsWith(CERT_NOT_AFTER_METRIC));
      expect(samples).toEqual([
        `${CERT_NOT_AFTER_METRIC}{file="${ca.cert}"} ${notAfter(ca.cert)}`,
        `${CERT_NOT_AFTER_METRIC}{file="${host.cert}"} ${notAfter(host.cert)}`,
      ]);
      expect(notAfter(ca.cert)).toBeGreaterThan(notAfter(host.cert));
      expectPromtoolAccepts(path.join(r.textfiles, PROM));
    });
  });

  it('an HAProxy host: the CA and the stats PEM (certificate, then key) read by its certificate', () => {
    withTempDir('cert-expiry', (dir) => {
      const ca = certificate(dir, 'ca', 3650);
      const host = certificate(dir, 'stats', 20);
      const pem = path.join(dir, 'stats-with-key.pem');
      writeFileSync(pem, readFileSync(host.cert, 'utf8') + readFileSync(host.key, 'utf8'));
      const r = expiryIn(dir, t, 'haproxy-01', { WARREN_TLS_CA: ca.cert, WARREN_TLS_PEM: pem });
      ok(r);
      const prom = readFileSync(path.join(r.textfiles, PROM), 'utf8');
      expect(prom).toContain(`\n${CERT_NOT_AFTER_METRIC}{file="${pem}"} ${notAfter(host.cert)}\n`);
      expect(prom).toContain(`\n${CERT_NOT_AFTER_METRIC}{file="${ca.cert}"} ${notAfter(ca.cert)}\n`);
      expectPromtoolAccepts(path.join(r.textfiles, PROM));
    });
  });

  it('a file it cannot read removes the metric (the missing-metric alert then says so) and names the file', () => {
    withTempDir('cert-expiry', (dir) => {
      const ca = certificate(dir, 'ca', 3650);
      const host = certificate(dir, 'host', 40);
      ok(expiryIn(dir, t, 'rabbit-01', { WARREN_TLS_CA: ca.cert, WARREN_TLS_CERT: host.cert }));
      const broken = path.join(dir, 'broken.pem');
      writeFileSync(broken, 'not a certificate\n');
      const r = expiryIn(dir, t, 'rabbit-01', { WARREN_TLS_CA: ca.cert, WARREN_TLS_CERT: broken });
      expect(r.code).toBe(1);
      expect(r.out).toContain(`cannot read the expiry of ${broken}`);
      expect(existsSync(path.join(r.textfiles, PROM))).toBe(false);
    });
  });

  it('refuses on a host with rabbitmq.tls off, saying so', () => {
    withTempDir('cert-expiry', (dir) => {
      const r = expiryIn(dir, base, 'rabbit-01', {});
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/rabbitmq\.tls is off/);
    });
  });
});

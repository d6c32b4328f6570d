// TLS as rendered (issue 16): the listeners of each rabbitmq.tls mode in both config dialects, the
// HAProxy passthrough and HTTPS stats page checked by haproxy -c with a real certificate, the boot
// script that installs the material, and a real RabbitMQ (the installed 3.10) on loopback serving
// the rendered TLS settings: AMQPS with publish and consume, management and metrics over HTTPS, each
// verified against the CA, and no plaintext listener with 'required'.
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HAPROXY_CFG_PATH,
  renderHostFiles,
  renderPlatformEnv,
  renderRabbitConfig,
  renderWarrenEnv,
  STATS_PASSWORD_VAR,
} from '../../cloudinit';
import { HAPROXY_TLS, RABBITMQ_TLS } from '../../cloudinit/tls-files';
import lts from '../../environments/lts';
import { runLoad } from '../../lab/drills/load-client';
import { ensureCa, ensureHostCert } from '../../lab/lab-ca';
import {
  tlsNamesFor,
  validateTopology,
  type EnvironmentInput,
  type TlsMode,
  type Topology,
} from '../../topology';
import { startLoopbackRabbit, type LoopbackNode, type LoopbackRabbit } from '../support/loopback-rabbit';
import { assertPortsFree } from '../support/ports';
import { run, SCRIPTS_DIR, withTempDir } from './helpers';

function ltsWith(tls: TlsMode, rabbitmq: Partial<EnvironmentInput['rabbitmq']> = {}): Topology {
  const base = lts as EnvironmentInput;
  return validateTopology({ ...base, rabbitmq: { ...base.rabbitmq, ...rabbitmq, tls } });
}

/**
 * A RabbitMQ before 3.7 (classic terms) on an Erlang that passes the TLS gate, as pinned .deb files
 * would give it; only the renderer reads it, so the topology is built here, not loaded.
 */
function classicWith(tls: TlsMode): Topology {
  const t = ltsWith(tls);
  return { ...t, image: { ...t.image, ubuntu: '16.04', rabbitmq: '3.6.16', erlang: '20.3' } };
}

describe('rabbitmq.conf per mode', () => {
  const conf = (tls: TlsMode) => renderRabbitConfig(ltsWith(tls)).content;
  it("'required': no plaintext listener, AMQPS and HTTPS with the node's files, TLS 1.3 and 1.2", () => {
    const c = conf('required');
    expect(c).toMatch(/^listeners\.tcp = none$/m);
    expect(c).not.toMatch(/^listeners\.tcp\.default|^management\.tcp/m);
    expect(c).toMatch(/^listeners\.ssl\.default = 5671$/m);
    expect(c).toMatch(/^management\.ssl\.port = 15671$/m);
    for (const prefix of ['ssl_options', 'management.ssl']) {
      expect(c).toContain(`${prefix}.cacertfile = ${RABBITMQ_TLS.ca}`);
      expect(c).toContain(`${prefix}.certfile = ${RABBITMQ_TLS.cert}`);
      expect(c).toContain(`${prefix}.keyfile = ${RABBITMQ_TLS.key}`);
      expect(c).toContain(`${prefix}.versions.1 = tlsv1.3`);
      expect(c).toContain(`${prefix}.versions.2 = tlsv1.2`);
      expect(c).toContain(`${prefix}.honor_cipher_order = true`);
    }
    expect(c).toContain('ssl_options.verify = verify_peer');
  });
  it("'optional' keeps 5672/15672 beside them; 'off' has no TLS at all", () => {
    const o = conf('optional');
    expect(o).toMatch(/^listeners\.tcp\.default = 5672$/m);
    expect(o).toMatch(/^listeners\.ssl\.default = 5671$/m);
    expect(conf('off')).not.toMatch(/ssl/);
  });
  it('metrics over TLS on 15691 when rabbitmq_prometheus is enabled', () => {
    const t = ltsWith('required', { plugins: ['rabbitmq_management', 'rabbitmq_prometheus'] });
    const c = renderRabbitConfig(t).content;
    expect(c).toMatch(/^prometheus\.ssl\.port = 15691$/m);
    expect(c).not.toMatch(/^prometheus\.tcp/m);
  });
  it('classic rabbitmq.config (before 3.7): ssl_listeners, ssl_options and an HTTPS management listener, valid Erlang terms', () => {
    const t = classicWith('required');
    const f = renderRabbitConfig(t);
    expect(f.path).toBe('/etc/rabbitmq/rabbitmq.config');
    expect(f.content).toContain('{tcp_listeners, []}');
    expect(f.content).toContain('{ssl_listeners, [5671]}');
    expect(f.content).toMatch(/\{versions, \['tlsv1\.2'\]\}/);
    expect(f.content).toMatch(/\{port, 15671\}, \{ssl, true\}, \{ssl_opts, /);
    withTempDir('classic', (dir) => {
      const file = path.join(dir, 'rabbitmq.config');
      writeFileSync(file, f.content);
      const r = run('erl', ['-noshell', '-eval', `{ok, _} = file:consult("${file}"), halt().`]);
      expect(r.code, r.out).toBe(0);
    });
  });
});

describe('haproxy.cfg with TLS', () => {
  it('passes 5671/15671 through in TCP mode, checks without PROXY, serves stats over HTTPS (haproxy -c)', () => {
    const t = ltsWith('required');
    const cfg = renderHostFiles(t, 'haproxy-01', 'lab').find((f) => f.path === HAPROXY_CFG_PATH)!.content;
    expect(cfg).not.toMatch(/bind :5672\b|bind :15672\b/);
    expect(cfg).toMatch(/frontend amqps\n {4}bind :5671\n/);
    expect(cfg).toMatch(/frontend management-tls\n {4}bind :15671\n/);
    for (const n of t.rabbitmq.nodes) {
      expect(cfg).toContain(`server ${n.name} ${n.ip}:5671 check port 5671 send-proxy-v2`);
      expect(cfg).toContain(`server ${n.name} ${n.ip}:15671 check port 15671\n`);
    }
    expect(cfg).toContain(`bind :8404 ssl crt ${HAPROXY_TLS.pem}`);
    withTempDir('haproxy-tls', (dir) => {
      const ca = ensureCa(dir, 'warren test CA');
      const host = ensureHostCert(
        dir,
        ca,
        'haproxy-01',
        tlsNamesFor({ name: 'haproxy-01', ip: '10.44.1.21' }, {}),
      );
      const pem = path.join(dir, 'stats.pem');
      writeFileSync(pem, readFileSync(host.cert, 'utf8') + readFileSync(host.key, 'utf8'));
      const file = path.join(dir, 'haproxy.cfg');
      writeFileSync(file, cfg.replace(HAPROXY_TLS.pem, pem));
      const env = { ...process.env, [STATS_PASSWORD_VAR]: 'dummy-for-config-check' };
      const ok = run('haproxy', ['-c', '-f', file], env);
      expect(ok.out).toMatch(/Configuration file is valid/);
      expect(ok.out).not.toMatch(/\[ALERT\]/);
      // The check can fail: without the certificate file HAProxy refuses the HTTPS bind.
      writeFileSync(file, cfg.replace(HAPROXY_TLS.pem, path.join(dir, 'missing.pem')));
      expect(run('haproxy', ['-c', '-f', file], env).code).not.toBe(0);
    });
  });
});

describe('warren-install-tls and warren-secret', () => {
  it('fetches the CA, certificate and key through the secrets backend and installs them with owners and modes', () => {
    const t = ltsWith('required');
    withTempDir('install-tls', (dir) => {
      const secrets = path.join(dir, 'secrets');
      mkdirSync(secrets, { mode: 0o700 });
      const ca = ensureCa(path.join(dir, 'ca'), 'warren test CA');
      const host = ensureHostCert(path.join(dir, 'ca'), ca, 'rabbit-01', {
        dns: ['rabbit-01'],
        ips: ['10.44.1.11'],
      });
      writeFileSync(path.join(secrets, 'tls-ca'), readFileSync(ca.cert));
      writeFileSync(path.join(secrets, 'tls-cert'), readFileSync(host.cert));
      writeFileSync(path.join(secrets, 'tls-key'), readFileSync(host.key), { mode: 0o600 });
      const tlsDir = path.join(dir, 'etc-rabbitmq-tls');
      writeFileSync(
        path.join(dir, 'platform.env'),
        renderPlatformEnv(t, 'lab', 'rabbit-01').content.replace('/etc/warren/secrets', secrets),
      );
      writeFileSync(
        path.join(dir, 'warren.env'),
        renderWarrenEnv(t, 'rabbit-01').content.replaceAll('/etc/rabbitmq/tls', tlsDir),
      );
      const env = {
        ...process.env,
        WARREN_PLATFORM_FILE: path.join(dir, 'platform.env'),
        WARREN_FACTS_FILE: path.join(dir, 'warren.env'),
      };
      const first = run(`${SCRIPTS_DIR}/warren-install-tls`, [], env);
      expect(first.code, first.out).toBe(0);
      expect(first.out).toMatch(/^changed$/m);
      expect(first.out).not.toMatch(/PRIVATE KEY/);
      const mode = (f: string) => (statSync(f).mode & 0o777).toString(8);
      expect(mode(tlsDir)).toBe('750');
      expect(mode(path.join(tlsDir, 'key.pem'))).toBe('640');
      expect(mode(path.join(tlsDir, 'cert.pem'))).toBe('644');
      expect(statSync(path.join(tlsDir, 'key.pem')).gid).toBe(
        Number(run('getent', ['group', 'rabbitmq']).out.split(':')[2]),
      );
      expect(readFileSync(path.join(tlsDir, 'key.pem'), 'utf8')).toBe(readFileSync(host.key, 'utf8'));
      expect(new X509Certificate(readFileSync(path.join(tlsDir, 'cert.pem'))).subjectAltName).toBe(
        'DNS:rabbit-01, IP Address:10.44.1.11',
      );
      expect(run(`${SCRIPTS_DIR}/warren-install-tls`, [], env).out).toMatch(/^unchanged$/m);
      // A key that is not PEM stops the boot instead of installing garbage.
      writeFileSync(path.join(secrets, 'tls-key'), 'oops\n');
      const bad = run(`${SCRIPTS_DIR}/warren-install-tls`, [], env);
      expect(bad.code).not.toBe(0);
      expect(bad.out).toMatch(/tls-key secret is not PEM/);
    });
  });

  it('aws: the CA is the environment parameter, certificate and key are the host own', () => {
    const t = ltsWith('required');
    withTempDir('secret-tls', (dir) => {
      const bin = path.join(dir, 'bin');
      mkdirSync(bin);
      const calls = path.join(dir, 'calls');
      writeFileSync(
        path.join(bin, 'aws'),
        `#!/usr/bin/env bash\nprintf '%s\\n' "$*" >>"${calls}"\necho value\n`,
      );
      chmodSync(path.join(bin, 'aws'), 0o755);
      writeFileSync(path.join(dir, 'platform.env'), renderPlatformEnv(t, 'aws', 'rabbit-02').content);
      writeFileSync(path.join(dir, 'warren.env'), renderWarrenEnv(t, 'rabbit-02').content);
      const env = {
        PATH: `${bin}:${process.env.PATH}`,
        WARREN_PLATFORM_FILE: path.join(dir, 'platform.env'),
        WARREN_FACTS_FILE: path.join(dir, 'warren.env'),
      };
      for (const key of ['tls-ca', 'tls-cert', 'tls-key'])
        expect(run(`${SCRIPTS_DIR}/warren-secret`, [key], env).code).toBe(0);
      const names = readFileSync(calls, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => /--name (\S+)/.exec(l)?.[1]);
      expect(names).toEqual([
        '/warren/lts/tls/ca',
        '/warren/lts/tls/rabbit-02/cert',
        '/warren/lts/tls/rabbit-02/key',
      ]);
    });
  });
});

// A real RabbitMQ serving the rendered TLS settings (ports moved to private ones, paths to the test CA).
const AMQPS = 6071;
const MGMT_TLS = 16071;
const METRICS_TLS = 16091;
const DIST = 26071;
const EPMD_PORT = 4441;

describe('a real RabbitMQ with the rendered TLS settings', () => {
  let rabbit: LoopbackRabbit;
  let node: LoopbackNode;
  let caFile: string;
  const t = ltsWith('required', { plugins: ['rabbitmq_management', 'rabbitmq_prometheus'] });

  beforeAll(async () => {
    await assertPortsFree([AMQPS, MGMT_TLS, METRICS_TLS, DIST]);
    rabbit = await startLoopbackRabbit({ prefix: 'tls-rabbit', epmdPort: EPMD_PORT });
    const ca = ensureCa(path.join(rabbit.dir, 'ca'), 'warren test CA');
    const host = ensureHostCert(path.join(rabbit.dir, 'ca'), ca, 'localhost', {
      dns: ['localhost'],
      ips: ['127.0.0.1'],
    });
    caFile = ca.cert;
    chmodSync(path.join(rabbit.dir, 'ca', 'private'), 0o755);
    chmodSync(host.key, 0o644);
    // The TLS part of the rendered file: every listener and ssl line, nothing about clustering.
    const lines = renderRabbitConfig(t)
      .content.split('\n')
      .filter((l) => /^(listeners|ssl_options|management\.ssl|prometheus\.ssl)/.test(l))
      .map((l) =>
        l
          .replace(RABBITMQ_TLS.ca, ca.cert)
          .replace(RABBITMQ_TLS.cert, host.cert)
          .replace(RABBITMQ_TLS.key, host.key)
          .replace(/= 5671$/, `= ${AMQPS}`)
          .replace(/= 15671$/, `= ${MGMT_TLS}`)
          .replace(/= 15691$/, `= ${METRICS_TLS}`),
      );
    node = rabbit.addNode({
      name: 'tls@localhost',
      distPort: DIST,
      enabledPlugins: '[rabbitmq_management,rabbitmq_prometheus].\n',
      config: { fileName: 'rabbitmq.conf', content: lines.join('\n') + '\n' },
    });
    rabbit.start(node);
    for (let i = 0; ; i++) {
      try {
        await rabbit.ctl(node, 'await_startup', '--timeout', '120');
        break;
      } catch (e) {
        if (i > 90) throw e;
        await new Promise((res) => setTimeout(res, 1000));
      }
    }
  }, 180_000);
  afterAll(() => rabbit?.destroy());

  it('listens on AMQPS, HTTPS and metrics over TLS only', async () => {
    const listeners = await rabbit.ctl(node, 'eval', 'rabbit_networking:active_listeners().');
    expect(listeners).toMatch(/'amqp\/ssl'/);
    expect(listeners).not.toMatch(/protocol = amqp,|protocol,amqp[,}]/);
    const status = await rabbit.ctl(node, 'status');
    expect(status).toMatch(new RegExp(`${AMQPS}.*amqp/ssl`));
    expect(status).toMatch(new RegExp(`${MGMT_TLS}.*https`));
    expect(status).toMatch(new RegExp(`${METRICS_TLS}.*prometheus`));
    expect(status).not.toMatch(/protocol: amqp,|5672, protocol: amqp\b/);
  });

  it('openssl verifies the chain and the address, over TLS 1.3 and 1.2', () => {
    for (const v of ['-tls1_3', '-tls1_2']) {
      const r = run('openssl', [
        's_client',
        '-connect',
        `127.0.0.1:${AMQPS}`,
        v,
        '-CAfile',
        caFile,
        '-verify_return_error',
        '-verify_ip',
        '127.0.0.1',
        '-brief',
      ]);
      expect(r.out, r.out).toMatch(/Verification: OK/);
      expect(r.out).toMatch(v === '-tls1_3' ? /Protocol version: TLSv1\.3/ : /Protocol version: TLSv1\.2/);
    }
    const old = run('openssl', [
      's_client',
      '-connect',
      `127.0.0.1:${AMQPS}`,
      '-tls1_1',
      '-CAfile',
      caFile,
      '-brief',
    ]);
    expect(old.code).not.toBe(0);
  });

  it('publishes and consumes over AMQPS with the CA verified', async () => {
    const conn = await amqp.connect(`amqps://guest:guest@127.0.0.1:${AMQPS}`, {
      ca: [readFileSync(caFile)],
    });
    try {
      const ch = await conn.createConfirmChannel();
      const q = await ch.assertQueue('', { exclusive: true });
      ch.sendToQueue(q.queue, Buffer.from('over tls'));
      await ch.waitForConfirms();
      const msg = await ch.get(q.queue, { noAck: true });
      expect(msg && msg.content.toString()).toBe('over tls');
    } finally {
      await conn.close();
    }
    // Without the CA the same connection is refused: the certificate really is checked.
    await expect(amqp.connect(`amqps://guest:guest@127.0.0.1:${AMQPS}`)).rejects.toThrow(/certificate/i);
  });

  it("the drills' load client speaks AMQPS with verification and loses nothing confirmed", async () => {
    const r = await runLoad({
      host: '127.0.0.1',
      port: AMQPS,
      tls: { ca: readFileSync(caFile, 'utf8'), servername: 'localhost' },
      username: 'guest',
      password: 'guest',
      queue: 'warren-tls-load',
      durationMs: 2000,
      drainIdleMs: 5000,
    });
    expect(r.confirmed).toBeGreaterThan(100);
    expect(r.lost).toBe(0);
    expect(r.consumed).toBeGreaterThanOrEqual(r.confirmed);
  }, 60_000);

  it('serves the management API and the metrics over HTTPS with the CA verified', async () => {
    const get = (port: number, p: string) =>
      new Promise<number>((resolve, reject) => {
        https
          .get({ host: '127.0.0.1', port, path: p, ca: readFileSync(caFile), auth: 'guest:guest' }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          })
          .on('error', reject);
      });
    expect(await get(MGMT_TLS, '/api/overview')).toBe(200);
    expect(await get(METRICS_TLS, '/metrics')).toBe(200);
  });
});

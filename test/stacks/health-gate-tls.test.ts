// The health gate over HTTPS, as lts (rabbitmq.tls 'required') synthesizes it: management on 15671,
// the front door's certificate verified against the environment CA (the tls provider's cert_pem,
// referenced, in the local-exec environment). The script runs as Terraform runs it against a real
// RabbitMQ (the installed 3.10) serving management only over TLS on loopback (AMQPS 5694,
// management 15694, distribution 25694, epmd 4377), its certificate from an openssl CA
// (lab/lab-ca.ts); the admin password comes from an SSM endpoint on loopback through the real AWS CLI.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthGateScript } from '../../aws';
import { ensureCa, ensureHostCert } from '../../lab/lab-ca';
import { terraformLiteral } from '../../stacks';
import { ADMIN_USERNAME, rabbitNodeName } from '../../topology';
import { LOOPBACK_AWS_ENV } from '../support/loopback-aws';
import { startLoopbackRabbit, type LoopbackNode, type LoopbackRabbit } from '../support/loopback-rabbit';
import { assertPortsFree, portOpen } from '../support/ports';
import { waitFor } from '../support/wait-for';
import { buildStack, envTopology, parse, resources, synth } from './helpers';

const AMQPS = 5694;
const MGMT_TLS = 15694;
const DIST = 25694;
const EPMD = 4377;
const NODE = 'warren-gate-tls@localhost';

const lts = await envTopology('lts');
const gate = resources(
  parse(synth(buildStack(lts, { healthGate: { script: healthGateScript() } }))),
  'null_resource',
)[0]!;
const exec = (
  gate.provisioner as {
    'local-exec': { command: string; interpreter: string[]; environment: Record<string, string> };
  }[]
)[0]!['local-exec'];

let rabbit: LoopbackRabbit;
let node: LoopbackNode;
let ca = '';
let otherCa = '';
const password = randomBytes(12).toString('hex');
let ssm: Server;
let ssmUrl = '';

beforeAll(async () => {
  await assertPortsFree([AMQPS, MGMT_TLS, DIST]);
  rabbit = await startLoopbackRabbit({ prefix: 'gate-tls-rabbit', epmdPort: EPMD });
  const root = path.join(rabbit.dir, 'ca');
  const caFiles = ensureCa(root, 'warren gate test CA');
  // The front door's address here is 127.0.0.1, as the VIP is in the certificates the stack makes.
  const host = ensureHostCert(root, caFiles, 'localhost', { dns: ['localhost'], ips: ['127.0.0.1'] });
  chmodSync(path.join(root, 'private'), 0o755);
  chmodSync(host.key, 0o644);
  ca = readFileSync(caFiles.cert, 'utf8');
  otherCa = readFileSync(ensureCa(path.join(rabbit.dir, 'other'), 'another CA').cert, 'utf8');
  node = rabbit.addNode({
    name: NODE,
    distPort: DIST,
    enabledPlugins: '[rabbitmq_management].\n',
    config: {
      fileName: 'rabbitmq.conf',
      content: [
        'listeners.tcp = none',
        `listeners.ssl.default = 127.0.0.1:${AMQPS}`,
        `ssl_options.cacertfile = ${caFiles.cert}`,
        `ssl_options.certfile = ${host.cert}`,
        `ssl_options.keyfile = ${host.key}`,
        'management.ssl.ip = 127.0.0.1',
        `management.ssl.port = ${MGMT_TLS}`,
        `management.ssl.cacertfile = ${caFiles.cert}`,
        `management.ssl.certfile = ${host.cert}`,
        `management.ssl.keyfile = ${host.key}`,
        'loopback_users.guest = true',
        '',
      ].join('\n'),
    },
  });
  rabbit.start(node);
  await waitFor('loopback RabbitMQ management over TLS listening', () => portOpen(MGMT_TLS), 120_000);
  for (const args of [
    ['add_user', ADMIN_USERNAME, password],
    ['set_user_tags', ADMIN_USERNAME, 'administrator'],
    ['set_permissions', '-p', '/', ADMIN_USERNAME, '.*', '.*', '.*'],
  ])
    await rabbit.ctl(node, ...args);
  ssm = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      const body = JSON.parse(data || '{}') as { Name?: string };
      res.end(JSON.stringify({ Parameter: { Name: body.Name, Type: 'SecureString', Value: password } }));
    });
  });
  await new Promise<void>((r) => ssm.listen(0, '127.0.0.1', r));
  ssmUrl = `http://127.0.0.1:${(ssm.address() as AddressInfo).port}`;
}, 180_000);

afterAll(async () => {
  await new Promise((r) => ssm?.close(r));
  rabbit?.destroy();
});

function runGate(overrides: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const env = {
    PATH: `${path.dirname(process.execPath)}:${process.env.PATH}`,
    HOME: process.env.HOME ?? '/root',
    ...exec.environment,
    WARREN_ENDPOINT: '127.0.0.1',
    WARREN_MANAGEMENT_PORT: String(MGMT_TLS),
    WARREN_EXPECTED_NODES: NODE,
    WARREN_REPLICATION: 'ha-all',
    WARREN_SSM_ENDPOINT_URL: ssmUrl,
    WARREN_GATE_INTERVAL: '1',
    WARREN_GATE_TIMEOUT: '6',
    ...LOOPBACK_AWS_ENV,
    ...overrides,
  };
  const [shell, flag] = exec.interpreter as [string, string];
  return new Promise((resolve) => {
    const child = spawn(shell, [flag, terraformLiteral(exec.command)], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

const aws = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0;

describe('the health gate of a TLS-only environment (lts)', () => {
  it('is synthesized for https on 15671 with the CA certificate referenced, never a key', () => {
    expect(lts.rabbitmq.tls).toBe('required');
    expect(exec.environment).toMatchObject({
      WARREN_MANAGEMENT_SCHEME: 'https',
      WARREN_MANAGEMENT_PORT: '15671',
      WARREN_EXPECTED_NODES: lts.rabbitmq.nodes.map((n) => rabbitNodeName(n.name)).join(' '),
    });
    expect(exec.environment.WARREN_CA_CERT).toMatch(/^\$\{tls_self_signed_cert\.[\w-]+\.cert_pem\}$/);
    expect(JSON.stringify(exec.environment)).not.toMatch(/private_key|BEGIN/);
  });

  it.runIf(aws)(
    'passes over HTTPS once the node runs and the policy is applied, verifying the CA',
    async () => {
      await rabbit.ctl(node, 'set_policy', '-p', '/', 'ha-all', '^', '{"ha-mode":"all"}');
      const r = await runGate({ WARREN_CA_CERT: ca });
      expect(r.stderr).toContain(`waiting for ${NODE} through 127.0.0.1:${MGMT_TLS}`);
      expect(r.stderr).toContain('all nodes running, ha-all in place');
      expect(r.code).toBe(0);
    },
  );

  it.runIf(aws)('refuses a front door whose certificate another CA signed', async () => {
    const r = await runGate({ WARREN_CA_CERT: otherCa });
    expect(r.stderr).toContain('management API not answering');
    expect(r.stderr).toContain('gave up');
    expect(r.code).toBe(1);
  });
});

// The health gate's script as Terraform runs it (`bash -c <synthesized command>` with the synthesized
// environment), against a real RabbitMQ with management on loopback. The real AWS CLI reads the admin
// password from an SSM GetParameter endpoint on loopback (there is no AWS here), which also records
// what the script asked for.
import { spawn, spawnSync } from 'node:child_process';
import { healthGateScript } from '../../aws';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { terraformLiteral } from '../../stacks';
import { ADMIN_USERNAME } from '../../topology';
import { buildStack, envTopology, parse, resources, synth } from './helpers';
import { startLoopbackManagement, type LoopbackManagement } from './loopback-management';
import { LOOPBACK_AWS_ENV } from '../support/loopback-aws';

const gate = resources(
  parse(synth(buildStack(await envTopology('dev'), { healthGate: { script: healthGateScript() } }))),
  'null_resource',
)[0]!;
const exec = (
  gate.provisioner as {
    'local-exec': { command: string; interpreter: string[]; environment: Record<string, string> };
  }[]
)[0]!['local-exec'];

let broker: LoopbackManagement;
let ssm: Server;
let ssmUrl = '';
let ssmValue = '';
const ssmRequests: { target: string; body: Record<string, unknown> }[] = [];

beforeAll(async () => {
  broker = await startLoopbackManagement(ADMIN_USERNAME);
  ssmValue = broker.password;
  ssm = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(data || '{}') as Record<string, unknown>;
      ssmRequests.push({ target: String(req.headers['x-amz-target']), body });
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (
        req.headers['x-amz-target'] === 'AmazonSSM.GetParameter' &&
        body.Name === exec.environment.WARREN_ADMIN_PASSWORD_PARAMETER
      ) {
        res.end(
          JSON.stringify({
            Parameter: {
              Name: body.Name,
              Type: 'SecureString',
              Value: body.WithDecryption ? ssmValue : 'AQICAencrypted',
              Version: 1,
            },
          }),
        );
      } else {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'ParameterNotFound', message: 'not here' }));
      }
    });
  });
  await new Promise<void>((r) => ssm.listen(0, '127.0.0.1', r));
  ssmUrl = `http://127.0.0.1:${(ssm.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise((r) => ssm?.close(r));
  await broker?.destroy();
});

/** Runs the synthesized command the way Terraform's local-exec does, pointed at the loopback broker. */
function runGate(overrides: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const env = {
    PATH: `${path.dirname(process.execPath)}:${process.env.PATH}`,
    HOME: process.env.HOME ?? '/root',
    ...exec.environment,
    WARREN_ENDPOINT: '127.0.0.1',
    WARREN_MANAGEMENT_PORT: String(broker.managementPort),
    WARREN_EXPECTED_NODES: broker.nodeName,
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

describe.runIf(aws)('health gate against a real RabbitMQ', () => {
  it('waits, then gives up, while the ha-all policy is missing', async () => {
    const r = await runGate({});
    expect(r.stderr).toContain('no ha-mode=all policy yet');
    expect(r.stderr).toContain('gave up');
    expect(r.code).toBe(1);
  });

  it('passes once every node runs and the policy is applied', async () => {
    await broker.ctl(
      'set_policy',
      '-p',
      '/',
      '--apply-to',
      'queues',
      'ha-all',
      '^',
      '{"ha-mode":"all","ha-sync-mode":"automatic"}',
    );
    const r = await runGate({});
    expect(r.stderr).toContain('all nodes running, ha-all in place');
    expect(r.code).toBe(0);
    // It asked SSM for the decrypted admin password by name, and for nothing else.
    expect(ssmRequests.length).toBeGreaterThan(0);
    for (const q of ssmRequests) {
      expect(q).toEqual({
        target: 'AmazonSSM.GetParameter',
        body: { Name: '/warren/dev/admin-password', WithDecryption: true },
      });
    }
  });

  it('names the nodes that are not running', async () => {
    const r = await runGate({ WARREN_EXPECTED_NODES: `${broker.nodeName} rabbit@rabbit-02` });
    expect(r.stderr).toContain('not running yet: rabbit@rabbit-02');
    expect(r.code).toBe(1);
  });

  it('does not get in with another password', async () => {
    ssmValue = 'not-the-password';
    try {
      const r = await runGate({});
      expect(r.stderr).toContain('management API not answering');
      expect(r.code).toBe(1);
    } finally {
      ssmValue = broker.password;
    }
  });

  it('stops at once when SSM refuses', async () => {
    const r = await runGate({ WARREN_ADMIN_PASSWORD_PARAMETER: '/warren/dev/nope' });
    expect(r.stderr).toContain('could not read /warren/dev/nope from SSM');
    expect(r.code).toBe(1);
  });
  it('waits for quorum as the default queue type of / in quorum mode', async () => {
    const before = await runGate({ WARREN_REPLICATION: 'quorum' });
    // RabbitMQ reports an unset default as the Erlang atom `undefined`.
    expect(before.stderr).toMatch(/default queue type is (undefined|unset|classic)/);
    expect(before.code).toBe(1);
    await broker.ctl('delete_vhost', '/');
    await broker.ctl('add_vhost', '/', '--default-queue-type', 'quorum');
    await broker.ctl('set_permissions', '-p', '/', ADMIN_USERNAME, '.*', '.*', '.*');
    const after = await runGate({ WARREN_REPLICATION: 'quorum' });
    expect(after.stderr).toContain('all nodes running, quorum in place');
    expect(after.code).toBe(0);
  });
});

it('needs the AWS CLI for the tests above (Debian package awscli)', () => {
  expect(aws).toBe(true);
});

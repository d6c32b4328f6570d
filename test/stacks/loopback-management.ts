/**
 * A real RabbitMQ with the management plugin on 127.0.0.1 for the health-gate tests: the host's
 * rabbitmq-server with private data, log and cookie dirs in a temp dir and ports of its own (AMQP
 * 5697, management 15697, distribution 25697, epmd 4374) so it never meets the lab's, the drills' or
 * anyone else's. Torn down by PID.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);
const RABBIT_BIN = '/usr/lib/rabbitmq/bin';
export const GATE_AMQP_PORT = 5697;
export const GATE_MANAGEMENT_PORT = 15697;
const EPMD_PORT = 4374;
export const GATE_NODE = 'warren-gate@localhost';

export interface LoopbackManagement {
  readonly managementPort: number;
  readonly nodeName: string;
  readonly username: string;
  readonly password: string;
  ctl(...args: string[]): Promise<string>;
  destroy(): Promise<void>;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.setTimeout(500);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.once('timeout', () => (s.destroy(), resolve(false)));
  });
}

async function waitFor(what: string, cond: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

export async function startLoopbackManagement(username: string): Promise<LoopbackManagement> {
  for (const port of [GATE_AMQP_PORT, GATE_MANAGEMENT_PORT]) {
    if (await portOpen(port))
      throw new Error(`port ${port} is already in use on 127.0.0.1: a stale test broker? stop it first`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'warren-gate-rabbit-'));
  writeFileSync(join(dir, 'enabled_plugins'), '[rabbitmq_management].\n');
  writeFileSync(
    join(dir, 'rabbitmq.conf'),
    [
      `listeners.tcp.1 = 127.0.0.1:${GATE_AMQP_PORT}`,
      `management.tcp.ip = 127.0.0.1`,
      `management.tcp.port = ${GATE_MANAGEMENT_PORT}`,
      'loopback_users.guest = true',
      '',
    ].join('\n'),
  );
  const env = {
    ...process.env,
    HOME: dir, // the Erlang cookie lives here, private to this broker
    RABBITMQ_NODENAME: GATE_NODE,
    RABBITMQ_DIST_PORT: String(GATE_AMQP_PORT + 20000),
    ERL_EPMD_PORT: String(EPMD_PORT),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_PID_FILE: join(dir, 'rabbit.pid'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq'),
  };
  const password = randomBytes(12).toString('hex');
  let server: ChildProcess | undefined;
  const ctl = async (...args: string[]) =>
    (await execFileP(join(RABBIT_BIN, 'rabbitmqctl'), ['-n', GATE_NODE, ...args], { env })).stdout;

  const destroy = async () => {
    let pid: number | undefined;
    try {
      pid = Number(readFileSync(env.RABBITMQ_PID_FILE, 'utf8').trim()) || undefined;
    } catch {
      pid = undefined;
    }
    for (const p of [pid, server?.exitCode === null ? server.pid : undefined]) {
      if (p === undefined) continue;
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    // epmd outlives the node. Ours is the one started with our port and HOME in its environment.
    for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        if (readFileSync(`/proc/${p}/comm`, 'utf8').trim() !== 'epmd') continue;
        const environ = readFileSync(`/proc/${p}/environ`, 'utf8').split('\0');
        if (environ.includes(`ERL_EPMD_PORT=${EPMD_PORT}`) && environ.includes(`HOME=${dir}`))
          process.kill(Number(p), 'SIGKILL');
      } catch {
        // process ended meanwhile
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    server = spawn(join(RABBIT_BIN, 'rabbitmq-server'), [], { env, stdio: 'ignore', detached: true });
    await waitFor('loopback RabbitMQ management listening', () => portOpen(GATE_MANAGEMENT_PORT), 90_000);
    await ctl('add_user', username, password);
    await ctl('set_user_tags', username, 'administrator');
    await ctl('set_permissions', '-p', '/', username, '.*', '.*', '.*');
  } catch (e) {
    await destroy();
    throw e;
  }
  return { managementPort: GATE_MANAGEMENT_PORT, nodeName: GATE_NODE, username, password, ctl, destroy };
}

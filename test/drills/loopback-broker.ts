/**
 * A real RabbitMQ (the host's rabbitmq-server) on 127.0.0.1 for the load client's tests: private data,
 * log and cookie dirs in a temp dir, its own ports (AMQP 5699, epmd 4372, dist 25699) so it never meets
 * the lab's or anyone else's, a generated user (no guest), and teardown by PID.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);
const RABBIT_BIN = '/usr/lib/rabbitmq/bin';
export const LOOPBACK_AMQP_PORT = 5699;
const EPMD_PORT = 4372;
const NODE = 'warren-drills@localhost';

export interface LoopbackRabbit {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** kill -9 the broker (a crash); its data stays for `start()`. */
  crash(): Promise<void>;
  /** Starts the broker again on the same data and waits for AMQP. */
  start(): Promise<void>;
  /** Stops everything this helper started (broker, epmd) and removes the temp dir. */
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
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

export async function startLoopbackRabbit(): Promise<LoopbackRabbit> {
  if (await portOpen(LOOPBACK_AMQP_PORT)) {
    throw new Error(
      `port ${LOOPBACK_AMQP_PORT} is already in use on 127.0.0.1: a stale test broker? stop it first`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'warren-drills-rabbit-'));
  writeFileSync(join(dir, 'enabled_plugins'), '[].\n');
  const env = {
    ...process.env,
    HOME: dir, // the Erlang cookie lives here, private to this broker
    RABBITMQ_NODENAME: NODE,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(LOOPBACK_AMQP_PORT),
    RABBITMQ_DIST_PORT: String(LOOPBACK_AMQP_PORT + 20000),
    ERL_EPMD_PORT: String(EPMD_PORT),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_PID_FILE: join(dir, 'rabbit.pid'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq'),
  };
  let server: ChildProcess | undefined;
  const username = 'warren-drills';
  const password = randomBytes(12).toString('hex');
  const ctl = (...args: string[]) =>
    execFileP(join(RABBIT_BIN, 'rabbitmqctl'), ['-n', NODE, ...args], { env });

  const beamPid = (): number | undefined => {
    try {
      return Number(readFileSync(env.RABBITMQ_PID_FILE, 'utf8').trim()) || undefined;
    } catch {
      return undefined;
    }
  };

  const start = async () => {
    rmSync(env.RABBITMQ_PID_FILE, { force: true });
    server = spawn(join(RABBIT_BIN, 'rabbitmq-server'), [], { env, stdio: 'ignore', detached: true });
    await waitFor('loopback RabbitMQ accepting AMQP', () => portOpen(LOOPBACK_AMQP_PORT), 60_000);
    await waitFor('loopback RabbitMQ pid file', async () => beamPid() !== undefined, 10_000);
  };

  const crash = async () => {
    const pid = beamPid();
    if (pid === undefined) throw new Error('loopback RabbitMQ is not running');
    process.kill(pid, 'SIGKILL');
    await waitFor('loopback RabbitMQ gone', async () => !(await portOpen(LOOPBACK_AMQP_PORT)), 10_000);
  };

  const destroy = async () => {
    const pid = beamPid();
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (server?.pid !== undefined && server.exitCode === null) {
      try {
        process.kill(server.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    // epmd outlives the node. Ours is the one started with our port in its environment.
    for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        if (readFileSync(`/proc/${p}/comm`, 'utf8').trim() !== 'epmd') continue;
        const environ = readFileSync(`/proc/${p}/environ`, 'utf8').split('\0');
        if (environ.includes(`ERL_EPMD_PORT=${EPMD_PORT}`) && environ.includes(`HOME=${dir}`)) {
          process.kill(Number(p), 'SIGKILL');
        }
      } catch {
        // process ended meanwhile
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await start();
    await ctl('add_user', username, password);
    await ctl('set_permissions', '-p', '/', username, '.*', '.*', '.*');
  } catch (e) {
    await destroy();
    throw e;
  }
  return { host: '127.0.0.1', port: LOOPBACK_AMQP_PORT, username, password, crash, start, destroy };
}

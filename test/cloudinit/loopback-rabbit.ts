/**
 * Real RabbitMQ nodes (the installed 3.10) on 127.0.0.1 for the cloudinit tests, configured with the
 * rendered files of an environment: listeners moved to private ports (the only change), private
 * data/log dirs and cookie in a temp dir, one epmd of our own on a private port. Every process is
 * stopped by PID (each node's process group, then our epmd), also when a test fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { renderHostFiles, warrenEnvVars } from '../../cloudinit';
import { PORTS, rabbitCliDialect, type Topology } from '../../topology';
import { run, SCRIPTS_DIR } from './helpers';

export const RABBIT_BIN = '/usr/lib/rabbitmq/bin';

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.setTimeout(500);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.once('timeout', () => (s.destroy(), resolve(false)));
  });
}

/** The rendered config with its listeners moved to private loopback ports (the only change). */
export function loopbackConfig(
  content: string,
  format: 'classic' | 'ini',
  amqp: number,
  mgmt: number,
): string {
  const out =
    format === 'classic'
      ? content
          .replace(`{tcp_listeners, [${PORTS.amqp}]}`, `{tcp_listeners, [{"127.0.0.1", ${amqp}}]}`)
          .replace(
            `{listener, [{port, ${PORTS.management}}]}`,
            `{listener, [{port, ${mgmt}}, {ip, "127.0.0.1"}]}`,
          )
      : content
          .replace(`listeners.tcp.default = ${PORTS.amqp}`, `listeners.tcp.default = 127.0.0.1:${amqp}`)
          .replace(
            `management.tcp.port = ${PORTS.management}`,
            `management.tcp.port = ${mgmt}\nmanagement.tcp.ip = 127.0.0.1`,
          );
  if (!out.includes(String(amqp)) || !out.includes(String(mgmt))) {
    throw new Error('the listener lines changed shape; update loopbackConfig');
  }
  return out;
}

export interface LoopbackNode {
  readonly name: string;
  readonly amqpPort: number;
  readonly mgmtPort: number;
  /** Environment for rabbitmqctl and the boot scripts acting as this node. */
  readonly env: NodeJS.ProcessEnv;
  readonly mnesiaDir: string;
}

export interface LoopbackCluster {
  readonly nodes: readonly LoopbackNode[];
  /** The admin password in the lab-style secrets dir. */
  readonly password: string;
  /** Starts a node (not waiting). */
  start(node: LoopbackNode): void;
  /** Waits, bounded, until the RabbitMQ app runs on the node. */
  awaitRunning(node: LoopbackNode): void;
  /** SIGKILL the node's process group: a crash. */
  crash(node: LoopbackNode): void;
  /** Runs boot-script functions (`warren-rabbitmq-boot` sourced) as this node. */
  steps(node: LoopbackNode, fns: string): { code: number; out: string };
  /** The same, without blocking: for nodes that boot at the same time. */
  stepsAsync(node: LoopbackNode, fns: string): Promise<{ code: number; out: string }>;
  ctl(node: LoopbackNode, ...args: string[]): { code: number; out: string };
  destroy(): void;
}

const clusters = new Set<LoopbackCluster>();

/** Stops whatever a failed test left running. Call from afterAll. */
export function destroyAllClusters(): void {
  for (const c of clusters) c.destroy();
}

async function pickBase(count: number): Promise<{ amqp: number; epmd: number }> {
  for (let k = 0; k < 20; k++) {
    const amqp = 5791 + k * 4;
    const epmd = 4391 + k;
    const ports = [epmd];
    for (let i = 0; i < count; i++) ports.push(amqp + i, amqp + 10000 + i, amqp + 20000 + i);
    const busy = await Promise.all(ports.map(portOpen));
    if (!busy.some(Boolean)) return { amqp, epmd };
  }
  throw new Error(
    'no free loopback ports in 5791-5870 (+10000, +20000) / 4391-4410: stale test brokers? stop them by PID',
  );
}

/**
 * Nodes `names` (e.g. `a@localhost`) of environment `t`, each configured with rabbit-01's rendered
 * files and facts, but with WARREN_NODE/WARREN_NODES naming these loopback nodes (the first is the seed).
 */
export async function loopbackCluster(t: Topology, names: readonly string[]): Promise<LoopbackCluster> {
  const base = await pickBase(names.length);
  const files = renderHostFiles(t, 'rabbit-01', 'lab');
  const format = rabbitCliDialect(t.image.rabbitmq).configFormat;
  const config = files.find((f) => f.path.startsWith('/etc/rabbitmq/rabbitmq.conf'))!;
  const plugins = files.find((f) => f.path === '/etc/rabbitmq/enabled_plugins')!;
  const dir = mkdtempSync(path.join(tmpdir(), 'warren-cloudinit-rabbit-'));
  const password = randomBytes(12).toString('hex');
  mkdirSync(path.join(dir, 'secrets'));
  writeFileSync(path.join(dir, 'secrets', 'admin-password'), `${password}\n`, { mode: 0o600 });
  writeFileSync(path.join(dir, '.erlang.cookie'), randomBytes(16).toString('hex').toUpperCase(), {
    mode: 0o400,
  });
  writeFileSync(
    path.join(dir, 'platform.env'),
    `WARREN_SECRETS_BACKEND=file\nWARREN_SECRETS_DIR=${dir}/secrets\n`,
  );
  writeFileSync(path.join(dir, 'enabled_plugins'), plugins.content);

  const nodes: LoopbackNode[] = names.map((name, i) => {
    const nodeDir = path.join(dir, name.split('@')[0]!);
    mkdirSync(nodeDir);
    const amqpPort = base.amqp + i;
    const mgmtPort = base.amqp + 10000 + i;
    writeFileSync(
      path.join(nodeDir, path.basename(config.path)),
      loopbackConfig(config.content, format, amqpPort, mgmtPort),
    );
    const facts = {
      ...warrenEnvVars(t, 'rabbit-01'),
      WARREN_NODE: name,
      WARREN_NODES: names.join(' '),
      WARREN_FORM_TIMEOUT: '120',
    };
    writeFileSync(
      path.join(nodeDir, 'warren.env'),
      Object.entries(facts)
        .map(([k, v]) => `${k}='${v}'`)
        .join('\n') + '\n',
    );
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: dir,
      LANG: 'C.UTF-8',
      ERL_EPMD_PORT: String(base.epmd),
      // Should anything start an epmd daemon of its own, it stays on loopback too.
      ERL_EPMD_ADDRESS: '127.0.0.1',
      // Erlang distribution on loopback only.
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
      RABBITMQ_CONF_ENV_FILE: '/dev/null',
      RABBITMQ_NODENAME: name,
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_DIST_PORT: String(amqpPort + 20000),
      // Extension-less, as rabbitmq-env.conf's CONFIG_FILE: the server must find the file by itself.
      RABBITMQ_CONFIG_FILE: path.join(nodeDir, 'rabbitmq'),
      RABBITMQ_MNESIA_BASE: path.join(nodeDir, 'mnesia'),
      RABBITMQ_LOG_BASE: path.join(nodeDir, 'log'),
      RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, 'enabled_plugins'),
      WARREN_PLATFORM_FILE: path.join(dir, 'platform.env'),
      WARREN_FACTS_FILE: path.join(nodeDir, 'warren.env'),
      WARREN_RABBIT_HOME: nodeDir,
      WARREN_RABBITMQCTL: path.join(RABBIT_BIN, 'rabbitmqctl'),
      WARREN_RABBITMQ_DIAGNOSTICS: path.join(RABBIT_BIN, 'rabbitmq-diagnostics'),
    };
    return { name, amqpPort, mgmtPort, env, mnesiaDir: path.join(nodeDir, 'mnesia', name) };
  });

  // Our own epmd, listening before any node starts (else a node would start a daemon of its own).
  const epmd: ChildProcess = spawn('epmd', ['-port', String(base.epmd), '-address', '127.0.0.1'], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 50 && !(await portOpen(base.epmd)); i++) await new Promise((r) => setTimeout(r, 100));
  if (epmd.exitCode !== null || !(await portOpen(base.epmd))) {
    epmd.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`epmd did not listen on ${base.epmd}`);
  }

  const servers = new Map<string, ChildProcess>();
  const killGroup = (node: LoopbackNode) => {
    const server = servers.get(node.name);
    servers.delete(node.name);
    if (server?.pid === undefined) return;
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const cluster: LoopbackCluster = {
    nodes,
    password,
    start(node) {
      const server = spawn(path.join(RABBIT_BIN, 'rabbitmq-server'), [], {
        env: node.env,
        stdio: 'ignore',
        detached: true,
      });
      servers.set(node.name, server);
    },
    awaitRunning(node) {
      const r = run(
        'bash',
        [
          '-c',
          `source ${SCRIPTS_DIR}/warren-lib && warren_wait_until "${node.name}" 240 ${SCRIPTS_DIR}/warren-rabbitmq-cli running ${node.name}`,
        ],
        node.env,
      );
      if (r.code !== 0) throw new Error(`${node.name} did not start: ${r.out}`);
    },
    crash(node) {
      killGroup(node);
    },
    steps(node, fns) {
      return run('bash', ['-c', `source ${SCRIPTS_DIR}/warren-rabbitmq-boot && ${fns}`], node.env);
    },
    stepsAsync(node, fns) {
      return new Promise((resolve) => {
        const child = spawn('bash', ['-c', `source ${SCRIPTS_DIR}/warren-rabbitmq-boot && ${fns}`], {
          env: node.env,
        });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.on('close', (code) => resolve({ code: code ?? -1, out }));
      });
    },
    ctl(node, ...args) {
      return run(path.join(RABBIT_BIN, 'rabbitmqctl'), ['-q', '-n', node.name, ...args], node.env);
    },
    destroy() {
      clusters.delete(cluster);
      for (const node of nodes) {
        if (servers.has(node.name))
          run(path.join(RABBIT_BIN, 'rabbitmqctl'), ['-n', node.name, 'stop'], node.env);
        killGroup(node);
      }
      epmd.kill('SIGKILL');
      // An epmd daemon a CLI call may have started on our private port is ours too: stop it by PID.
      for (const m of run('ss', ['-Hltnp', `sport = :${base.epmd}`]).out.matchAll(/"epmd",pid=(\d+)/g)) {
        try {
          process.kill(Number(m[1]), 'SIGKILL');
        } catch {
          // already gone
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  clusters.add(cluster);
  return cluster;
}

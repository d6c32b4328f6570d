/**
 * Real RabbitMQ nodes (the host's rabbitmq-server) on 127.0.0.1 for the unit tests, apart from the lab's
 * and from each other suite's: one temp dir is every node's HOME (a private Erlang cookie) and holds each
 * node's config, data and logs; one epmd of our own on a private port; Erlang distribution on loopback.
 * Listeners are the caller's (config file or environment). Every process is stopped by PID (each node's
 * process group, then epmd) and the temp dir removed by `destroy()`, which callers run in a `finally` or
 * `afterAll`; a failed start cleans up by itself.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startEpmd, type Epmd } from './epmd';
import { sigkill } from './processes';

const execFileP = promisify(execFile);

export const RABBIT_BIN = '/usr/lib/rabbitmq/bin';

const CONFIG_FILE_NAMES = ['rabbitmq.conf', 'rabbitmq.config'];

export interface LoopbackRabbitProps {
  /** Names the temp dir (`warren-<prefix>-XXXXXX`), so a leftover says whose it is. */
  readonly prefix: string;
  /** epmd's private port: each suite its own, so suites running at once never share one. */
  readonly epmdPort: number;
}

export interface LoopbackNodeProps {
  /** Erlang node name, e.g. `a@localhost`; the part before `@` names the node's dir. */
  readonly name: string;
  /** The node's Erlang distribution port. */
  readonly distPort: number;
  /**
   * The config file, `rabbitmq.conf` or `rabbitmq.config`; the server finds it by itself.
   * @default none: RabbitMQ's defaults, with listeners from `env`
   */
  readonly config?: { readonly fileName: string; readonly content: string };
  /** The enabled_plugins file. @default no plugins */
  readonly enabledPlugins?: string;
  /** More environment for the server and for CLI calls as this node (listeners, facts). @default none */
  readonly env?: NodeJS.ProcessEnv;
}

export interface LoopbackNode {
  readonly name: string;
  /** The node's own dir: config, data, logs. */
  readonly dir: string;
  /** Environment for rabbitmq-server, rabbitmqctl and scripts acting as this node. */
  readonly env: NodeJS.ProcessEnv;
  /** Its Mnesia dir: removing it while the node is down makes the node blank. */
  readonly mnesiaDir: string;
}

export interface LoopbackRabbit {
  /** The temp dir, HOME of every node. */
  readonly dir: string;
  readonly epmdPort: number;
  /** Lays out a node's dir and environment; does not start it. */
  addNode(props: LoopbackNodeProps): LoopbackNode;
  /** Starts the node's rabbitmq-server in a process group of its own; does not wait. */
  start(node: LoopbackNode): void;
  /** SIGKILLs the node's process group (a crash); its data stays for `start`. */
  kill(node: LoopbackNode): void;
  /** Whether the node was started and not killed since. */
  started(node: LoopbackNode): boolean;
  /** rabbitmqctl as this node: its stdout, or a rejection with its output. */
  ctl(node: LoopbackNode, ...args: string[]): Promise<string>;
  /** Stops every node and epmd by PID and removes the temp dir. Idempotent. */
  destroy(): void;
}

export async function startLoopbackRabbit(props: LoopbackRabbitProps): Promise<LoopbackRabbit> {
  const dir = mkdtempSync(path.join(tmpdir(), `warren-${props.prefix}-`));
  // Ours before any node starts: nodes starting at once would each write one.
  writeFileSync(path.join(dir, '.erlang.cookie'), randomBytes(16).toString('hex').toUpperCase(), {
    mode: 0o400,
  });
  let epmd: Epmd;
  try {
    epmd = await startEpmd(props.epmdPort, dir);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }

  const servers = new Map<string, ChildProcess>();
  const killServer = (name: string) => {
    const server = servers.get(name);
    servers.delete(name);
    // rabbitmq-server runs the VM as its child: the process group holds both, and their helpers.
    if (server?.pid !== undefined) sigkill(-server.pid);
  };

  return {
    dir,
    epmdPort: props.epmdPort,
    addNode(node) {
      if (node.config && !CONFIG_FILE_NAMES.includes(node.config.fileName)) {
        throw new Error(
          `addNode ${node.name}: config.fileName is '${node.config.fileName}'; RabbitMQ reads ${CONFIG_FILE_NAMES.join(' or ')}`,
        );
      }
      const nodeDir = path.join(dir, node.name.split('@')[0]!);
      mkdirSync(nodeDir);
      if (node.config) writeFileSync(path.join(nodeDir, node.config.fileName), node.config.content);
      writeFileSync(path.join(nodeDir, 'enabled_plugins'), node.enabledPlugins ?? '[].\n');
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: dir,
        LANG: 'C.UTF-8',
        ERL_EPMD_PORT: String(props.epmdPort),
        // Should anything start an epmd daemon of its own, it stays on loopback too.
        ERL_EPMD_ADDRESS: '127.0.0.1',
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
        // Not the host's rabbitmq-env.conf: everything comes from here.
        RABBITMQ_CONF_ENV_FILE: '/dev/null',
        RABBITMQ_NODENAME: node.name,
        RABBITMQ_DIST_PORT: String(node.distPort),
        // Extension-less, as rabbitmq-env.conf's CONFIG_FILE: the server must find the file by itself.
        RABBITMQ_CONFIG_FILE: path.join(nodeDir, 'rabbitmq'),
        RABBITMQ_MNESIA_BASE: path.join(nodeDir, 'mnesia'),
        RABBITMQ_LOG_BASE: path.join(nodeDir, 'log'),
        RABBITMQ_ENABLED_PLUGINS_FILE: path.join(nodeDir, 'enabled_plugins'),
        ...node.env,
      };
      return { name: node.name, dir: nodeDir, env, mnesiaDir: path.join(nodeDir, 'mnesia', node.name) };
    },
    start(node) {
      if (servers.has(node.name)) throw new Error(`${node.name} is already started`);
      const server = spawn(path.join(RABBIT_BIN, 'rabbitmq-server'), [], {
        env: node.env,
        stdio: 'ignore',
        detached: true,
      });
      servers.set(node.name, server);
    },
    kill(node) {
      killServer(node.name);
    },
    started(node) {
      return servers.has(node.name);
    },
    async ctl(node, ...args) {
      const rabbitmqctl = path.join(RABBIT_BIN, 'rabbitmqctl');
      return (await execFileP(rabbitmqctl, ['-n', node.name, ...args], { env: node.env })).stdout;
    },
    destroy() {
      for (const name of [...servers.keys()]) killServer(name);
      epmd.stop();
      // A node killed a moment ago may still be writing: retry rather than leave the dir.
      rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}

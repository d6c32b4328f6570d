/**
 * Real RabbitMQ nodes (the installed 3.10) on 127.0.0.1 for the cloudinit tests, configured with the
 * rendered files of an environment: listeners moved to private ports (the only change; with
 * rabbitmq.tls 'required' the TLS listeners, and the node's certificate files pointed at ones an
 * openssl CA made for localhost), and the facts and secrets the boot scripts read. The nodes, their epmd and their cleanup by PID are
 * test/support/loopback-rabbit.ts's.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderHostFiles, warrenEnvVars } from '../../cloudinit';
import { RABBITMQ_TLS } from '../../cloudinit/tls-files';
import { ensureCa, ensureHostCert } from '../../lab/lab-ca';
import { PORTS, rabbitCliDialect, type Topology } from '../../topology';
import { RABBIT_BIN, startLoopbackRabbit, type LoopbackNode } from '../support/loopback-rabbit';
import { portOpen } from '../support/ports';
import { run, SCRIPTS_DIR } from './helpers';

/** The node's TLS files for a loopback node: what the rendered /etc/rabbitmq/tls paths become. */
export interface LoopbackTlsFiles {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

/**
 * The rendered config with its listeners moved to private loopback ports (the only change). With
 * rabbitmq_prometheus enabled (3.8+, always the ini format) its listener moves too: every node
 * would otherwise take 15692, and the second one on this machine would fail to start. A config
 * with no plaintext listener (rabbitmq.tls 'required', ini format) gets its TLS listeners on those
 * ports instead, and its certificate paths replaced by `tls`.
 */
export function loopbackConfig(
  content: string,
  format: 'classic' | 'ini',
  amqp: number,
  mgmt: number,
  prometheus?: number,
  tls?: LoopbackTlsFiles,
): string {
  if (format === 'ini' && /^listeners\.tcp = none$/m.test(content)) {
    if (!tls) throw new Error('a TLS-only rabbitmq.conf needs the node certificate files (tls)');
    const out = content
      .replace(`listeners.ssl.default = ${PORTS.amqps}`, `listeners.ssl.default = 127.0.0.1:${amqp}`)
      .replace(
        `management.ssl.port = ${PORTS.managementTls}`,
        `management.ssl.port = ${mgmt}\nmanagement.ssl.ip = 127.0.0.1`,
      )
      .replace(
        `prometheus.ssl.port = ${PORTS.rabbitmqPrometheusTls}`,
        `prometheus.ssl.port = ${prometheus}\nprometheus.ssl.ip = 127.0.0.1`,
      )
      .replaceAll(RABBITMQ_TLS.ca, tls.ca)
      .replaceAll(RABBITMQ_TLS.cert, tls.cert)
      .replaceAll(RABBITMQ_TLS.key, tls.key);
    if (
      !out.includes(`127.0.0.1:${amqp}`) ||
      !out.includes(`management.ssl.port = ${mgmt}`) ||
      (prometheus !== undefined && !out.includes(`prometheus.ssl.port = ${prometheus}`)) ||
      out.includes('/etc/rabbitmq/tls/')
    )
      throw new Error('the TLS listener lines changed shape; update loopbackConfig');
    return out;
  }
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
  if (prometheus === undefined) return out;
  if (format !== 'ini') throw new Error('rabbitmq_prometheus (3.8+) with the classic config format');
  return `${out.trimEnd()}\nprometheus.tcp.port = ${prometheus}\nprometheus.tcp.ip = 127.0.0.1\n`;
}

export interface ClusterNode extends LoopbackNode {
  readonly amqpPort: number;
  readonly mgmtPort: number;
}

export interface LoopbackCluster {
  readonly nodes: readonly ClusterNode[];
  /** The admin password in the lab-style secrets dir. */
  readonly password: string;
  /** The CA the nodes' certificates verify against, when the config is TLS-only. */
  readonly caFile?: string;
  /** Starts a node (not waiting). */
  start(node: ClusterNode): void;
  /** Waits, bounded, until the RabbitMQ app runs on the node. */
  awaitRunning(node: ClusterNode): void;
  /** SIGKILL the node's process group: a crash. */
  crash(node: ClusterNode): void;
  /** Runs boot-script functions (`warren-rabbitmq-boot` sourced) as this node. */
  steps(node: ClusterNode, fns: string): { code: number; out: string };
  /** The same, without blocking: for nodes that boot at the same time. */
  stepsAsync(node: ClusterNode, fns: string): Promise<{ code: number; out: string }>;
  ctl(node: ClusterNode, ...args: string[]): { code: number; out: string };
  destroy(): void;
}

const clusters = new Set<LoopbackCluster>();

/** Stops whatever a failed test left running. Call from afterAll. */
export function destroyAllClusters(): void {
  for (const c of clusters) c.destroy();
}

/** A free base: AMQP ports from `amqp`, management +10000, distribution +20000, metrics +30000; epmd's own. */
async function pickBase(count: number): Promise<{ amqp: number; epmd: number }> {
  for (let k = 0; k < 20; k++) {
    const amqp = 5791 + k * 4;
    const epmd = 4391 + k;
    const ports = [epmd];
    for (let i = 0; i < count; i++)
      ports.push(amqp + i, amqp + 10000 + i, amqp + 20000 + i, amqp + 30000 + i);
    const busy = await Promise.all(ports.map(portOpen));
    if (!busy.some(Boolean)) return { amqp, epmd };
  }
  throw new Error(
    'no free loopback ports in 5791-5870 (+10000, +20000, +30000) / 4391-4410: stale test brokers? stop them by PID',
  );
}

/** A CA and a localhost certificate (lab/lab-ca.ts, as the lab makes them), readable by the node. */
function loopbackTls(dir: string): LoopbackTlsFiles {
  const root = path.join(dir, 'tls');
  const ca = ensureCa(root, 'warren loopback CA');
  const host = ensureHostCert(root, ca, 'localhost', { dns: ['localhost'], ips: ['127.0.0.1'] });
  chmodSync(path.join(root, 'private'), 0o755);
  chmodSync(host.key, 0o644);
  return { ca: ca.cert, cert: host.cert, key: host.key };
}

/** The lab-style secrets dir with the admin password, and the platform file naming it. */
function writeSecrets(dir: string, password: string): string {
  mkdirSync(path.join(dir, 'secrets'));
  writeFileSync(path.join(dir, 'secrets', 'admin-password'), `${password}\n`, { mode: 0o600 });
  const platformFile = path.join(dir, 'platform.env');
  writeFileSync(platformFile, `WARREN_SECRETS_BACKEND=file\nWARREN_SECRETS_DIR=${dir}/secrets\n`);
  return platformFile;
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
  const rabbit = await startLoopbackRabbit({ prefix: 'cloudinit-rabbit', epmdPort: base.epmd });
  const password = randomBytes(12).toString('hex');
  let nodes: ClusterNode[];
  let tls: LoopbackTlsFiles | undefined;
  try {
    const platformFile = writeSecrets(rabbit.dir, password);
    tls = config.content.includes(RABBITMQ_TLS.cert) ? loopbackTls(rabbit.dir) : undefined;
    nodes = names.map((name, i) => {
      const amqpPort = base.amqp + i;
      const mgmtPort = base.amqp + 10000 + i;
      const node = rabbit.addNode({
        name,
        distPort: amqpPort + 20000,
        config: {
          fileName: path.basename(config.path),
          content: loopbackConfig(
            config.content,
            format,
            amqpPort,
            mgmtPort,
            plugins.content.includes('rabbitmq_prometheus') ? base.amqp + 30000 + i : undefined,
            tls,
          ),
        },
        enabledPlugins: plugins.content,
        env: { RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1' },
      });
      const facts = {
        ...warrenEnvVars(t, 'rabbit-01'),
        WARREN_NODE: name,
        WARREN_NODES: names.join(' '),
        WARREN_FORM_TIMEOUT: '120',
      };
      const factsFile = path.join(node.dir, 'warren.env');
      writeFileSync(
        factsFile,
        Object.entries(facts)
          .map(([k, v]) => `${k}='${v}'`)
          .join('\n') + '\n',
      );
      const env: NodeJS.ProcessEnv = {
        ...node.env,
        WARREN_PLATFORM_FILE: platformFile,
        WARREN_FACTS_FILE: factsFile,
        WARREN_RABBIT_HOME: node.dir,
        WARREN_RABBITMQCTL: path.join(RABBIT_BIN, 'rabbitmqctl'),
        WARREN_RABBITMQ_DIAGNOSTICS: path.join(RABBIT_BIN, 'rabbitmq-diagnostics'),
      };
      return { ...node, env, amqpPort, mgmtPort };
    });
  } catch (e) {
    rabbit.destroy();
    throw e;
  }

  const boot = (fns: string) => ['-c', `source ${SCRIPTS_DIR}/warren-rabbitmq-boot && ${fns}`];
  const cluster: LoopbackCluster = {
    nodes,
    password,
    ...(tls ? { caFile: tls.ca } : {}),
    start(node) {
      rabbit.start(node);
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
      rabbit.kill(node);
    },
    steps(node, fns) {
      return run('bash', boot(fns), node.env);
    },
    stepsAsync(node, fns) {
      return new Promise((resolve) => {
        const child = spawn('bash', boot(fns), { env: node.env });
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
      // A clean stop first; the kill by PID after it is what guarantees nothing stays.
      for (const node of nodes) {
        if (rabbit.started(node))
          run(path.join(RABBIT_BIN, 'rabbitmqctl'), ['-n', node.name, 'stop'], node.env);
      }
      rabbit.destroy();
    },
  };
  clusters.add(cluster);
  return cluster;
}

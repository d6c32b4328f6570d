/**
 * The lab's Prometheus: Debian's `prometheus` (the machine's /usr/bin/prometheus, installed by
 * .ci/debian-packages) run inside the lab's client namespace, the lab's admin, with the
 * environment's own prometheus.yml and alerts.yml from monitoring/. The lab keeps every topology
 * address, so the rendered targets are the lab's hosts as they are, and the scrapes pass each
 * host's firewall as an admin's would (access.adminCidrs must hold the client; `lab up` says so
 * when it does not). Only the interval differs (LAB_PROMETHEUS_INTERVAL): alerts fire and clear
 * sooner; the rules, their `for:` durations included, are the ones an operator gets.
 *
 * Started by `lab up` after the cluster answers, stopped by `lab down` by its PID; its files and
 * data are in the lab's state directory (`<state>/<env>/prometheus/`), which `down` removes; with
 * `rabbitmq.tls` on, the lab's CA is copied there under the name prometheus.yml's `ca_file` gives.
 */
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { prometheusCaFile, renderAlertRules, renderPrometheusConfig } from '../monitoring';
import { tlsOn, UserError, type Topology } from '../topology';
import { labCaFile } from './lab-ca';
import { processAlive, processRef, type ProcessRef } from './lab-instance';
import { envStateDir, netnsName } from './paths';
import { run, start, waitFor } from '../workspace';

export const LAB_PROMETHEUS_BIN = process.env.WARREN_PROMETHEUS_BIN ?? '/usr/bin/prometheus';
export const LAB_PROMETHEUS_PORT = 9090;
/** Scrape and evaluation interval in the lab (the rendered default is 15s). */
export const LAB_PROMETHEUS_INTERVAL = '5s';
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

export function labPrometheusDir(env: string): string {
  return path.join(envStateDir(env), 'prometheus');
}

function pidFile(env: string): string {
  return path.join(labPrometheusDir(env), 'pid.json');
}

interface PrometheusRecord {
  readonly ref: ProcessRef;
  readonly url: string;
}

function readRecord(env: string): PrometheusRecord | undefined {
  try {
    return JSON.parse(readFileSync(pidFile(env), 'utf8')) as PrometheusRecord;
  } catch {
    return undefined;
  }
}

/** The URL of the lab's running Prometheus (reachable from the client namespace), or undefined. */
export function labPrometheusUrl(env: string): string | undefined {
  const r = readRecord(env);
  return r && processAlive(r.ref) ? r.url : undefined;
}

async function ready(env: string, url: string): Promise<boolean> {
  const r = await run('ip', ['netns', 'exec', netnsName(env, 'client'), 'curl', '-sf', `${url}/-/ready`], {
    timeoutMs: 5000,
  });
  return r.code === 0;
}

/**
 * Writes the environment's monitoring files into the lab's state directory and starts Prometheus
 * in the client namespace, listening on the client's address; returns its URL once it is ready.
 * A Prometheus of this lab that still runs is kept.
 */
export async function startLabPrometheus(
  t: Topology,
  clientIp: string,
  progress: (line: string) => void,
): Promise<string> {
  const env = t.name;
  const running = labPrometheusUrl(env);
  if (running) return running;
  if (!existsSync(LAB_PROMETHEUS_BIN)) {
    throw new UserError(
      `the lab's Prometheus needs ${LAB_PROMETHEUS_BIN}; install Debian's prometheus package (apt-get install prometheus, listed in .ci/debian-packages)`,
    );
  }
  const dir = labPrometheusDir(env);
  mkdirSync(path.join(dir, 'data'), { recursive: true, mode: 0o700 });
  const config = renderPrometheusConfig(t, { interval: LAB_PROMETHEUS_INTERVAL });
  for (const f of [config, renderAlertRules(t)]) writeFileSync(path.join(dir, f.name), f.content);
  // With TLS on, the https jobs verify the nodes against the lab's CA, where an operator puts the stack's.
  if (tlsOn(t)) copyFileSync(labCaFile(env), path.join(dir, prometheusCaFile(t)));
  const url = `http://${clientIp}:${LAB_PROMETHEUS_PORT}`;
  const log = openSync(path.join(dir, 'prometheus.log'), 'a', 0o600);
  let pid: number | undefined;
  try {
    // `ip netns exec` execs the program in place: the child's PID is Prometheus's.
    const child = start(
      'ip',
      [
        'netns',
        'exec',
        netnsName(env, 'client'),
        LAB_PROMETHEUS_BIN,
        `--config.file=${path.join(dir, config.name)}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=${clientIp}:${LAB_PROMETHEUS_PORT}`,
        '--storage.tsdb.retention.time=1d',
      ],
      { detached: true, stdio: ['ignore', log, log] },
    );
    child.unref();
    pid = child.pid;
  } finally {
    closeSync(log);
  }
  const ref = pid === undefined ? undefined : processRef(pid);
  if (!ref) throw new Error(`${LAB_PROMETHEUS_BIN} did not start; see ${path.join(dir, 'prometheus.log')}`);
  writeFileSync(pidFile(env), JSON.stringify({ ref, url }) + '\n', { mode: 0o600 });
  await waitFor(
    `the lab's Prometheus at ${url} to be ready`,
    READY_TIMEOUT_MS,
    async () => {
      if (!processAlive(ref)) {
        const tail = readFileSync(path.join(dir, 'prometheus.log'), 'utf8').split('\n').slice(-10).join('\n');
        throw new UserError(`the lab's Prometheus exited while starting; last log lines:\n${tail}`);
      }
      return (await ready(env, url)) ? true : undefined;
    },
    500,
  );
  progress(`prometheus: ${url} (in ${netnsName(env, 'client')}), scraping every ${LAB_PROMETHEUS_INTERVAL}`);
  return url;
}

/** Stops the lab's Prometheus by its recorded PID (SIGTERM, then SIGKILL) and forgets it. */
export async function stopLabPrometheus(env: string, progress: (line: string) => void): Promise<void> {
  const r = readRecord(env);
  if (r && processAlive(r.ref)) {
    progress('prometheus: stopping');
    process.kill(r.ref.pid, 'SIGTERM');
    try {
      await waitFor(
        'the lab Prometheus to stop',
        STOP_TIMEOUT_MS,
        () => (processAlive(r.ref) ? undefined : true),
        200,
      );
    } catch {
      if (processAlive(r.ref)) process.kill(r.ref.pid, 'SIGKILL');
    }
  }
  rmSync(pidFile(env), { force: true });
}

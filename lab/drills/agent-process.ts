/**
 * Starts the drills' agent (agent.ts) as a child process, inside a network namespace when one is given
 * (`ip netns exec NS node --import tsx agent.ts …`), and hands back its progress events, a way to stop it,
 * and its one JSON result. The child is killed by PID if the caller gives up on it.
 */
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { labTopology, type LabStatus } from '../index';
import { plaintextOn } from '../../topology';
import { PROJECT_ROOT, start } from '../../workspace';

export const AGENT_SCRIPT = join(PROJECT_ROOT, 'lab', 'drills', 'agent.ts');

/**
 * The AMQP port clients of this lab use: 5671 (AMQPS) when its environment has no plaintext
 * listener (`rabbitmq.tls: 'required'`), else the plaintext port.
 */
export function labAmqpPort(status: LabStatus): number {
  return labTlsRequired(status) ? status.endpoint.amqpsPort! : status.endpoint.amqpPort;
}

function labTlsRequired(status: LabStatus): boolean {
  return !plaintextOn(labTopology(status.env)) && status.caFile !== undefined;
}

/**
 * The agent's broker flags: an address (the front door or one node), the AMQP port, the lab's
 * credentials; with `rabbitmq.tls: 'required'` AMQPS on 5671 verifying the lab's CA (for the
 * address: the certificates carry each node's IP and the front door's).
 */
export function brokerArgs(host: string, status: LabStatus): string[] {
  return [
    '--host',
    host,
    '--port',
    String(labAmqpPort(status)),
    '--credentials',
    status.credentials,
    ...(labTlsRequired(status) ? ['--ca', status.caFile!] : []),
  ];
}

export interface AgentEvent {
  readonly kind: string;
  readonly [key: string]: unknown;
}

export interface AgentProcess<R> {
  /** Ask the agent to finish (stop publishing and drain, or stop probing). */
  stop(): void;
  /** Kill it (SIGKILL by PID): for cleanup after a failure. */
  kill(): void;
  /** Events so far. */
  readonly events: AgentEvent[];
  /** Resolves on the first event matching `pred` (or rejects if the agent ends first or `timeoutMs` passes). */
  waitFor(what: string, pred: (e: AgentEvent) => boolean, timeoutMs: number): Promise<AgentEvent>;
  readonly result: Promise<R>;
}

export function startAgent<R>(netns: string | undefined, args: readonly string[]): AgentProcess<R> {
  const node = [process.execPath, '--import', 'tsx', AGENT_SCRIPT, ...args];
  const argv = netns ? ['ip', 'netns', 'exec', netns, ...node] : node;
  const child = start(argv[0]!, argv.slice(1), { cwd: PROJECT_ROOT });
  const [stdin, childOut, childErr] = [child.stdin!, child.stdout!, child.stderr!];
  const events: AgentEvent[] = [];
  const listeners = new Set<(e: AgentEvent) => void>();
  const stderrText: string[] = [];
  let stdout = '';
  let ended = false;
  const endListeners = new Set<() => void>();

  childOut.on('data', (d: Buffer) => (stdout += d.toString()));
  createInterface({ input: childErr }).on('line', (line) => {
    try {
      const e = JSON.parse(line) as AgentEvent;
      if (e && typeof e === 'object' && typeof e.kind === 'string') {
        events.push(e);
        for (const l of listeners) l(e);
        return;
      }
    } catch {
      // not an event: keep it for the error message
    }
    stderrText.push(line);
    if (stderrText.length > 40) stderrText.shift();
  });
  stdin.on('error', () => {}); // the agent may have exited already

  const result = new Promise<R>((resolve, reject) => {
    child.on('error', (e) =>
      reject(new Error(`could not start the drills agent (${argv.join(' ')}): ${e.message}`)),
    );
    child.on('close', (code, signal) => {
      ended = true;
      for (const l of endListeners) l();
      if (code !== 0) {
        reject(
          new Error(`drills agent ${args[0]} failed (${signal ?? `exit ${code}`}): ${stderrText.join('\n')}`),
        );
        return;
      }
      try {
        resolve(JSON.parse(stdout) as R);
      } catch {
        reject(new Error(`drills agent ${args[0]} printed no JSON result: ${stdout.slice(0, 200)}`));
      }
    });
  });
  result.catch(() => {}); // callers that only stop/kill must not see an unhandled rejection

  return {
    events,
    result,
    stop() {
      if (!stdin.destroyed) stdin.end('stop\n');
    },
    kill() {
      if (!ended && child.pid !== undefined) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
    waitFor(what, pred, timeoutMs) {
      const seen = events.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          listeners.delete(onEvent);
          endListeners.delete(onEnd);
        };
        const onEvent = (e: AgentEvent) => {
          if (pred(e)) {
            done();
            resolve(e);
          }
        };
        const onEnd = () => {
          done();
          reject(new Error(`drills agent ended before ${what}: ${stderrText.slice(-5).join(' | ')}`));
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${what} within ${Math.round(timeoutMs / 1000)} s`));
        }, timeoutMs);
        listeners.add(onEvent);
        endListeners.add(onEnd);
        if (ended) onEnd();
      });
    },
  };
}

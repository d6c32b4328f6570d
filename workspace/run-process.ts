/**
 * The one way warren runs a program (ip, nsenter, packer, terraform, rabbitmqctl…): output captured
 * and optionally streamed line by line, a timeout, and `runOk` to turn a non-zero exit into an error
 * naming the command and its stderr. `start` is for the children warren keeps talking to or leaves
 * running (the lab's detached launchers, the drills' agents); `runSync` for the one synchronous
 * probe (the bake preflight's `packer version`). No other module imports node:child_process
 * (eslint.config.mjs enforces it).
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';

export type { ChildProcess };

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Written to the child's stdin (then closed). */
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Called with each line of stdout and stderr as it arrives (for progress). */
  readonly onLine?: (line: string) => void;
  /** Kill the child after this long; the result then has code 124, like timeout(1). */
  readonly timeoutMs?: number;
  /** When it aborts, the child gets `killSignal` (and is still waited for: its output keeps coming). */
  readonly signal?: AbortSignal;
  /** @default 'SIGTERM' */
  readonly killSignal?: NodeJS.Signals;
}

/** Runs a program and resolves with its exit code and output; never rejects on a non-zero exit. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    // One partial line per stream: a line cut between chunks must not mix with the other stream.
    const partial = { out: '', err: '' };
    const onChunk = (chunk: Buffer, sink: 'out' | 'err') => {
      const text = chunk.toString('utf8');
      if (sink === 'out') stdout += text;
      else stderr += text;
      if (opts.onLine) {
        const lines = (partial[sink] + text).split('\n');
        partial[sink] = lines.pop() ?? '';
        for (const l of lines) if (l.trim() !== '') opts.onLine(l);
      }
    };
    child.stdout.on('data', (c: Buffer) => onChunk(c, 'out'));
    child.stderr.on('data', (c: Buffer) => onChunk(c, 'err'));
    let timedOut = false;
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, opts.timeoutMs);
    const onAbort = () => child.kill(opts.killSignal ?? 'SIGTERM');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (e) => {
      done();
      reject(new Error(`cannot run ${cmd}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      done();
      for (const rest of [partial.out, partial.err]) if (opts.onLine && rest.trim() !== '') opts.onLine(rest);
      resolve({ code: timedOut ? 124 : (code ?? (signal ? 128 : 1)), stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs a program and returns its stdout; throws with the command line and stderr when it fails. */
export async function runOk(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    const detail = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-15).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} exited with ${r.code}${detail ? `:\n${detail}` : ''}`);
  }
  return r.stdout;
}

export type StartOptions = Pick<SpawnOptions, 'env' | 'cwd' | 'detached' | 'stdio'>;

/**
 * Starts a program and hands back the child itself: for a process warren talks to while it runs
 * (stdin/stdout pipes) or leaves running (`detached`, then `unref()` it). A program that cannot be
 * started has no `pid` and emits 'error', as with spawn.
 */
export function start(cmd: string, args: readonly string[], opts: StartOptions = {}): ChildProcess {
  return spawn(cmd, [...args], {
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    detached: opts.detached ?? false,
    stdio: opts.stdio ?? ['pipe', 'pipe', 'pipe'],
  });
}

/**
 * `run` for a synchronous caller; throws `cannot run CMD` when the program cannot be started (not
 * found, not executable), like `run`.
 */
export function runSync(
  cmd: string,
  args: readonly string[],
  opts: Pick<RunOptions, 'env' | 'cwd' | 'timeoutMs' | 'input'> = {},
): RunResult {
  const r = spawnSync(cmd, [...args], {
    encoding: 'utf8',
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    input: opts.input ?? '',
    timeout: opts.timeoutMs,
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT')
    throw new Error(`cannot run ${cmd}: ${r.error.message}`);
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  return {
    code: timedOut ? 124 : (r.status ?? (r.signal ? 128 : 1)),
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
  };
}

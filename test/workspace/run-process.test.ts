/**
 * The one process runner: exit codes and output, lines per stream, abort with a chosen signal, the
 * long-running child (`start`) and the synchronous probe (`runSync`), against real programs.
 */
import { describe, expect, it } from 'vitest';
import { run, runOk, runSync, start } from '../../workspace';

describe('run', () => {
  it('keeps stdout and stderr apart, also in the line stream, and returns the exit code', async () => {
    const lines: string[] = [];
    // A line of stdout cut between writes must not take in the stderr written meanwhile.
    const script = 'printf par; sleep 0.2; echo err >&2; sleep 0.2; echo tial; exit 3';
    const r = await run('bash', ['-c', script], { onLine: (l) => lines.push(l) });
    expect(r).toEqual({ code: 3, stdout: 'partial\n', stderr: 'err\n' });
    expect(lines).toEqual(['err', 'partial']);
  });

  it('on abort sends the chosen signal and still waits for the child and its last lines', async () => {
    const stop = new AbortController();
    const lines: string[] = [];
    const script = "sleep 30 & pid=$!; trap 'kill $pid; echo cleaning up; exit 0' INT; echo ready; wait $pid";
    const r = await run('bash', ['-c', script], {
      signal: stop.signal,
      killSignal: 'SIGINT',
      onLine: (l) => {
        lines.push(l);
        if (l === 'ready') stop.abort();
      },
    });
    expect(lines).toEqual(['ready', 'cleaning up']);
    expect(r.code).toBe(0);
  });

  it('runOk names the command and its stderr when it fails', async () => {
    await expect(runOk('bash', ['-c', 'echo nope >&2; exit 4'])).rejects.toThrow(
      /bash -c .* exited with 4:\nnope/,
    );
  });
});

describe('start', () => {
  it('hands back a live child with a pid and pipes', async () => {
    const child = start('cat', []);
    expect(child.pid).toBeGreaterThan(0);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const closed = new Promise((r) => child.on('close', r));
    child.stdin!.end('hello\n');
    expect(await closed).toBe(0);
    expect(out).toBe('hello\n');
  });
});

describe('runSync', () => {
  it('returns code and output, 124 on timeout, and throws for a program that is not there', () => {
    expect(runSync('bash', ['-c', 'echo out; echo err >&2; exit 2'])).toEqual({
      code: 2,
      stdout: 'out\n',
      stderr: 'err\n',
    });
    expect(runSync('sleep', ['5'], { timeoutMs: 200 }).code).toBe(124);
    expect(() => runSync('warren-no-such-program', [])).toThrow(/cannot run warren-no-such-program/);
  });
});

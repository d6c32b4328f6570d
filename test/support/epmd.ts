/**
 * An epmd of our own on a private loopback port, listening before any node starts: else the first node
 * would start an epmd daemon, which detaches and outlives it. Stopped by PID, together with any daemon a
 * node or CLI call started anyway with our HOME and port (found in /proc, as it left our process tree).
 */
import { spawn } from 'node:child_process';
import { assertPortsFree, portOpen } from './ports';
import { pidsWithEnv, sigkill } from './processes';
import { waitFor } from './wait-for';

export interface Epmd {
  readonly port: number;
  /** Stops it and every epmd started with `home` and its port. Idempotent. */
  stop(): void;
}

export async function startEpmd(port: number, home: string): Promise<Epmd> {
  await assertPortsFree([port]);
  const env = { PATH: process.env.PATH, HOME: home, ERL_EPMD_PORT: String(port) };
  const daemon = spawn('epmd', ['-port', String(port), '-address', '127.0.0.1'], { env, stdio: 'ignore' });
  let failed: Error | undefined;
  daemon.once('error', (e) => (failed = e));
  const stop = () => {
    sigkill(daemon.pid);
    for (const pid of pidsWithEnv('epmd', [`HOME=${home}`, `ERL_EPMD_PORT=${port}`])) sigkill(pid);
  };
  try {
    await waitFor(
      `epmd listening on 127.0.0.1:${port}`,
      async () => {
        if (failed) throw failed;
        if (daemon.exitCode !== null) throw new Error(`epmd on ${port} exited with ${daemon.exitCode}`);
        return portOpen(port);
      },
      5_000,
      100,
    );
  } catch (e) {
    stop();
    throw e;
  }
  return { port, stop };
}

/** Loopback TCP ports of the test brokers: whether one is taken, and refusing to start on a taken one. */
import { connect } from 'node:net';

/** Whether something accepts connections on 127.0.0.1:`port` (it has half a second to answer). */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.setTimeout(500);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.once('timeout', () => (s.destroy(), resolve(false)));
  });
}

/** Throws on the first of `ports` that is taken: a stale broker there would answer in place of ours. */
export async function assertPortsFree(ports: readonly number[]): Promise<void> {
  for (const port of ports) {
    if (await portOpen(port)) {
      throw new Error(
        `port ${port} is already in use on 127.0.0.1: a stale test broker? stop it by PID first`,
      );
    }
  }
}

/** Stopping the test brokers' processes by PID, never by name: other RabbitMQs and epmds run here too. */
import { readdirSync, readFileSync } from 'node:fs';

/** SIGKILL `pid` (a negative one: its whole process group), if it is still there. */
export function sigkill(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** PIDs of the running `comm` processes whose environment holds every one of `vars` (`NAME=value`). */
export function pidsWithEnv(comm: string, vars: readonly string[]): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${p}/comm`, 'utf8').trim() !== comm) continue;
      const environ = readFileSync(`/proc/${p}/environ`, 'utf8').split('\0');
      if (vars.every((v) => environ.includes(v))) pids.push(Number(p));
    } catch {
      // the process ended meanwhile
    }
  }
  return pids;
}

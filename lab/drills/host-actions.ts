/**
 * Operator actions the drills take inside lab hosts that the lab API has no verb for: a graceful
 * shutdown (as `systemctl poweroff` on EC2), killing one service for good (systemd would restart it
 * at once otherwise), re-running a host's user-data, and random packet loss on a host's links.
 */
import { execInHost, labStatus } from '../index';
import { runOk, waitFor } from '../../workspace';

async function must(env: string, host: string, argv: string[], timeoutMs = 60_000): Promise<string> {
  const r = await execInHost(env, host, argv, { timeoutMs });
  if (r.code !== 0)
    throw new Error(`${host}: ${argv.join(' ')} failed (${r.code}): ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

export function hostState(env: string, host: string): string | undefined {
  return labStatus(env)?.hosts.find((h) => h.name === host)?.state;
}

/** `systemctl poweroff` inside the host, then waits until its container has ended. */
export async function shutdownHost(env: string, host: string): Promise<void> {
  // The command may lose its connection to the container as it goes down: the state is what counts.
  await execInHost(env, host, ['systemctl', 'poweroff'], { timeoutMs: 30_000 }).catch(() => undefined);
  await waitFor(`${host} to shut down`, 120_000, () =>
    hostState(env, host) === 'stopped' ? true : undefined,
  );
}

const DROPIN_DIR = (unit: string) => `/run/systemd/system/${unit}.service.d`;
const DROPIN = 'warren-drill-no-restart.conf';

/**
 * SIGKILL a service and keep it dead: a runtime drop-in sets Restart=no first (HAProxy's unit says
 * Restart=always, which would hide the failover this drill is about). `reviveService` undoes it.
 */
export async function killServiceForGood(env: string, host: string, unit: string): Promise<void> {
  await must(env, host, [
    'sh',
    '-c',
    `mkdir -p ${DROPIN_DIR(unit)} && printf '[Service]\\nRestart=no\\n' > ${DROPIN_DIR(unit)}/${DROPIN} && systemctl daemon-reload`,
  ]);
  await must(env, host, ['systemctl', 'kill', '--signal=SIGKILL', `${unit}.service`]);
}

export async function reviveService(env: string, host: string, unit: string): Promise<void> {
  await must(env, host, ['sh', '-c', `rm -f ${DROPIN_DIR(unit)}/${DROPIN} && systemctl daemon-reload`]);
  await must(env, host, ['systemctl', 'reset-failed', `${unit}.service`]).catch(() => undefined);
  await must(env, host, ['systemctl', 'start', `${unit}.service`]);
}

/**
 * Runs the host's user-data again as cloud-init would on a new boot of the same instance: the files
 * (write_files) and the commands (runcmd, executed by scripts_user), with frequency "always".
 */
export async function rerunUserData(env: string, host: string): Promise<string> {
  let out = '';
  for (const mod of ['write_files', 'runcmd', 'scripts_user']) {
    out += await must(env, host, ['cloud-init', 'single', '--name', mod, '--frequency', 'always'], 600_000);
  }
  return out;
}

const FLAKY_TAG = 'warren-drill-flaky';

/** Random loss on every packet in and out of the host's namespace (iptables statistic match). */
export async function dropPackets(netns: string, probability: number): Promise<void> {
  for (const chain of ['INPUT', 'OUTPUT']) {
    await runOk('ip', [
      'netns',
      'exec',
      netns,
      'iptables',
      '-I',
      chain,
      '1',
      '-m',
      'statistic',
      '--mode',
      'random',
      '--probability',
      String(probability),
      '-m',
      'comment',
      '--comment',
      FLAKY_TAG,
      '-j',
      'DROP',
    ]);
  }
}

/** Removes exactly the rules `dropPackets` added (by their comment), however many there are. */
export async function stopDroppingPackets(netns: string): Promise<void> {
  for (const chain of ['INPUT', 'OUTPUT']) {
    for (;;) {
      const stdout = await runOk('ip', ['netns', 'exec', netns, 'iptables', '-S', chain]);
      const rule = stdout.split('\n').find((l) => l.includes(FLAKY_TAG));
      if (!rule) break;
      await runOk('ip', ['netns', 'exec', netns, 'iptables', ...rule.replace(/^-A /, '-D ').split(' ')]);
    }
  }
}

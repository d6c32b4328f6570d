/**
 * HAProxy's own view of its backends, read from its admin socket (`show stat`). The socket lives in the
 * container's filesystem; the host reaches it through /proc/<container init>/root, found by the host's
 * network namespace. This is cheap enough to poll every 50 ms, which the "backend marked down" figure needs.
 */
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { connect } from 'node:net';

export const HAPROXY_ADMIN_SOCKET = '/run/haproxy/admin.sock';

/** `/proc/<pid>/root` of the systemd (PID 1) of the container living in network namespace `netns`. */
export function containerRoot(netns: string): string {
  const ino = statSync(`/run/netns/${netns}`).ino;
  let best: number | undefined;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readlinkSync(`/proc/${d}/ns/net`) !== `net:[${ino}]`) continue;
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() !== 'systemd') continue;
      const pid = Number(d);
      if (best === undefined || pid < best) best = pid;
    } catch {
      // the process ended meanwhile
    }
  }
  if (best === undefined) throw new Error(`no container runs in network namespace ${netns}`);
  return `/proc/${best}/root`;
}

export interface ServerState {
  readonly backend: string;
  readonly server: string;
  /** UP, DOWN, MAINT, "UP 1/2" (going down), … as HAProxy reports it. */
  readonly status: string;
}

/** Parses `show stat` CSV (`# pxname,svname,…,status,…`) into server rows (frontends/backends dropped). */
export function parseShowStat(csv: string): ServerState[] {
  const lines = csv.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0]?.replace(/^#\s*/, '').split(',') ?? [];
  const col = (name: string) => header.indexOf(name);
  const [px, sv, st] = [col('pxname'), col('svname'), col('status')];
  if (px < 0 || sv < 0 || st < 0) throw new Error(`not HAProxy 'show stat' output: ${lines[0] ?? '(empty)'}`);
  return lines
    .slice(1)
    .map((l) => l.split(','))
    .filter((f) => f[sv] !== 'FRONTEND' && f[sv] !== 'BACKEND')
    .map((f) => ({ backend: f[px] ?? '', server: f[sv] ?? '', status: f[st] ?? '' }));
}

/** One `show stat` through the admin socket of the HAProxy in `netns`. */
export function showStat(netns: string, root = containerRoot(netns)): Promise<ServerState[]> {
  return new Promise((resolve, reject) => {
    const s = connect({ path: `${root}${HAPROXY_ADMIN_SOCKET}` });
    let out = '';
    s.setTimeout(2_000, () => s.destroy(new Error(`${netns}: no answer from ${HAPROXY_ADMIN_SOCKET}`)));
    s.on('connect', () => s.write('show stat\n'));
    s.on('data', (d) => (out += d.toString()));
    s.on('error', reject);
    s.on('close', () => {
      try {
        resolve(parseShowStat(out));
      } catch (e) {
        reject(e as Error);
      }
    });
  });
}

/**
 * The AMQP backends haproxy.cfg renders: plaintext, and AMQPS passed through (`rabbitmq.tls` on;
 * the only one with 'required').
 */
export const AMQP_BACKENDS = ['rabbitmq-amqp', 'rabbitmq-amqps'] as const;

/** The AMQP backend status of one server as this HAProxy sees it (the plaintext backend's, if both exist). */
export async function amqpServerStatus(
  netns: string,
  server: string,
  root?: string,
): Promise<string | undefined> {
  const rows = await showStat(netns, root);
  for (const backend of AMQP_BACKENDS) {
    const row = rows.find((r) => r.backend === backend && r.server === server);
    if (row) return row.status;
  }
  return undefined;
}

// The lab's real Prometheus (Debian's, in the client namespace, the environment's own
// prometheus.yml and alerts.yml): every target scraped through the hosts' firewalls as an admin
// would, the VIP held by exactly one host as node_exporter reports it, and a killed RabbitMQ host
// and a killed HAProxy host each raising their down alerts, which clear when the host is started
// again. dev (3.5.7, HAProxy 1.6) has only node_exporter and the VIP metric; elb (rendered for
// 3.13, run by the lab's 3.10.8) adds rabbitmq_prometheus, so its node-down alert is proven too;
// lts (26.04, 4.0.5 on the Debian 13 lab) has every exporter, HAProxy's included.
import { beforeAll, describe, expect, it } from 'vitest';
import { killHost, labTopology, labVipHolder, startHost, type LabStatus } from '../../lab';
import { alertRules, scrapeJobs, VIP_HOLDER_METRIC } from '../../monitoring';
import { run, waitFor } from '../../workspace';
import { expectRunningNodes, sharedLab } from './lab-helpers';

/** WarrenHostDown needs 1 minute of failed scrapes; the boot and a few intervals come on top. */
const ALERT_TIMEOUT_MS = 240_000;

interface Alert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}

// dev and lts have the keepalived pair (the VIP metric, HAProxy hosts to kill); lts (26.04, the
// Debian 13 lab) also has rabbitmq_prometheus and HAProxy's own exporter.
const KEEPALIVED = new Set(['dev', 'lts']);

describe.each(['dev', 'elb', 'lts'])('the lab Prometheus (%s)', (ENV) => {
  let status: LabStatus;
  let url: string;

  async function api<T>(path: string): Promise<T> {
    const client = status.hosts.find((h) => h.role === 'client')!.netns;
    const r = await run('ip', ['netns', 'exec', client, 'curl', '-sf', `${url}${path}`], {
      timeoutMs: 10_000,
    });
    if (r.code !== 0) throw new Error(`curl ${url}${path} from ${client} exited ${r.code}: ${r.stderr}`);
    return (JSON.parse(r.stdout) as { data: T }).data;
  }

  const alerts = () => api<{ alerts: Alert[] }>('/api/v1/alerts').then((d) => d.alerts);
  const alertOf = (list: Alert[], name: string, host: string) =>
    list.find((a) => a.labels.alertname === name && a.labels.host === host);

  /** Kills a host, waits for each alert to fire for it, starts it, waits for every one to clear. */
  async function killAndWatch(host: string, names: readonly string[]) {
    await killHost(ENV, host);
    let seen: Alert[] = [];
    try {
      await waitFor(
        `${names.join(', ')} to fire for ${host}`,
        ALERT_TIMEOUT_MS,
        async () => {
          seen = await alerts();
          return names.every((n) => alertOf(seen, n, host)?.state === 'firing') ? true : undefined;
        },
        2000,
      );
    } finally {
      for (const n of names) expect(alertOf(seen, n, host)?.state, `${n} for ${host}`).toBe('firing');
    }
    await startHost(ENV, host);
    try {
      await waitFor(
        `${names.join(', ')} to clear for ${host}`,
        ALERT_TIMEOUT_MS,
        async () => {
          seen = await alerts();
          return names.every((n) => !alertOf(seen, n, host)) ? true : undefined;
        },
        2000,
      );
    } finally {
      for (const n of names)
        expect(alertOf(seen, n, host), `${n} for ${host} after the start`).toBeUndefined();
    }
  }

  beforeAll(async () => {
    status = await sharedLab(ENV);
    expect(status.prometheus).toMatch(/^http:\/\/[\d.]+:9090$/);
    url = status.prometheus!;
  });

  it('scrapes every target of the rendered configuration, all up', async () => {
    const t = labTopology(ENV);
    const want = scrapeJobs(t)
      .flatMap((j) => j.targets.map((x) => `${j.name} ${x.address}`))
      .sort();
    let got: string[] = [];
    try {
      await waitFor(
        'every scrape target to be up',
        120_000,
        async () => {
          const d = await api<{ activeTargets: { labels: Record<string, string>; health: string }[] }>(
            '/api/v1/targets?state=active',
          );
          got = d.activeTargets
            .filter((x) => x.health === 'up')
            .map((x) => `${x.labels.job} ${x.labels.instance}`)
            .sort();
          return JSON.stringify(got) === JSON.stringify(want) ? true : undefined;
        },
        2000,
      );
    } finally {
      expect(got).toEqual(want);
    }
    expect(want.length).toBeGreaterThanOrEqual(t.rabbitmq.nodes.length);
    if (ENV === 'lts') expect(want.filter((x) => x.startsWith('haproxy '))).toHaveLength(2);
  });

  it.runIf(KEEPALIVED.has(ENV))(
    `reads ${VIP_HOLDER_METRIC} from both HAProxy hosts, summing to 1`,
    async () => {
      // Steady state, not the first answer: a failover (an earlier file's drill, the VRRP election
      // after a heal) leaves a few seconds with the VIP on neither host, and an instant query can land
      // in them; the VIP held by nobody for a whole minute is what fails.
      let samples: { metric: Record<string, string>; value: [number, string] }[] = [];
      const sum = () => samples.reduce((n, s) => n + Number(s.value[1]), 0);
      try {
        await waitFor(
          `${VIP_HOLDER_METRIC} on both HAProxy hosts, summing to 1`,
          60_000,
          async () => {
            samples = (await api<{ result: typeof samples }>(`/api/v1/query?query=${VIP_HOLDER_METRIC}`))
              .result;
            return samples.length === 2 && sum() === 1 ? true : undefined;
          },
          2000,
        );
      } finally {
        expect(samples.map((s) => s.metric.host).sort()).toEqual(['haproxy-01', 'haproxy-02']);
        expect(
          sum(),
          `VIP on the hosts' interfaces: ${samples.map((s) => `${s.metric.host}=${s.value[1]}`).join(', ')}; ` +
            `holder as the lab sees it: ${(await labVipHolder(ENV)) ?? 'none'}`,
        ).toBe(1);
      }
      const firing = (await alerts()).filter((a) => a.labels.alertname?.startsWith('WarrenVip'));
      expect(firing).toEqual([]);
    },
  );

  it('a killed RabbitMQ node raises its down alert, which clears when it starts again', async () => {
    const t = labTopology(ENV);
    // 3.5.7 (dev) has no rabbitmq_prometheus: the host's node_exporter is what goes silent.
    const names = ['WarrenHostDown', 'WarrenRabbitmqDown'].filter((n) =>
      alertRules(t).some((r) => r.alert === n),
    );
    expect(names).toContain('WarrenHostDown');
    if (ENV !== 'dev') expect(names).toContain('WarrenRabbitmqDown');
    await killAndWatch('rabbit-03', names);
    await expectRunningNodes(ENV, 'rabbit-01', ['rabbit@rabbit-01', 'rabbit@rabbit-02', 'rabbit@rabbit-03']);
  });

  it.runIf(KEEPALIVED.has(ENV))(
    'a killed HAProxy host raises its down alert, which clears when it starts again',
    async () => {
      await killAndWatch('haproxy-02', ['WarrenHostDown']);
    },
  );
});

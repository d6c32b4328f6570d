/**
 * Sample series for `promtool test rules`: per alert, series that are healthy for minutes 0–1, bad
 * for minutes 2–20 and healthy again from minute 21, and the labels the alert must carry. Every alert
 * the renderer emits needs a scenario here (the test refuses an alert without one).
 */
import { hostsOf, PORTS, type Host, type Topology } from '../../topology';
import { RABBITMQ_TLS } from '../../cloudinit/tls-files';
import { CERT_NOT_AFTER_METRIC, queueSeriesOf, VIP_HOLDER_METRIC } from '../../monitoring';

export interface Series {
  readonly series: string;
  readonly values: string;
}

export interface Scenario {
  readonly series: Series[];
  /** The labels of each alert expected while the series are bad (severity is added from the rule). */
  readonly alerts: Record<string, string>[];
}

/** Good for minutes 0–1, `bad` (a value or `start+step`) for 2–20, good for 21–35. */
export const phases = (good: string, bad: string): string => `${good}x1 ${bad}x18 ${good}x14`;
export const FIRES_AT = '16m';
export const CLEARED_AT = '30m';

type Job = 'node' | 'rabbitmq' | 'rabbitmq-queues' | 'haproxy';
const PORT: Record<Job, number> = {
  node: PORTS.nodeExporter,
  rabbitmq: PORTS.rabbitmqPrometheus,
  'rabbitmq-queues': PORTS.rabbitmqPrometheus,
  haproxy: PORTS.haproxyMetrics,
};

function targetLabels(t: Topology, job: Job, h: Host): Record<string, string> {
  return { job, environment: t.name, instance: `${h.ip}:${PORT[job]}`, host: h.name, role: h.role };
}

const selector = (metric: string, labels: Record<string, string>) =>
  `${metric}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;

export function scenarios(t: Topology): Record<string, Scenario> {
  const hosts = hostsOf(t);
  const nodes = hosts.filter((h) => h.role === 'rabbitmq');
  const proxies = hosts.filter((h) => h.role === 'haproxy');
  const first = nodes[0]!;
  const on = (
    job: Job,
    h: Host,
    metric: string,
    values: string,
    extra: Record<string, string> = {},
  ): Series => ({
    series: selector(metric, { ...targetLabels(t, job, h), ...extra }),
    values,
  });
  /** One gauge on the first node going from `good` to `bad` against a constant limit. */
  const ratio = (job: Job, h: Host, used: string, limit: string, good: string, bad: string, max: string) => ({
    series: [on(job, h, used, phases(good, bad)), on(job, h, limit, phases(max, max))],
    alerts: [targetLabels(t, job, h)],
  });
  const allUp = (down: number): Series[] =>
    nodes.map((h, i) => on('rabbitmq', h, 'up', phases('1', i < down ? '0' : '1')));
  const prefix = queueSeriesOf(t)?.prefix ?? 'rabbitmq_queue_';
  const queue = { vhost: '/', queue: 'orders' };
  // The last node loses both links (no dist series at all), the others their link to it.
  const isolated = nodes[nodes.length - 1]!;
  const partition: Series[] = [
    ...allUp(0),
    ...nodes.flatMap((h) =>
      nodes
        .filter((p) => p !== h)
        .map((p) =>
          on(
            'rabbitmq',
            h,
            'erlang_vm_dist_node_state',
            h === isolated || p === isolated ? phases('3', '_') : phases('3', '3'),
            {
              peer: `rabbit@${p.name}`,
            },
          ),
        ),
    ),
  ];
  // notAfter as Unix seconds; promtool's clock starts at 0, so these are days left at the start.
  const day = 86_400;
  const certFile = { file: RABBITMQ_TLS.cert };
  const expiry = (badDays: number): Scenario => ({
    series: [
      on('node', first, CERT_NOT_AFTER_METRIC, phases(String(100 * day), String(badDays * day)), certFile),
    ],
    alerts: [{ ...targetLabels(t, 'node', first), ...certFile }],
  });
  return {
    WarrenTlsCertificateExpiringSoon: expiry(20),
    WarrenTlsCertificateExpiring: expiry(3),
    WarrenTlsCertificateMetricMissing: {
      series: [
        on('node', first, 'up', phases('1', '1')),
        on('node', first, CERT_NOT_AFTER_METRIC, phases(String(100 * day), '_'), certFile),
      ],
      alerts: [targetLabels(t, 'node', first)],
    },
    WarrenHostDown: {
      series: [on('node', first, 'up', phases('1', '0'))],
      alerts: [targetLabels(t, 'node', first)],
    },
    WarrenHostFileDescriptorsNearLimit: ratio(
      'node',
      first,
      'node_filefd_allocated',
      'node_filefd_maximum',
      '100',
      '900',
      '1000',
    ),
    WarrenRabbitmqDown: {
      series: [on('rabbitmq', first, 'up', phases('1', '0'))],
      alerts: [targetLabels(t, 'rabbitmq', first)],
    },
    WarrenClusterPartition: {
      series: partition,
      alerts: [
        ...nodes
          .filter((h) => h !== isolated)
          .map((h) => ({ instance: targetLabels(t, 'rabbitmq', h).instance!, host: h.name })),
        targetLabels(t, 'rabbitmq', isolated),
      ],
    },
    WarrenMemoryAlarm: {
      series: [on('rabbitmq', first, 'rabbitmq_alarms_memory_used_watermark', phases('0', '1'))],
      alerts: [targetLabels(t, 'rabbitmq', first)],
    },
    WarrenDiskAlarm: {
      series: [on('rabbitmq', first, 'rabbitmq_alarms_free_disk_space_watermark', phases('0', '1'))],
      alerts: [targetLabels(t, 'rabbitmq', first)],
    },
    WarrenQueueGrowingWithoutConsumers: {
      series: [
        on('rabbitmq-queues', first, `${prefix}messages_ready`, '0x1 10+10x18 0x14', queue),
        on('rabbitmq-queues', first, `${prefix}consumers`, phases('1', '0'), queue),
      ],
      alerts: [{ ...targetLabels(t, 'rabbitmq-queues', first), ...queue }],
    },
    WarrenFileDescriptorsNearLimit: ratio(
      'rabbitmq',
      first,
      'rabbitmq_process_open_fds',
      'rabbitmq_process_max_fds',
      '100',
      '900',
      '1000',
    ),
    WarrenErlangProcessesNearLimit: ratio(
      'rabbitmq',
      first,
      'rabbitmq_erlang_processes_used',
      'rabbitmq_erlang_processes_limit',
      '1000',
      '900000',
      '1048576',
    ),
    WarrenQuorumBelowMajority: { series: allUp(Math.ceil(nodes.length / 2)), alerts: [{}] },
    WarrenMirrorsDegraded: { series: allUp(1), alerts: [{}] },
    WarrenFrontDoorServerDown: frontDoor(t, proxies, String(nodes.length - 1)),
    WarrenFrontDoorBackendDown: frontDoor(t, proxies, '0'),
    WarrenVipNoHolder: {
      series: proxies.map((h, i) => on('node', h, VIP_HOLDER_METRIC, phases(i === 0 ? '1' : '0', '0'))),
      alerts: [{}],
    },
    WarrenVipTwoHolders: {
      series: proxies.map((h, i) => on('node', h, VIP_HOLDER_METRIC, phases(i === 0 ? '1' : '0', '1'))),
      alerts: [{}],
    },
  };

  function frontDoor(t: Topology, proxies: Host[], bad: string): Scenario {
    const h = proxies[0];
    // An NLB environment has no HAProxy host and renders no front-door rule to test.
    if (!h) return { series: [], alerts: [] };
    const backend = { proxy: 'rabbitmq-amqp' };
    return {
      series: [
        on('haproxy', h, 'haproxy_backend_active_servers', phases(String(nodes.length), bad), backend),
      ],
      alerts: [{ ...targetLabels(t, 'haproxy', h), ...backend }],
    };
  }
}

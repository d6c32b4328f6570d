/**
 * What Prometheus scrapes in one environment, as data: one job per exporter, one target per host
 * that runs it, each target labelled with its host, role and environment. The capability table says
 * which exporters a version has; nothing here compares versions.
 */
import {
  haproxyDialectOf,
  hostsOf,
  PORTS,
  rabbitCapabilities,
  tlsOn,
  tlsSupport,
  type HostRole,
  type Topology,
} from '../topology';

export type JobName = 'node' | 'rabbitmq' | 'rabbitmq-queues' | 'haproxy';

export interface ScrapeTarget {
  readonly address: string;
  readonly labels: { readonly host: string; readonly role: HostRole; readonly environment: string };
}

export interface ScrapeJob {
  readonly name: JobName;
  /** 'https' (rabbitmq_prometheus on 15691, verified against the environment's CA) with `rabbitmq.tls` on. @default 'http' */
  readonly scheme?: 'https';
  readonly metricsPath: string;
  readonly params?: Readonly<Record<string, readonly string[]>>;
  readonly targets: readonly ScrapeTarget[];
}

/**
 * The per-queue series (messages ready, consumers) come from a second job on the same port so the
 * aggregated `/metrics` stays cheap: `/metrics/detailed` with only the two families the rules read
 * (3.10+), else `/metrics/per-object` (3.8–3.9, every family).
 */
export interface QueueSeries {
  readonly prefix: 'rabbitmq_detailed_queue_' | 'rabbitmq_queue_';
}

export function queueSeriesOf(t: Topology): QueueSeries | undefined {
  const caps = rabbitCapabilities(t.image.rabbitmq);
  if (!caps.prometheusPlugin) return undefined;
  return { prefix: caps.prometheusDetailedEndpoint ? 'rabbitmq_detailed_queue_' : 'rabbitmq_queue_' };
}

/** True when the HAProxy hosts serve the built-in exporter (cloudinit/haproxy-cfg.ts renders it). */
export function haproxyExporterOf(t: Topology): boolean {
  return t.frontDoor.kind === 'keepalived' && haproxyDialectOf(t.image.ubuntu).prometheusExporter;
}

export function scrapeJobs(t: Topology): ScrapeJob[] {
  const hosts = hostsOf(t);
  const on = (role: HostRole | 'any', port: number): ScrapeTarget[] =>
    hosts
      .filter((h) => role === 'any' || h.role === role)
      .map((h) => ({
        address: `${h.ip}:${port}`,
        labels: { host: h.name, role: h.role, environment: t.name },
      }));
  const jobs: ScrapeJob[] = [
    { name: 'node', metricsPath: '/metrics', targets: on('any', PORTS.nodeExporter) },
  ];
  const queues = queueSeriesOf(t);
  if (queues) {
    // With TLS on, rabbitmq_prometheus is scraped over TLS (15691), the only port a 'required' node serves it on.
    const tls = tlsOn(t) && tlsSupport(t.image.rabbitmq, t.image.erlang).prometheusTls;
    const rabbit = {
      ...(tls ? { scheme: 'https' as const } : {}),
      targets: on('rabbitmq', tls ? PORTS.rabbitmqPrometheusTls : PORTS.rabbitmqPrometheus),
    };
    jobs.push({ name: 'rabbitmq', metricsPath: '/metrics', ...rabbit });
    jobs.push(
      queues.prefix === 'rabbitmq_detailed_queue_'
        ? {
            name: 'rabbitmq-queues',
            metricsPath: '/metrics/detailed',
            params: { family: ['queue_coarse_metrics', 'queue_consumer_count'] },
            ...rabbit,
          }
        : { name: 'rabbitmq-queues', metricsPath: '/metrics/per-object', ...rabbit },
    );
  }
  if (haproxyExporterOf(t))
    jobs.push({ name: 'haproxy', metricsPath: '/metrics', targets: on('haproxy', PORTS.haproxyMetrics) });
  return jobs;
}

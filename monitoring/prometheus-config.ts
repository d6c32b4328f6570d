/**
 * prometheus.yml: scrape jobs for every host of the environment, with host, role and environment
 * labels, and alerts.yml beside it as the rule file. Point an existing Prometheus at it, or merge its
 * scrape_configs into one that already runs (docs/monitoring.md).
 */
import { dump } from 'js-yaml';
import type { Topology } from '../topology';
import { monitoringMarker, type MonitoringFile } from './monitoring-file';
import { scrapeJobs } from './scrape-jobs';

export interface PrometheusConfigOptions {
  /**
   * How often targets are scraped and rules evaluated. The lab passes a shorter one so that its
   * tests see an alert fire and clear sooner; the rules' `for:` durations stay as they are.
   * @default '15s'
   */
  readonly interval?: string;
}

/**
 * The CA certificate the https jobs verify the nodes against (`tls_config.ca_file`), relative to
 * prometheus.yml's own directory (Prometheus resolves it there): the stack's `ca_certificate`
 * output, saved beside prometheus.yml under this name on the Prometheus host (docs/monitoring.md).
 */
export function prometheusCaFile(t: Topology): string {
  return `warren-${t.name}-ca.pem`;
}

export function renderPrometheusConfig(t: Topology, opts: PrometheusConfigOptions = {}): MonitoringFile {
  const interval = opts.interval ?? '15s';
  const jobs = scrapeJobs(t);
  const doc = {
    global: { scrape_interval: interval, evaluation_interval: interval },
    rule_files: ['alerts.yml'],
    scrape_configs: jobs.map((job) => ({
      job_name: job.name,
      ...(job.scheme ? { scheme: job.scheme, tls_config: { ca_file: prometheusCaFile(t) } } : {}),
      metrics_path: job.metricsPath,
      ...(job.params ? { params: job.params } : {}),
      static_configs: job.targets.map((target) => ({ targets: [target.address], labels: target.labels })),
    })),
  };
  return {
    name: 'prometheus.yml',
    content:
      monitoringMarker(t, [
        'Prometheus scrape configuration: node_exporter on every host, rabbitmq_prometheus and the HAProxy exporter where the versions have them.',
        ...(jobs.some((j) => j.scheme === 'https')
          ? [
              `rabbitmq_prometheus is scraped over TLS: save the stack's ca_certificate output beside this file as ${prometheusCaFile(t)}.`,
            ]
          : []),
      ]) + dump(doc, { lineWidth: -1, noRefs: true }),
  };
}

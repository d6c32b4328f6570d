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

export function renderPrometheusConfig(t: Topology, opts: PrometheusConfigOptions = {}): MonitoringFile {
  const interval = opts.interval ?? '15s';
  const doc = {
    global: { scrape_interval: interval, evaluation_interval: interval },
    rule_files: ['alerts.yml'],
    scrape_configs: scrapeJobs(t).map((job) => ({
      job_name: job.name,
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
      ]) + dump(doc, { lineWidth: -1, noRefs: true }),
  };
}

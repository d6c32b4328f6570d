/**
 * Monitoring, pure: the Prometheus scrape configuration and alert rules of one environment, which
 * `warren synth` writes under cdktf.out/monitoring/<env>/.
 */
import type { Topology } from '../topology';
import { renderAlertRules } from './alert-rules';
import type { MonitoringFile } from './monitoring-file';
import { renderPrometheusConfig } from './prometheus-config';

export {
  alertRules,
  CERT_NOT_AFTER_METRIC,
  renderAlertRules,
  VIP_HOLDER_METRIC,
  type AlertRule,
} from './alert-rules';
export type { MonitoringFile } from './monitoring-file';
export { prometheusCaFile, renderPrometheusConfig, type PrometheusConfigOptions } from './prometheus-config';
export { haproxyExporterOf, queueSeriesOf, scrapeJobs, type ScrapeJob } from './scrape-jobs';

/** Every monitoring file of one environment. */
export function monitoringFiles(t: Topology): MonitoringFile[] {
  return [renderPrometheusConfig(t), renderAlertRules(t)];
}

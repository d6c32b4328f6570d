/**
 * The alert rules of one environment, as data (the tests feed them to `promtool test rules`) and as
 * alerts.yml. A rule exists only where its series exist: RabbitMQ rules need rabbitmq_prometheus
 * (3.8+), front-door rules the HAProxy exporter (2.0+) or, for the VIP, the keepalived pair. Each
 * rule's runbook line is its annotation; docs/monitoring.md explains them at more length.
 * Certificate rules exist only with rabbitmq.tls on, where every host has TLS files.
 */
import { dump } from 'js-yaml';
import type { Topology } from '../topology';
import { monitoringMarker, type MonitoringFile } from './monitoring-file';
import { haproxyExporterOf, queueSeriesOf, type JobName } from './scrape-jobs';

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly severity: 'critical' | 'warning' };
  readonly annotations: { readonly summary: string; readonly runbook: string };
}

/** The VIP holder metric the keepalived notify hook writes through node_exporter's textfile collector. */
export const VIP_HOLDER_METRIC = 'warren_vip_holder';

/** Each TLS file's notAfter, written hourly by warren-cert-expiry through the textfile collector. */
export const CERT_NOT_AFTER_METRIC = 'warren_tls_certificate_not_after_timestamp_seconds';

const DAY_SECONDS = 86_400;

export function alertRules(t: Topology): AlertRule[] {
  const sel = (job: JobName, extra = '') => `{job="${job}",environment="${t.name}"${extra}}`;
  const nodes = t.rabbitmq.nodes.length;
  const majority = Math.floor(nodes / 2) + 1;
  const rule = (
    alert: string,
    expr: string,
    forDuration: string,
    severity: 'critical' | 'warning',
    summary: string,
    runbook: string,
  ): AlertRule => ({
    alert,
    expr,
    for: forDuration,
    labels: { severity },
    annotations: { summary, runbook },
  });

  const rules: AlertRule[] = [
    rule(
      'WarrenHostDown',
      `up${sel('node')} == 0`,
      '1m',
      'critical',
      'A host stopped answering node_exporter scrapes.',
      'Check the instance (EC2 status checks, console output); the recovery alarms restart or recover it; replace it with warren roll if it stays down.',
    ),
    rule(
      'WarrenHostFileDescriptorsNearLimit',
      `node_filefd_allocated${sel('node')} / node_filefd_maximum${sel('node')} > 0.8`,
      '5m',
      'warning',
      'A host has allocated over 80% of its kernel file handles.',
      'Find the process holding them (ls /proc/*/fd | wc -l per process); too many client connections are the usual cause.',
    ),
  ];
  const queues = queueSeriesOf(t);
  if (queues) {
    const rabbit = sel('rabbitmq');
    const up = `up${rabbit}`;
    const q = (metric: string) => `${queues.prefix}${metric}${sel('rabbitmq-queues')}`;
    rules.push(
      rule(
        'WarrenRabbitmqDown',
        `${up} == 0`,
        '1m',
        'critical',
        'A RabbitMQ node stopped answering rabbitmq_prometheus scrapes.',
        'systemctl status rabbitmq-server and its log on the host; with pause_minority a node cut off from the majority pauses and shows up here.',
      ),
      rule(
        'WarrenClusterPartition',
        // Running nodes that see fewer running peers than there are: a node with no peer at all has
        // no dist series, so it counts as 0 through the `or`.
        `(sum by (instance, host) (erlang_vm_dist_node_state${sel('rabbitmq', ',peer=~"rabbit@.*"')} == bool 3) or on (instance) ((${up} == 1) - 1)) < on () group_left () (count(${up} == 1) - 1)`,
        '2m',
        'critical',
        'A running RabbitMQ node does not see every other running node: the cluster is partitioned.',
        'rabbitmq-diagnostics cluster_status on each node; fix the network path (security groups, NACLs), then restart the nodes of the minority side.',
      ),
      rule(
        'WarrenMemoryAlarm',
        `rabbitmq_alarms_memory_used_watermark${rabbit} == 1`,
        '1m',
        'critical',
        'A memory alarm is in effect: publishers on every node are blocked.',
        'Find what holds memory (rabbitmq-diagnostics memory_breakdown); drain the backlog with more consumers, or raise the instance type.',
      ),
      rule(
        'WarrenDiskAlarm',
        `rabbitmq_alarms_free_disk_space_watermark${rabbit} == 1`,
        '1m',
        'critical',
        'A free-disk alarm is in effect: publishers on every node are blocked.',
        'Free space on the data volume (df -h /var/lib/rabbitmq) by consuming the backlog, or grow the data volume.',
      ),
      rule(
        'WarrenQueueGrowingWithoutConsumers',
        // Unacknowledged messages need a consumer, so with none a backlog shows only as ready.
        `${q('messages_ready')} > 0 and delta(${q('messages_ready')}[10m]) > 0 and ${q('consumers')} == 0`,
        '10m',
        'warning',
        'A queue has been growing for 10 minutes with no consumer.',
        'Start or fix the consumers of that queue; delete the queue if nothing reads it any more.',
      ),
      rule(
        'WarrenFileDescriptorsNearLimit',
        `rabbitmq_process_open_fds${rabbit} / rabbitmq_process_max_fds${rabbit} > 0.8`,
        '5m',
        'warning',
        'A RabbitMQ node uses over 80% of its file descriptors; at the limit it refuses connections.',
        'Look for connection leaks (rabbitmq-diagnostics list_connections); raise LimitNOFILE only if the load is real.',
      ),
      rule(
        'WarrenErlangProcessesNearLimit',
        `rabbitmq_erlang_processes_used${rabbit} / rabbitmq_erlang_processes_limit${rabbit} > 0.8`,
        '5m',
        'warning',
        'A RabbitMQ node uses over 80% of its Erlang process limit; at the limit the node crashes.',
        'Too many connections, channels or queues: close leaked ones; raise +P in RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS only if the load is real.',
      ),
    );
    if (t.rabbitmq.replication === 'quorum') {
      rules.push(
        rule(
          'WarrenQuorumBelowMajority',
          `count(${up} == 1) < ${majority} or absent(${up} == 1)`,
          '1m',
          'critical',
          `Fewer than ${majority} of the ${nodes} RabbitMQ nodes run: quorum queues on every node have lost their majority and are unavailable.`,
          'Bring nodes back (start rabbitmq-server, or let the recovery alarms recover the instances) before anything else; never reset a node to get out of this.',
        ),
      );
    } else {
      rules.push(
        rule(
          'WarrenMirrorsDegraded',
          // rabbitmq_prometheus has no mirror-synchronisation series: a node not running is the
          // observable cause of unsynchronised mirrors under ha-all.
          `count(${up} == 1) < ${nodes} or absent(${up} == 1)`,
          '5m',
          'warning',
          `Fewer than ${nodes} RabbitMQ nodes run: mirrored queues lack a mirror and are not fully synchronised.`,
          'Restore the missing node; before stopping another one, rabbitmq-queues check_if_node_is_mirror_sync_critical (warren roll checks it).',
        ),
      );
    }
  }
  if (haproxyExporterOf(t)) {
    const backends = sel('haproxy', ',proxy=~"rabbitmq-.*"');
    rules.push(
      rule(
        'WarrenFrontDoorServerDown',
        `haproxy_backend_active_servers${backends} < ${nodes}`,
        '1m',
        'warning',
        'HAProxy marks a RabbitMQ node down in one of its backends.',
        'The node fails its health check: see WarrenRabbitmqDown for that node, or the security group between HAProxy and the node.',
      ),
      rule(
        'WarrenFrontDoorBackendDown',
        `haproxy_backend_active_servers${backends} == 0`,
        '30s',
        'critical',
        'An HAProxy backend has no server up: clients through this HAProxy cannot connect.',
        'Every node fails its check from this HAProxy: check the nodes, then the path from the HAProxy host (curl the node on 15672).',
      ),
    );
  }
  if (t.frontDoor.kind === 'keepalived') {
    const holders = `sum(${VIP_HOLDER_METRIC}${sel('node')})`;
    rules.push(
      rule(
        'WarrenVipNoHolder',
        `${holders} < 1`,
        '1m',
        'critical',
        `No HAProxy host holds the VIP ${t.frontDoor.vip}: clients cannot connect.`,
        'systemctl status keepalived on both HAProxy hosts and their VRRP traffic (security group, protocol 112); restart keepalived on the higher priority host.',
      ),
      rule(
        'WarrenVipTwoHolders',
        `${holders} > 1`,
        '30s',
        'critical',
        `More than one HAProxy host claims the VIP ${t.frontDoor.vip} (split brain).`,
        'VRRP between the pair is cut: restore protocol 112 between them; stop keepalived on the lower priority host until it is.',
      ),
    );
  }
  if (t.rabbitmq.tls !== 'off') {
    const left = `${CERT_NOT_AFTER_METRIC}${sel('node')} - time()`;
    const renew =
      'Renew it: deploy the stack, which replaces a host certificate from 30 days before its end (or terraform apply -replace its resources; a CA takes every host certificate with it), then warren roll so each host installs the new files at boot (docs/stacks.md, TLS).';
    rules.push(
      rule(
        'WarrenTlsCertificateExpiringSoon',
        // Below 7 days WarrenTlsCertificateExpiring takes over: one alert per file at a time.
        `${left} < ${30 * DAY_SECONDS} and ${left} >= ${7 * DAY_SECONDS}`,
        '10m',
        'warning',
        'A TLS certificate on this host expires within 30 days.',
        renew,
      ),
      rule(
        'WarrenTlsCertificateExpiring',
        `${left} < ${7 * DAY_SECONDS}`,
        '10m',
        'critical',
        'A TLS certificate on this host expires within 7 days (or has expired): clients will refuse it.',
        `${renew} Now: once expired, AMQPS and HTTPS clients refuse to connect.`,
      ),
      rule(
        'WarrenTlsCertificateMetricMissing',
        // Every host of a TLS environment has TLS files; a host that answers without the metric
        // has no warren-cert-expiry output (timer not running, or a file it cannot read). 8m: longer
        // than a boot takes to enable the timer (after the data volume wait of at most 5 min).
        `up${sel('node')} == 1 unless on (instance) ${CERT_NOT_AFTER_METRIC}${sel('node')}`,
        '8m',
        'warning',
        'A TLS host reports no certificate expiry: nothing would warn before its certificates expire.',
        'systemctl status warren-cert-expiry.timer warren-cert-expiry.service and journalctl -u warren-cert-expiry on the host; the service log names the file it cannot read.',
      ),
    );
  }
  return rules;
}

export function renderAlertRules(t: Topology): MonitoringFile {
  const doc = { groups: [{ name: `warren-${t.name}`, rules: alertRules(t) }] };
  return {
    name: 'alerts.yml',
    content:
      monitoringMarker(t, ['Prometheus alert rules; docs/monitoring.md has a runbook line per alert.']) +
      dump(doc, { lineWidth: -1, noRefs: true }),
  };
}

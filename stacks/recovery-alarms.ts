/**
 * CloudWatch alarms that recover or reboot a failed instance and tell the operator: per instance,
 * StatusCheckFailed_System with the EC2 recover action (the host hardware failed: the instance moves
 * to new hardware with its id, IP, volumes and metadata) and StatusCheckFailed_Instance with the
 * reboot action (the OS stopped answering); per NLB target group, UnHealthyHostCount. Every alarm
 * notifies one SNS topic, a stack output the operator subscribes to. The alarm list is a pure
 * function of the topology, so the review summary shows exactly what the stack creates.
 */
import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { hostsOf, type Topology } from '../topology';
import { ConstructError } from './construct-error';

export type AlarmKind = 'recover' | 'reboot' | 'unhealthy-targets';

/** One alarm as data: what it watches and what it does. */
export interface RecoveryAlarmSpec {
  readonly name: string;
  readonly kind: AlarmKind;
  /** The host (recover, reboot) or NLB listener (unhealthy-targets) it watches. */
  readonly subject: string;
  readonly metric: 'StatusCheckFailed_System' | 'StatusCheckFailed_Instance' | 'UnHealthyHostCount';
  /** What happens besides the notification. */
  readonly action: string;
  /** The NLB listener whose target group it watches (unhealthy-targets only). */
  readonly targetGroup?: (typeof NLB_TARGET_GROUPS)[number];
}

/** The NLB's listeners whose target groups get an alarm (nlb-front-door.ts names them so). */
export const NLB_TARGET_GROUPS = ['amqp', 'management'] as const;

export function recoveryAlarmSpecs(t: Topology): RecoveryAlarmSpec[] {
  const perHost = hostsOf(t).flatMap((h): RecoveryAlarmSpec[] => [
    {
      name: `warren-${t.name}-${h.name}-recover`,
      kind: 'recover',
      subject: h.name,
      metric: 'StatusCheckFailed_System',
      action: 'EC2 recover (same instance on new hardware)',
    },
    {
      name: `warren-${t.name}-${h.name}-reboot`,
      kind: 'reboot',
      subject: h.name,
      metric: 'StatusCheckFailed_Instance',
      action: 'EC2 reboot',
    },
  ]);
  const nlb =
    t.frontDoor.kind === 'nlb'
      ? NLB_TARGET_GROUPS.map((g): RecoveryAlarmSpec => ({
          name: `warren-${t.name}-nlb-${g}-unhealthy`,
          kind: 'unhealthy-targets',
          subject: `NLB ${g} targets`,
          metric: 'UnHealthyHostCount',
          action: 'notification only',
          targetGroup: g,
        }))
      : [];
  return [...perHost, ...nlb];
}

export interface RecoveryAlarmsProps {
  readonly topology: Topology;
  /** Instance id (reference) of every host, by host name. */
  readonly instanceIds: Readonly<Record<string, string>>;
  /**
   * The NLB's target groups (`arn_suffix` references), by listener, and the NLB's `arn_suffix`:
   * the dimensions of UnHealthyHostCount.
   * @default none (a keepalived front door)
   */
  readonly nlb?: {
    readonly loadBalancerArnSuffix: string;
    readonly targetGroupArnSuffixes: Readonly<Record<(typeof NLB_TARGET_GROUPS)[number], string>>;
  };
  /**
   * Consecutive failed one-minute periods before a status-check alarm acts.
   * @default 2 (recover), 3 (reboot: give a slow boot a chance first)
   */
  readonly evaluationPeriods?: { readonly recover?: number; readonly reboot?: number };
  /**
   * Consecutive one-minute periods with an unhealthy target before the NLB alarm notifies.
   * @default 2
   */
  readonly unhealthyPeriods?: number;
}

export class RecoveryAlarms extends Construct {
  readonly topic: SnsTopic;
  readonly specs: readonly RecoveryAlarmSpec[];
  readonly alarms: readonly CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: RecoveryAlarmsProps) {
    super(scope, id);
    const t = props.topology;
    this.topic = new SnsTopic(this, 'topic', {
      name: `warren-${t.name}-alarms`,
      tags: { Name: `warren-${t.name}-alarms` },
    });
    const notify = [this.topic.arn];
    const automate = (action: 'recover' | 'reboot') => `arn:aws:automate:${t.region}:ec2:${action}`;
    this.specs = recoveryAlarmSpecs(t);
    this.alarms = this.specs.map((spec) => {
      const common = {
        alarmName: spec.name,
        alarmDescription: `warren ${t.name}: ${spec.metric} on ${spec.subject}; ${spec.action}`,
        metricName: spec.metric,
        period: 60,
        statistic: 'Maximum',
        okActions: notify,
        tags: { Name: spec.name },
      };
      if (spec.kind === 'unhealthy-targets') {
        const group = spec.targetGroup!;
        if (!props.nlb)
          throw new ConstructError(
            `RecoveryAlarms: ${spec.name} needs props.nlb; pass the NLB's arn suffixes`,
          );
        return new CloudwatchMetricAlarm(this, `nlb-${group}-unhealthy`, {
          ...common,
          namespace: 'AWS/NetworkELB',
          dimensions: {
            LoadBalancer: props.nlb.loadBalancerArnSuffix,
            TargetGroup: props.nlb.targetGroupArnSuffixes[group],
          },
          comparisonOperator: 'GreaterThanThreshold',
          threshold: 0,
          evaluationPeriods: props.unhealthyPeriods ?? 2,
          treatMissingData: 'notBreaching',
          alarmActions: notify,
        });
      }
      const instanceId = props.instanceIds[spec.subject];
      if (instanceId === undefined)
        throw new ConstructError(
          `RecoveryAlarms: no instance id for host ${spec.subject}; add it to props.instanceIds`,
        );
      const periods =
        spec.kind === 'recover'
          ? (props.evaluationPeriods?.recover ?? 2)
          : (props.evaluationPeriods?.reboot ?? 3);
      return new CloudwatchMetricAlarm(this, `${spec.subject}-${spec.kind}`, {
        ...common,
        namespace: 'AWS/EC2',
        dimensions: { InstanceId: instanceId },
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        threshold: 1,
        evaluationPeriods: periods,
        alarmActions: [automate(spec.kind), ...notify],
      });
    });
  }
}

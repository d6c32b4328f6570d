// The recovery alarms on the synthesized Terraform JSON: per instance a recover alarm on
// StatusCheckFailed_System and a reboot alarm on StatusCheckFailed_Instance, per NLB target group an
// UnHealthyHostCount alarm, all notifying the SNS topic of the stack output; auto_recovery explicit.
import { describe, expect, it } from 'vitest';
import { recoveryAlarmSpecs, renderReviewSummary } from '../../stacks';
import { hostsOf } from '../../topology';
import { listEnvironments } from '../../workspace';
import { buildStack, envTopology, parse, resources, synth } from './helpers';

describe.each(listEnvironments())('environment %s', (name) => {
  it('alarms recover and reboot every instance, watch the NLB targets, and notify the output topic', async () => {
    const t = await envTopology(name);
    const tf = parse(synth(buildStack(t)));
    const topics = Object.keys(tf.resource.aws_sns_topic ?? {});
    expect(topics).toHaveLength(1);
    const topicRef = `\${aws_sns_topic.${topics[0]}.arn}`;
    expect(tf.output.alarm_topic_arn?.value).toBe(topicRef);

    const alarms = resources(tf, 'aws_cloudwatch_metric_alarm');
    const instances = Object.entries(tf.resource.aws_instance ?? {});
    const hosts = hostsOf(t);
    expect(instances).toHaveLength(hosts.length);
    const nlbGroups = t.frontDoor.kind === 'nlb' ? 2 : 0;
    expect(alarms).toHaveLength(2 * hosts.length + nlbGroups);
    for (const alarm of alarms) {
      expect(alarm.ok_actions).toEqual([topicRef]);
      expect(alarm.alarm_actions).toContain(topicRef);
    }
    for (const [id, instance] of instances) {
      expect((instance.maintenance_options as { auto_recovery: string }).auto_recovery).toBe('default');
      const ref = `\${aws_instance.${id}.id}`;
      const mine = alarms.filter((a) => (a.dimensions as Record<string, string>).InstanceId === ref);
      const by = (metric: string) => mine.filter((a) => a.metric_name === metric);
      expect(by('StatusCheckFailed_System')).toHaveLength(1);
      expect(by('StatusCheckFailed_Instance')).toHaveLength(1);
      const [recover] = by('StatusCheckFailed_System');
      const [reboot] = by('StatusCheckFailed_Instance');
      expect(recover!.alarm_actions).toEqual([`arn:aws:automate:${t.region}:ec2:recover`, topicRef]);
      expect(reboot!.alarm_actions).toEqual([`arn:aws:automate:${t.region}:ec2:reboot`, topicRef]);
      for (const a of [recover!, reboot!]) {
        expect(a.namespace).toBe('AWS/EC2');
        expect(a.comparison_operator).toBe('GreaterThanOrEqualToThreshold');
        expect(a.threshold).toBe(1);
      }
    }
    const nlb = alarms.filter((a) => a.metric_name === 'UnHealthyHostCount');
    expect(nlb).toHaveLength(nlbGroups);
    const groups = Object.keys(tf.resource.aws_lb_target_group ?? {});
    for (const a of nlb) {
      const d = a.dimensions as Record<string, string>;
      expect(a.namespace).toBe('AWS/NetworkELB');
      expect(d.LoadBalancer).toMatch(/^\$\{aws_lb\.[\w-]+\.arn_suffix\}$/);
      expect(groups.map((g) => `\${aws_lb_target_group.${g}.arn_suffix}`)).toContain(d.TargetGroup);
    }
    expect(new Set(nlb.map((a) => (a.dimensions as Record<string, string>).TargetGroup)).size).toBe(
      nlbGroups,
    );
    // The review summary lists exactly the alarms the stack has.
    expect(alarms.map((a) => a.alarm_name).sort()).toEqual(
      recoveryAlarmSpecs(t)
        .map((s) => s.name)
        .sort(),
    );
  });

  it('the review summary has an Alarms section naming every alarm', async () => {
    const t = await envTopology(name);
    const review = renderReviewSummary({
      topology: t,
      source: `environments/${name}.ts`,
      stateDescription: 'local',
      images: {},
      endpoints: [],
      internetGateway: false,
      healthGate: false,
    });
    const section = review.split('\n## ').find((s) => s.startsWith('Alarms'));
    expect(section).toBeDefined();
    for (const spec of recoveryAlarmSpecs(t))
      expect(section).toContain(`| ${spec.name} | ${spec.subject} | ${spec.metric} |`);
  });
});

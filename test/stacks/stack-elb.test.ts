// Stack warren-elb (NLB front door): load balancer, listeners, target groups and health checks.
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { describe, expect, it } from 'vitest';
import {
  buildStack,
  deployedUserData,
  envTopology,
  parse,
  referencedAddress,
  renderedUserData,
  resources,
  resourcesByAddress,
  synth,
  variant,
} from './helpers';

const t = await envTopology('elb');
const stack = buildStack(t);
const json = synth(stack);
const tf = parse(json);

const groupName = (ref: unknown) =>
  resourcesByAddress(tf, 'aws_security_group').get(referencedAddress(ref)!)?.name;

describe('warren-elb', () => {
  it('is stack warren-elb with three nodes and no HAProxy hosts', () => {
    expect(stack.node.id).toBe('warren-elb');
    const instances = resources(tf, 'aws_instance');
    expect(instances.map((i) => i.private_ip).sort()).toEqual(['10.43.1.11', '10.43.2.11', '10.43.3.11']);
    expect(tf.resource.aws_network_interface).toBeUndefined();
    for (const i of instances) {
      const name = (i.tags as Record<string, string>).Name!;
      expect(deployedUserData(String(i.user_data))).toBe(renderedUserData(t, name));
    }
  });

  it('needs no EC2 endpoint (no VIP to move): SSM and Session Manager only', () => {
    expect(
      resources(tf, 'aws_vpc_endpoint')
        .map((e) => String(e.service_name))
        .sort(),
    ).toEqual([
      'com.amazonaws.us-east-1.ec2messages',
      'com.amazonaws.us-east-1.ssm',
      'com.amazonaws.us-east-1.ssmmessages',
    ]);
    expect(json).toHaveResourceWithProperties(VpcEndpoint, { private_dns_enabled: true });
  });

  it('creates an internal network load balancer in one subnet per zone, behind the nlb security group', () => {
    expect(json).toHaveResourceWithProperties(Lb, {
      name: 'warren-elb',
      load_balancer_type: 'network',
      internal: true,
    });
    const lb = resources(tf, 'aws_lb')[0]!;
    expect(lb.subnets).toHaveLength(3);
    expect((lb.security_groups as string[]).map(groupName)).toEqual(['warren-elb-nlb']);
  });

  it('listens on 5672 and 15672, each forwarding to a TCP target group of all nodes with health checks', () => {
    const groups = resourcesByAddress(tf, 'aws_lb_target_group');
    const attachments = resources(tf, 'aws_lb_target_group_attachment');
    for (const port of [5672, 15672]) {
      expect(json).toHaveResourceWithProperties(LbListener, { port, protocol: 'TCP' });
      const listener = resources(tf, 'aws_lb_listener').find((l) => l.port === port)!;
      const action = (listener.default_action as { type: string; target_group_arn: string }[])[0]!;
      expect(action.type).toBe('forward');
      const group = groups.get(referencedAddress(action.target_group_arn)!)!;
      expect(group).toMatchObject({
        port,
        protocol: 'TCP',
        target_type: 'instance',
        proxy_protocol_v2: false,
      });
      expect(group.health_check).toMatchObject({ enabled: true, protocol: 'TCP', port: 'traffic-port' });
      // Client affinity (the default) on AMQP only: a client's connections reach one node.
      expect(group.stickiness).toEqual(port === 5672 ? { type: 'source_ip', enabled: true } : undefined);
      const targets = attachments.filter((a) => a.target_group_arn === action.target_group_arn);
      expect(targets).toHaveLength(3);
      for (const a of targets) {
        expect(referencedAddress(a.target_id)).toMatch(/^aws_instance\./);
        expect(a.port).toBe(port);
      }
    }
  });

  it('lets the NLB reach the nodes and clients reach the NLB, never 0.0.0.0/0', () => {
    const rules = resources(tf, 'aws_vpc_security_group_ingress_rule').filter(
      (r) => groupName(r.security_group_id) !== 'warren-elb-endpoints',
    );
    const fromNlb = rules.filter((r) => groupName(r.referenced_security_group_id) === 'warren-elb-nlb');
    expect(fromNlb.map((r) => [groupName(r.security_group_id), r.from_port]).sort()).toEqual([
      ['warren-elb-rabbitmq', 15672],
      ['warren-elb-rabbitmq', 5672],
    ]);
    const toNlb = rules.filter((r) => groupName(r.security_group_id) === 'warren-elb-nlb');
    expect(toNlb.map((r) => [r.from_port, r.cidr_ipv4]).sort()).toEqual([
      [15672, '10.43.0.0/16'],
      [5672, '10.43.0.0/16'],
    ]);
    expect(rules.some((r) => r.ip_protocol === '112')).toBe(false);
  });

  it('merges client and admin flows that coincide into one rule (AWS refuses duplicates)', async () => {
    // Direct node access on, so operators' AMQP to the nodes shares the VPC CIDR with other flows.
    const direct = await variant('elb', (i) => void (i.access = { ...i.access, directNodeAccess: true }));
    const tf = parse(synth(buildStack(direct)));
    const keys = resources(tf, 'aws_vpc_security_group_ingress_rule').map((r) =>
      JSON.stringify([
        r.security_group_id,
        r.ip_protocol,
        r.from_port,
        r.to_port,
        r.cidr_ipv4,
        r.referenced_security_group_id,
      ]),
    );
    expect(new Set(keys).size).toBe(keys.length);
    const amqp = resources(tf, 'aws_vpc_security_group_ingress_rule').find(
      (r) =>
        groupName(r.security_group_id) === 'warren-elb-rabbitmq' &&
        r.from_port === 5672 &&
        r.cidr_ipv4 === '10.43.0.0/16',
    )!;
    expect(String(amqp.description)).toContain('operators');
    // Clients reach the nodes only through the NLB's security group, never by CIDR.
    expect(String(amqp.description)).not.toContain('through the NLB');
  });

  it('outputs the NLB DNS name as the endpoint', () => {
    const lbAddress = `aws_lb.${Object.keys(tf.resource.aws_lb!)[0]}`;
    expect(tf.output.endpoint!.value).toBe(`\${${lbAddress}.dns_name}`);
    expect(tf.output.management_url!.value).toBe(`http://\${${lbAddress}.dns_name}:15672/`);
  });

  it('sends PROXY protocol v2 on AMQP when the topology asks, with health checks on the management port', async () => {
    const proxied = await variant('elb', (input) => {
      input.rabbitmq.proxyProtocol = true;
    });
    const out = synth(buildStack(proxied));
    expect(out).toHaveResourceWithProperties(LbTargetGroup, {
      port: 5672,
      proxy_protocol_v2: true,
      health_check: expect.objectContaining({ port: '15672', protocol: 'TCP' }),
    });
    expect(out).toHaveResourceWithProperties(LbTargetGroup, { port: 15672, proxy_protocol_v2: false });
  });

  it('adds an internet gateway only for an internet-facing NLB', async () => {
    expect(tf.resource.aws_internet_gateway).toBeUndefined();
    const facing = parse(
      synth(buildStack(await variant('elb', (i) => void (i.frontDoor = { kind: 'nlb', internal: false })))),
    );
    expect(resources(facing, 'aws_lb')[0]!.internal).toBe(false);
    expect(resources(facing, 'aws_internet_gateway')).toHaveLength(1);
    expect(resources(facing, 'aws_route')[0]!.destination_cidr_block).toBe('0.0.0.0/0');
  });
});

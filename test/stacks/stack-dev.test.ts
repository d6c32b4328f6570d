// Stack warren-dev (keepalived front door): the resources and the properties that make it work.
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { NetworkInterface } from '@cdktf/provider-aws/lib/network-interface';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Password } from '@cdktf/provider-random/lib/password';
import { describe, expect, it } from 'vitest';
import { SECRET_KEYS, validateTopology } from '../../topology';
import { secondaryIpDev } from '../support/secondary-ip-dev';
import { SESSION_MANAGER_ACTIONS } from '../../stacks';
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
} from './helpers';

const t = await envTopology('dev');
const stack = buildStack(t);
const json = synth(stack);
const tf = parse(json);
const fd = t.frontDoor.kind === 'keepalived' ? t.frontDoor : undefined;
if (!fd) throw new Error('environments/dev.ts is expected to use the keepalived front door');
// dev ships an overlay VIP (its routes and policy: overlay-vip.test.ts); the secondary-ip layout's
// interfaces and policy are checked on dev as it was, both hosts and the VIP in subnet a.
const sipJson = synth(buildStack(validateTopology(secondaryIpDev, 'secondaryIpDev')));
const sipTf = parse(sipJson);

describe('warren-dev', () => {
  it('is stack warren-dev in the environment region, with default tags', () => {
    expect(stack.node.id).toBe('warren-dev');
    expect(json).toHaveProviderWithProperties(AwsProvider, {
      region: 'eu-west-1',
      default_tags: [
        { tags: expect.objectContaining({ 'warren:env': 'dev', 'warren:stack': 'warren-dev' }) },
      ],
    });
  });

  it('creates a VPC with the topology subnets and interface endpoints for SSM and EC2, and no internet gateway', () => {
    expect(json).toHaveResourceWithProperties(Vpc, {
      cidr_block: '10.42.0.0/16',
      enable_dns_support: true,
      enable_dns_hostnames: true,
    });
    for (const s of t.network.subnets) {
      expect(json).toHaveResourceWithProperties(Subnet, {
        cidr_block: s.cidr,
        availability_zone: s.az,
        map_public_ip_on_launch: false,
      });
    }
    for (const service of ['ssm', 'ec2']) {
      expect(json).toHaveResourceWithProperties(VpcEndpoint, {
        service_name: `com.amazonaws.eu-west-1.${service}`,
        vpc_endpoint_type: 'Interface',
        private_dns_enabled: true,
      });
    }
    expect(tf.resource.aws_internet_gateway).toBeUndefined();
    expect(tf.resource.aws_nat_gateway).toBeUndefined();
    // The only route is the overlay VIP's /32: nothing leads out of the VPC.
    expect(resources(tf, 'aws_route').map((r) => r.destination_cidr_block)).toEqual(['192.168.1.230/32']);
  });

  it('generates every secret with random_password and stores it as a SecureString under /warren/dev', () => {
    const params = resources(tf, 'aws_ssm_parameter');
    expect(params.map((p) => p.name).sort()).toEqual(SECRET_KEYS.map((k) => `/warren/dev/${k}`).sort());
    const passwords = resourcesByAddress(tf, 'random_password');
    for (const p of params) {
      expect(p.type).toBe('SecureString');
      const ref = /^\$\{(random_password\.[^.]+)\.result\}$/.exec(String(p.value));
      expect(ref, `${String(p.name)} takes its value from a random_password`).not.toBeNull();
      expect(passwords.has(ref![1]!)).toBe(true);
    }
    expect(json).toHaveResourceWithProperties(Password, { length: 8, special: false });
    expect(json).toHaveResourceWithProperties(SsmParameter, {
      name: '/warren/dev/vrrp-password',
      type: 'SecureString',
    });
  });

  it('puts each RabbitMQ node at its fixed IP in its subnet with its own user-data', () => {
    const subnets = resourcesByAddress(tf, 'aws_subnet');
    for (const n of t.rabbitmq.nodes) {
      const inst = resources(tf, 'aws_instance').find(
        (i) => (i.tags as Record<string, string>).Name === n.name,
      );
      expect(inst, n.name).toBeDefined();
      expect(inst!.private_ip).toBe(n.ip);
      expect(inst!.instance_type).toBe('t3.medium');
      const subnet = subnets.get(referencedAddress(inst!.subnet_id)!);
      expect(subnet?.cidr_block).toBe(t.network.subnets.find((s) => s.name === n.subnet)!.cidr);
      expect(inst!.user_data_replace_on_change).toBeUndefined();
      expect(inst!.associate_public_ip_address).toBe(false);
      expect(deployedUserData(String(inst!.user_data))).toBe(renderedUserData(t, n.name));
    }
  });

  it('secondary-ip: gives the HAProxy pair network interfaces in the VIP subnet, the VIP on the master first', () => {
    const enis = resources(sipTf, 'aws_network_interface');
    expect(enis).toHaveLength(2);
    expect(sipJson).toHaveResourceWithProperties(NetworkInterface, {
      private_ip_list_enabled: true,
      private_ip_list: ['10.42.1.21', '10.42.1.230'],
    });
    expect(sipJson).toHaveResourceWithProperties(NetworkInterface, { private_ip_list: ['10.42.1.22'] });
    for (const eni of enis) {
      // keepalived moves the VIP; Terraform must not move it back.
      expect((eni.lifecycle as { ignore_changes: string[] }).ignore_changes).toEqual(
        expect.arrayContaining(['private_ip_list', 'private_ips']),
      );
      expect(resourcesByAddress(sipTf, 'aws_subnet').get(referencedAddress(eni.subnet_id)!)?.cidr_block).toBe(
        '10.42.1.0/24',
      );
    }
    const eniAddresses = Object.keys(sipTf.resource.aws_network_interface!).map(
      (k) => `aws_network_interface.${k}`,
    );
    for (const h of fd.haproxy) {
      const inst = resources(sipTf, 'aws_instance').find(
        (i) => (i.tags as Record<string, string>).Name === h.name,
      )!;
      expect(inst.instance_type).toBe('t3.small');
      const eniRef = referencedAddress(
        (inst.primary_network_interface as { network_interface_id: string }).network_interface_id,
      );
      expect(eniAddresses).toContain(eniRef);
    }
  });

  it('secondary-ip: lets the HAProxy role assign private IPs only on the two interfaces of the pair', () => {
    const policies = resources(sipTf, 'aws_iam_role_policy').map((p) => ({
      name: p.name,
      doc: JSON.parse(String(p.policy)) as {
        Statement: { Action: string | string[]; Resource: string | string[] }[];
      },
    }));
    const haproxy = policies.find((p) => p.name === 'warren-dev-haproxy-policy')!;
    const move = haproxy.doc.Statement.find((s) =>
      [s.Action].flat().includes('ec2:AssignPrivateIpAddresses'),
    )!;
    // warren-vip-notify assigns with --allow-reassignment and never unassigns.
    expect([move.Action].flat()).toEqual(['ec2:AssignPrivateIpAddresses']);
    const eniArns = Object.keys(sipTf.resource.aws_network_interface!).map(
      (k) => `\${aws_network_interface.${k}.arn}`,
    );
    expect([move.Resource].flat().sort()).toEqual(eniArns.sort());
    // Nothing else anywhere may touch EC2, and only Session Manager's channel actions, which have no
    // resource types, use a wildcard resource.
    const channels: readonly string[] = SESSION_MANAGER_ACTIONS.channels;
    for (const p of policies) {
      for (const s of p.doc.Statement) {
        if (s !== move) expect([s.Action].flat().some((a) => a.startsWith('ec2:'))).toBe(false);
        if ([s.Resource].flat().includes('*'))
          expect([s.Action].flat().every((a) => channels.includes(a))).toBe(true);
      }
    }
    const rabbit = policies.find((p) => p.name === 'warren-dev-rabbitmq-policy')!;
    // No EC2 at all for the nodes; which parameters each role reads: test/stacks/hardening.test.ts.
    expect(rabbit.doc.Statement.flatMap((s) => [s.Action].flat()).some((a) => a.startsWith('ec2:'))).toBe(
      false,
    );
    expect(json).toHaveResourceWithProperties(IamRolePolicy, { name: 'warren-dev-rabbitmq-policy' });
  });

  it('allows VRRP (protocol 112) only from the HAProxy group into the HAProxy group', () => {
    const groups = resourcesByAddress(tf, 'aws_security_group');
    const vrrp = resources(tf, 'aws_vpc_security_group_ingress_rule').filter((r) => r.ip_protocol === '112');
    expect(vrrp).toHaveLength(1);
    const rule = vrrp[0]!;
    expect(rule.cidr_ipv4).toBeUndefined();
    expect(groups.get(referencedAddress(rule.security_group_id)!)?.name).toBe('warren-dev-haproxy');
    expect(groups.get(referencedAddress(rule.referenced_security_group_id)!)?.name).toBe(
      'warren-dev-haproxy',
    );
    expect(json).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { ip_protocol: '112' });
  });

  it('opens the cluster ports only between RabbitMQ nodes', () => {
    const groups = resourcesByAddress(tf, 'aws_security_group');
    const rules = resources(tf, 'aws_vpc_security_group_ingress_rule').filter(
      (r) => r.ip_protocol === 'tcp' && [4369, 25672, 35672].includes(Number(r.from_port)),
    );
    expect(rules).toHaveLength(3);
    for (const r of rules) {
      expect(r.cidr_ipv4).toBeUndefined();
      expect(groups.get(referencedAddress(r.security_group_id)!)?.name).toBe('warren-dev-rabbitmq');
      expect(groups.get(referencedAddress(r.referenced_security_group_id)!)?.name).toBe(
        'warren-dev-rabbitmq',
      );
    }
  });

  it('outputs the VIP endpoint, the URLs and the parameter names', () => {
    expect(tf.output.endpoint!.value).toBe('192.168.1.230');
    expect(tf.output.amqp_url!.value).toBe('amqp://192.168.1.230:5672');
    expect(tf.output.management_url!.value).toBe('http://192.168.1.230:15672/');
    expect(tf.output.secret_parameters!.value).toEqual(
      Object.fromEntries(SECRET_KEYS.map((k) => [k, `/warren/dev/${k}`])),
    );
    expect(tf.output.nodes!.value).toEqual({
      'rabbit-01': '10.42.1.11',
      'rabbit-02': '10.42.2.11',
      'rabbit-03': '10.42.3.11',
    });
  });

  it('keeps state in a relative local file by default', () => {
    expect(tf.terraform.backend).toEqual({ local: { path: '../../../terraform.warren-dev.tfstate' } });
  });

  it('has no health gate unless asked', () => {
    expect(tf.resource.null_resource).toBeUndefined();
  });
});

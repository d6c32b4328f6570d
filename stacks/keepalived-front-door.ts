/**
 * The keepalived front door: two HAProxy hosts sharing a VIP. AWS has no multicast and does not
 * let an address float by ARP, so the VIP is a secondary private IP of the master's network
 * interface; on failover keepalived's notify hook moves it to the other interface
 * (`assign-private-ip-addresses --allow-reassignment`, which also takes the address off the other
 * interface). The role allows exactly that: assigning private IPs on these two interfaces, nothing
 * else (warren-vip-notify never unassigns). A secondary IP belongs to one
 * subnet, so both hosts must be in the VIP's subnet.
 *
 * With `vipMode: 'overlay'` the VIP lies outside the VPC and a /32 route in each of the clients'
 * route tables carries it to the master's interface; at failover the hook points the routes at its
 * own interface (`ec2:ReplaceRoute` on exactly those tables). The hosts may then sit in different
 * subnets and AZs; both interfaces have the source/destination check off, since they receive
 * packets addressed to an IP that is not theirs.
 */
import { ConstructError } from './construct-error';
import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { NetworkInterface } from '@cdktf/provider-aws/lib/network-interface';
import { Route } from '@cdktf/provider-aws/lib/route';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { PORTS, type ResolvedKeepalivedFrontDoor, type Topology } from '../topology';
import type { FrontDoor } from './front-door';
import { SECRETS_READ_BY } from './cluster-secrets';
import { InstanceRole } from './instance-role';
import { WarrenInstance } from './warren-instance';

export interface KeepalivedFrontDoorProps {
  /** An environment whose frontDoor.kind is 'keepalived'. */
  readonly topology: Topology;
  readonly subnetIds: Readonly<Record<string, string>>;
  /**
   * The route tables the environment's clients use (a new VPC's own table, or the topology's
   * `network.routeTableIds`): an overlay VIP gets its /32 route in each. Only for `vipMode: 'overlay'`.
   * @default none
   */
  readonly routeTableIds?: readonly string[];
  /** The haproxy role's security group (VRRP between the pair, clients, admins). */
  readonly securityGroupId: string;
  readonly imageId: string;
  /** SSM path the hosts read their secrets from, e.g. `/warren/dev`. */
  readonly ssmPrefix: string;
  /**
   * The environment key (EnvironmentKey): encrypts the parameters the hosts decrypt and their root volumes.
   * @default none: the AWS managed keys
   */
  readonly kmsKeyArn?: string;
  /** The user-data of one host (renderUserData(t, host, 'aws')). */
  readonly userData: (hostName: string) => string;
  /**
   * More parameters the pair's role reads (paths under ssmPrefix): the hosts' TLS material for the
   * stats page, with `rabbitmq.tls` on. One role serves both hosts, so it reads both hosts' keys.
   * @default none
   */
  readonly extraParameters?: readonly string[];
  /**
   * Root volume of each HAProxy host, GiB.
   * @default 10
   */
  readonly volumeGiB?: number;
  /**
   * Resources the hosts wait for (their secrets, the VPC endpoints); the role's own policy is added here.
   * @default none
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * The fixed addresses' reservations: the interfaces, which carry the hosts' IPs and the VIP, are
   * created after them.
   * @default none
   */
  readonly addressReservations?: ITerraformDependable[];
}

export interface HaproxyHostResources {
  readonly name: string;
  readonly ip: string;
  readonly priority: number;
  /** Whether the VIP starts on this host's interface (the higher priority). */
  readonly initialMaster: boolean;
  readonly networkInterface: NetworkInterface;
  readonly instance: WarrenInstance;
}

export class KeepalivedFrontDoor extends Construct implements FrontDoor {
  readonly kind = 'keepalived' as const;
  readonly endpoint: string;
  readonly amqpPort = PORTS.amqp;
  readonly managementPort = PORTS.management;
  readonly resources: readonly ITerraformDependable[];
  readonly vip: string;
  readonly hosts: readonly HaproxyHostResources[];
  readonly role: InstanceRole;
  /** The overlay VIP's /32 routes, one per client route table (none with a secondary IP). */
  readonly vipRoutes: readonly Route[];

  constructor(scope: Construct, id: string, props: KeepalivedFrontDoorProps) {
    super(scope, id);
    const t = props.topology;
    const fd = validateKeepalived(t, props);
    const overlay = fd.vipMode === 'overlay';
    this.vip = fd.vip;
    this.endpoint = fd.vip;
    const masterPriority = Math.max(...fd.haproxy.map((h) => h.priority));

    const interfaces = fd.haproxy.map((h) => {
      const initialMaster = h.priority === masterPriority;
      const eni = new NetworkInterface(this, `${h.name}-eni`, {
        subnetId: props.subnetIds[h.subnet] as string,
        description: `warren ${t.name} ${h.name}${initialMaster ? ' (VIP starts here)' : ''}`,
        // The list is ordered: the first address is the primary one. An overlay VIP is no address of
        // the interface: the routes carry it.
        privateIpListEnabled: true,
        privateIpList: initialMaster && !overlay ? [h.ip, fd.vip] : [h.ip],
        // Packets to an overlay VIP are not addressed to the interface's own IP: EC2 drops them unless
        // the check is off.
        ...(overlay ? { sourceDestCheck: false } : {}),
        securityGroups: [props.securityGroupId],
        tags: { Name: `${h.name}`, 'warren:role': 'haproxy', 'warren:host': h.name },
        // keepalived moves the VIP between the two interfaces at failover; Terraform must not move it back.
        lifecycle: { ignoreChanges: ['private_ip_list', 'private_ips', 'private_ips_count'] },
        ...(props.addressReservations?.length ? { dependsOn: props.addressReservations } : {}),
      });
      return { host: h, eni, initialMaster };
    });
    const first = interfaces.find((i) => i.initialMaster)!;
    this.vipRoutes = overlay
      ? (props.routeTableIds ?? []).map(
          (routeTableId, i) =>
            new Route(this, `vip-route-${i}`, {
              routeTableId,
              destinationCidrBlock: `${fd.vip}/32`,
              networkInterfaceId: first.eni.id,
              // keepalived's hook repoints the route at failover; Terraform must not point it back.
              lifecycle: { ignoreChanges: ['network_interface_id'] },
            }),
        )
      : [];
    const partition = overlay ? new DataAwsPartition(this, 'partition') : undefined;
    const account = overlay ? new DataAwsCallerIdentity(this, 'account') : undefined;
    const moveVip = overlay
      ? [
          {
            Sid: 'MoveVipRoute',
            Effect: 'Allow' as const,
            Action: 'ec2:ReplaceRoute',
            Resource: (props.routeTableIds ?? []).map(
              (id) => `arn:${partition!.partition}:ec2:${t.region}:${account!.accountId}:route-table/${id}`,
            ),
          },
          {
            // Describe calls have no resource-level permissions: the hook finds the tables that carry
            // the VIP's route and confirms each one points at its own interface.
            Sid: 'ConfirmVipRoute',
            Effect: 'Allow' as const,
            Action: 'ec2:DescribeRouteTables',
            Resource: '*',
          },
        ]
      : [
          {
            Sid: 'MoveVipBetweenThePair',
            Effect: 'Allow' as const,
            Action: 'ec2:AssignPrivateIpAddresses',
            Resource: interfaces.map((i) => i.eni.arn),
          },
        ];

    this.role = new InstanceRole(this, 'role', {
      roleName: `warren-${t.name}-haproxy`,
      region: t.region,
      ssmPrefix: props.ssmPrefix,
      secretKeys: SECRETS_READ_BY.haproxy,
      ...(props.extraParameters !== undefined ? { extraParameters: props.extraParameters } : {}),
      sessionManager: t.access.sessionManager,
      ...(props.kmsKeyArn !== undefined ? { secretsKeyArn: props.kmsKeyArn } : {}),
      statements: moveVip,
    });

    this.hosts = interfaces.map(({ host, eni, initialMaster }) => {
      const instance = new WarrenInstance(this, host.name, {
        hostName: host.name,
        role: 'haproxy',
        imageId: props.imageId,
        instanceType: fd.instanceType,
        userData: props.userData(host.name),
        instanceProfileName: this.role.instanceProfileName,
        volumeGiB: props.volumeGiB ?? 10,
        placement: { networkInterfaceId: eni.id },
        ...(props.kmsKeyArn !== undefined ? { kmsKeyArn: props.kmsKeyArn } : {}),
        ...(t.access.sshKeyName !== undefined ? { keyName: t.access.sshKeyName } : {}),
        // A host booting before its role's policy exists cannot read its secrets.
        dependsOn: [...(props.dependsOn ?? []), this.role.policy],
      });
      if (t.access.publicIps) {
        new Eip(this, `${host.name}-public-ip`, {
          domain: 'vpc',
          networkInterface: eni.id,
          associateWithPrivateIp: host.ip,
          tags: { Name: host.name },
          dependsOn: [instance.instance],
        });
      }
      return {
        name: host.name,
        ip: host.ip,
        priority: host.priority,
        initialMaster,
        networkInterface: eni,
        instance,
      };
    });
    this.resources = [
      ...this.hosts.flatMap((h) => [h.networkInterface, h.instance.instance]),
      ...this.vipRoutes,
    ];
  }
}

function validateKeepalived(t: Topology, props: KeepalivedFrontDoorProps): ResolvedKeepalivedFrontDoor {
  const fd = t.frontDoor;
  const fail = (message: string, fix: string): never => {
    throw new ConstructError(`KeepalivedFrontDoor (${t.name}): ${message}; ${fix}`);
  };
  if (fd.kind !== 'keepalived') return fail(`frontDoor.kind is '${fd.kind}'`, 'use NlbFrontDoor for it');
  if (fd.haproxy.length !== 2) fail(`frontDoor.haproxy has ${fd.haproxy.length} hosts`, 'give exactly two');
  const [a, b] = fd.haproxy as [
    ResolvedKeepalivedFrontDoor['haproxy'][0],
    ResolvedKeepalivedFrontDoor['haproxy'][0],
  ];
  if (fd.vipMode === 'overlay' && (props.routeTableIds ?? []).length === 0) {
    fail('an overlay VIP needs the route tables its clients use', 'pass routeTableIds');
  }
  if (fd.vipMode !== 'overlay' && props.routeTableIds !== undefined) {
    fail('routeTableIds are only for an overlay VIP', "drop them, or use vipMode 'overlay'");
  }
  if (fd.vipMode === 'secondary-ip' && a.subnet !== b.subnet) {
    fail(
      `the HAProxy hosts are in subnets '${a.subnet}' and '${b.subnet}'`,
      'put both in the VIP subnet: a secondary IP cannot cross subnets',
    );
  }
  if (a.priority === b.priority)
    fail('both HAProxy hosts have priority ' + a.priority, 'give the master a higher priority');
  if (fd.vip === a.ip || fd.vip === b.ip)
    fail(`the VIP ${fd.vip} is also a host address`, 'pick a free address for the VIP');
  for (const h of [a, b]) {
    if (props.subnetIds[h.subnet] === undefined) {
      fail(
        `subnet '${h.subnet}' of ${h.name} is not in the network`,
        `use one of ${Object.keys(props.subnetIds).join(', ')}`,
      );
    }
  }
  if (props.volumeGiB !== undefined && (!Number.isInteger(props.volumeGiB) || props.volumeGiB < 8)) {
    fail(`volumeGiB ${props.volumeGiB} is too small`, 'give a whole number of at least 8');
  }
  return fd;
}

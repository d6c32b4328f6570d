/**
 * One environment as one Terraform stack, `warren-<env>`: network, secrets, RabbitMQ nodes, the
 * front door, security groups from the network policy, an optional health gate, and outputs. Pure
 * apart from reading the health-gate script: the topology, the user-data renderer and the bake
 * manifest come in as props, so tests build stacks from any topology.
 */
import { dependable, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { NullProvider } from '@cdktf/provider-null/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TlsProvider } from '@cdktf/provider-tls/lib/provider';
import {
  hostsOf,
  listenerPorts,
  PORTS,
  ssmPrefix,
  stackId,
  tlsOn,
  tlsParameterSuffix,
  type Topology,
} from '../topology';
import { ClusterSecrets, SECRETS_READ_BY } from './cluster-secrets';
import { EnvironmentKey } from './environment-key';
import { ConstructError } from './construct-error';
import { HealthGate } from './health-gate';
import { InstanceRole } from './instance-role';
import { KeepalivedFrontDoor } from './keepalived-front-door';
import { MachineImage, type StackImages } from './machine-image';
import { fixedAddresses } from './address-reservations';
import { Network, type EndpointService } from './network';
import { NlbFrontDoor } from './nlb-front-door';
import { NodeCertificates } from './node-certificates';
import { PolicySecurityGroups } from './policy-security-groups';
import { RabbitmqNodes } from './rabbitmq-nodes';
import { RecoveryAlarms } from './recovery-alarms';
import { applyStateBackend, type StateBackendOptions } from './state-backend';

export interface WarrenStackProps {
  readonly topology: Topology;
  /** The file the topology came from, relative (for generated-by markers), e.g. `environments/dev.ts`. */
  readonly source: string;
  /**
   * The complete user-data of one host; normally `renderUserData(t, host, 'aws', options)` from
   * cloudinit/. RabbitMQ nodes get `options.dataVolumeId` (their data volume's id).
   */
  readonly userData: (t: Topology, hostName: string, options?: { readonly dataVolumeId?: string }) => string;
  /**
   * The pinned images of this environment (its `<stem>.images.json`, read by the edge).
   * @default none: refused unless the topology asks for the lookup (image.amiLookup: 'latest')
   */
  readonly images?: StackImages;
  /**
   * Where the state lives.
   * @default { kind: 'local' }
   */
  readonly state?: StateBackendOptions;
  /**
   * Add the health gate (the deployer must reach the front door), running this script: the text of
   * stacks/scripts/warren-health-gate.sh, read by the edge that builds the app.
   * @default no health gate
   */
  readonly healthGate?: { readonly script: string };
}

export class WarrenStack extends TerraformStack {
  readonly topology: Topology;
  /** The environment file, relative (for generated-by markers). */
  readonly source: string;
  readonly network: Network;
  /** The environment's KMS key: SecureStrings and EBS volumes. */
  readonly key: EnvironmentKey;
  readonly secrets: ClusterSecrets;
  readonly securityGroups: PolicySecurityGroups;
  readonly nodes: RabbitmqNodes;
  readonly frontDoor: KeepalivedFrontDoor | NlbFrontDoor;
  readonly healthGate?: HealthGate;
  /** The environment's CA and every host's certificate, with `rabbitmq.tls` on. */
  readonly certificates?: NodeCertificates;
  /** Recover/reboot alarms per instance, UnHealthyHostCount per NLB target group, one SNS topic. */
  readonly alarms: RecoveryAlarms;
  readonly images: { readonly rabbitmq: MachineImage; readonly haproxy?: MachineImage };
  /** One line saying where the state lives. */
  readonly stateDescription: string;

  /** `id` is the stack's name for cdktf (`cdktf deploy <id>`); warren's app uses `warren-<env>` (stackId). */
  constructor(scope: Construct, id: string, props: WarrenStackProps) {
    super(scope, id);
    const t = props.topology;
    if (!/^[a-zA-Z0-9][a-zA-Z0-9-]*$/.test(id)) {
      throw new ConstructError(
        `WarrenStack: id '${id}' is not a stack name; use letters, digits and dashes, e.g. ${stackId(t)}`,
      );
    }
    this.topology = t;
    this.source = props.source;
    this.stateDescription = applyStateBackend(this, id, t.region, props.state ?? { kind: 'local' });

    new AwsProvider(this, 'aws', {
      region: t.region,
      defaultTags: [
        { tags: { ...t.tags, 'warren:env': t.name, 'warren:stack': id, 'managed-by': 'warren' } },
      ],
    });
    new RandomProvider(this, 'random');
    if (tlsOn(t)) new TlsProvider(this, 'tls');
    if (props.healthGate) new NullProvider(this, 'null');

    const keepalived = t.frontDoor.kind === 'keepalived';
    const endpoints: EndpointService[] = [
      'ssm',
      ...(keepalived ? (['ec2'] as const) : []),
      // Session Manager's channels (ssmmessages) and the agent's message service (ec2messages).
      ...(t.access.sessionManager ? (['ssmmessages', 'ec2messages'] as const) : []),
    ];
    this.network = new Network(this, 'network', {
      envName: t.name,
      region: t.region,
      ...(t.network.vpcCidr !== undefined ? { vpcCidr: t.network.vpcCidr } : {}),
      ...(t.network.vpcId !== undefined ? { vpcId: t.network.vpcId } : {}),
      subnets: t.network.subnets,
      fixedAddresses: fixedAddresses(t),
      ...(t.network.vpcId === undefined ? { endpoints } : {}),
      internetGateway:
        t.network.vpcId === undefined &&
        (t.access.publicIps || (t.frontDoor.kind === 'nlb' && !t.frontDoor.internal)),
    });
    this.key = new EnvironmentKey(this, 'key', { envName: t.name });
    this.secrets = new ClusterSecrets(this, 'secrets', { prefix: ssmPrefix(t), kmsKeyId: this.key.keyArn });
    this.securityGroups = new PolicySecurityGroups(this, 'security-groups', {
      topology: t,
      vpcId: this.network.vpcId,
      ...(this.network.endpointSecurityGroupId !== undefined
        ? { awsApiSecurityGroupId: this.network.endpointSecurityGroupId }
        : {}),
    });

    // What a first boot needs to exist: its secrets, the SSM endpoint it reads them through, and its
    // fixed address reserved (so no endpoint interface took it).
    const bootNeeds = [
      ...this.secrets.allParameters,
      ...this.network.endpoints,
      ...this.network.reservations,
    ];

    const makeCertificates = (frontDoor: { ip?: string; dns?: string }) =>
      new NodeCertificates(this, 'certificates', {
        envName: t.name,
        prefix: ssmPrefix(t),
        hosts: hostsOf(t).map((h) => ({ name: h.name, ip: h.ip })),
        frontDoor,
        kmsKeyId: this.key.keyArn,
      });
    // With a VIP the names are known now; an NLB's DNS name only once the NLB exists (below).
    let certificates =
      tlsOn(t) && t.frontDoor.kind === 'keepalived' ? makeCertificates({ ip: t.frontDoor.vip }) : undefined;

    const rabbitImage = new MachineImage(this, 'rabbitmq-image', {
      topology: t,
      role: 'rabbitmq',
      ...(props.images ? { images: props.images } : {}),
    });
    const rabbitRoleProps = {
      region: t.region,
      ssmPrefix: ssmPrefix(t),
      secretKeys: SECRETS_READ_BY.rabbitmq,
      sessionManager: t.access.sessionManager,
      secretsKeyArn: this.key.keyArn,
    };
    // With TLS each node has a role of its own, which reads its own private key and no other node's.
    const nodeRoles = tlsOn(t)
      ? t.rabbitmq.nodes.map(
          (n) =>
            [
              n.name,
              new InstanceRole(this, `rabbitmq-role-${n.name}`, {
                ...rabbitRoleProps,
                roleName: `warren-${t.name}-${n.name}`,
                extraParameters: (['tls-ca', 'tls-cert', 'tls-key'] as const).map((k) =>
                  tlsParameterSuffix(k, n.name),
                ),
              }),
            ] as const,
        )
      : [];
    const rabbitRole =
      nodeRoles.length === 0
        ? new InstanceRole(this, 'rabbitmq-role', {
            ...rabbitRoleProps,
            roleName: `warren-${t.name}-rabbitmq`,
          })
        : undefined;
    this.nodes = new RabbitmqNodes(this, 'rabbitmq', {
      topology: t,
      subnetIds: this.network.subnetIds,
      securityGroupId: this.securityGroups.securityGroup('rabbitmq').id,
      imageId: rabbitImage.imageId,
      instanceProfileName: rabbitRole
        ? rabbitRole.instanceProfileName
        : Object.fromEntries(nodeRoles.map(([name, role]) => [name, role.instanceProfileName])),
      kmsKeyArn: this.key.keyArn,
      userData: (host, dataVolumeId) => props.userData(t, host, { dataVolumeId }),
      dependsOn: [
        ...bootNeeds,
        ...(certificates?.parameters ?? []),
        ...(rabbitRole ? [rabbitRole.policy] : nodeRoles.map(([, role]) => role.policy)),
      ],
    });

    if (t.frontDoor.kind === 'keepalived') {
      const fd = t.frontDoor;
      const haproxyImage = new MachineImage(this, 'haproxy-image', {
        topology: t,
        role: 'haproxy',
        ...(props.images ? { images: props.images } : {}),
      });
      this.images = { rabbitmq: rabbitImage, haproxy: haproxyImage };
      this.frontDoor = new KeepalivedFrontDoor(this, 'keepalived', {
        topology: t,
        subnetIds: this.network.subnetIds,
        // An overlay VIP is routed in the clients' tables: an existing VPC lists them, a new one has its own.
        ...(fd.vipMode === 'overlay'
          ? {
              routeTableIds:
                t.network.routeTableIds ?? (this.network.routeTableId ? [this.network.routeTableId] : []),
            }
          : {}),
        securityGroupId: this.securityGroups.securityGroup('haproxy').id,
        imageId: haproxyImage.imageId,
        ssmPrefix: ssmPrefix(t),
        kmsKeyArn: this.key.keyArn,
        userData: (host) => props.userData(t, host),
        ...(certificates
          ? { extraParameters: [...new Set(fd.haproxy.flatMap((h) => certificates!.readableBy(h.name)))] }
          : {}),
        dependsOn: [...bootNeeds, ...(certificates?.parameters ?? [])],
        addressReservations: [...this.network.reservations],
      });
    } else {
      this.images = { rabbitmq: rabbitImage };
      this.frontDoor = new NlbFrontDoor(this, 'nlb', {
        topology: t,
        vpcId: this.network.vpcId,
        subnetIds: this.network.subnetsPerAz(),
        securityGroupId: this.securityGroups.securityGroup('nlb').id,
        targets: this.nodes.nodes.map((n) => ({ name: n.name, instanceId: n.instance.instanceId })),
        dependsOn: [...this.network.reservations],
      });
    }
    if (tlsOn(t) && certificates === undefined) {
      certificates = makeCertificates({ dns: this.frontDoor.endpoint });
      // Made after the nodes in this program (the NLB needs their instances), but a node must not
      // boot before its certificate's parameters exist.
      for (const n of this.nodes.nodes) {
        const instance = n.instance.instance;
        instance.dependsOn = [
          ...(instance.dependsOn ?? []),
          ...certificates.parameters.map((p) => dependable(p)),
        ];
      }
    }
    this.certificates = certificates;

    const fd = this.frontDoor;
    this.alarms = new RecoveryAlarms(this, 'alarms', {
      topology: t,
      instanceIds: Object.fromEntries([
        ...this.nodes.nodes.map((n) => [n.name, n.instance.instanceId]),
        ...(fd.kind === 'keepalived' ? fd.hosts.map((h) => [h.name, h.instance.instanceId]) : []),
      ]),
      ...(fd.kind === 'nlb'
        ? {
            nlb: {
              loadBalancerArnSuffix: fd.loadBalancer.arnSuffix,
              targetGroupArnSuffixes: {
                amqp: fd.targetGroups.amqp!.arnSuffix,
                management: fd.targetGroups.management!.arnSuffix,
              },
            },
          }
        : {}),
    });
    new TerraformOutput(this, 'alarm_topic_arn', {
      value: this.alarms.topic.arn,
      description: 'SNS topic of the recovery and front-door alarms: subscribe to it (aws sns subscribe …)',
    });

    if (props.healthGate) {
      this.healthGate = new HealthGate(this, 'health-gate', {
        topology: t,
        frontDoor: this.frontDoor,
        adminPasswordParameter: this.secrets.parameterName('admin-password'),
        nodeInstanceIds: this.nodes.instanceIds,
        ...(certificates ? { caCertPem: certificates.caCertPem } : {}),
        script: props.healthGate.script,
        // A node runs only once its data volume is attached.
        dependsOn: this.nodes.nodes.flatMap((n) => [n.instance.instance, n.attachment]),
      });
    }

    const endpoint = this.frontDoor.endpoint;
    new TerraformOutput(this, 'endpoint', {
      value: endpoint,
      description: 'where clients connect (the VIP or the NLB DNS name)',
    });
    const ports = listenerPorts(t.rabbitmq.tls);
    if (ports.amqp.includes(PORTS.amqp)) {
      new TerraformOutput(this, 'amqp_url', {
        value: `amqp://${endpoint}:${this.frontDoor.amqpPort}`,
        description:
          'AMQP through the front door; the user is warren-admin, the password in the admin-password parameter',
      });
      new TerraformOutput(this, 'management_url', {
        value: `http://${endpoint}:${this.frontDoor.managementPort}/`,
        description: 'RabbitMQ management through the front door',
      });
    }
    if (this.certificates) {
      new TerraformOutput(this, 'amqps_url', {
        value: `amqps://${endpoint}:${PORTS.amqps}`,
        description: 'AMQP over TLS through the front door; verify the nodes against ca_certificate',
      });
      new TerraformOutput(this, 'management_https_url', {
        value: `https://${endpoint}:${PORTS.managementTls}/`,
        description: 'RabbitMQ management over HTTPS through the front door',
      });
      new TerraformOutput(this, 'ca_certificate', {
        value: this.certificates.caCertPem,
        description: `the environment's CA certificate (PEM), what clients trust; also in SSM at ${this.certificates.parameterName('tls-ca')}`,
      });
    }
    new TerraformOutput(this, 'secret_parameters', {
      value: Object.fromEntries(this.secrets.keys.map((k) => [k, this.secrets.parameterName(k)])),
      description:
        'SSM SecureString parameter names (values: aws ssm get-parameter --with-decryption --name …)',
    });
    new TerraformOutput(this, 'nodes', {
      value: Object.fromEntries(this.nodes.nodes.map((n) => [n.name, n.ip])),
      description: 'RabbitMQ nodes and their private IPs',
    });
  }
}

/**
 * The network an environment runs in: a new VPC with one subnet per topology subnet, or an existing
 * VPC given by id. Instances have no public IPs by default and the baked AMIs need nothing from the
 * internet, but they do call two AWS APIs at boot and at failover: SSM (secrets) and, on the HAProxy
 * pair, EC2 (moving the VIP). A new VPC therefore gets VPC interface endpoints for those services
 * instead of a NAT gateway: no route to the internet exists at all unless something asks for one,
 * and the endpoints cost about what one NAT gateway does.
 */
import { ConstructError } from './construct-error';
import { Construct } from 'constructs';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import type { ITerraformDependable } from 'cdktf';
import { cidrWithin, parseCidr } from '../topology';
import { AddressReservations, type FixedAddress } from './address-reservations';

export interface NetworkSubnet {
  /** The topology's short name (`a`), which hosts refer to. */
  readonly name: string;
  readonly az: string;
  readonly cidr: string;
  /** An existing subnet's id; required with `vpcId`, forbidden otherwise. */
  readonly id?: string;
}

/** AWS services reachable through interface endpoints (`com.amazonaws.<region>.<service>`). */
export type EndpointService = 'ssm' | 'ec2' | 'ssmmessages' | 'ec2messages' | 'kms' | 'logs';

export interface NetworkProps {
  /** Environment name, for resource names and tags. */
  readonly envName: string;
  readonly region: string;
  /** CIDR of a new VPC. Give this or `vpcId`. */
  readonly vpcCidr?: string;
  /** Id of an existing VPC; then every subnet needs its `id` and nothing is created. */
  readonly vpcId?: string;
  readonly subnets: readonly NetworkSubnet[];
  /**
   * Interface endpoints to create, one network interface per availability zone.
   * @default ['ssm'] for a new VPC (plus 'ec2' when the front door moves a VIP, decided by the
   * caller); none for an existing VPC, whose owner already decided how instances reach AWS APIs
   */
  readonly endpoints?: readonly EndpointService[];
  /**
   * Attach an internet gateway and route 0.0.0.0/0 to it (new VPC only). Needed for public IPs
   * and internet-facing load balancers.
   * @default false
   */
  readonly internetGateway?: boolean;
  /**
   * Addresses to reserve (`explicit` /32s) before any interface endpoint takes one.
   * @default none
   */
  readonly fixedAddresses?: readonly FixedAddress[];
}

export class Network extends Construct {
  /** The VPC's id (a reference for a new VPC, the given id for an existing one). */
  readonly vpcId: string;
  /** The VPC CIDR when this construct created the VPC. */
  readonly vpcCidr?: string;
  /** Subnet ids by the topology's subnet name. */
  readonly subnetIds: Readonly<Record<string, string>>;
  /** Subnet availability zones by name. */
  readonly subnetAzs: Readonly<Record<string, string>>;
  /** The interface endpoints created, by service. */
  readonly endpointServices: readonly EndpointService[];
  /** Whether traffic can leave the VPC through an internet gateway. */
  readonly hasInternetGateway: boolean;
  /** The route table this construct created for a new VPC (every subnet uses it); none for an existing VPC. */
  readonly routeTableId?: string;
  /** The interface endpoints' security group, when endpoints were created. */
  endpointSecurityGroupId?: string;
  /** The interface endpoints created (instances depend on them: their boot calls SSM). */
  readonly endpoints: VpcEndpoint[] = [];
  /** The fixed addresses' reservations; the endpoints are created after them. */
  readonly reservations: readonly ITerraformDependable[];

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    validateNetworkProps(props);
    const subnetIds: Record<string, string> = {};
    const subnetAzs: Record<string, string> = {};
    for (const s of props.subnets) subnetAzs[s.name] = s.az;
    this.subnetAzs = subnetAzs;

    if (props.vpcId !== undefined) {
      this.vpcId = props.vpcId;
      for (const s of props.subnets) subnetIds[s.name] = s.id as string;
      this.subnetIds = subnetIds;
      this.reservations = this.reserve(props);
      this.endpointServices = props.endpoints ?? [];
      this.hasInternetGateway = false;
      if (this.endpointServices.length > 0) this.addEndpoints(props, this.endpointServices, undefined);
      return;
    }

    const name = `warren-${props.envName}`;
    const vpc = new Vpc(this, 'vpc', {
      cidrBlock: props.vpcCidr as string,
      // Interface endpoints with private DNS need both, so `aws ssm …` resolves to the endpoint.
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: name },
    });
    this.vpcId = vpc.id;
    this.vpcCidr = props.vpcCidr;
    const routes = new RouteTable(this, 'routes', { vpcId: vpc.id, tags: { Name: name } });
    this.routeTableId = routes.id;
    for (const s of props.subnets) {
      const subnet = new Subnet(this, `subnet-${s.name}`, {
        vpcId: vpc.id,
        cidrBlock: s.cidr,
        availabilityZone: s.az,
        mapPublicIpOnLaunch: false,
        tags: { Name: `${name}-${s.name}` },
      });
      new RouteTableAssociation(this, `routes-${s.name}`, { subnetId: subnet.id, routeTableId: routes.id });
      subnetIds[s.name] = subnet.id;
    }
    this.subnetIds = subnetIds;
    this.reservations = this.reserve(props);
    this.hasInternetGateway = props.internetGateway ?? false;
    if (this.hasInternetGateway) {
      const igw = new InternetGateway(this, 'internet', { vpcId: vpc.id, tags: { Name: name } });
      new Route(this, 'default-route', {
        routeTableId: routes.id,
        destinationCidrBlock: '0.0.0.0/0',
        gatewayId: igw.id,
      });
    }
    this.endpointServices = props.endpoints ?? ['ssm'];
    if (this.endpointServices.length > 0) this.addEndpoints(props, this.endpointServices, props.vpcCidr);
  }

  /** One subnet per availability zone, in topology order: where per-AZ things (endpoints, NLB) go. */
  subnetsPerAz(names?: readonly string[]): string[] {
    const seen = new Set<string>();
    const out: string[] = [];
    for (const [name, az] of Object.entries(this.subnetAzs)) {
      if (names && !names.includes(name)) continue;
      if (seen.has(az)) continue;
      seen.add(az);
      out.push(this.subnetIds[name] as string);
    }
    return out;
  }

  private reserve(props: NetworkProps): ITerraformDependable[] {
    if (!props.fixedAddresses || props.fixedAddresses.length === 0) return [];
    return [
      ...new AddressReservations(this, 'reserved', {
        envName: props.envName,
        addresses: props.fixedAddresses,
        subnetIds: this.subnetIds,
      }).reservations,
    ];
  }

  private addEndpoints(
    props: NetworkProps,
    services: readonly EndpointService[],
    vpcCidr: string | undefined,
  ): void {
    // The endpoints' own group: HTTPS from inside the VPC. This is AWS plumbing, not a flow between
    // warren's roles, so it is not part of the network policy (the lab has no AWS APIs to reach).
    const sg = new SecurityGroup(this, 'endpoints-sg', {
      name: `warren-${props.envName}-endpoints`,
      description: 'HTTPS to AWS API endpoints from inside the VPC',
      vpcId: this.vpcId,
      tags: { Name: `warren-${props.envName}-endpoints` },
    });
    this.endpointSecurityGroupId = sg.id;
    const cidrs = vpcCidr ? [vpcCidr] : props.subnets.map((s) => s.cidr);
    cidrs.forEach((cidr, i) => {
      new VpcSecurityGroupIngressRule(this, `endpoints-https-${i}`, {
        securityGroupId: sg.id,
        ipProtocol: 'tcp',
        fromPort: 443,
        toPort: 443,
        cidrIpv4: cidr,
        description: 'AWS API calls from instances in the VPC',
      });
    });
    for (const service of services) {
      const endpoint = new VpcEndpoint(this, `endpoint-${service}`, {
        vpcId: this.vpcId,
        serviceName: `com.amazonaws.${props.region}.${service}`,
        vpcEndpointType: 'Interface',
        privateDnsEnabled: true,
        subnetIds: this.subnetsPerAz(),
        securityGroupIds: [sg.id],
        tags: { Name: `warren-${props.envName}-${service}` },
        ...(this.reservations.length > 0 ? { dependsOn: [...this.reservations] } : {}),
      });
      this.endpoints.push(endpoint);
    }
  }
}

function validateNetworkProps(props: NetworkProps): void {
  const fail = (prop: string, message: string, fix: string): never => {
    throw new ConstructError(`Network: ${prop} ${message}; ${fix}`);
  };
  if ((props.vpcCidr === undefined) === (props.vpcId === undefined)) {
    fail(
      'vpcCidr/vpcId',
      'must give exactly one of them',
      'set vpcCidr for a new VPC or vpcId for an existing one',
    );
  }
  if (props.subnets.length === 0) fail('subnets', 'is empty', 'give at least one subnet');
  const names = new Set<string>();
  for (const [i, s] of props.subnets.entries()) {
    if (names.has(s.name))
      fail(`subnets[${i}].name`, `'${s.name}' is used twice`, 'give every subnet its own name');
    names.add(s.name);
    if (!parseCidr(s.cidr))
      fail(`subnets[${i}].cidr`, `'${s.cidr}' is not an IPv4 CIDR`, 'write it like 10.42.1.0/24');
    if (props.vpcId !== undefined && s.id === undefined) {
      fail(`subnets[${i}].id`, 'is missing', 'an existing VPC needs the id (subnet-…) of every subnet');
    }
    if (props.vpcId === undefined && s.id !== undefined) {
      fail(`subnets[${i}].id`, 'is set for a new VPC', 'drop it, or give vpcId to use the existing VPC');
    }
    if (props.vpcCidr !== undefined) {
      const vpc = parseCidr(props.vpcCidr);
      if (!vpc) fail('vpcCidr', `'${props.vpcCidr}' is not an IPv4 CIDR`, 'write it like 10.42.0.0/16');
      const inner = parseCidr(s.cidr);
      if (vpc && inner && !cidrWithin(inner, vpc)) {
        fail(
          `subnets[${i}].cidr`,
          `${s.cidr} lies outside the VPC ${props.vpcCidr}`,
          'pick a subnet inside the VPC CIDR',
        );
      }
    }
  }
  if (props.vpcId !== undefined && props.internetGateway) {
    fail(
      'internetGateway',
      'cannot be added to an existing VPC',
      'route the existing VPC to the internet yourself',
    );
  }
}

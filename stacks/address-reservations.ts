/**
 * The topology's fixed private IPs reserved in their subnets, so AWS never hands them out: the
 * interface endpoints' and the NLB's network interfaces are created in the same subnets, in parallel
 * with the hosts, and would otherwise take any free address, a node's or the VIP's among them
 * (`InvalidIPAddress.InUse` at launch). An `explicit` reservation keeps AWS's automatic assignment
 * out of the range while an address given by hand (an instance's `private_ip`, an interface's
 * `private_ip_list`) still works. One /32 per address: the fixed IPs are rarely contiguous, and a
 * covering prefix would also withhold the addresses between them from the endpoints.
 */
import { Construct } from 'constructs';
import { Ec2SubnetCidrReservation } from '@cdktf/provider-aws/lib/ec2-subnet-cidr-reservation';
import { hostsOf, type Topology } from '../topology';
import { ConstructError } from './construct-error';

export interface FixedAddress {
  readonly ip: string;
  /** The topology's subnet name. */
  readonly subnet: string;
  /** What holds the address (becomes the reservation's description). */
  readonly holder: string;
}

/** Every fixed address of the topology: the hosts' IPs and the keepalived VIP. */
export function fixedAddresses(t: Topology): FixedAddress[] {
  const out: FixedAddress[] = hostsOf(t).map((h) => ({ ip: h.ip, subnet: h.subnet, holder: h.name }));
  // An overlay VIP lies outside every subnet: a route carries it, no subnet could hand it out.
  if (t.frontDoor.kind === 'keepalived' && t.frontDoor.vipMode === 'secondary-ip') {
    out.push({ ip: t.frontDoor.vip, subnet: t.frontDoor.haproxy[0]!.subnet, holder: 'the keepalived VIP' });
  }
  return out;
}

export interface AddressReservationsProps {
  readonly envName: string;
  readonly addresses: readonly FixedAddress[];
  /** Subnet ids by the topology's subnet name. */
  readonly subnetIds: Readonly<Record<string, string>>;
}

export class AddressReservations extends Construct {
  readonly reservations: readonly Ec2SubnetCidrReservation[];

  constructor(scope: Construct, id: string, props: AddressReservationsProps) {
    super(scope, id);
    this.reservations = props.addresses.map((a) => {
      const subnetId = props.subnetIds[a.subnet];
      if (subnetId === undefined) {
        throw new ConstructError(
          `AddressReservations: ${a.holder} (${a.ip}) is in subnet '${a.subnet}', which the network does not have; subnets: ${Object.keys(props.subnetIds).join(', ')}`,
        );
      }
      return new Ec2SubnetCidrReservation(this, `reserve-${a.ip.replace(/\./g, '-')}`, {
        subnetId,
        cidrBlock: `${a.ip}/32`,
        reservationType: 'explicit',
        description: `warren ${props.envName}: ${a.holder}`,
      });
    });
  }
}

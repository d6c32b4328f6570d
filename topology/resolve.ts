/**
 * Derived defaults: the values that depend on other fields (replication from the RabbitMQ
 * version, Erlang from the package source, HAProxy priorities from their order, access CIDRs from
 * the network). Pure; the result is the `Topology` every renderer reads.
 */
import { isExactVersion, packageRowFor, rabbitCapabilities } from './capabilities';
import type { HaproxyHostSpec, KeepalivedFrontDoorSpec, NlbFrontDoorSpec, ParsedEnvironment } from './schema';

export type Replication = 'ha-all' | 'quorum';

export interface ResolvedHaproxyHost extends HaproxyHostSpec {
  readonly priority: number;
}

export interface ResolvedKeepalivedFrontDoor {
  readonly kind: 'keepalived';
  readonly vip: string;
  readonly vipMode: KeepalivedFrontDoorSpec['vipMode'];
  readonly virtualRouterId: number;
  readonly balance: KeepalivedFrontDoorSpec['balance'];
  readonly clientAffinity: boolean;
  readonly instanceType: string;
  readonly haproxy: readonly ResolvedHaproxyHost[];
}

export type ResolvedFrontDoor = ResolvedKeepalivedFrontDoor | NlbFrontDoorSpec;

/** A fully resolved environment: every default filled in. */
export interface Topology extends Omit<ParsedEnvironment, 'image' | 'rabbitmq' | 'frontDoor' | 'access'> {
  readonly image: ParsedEnvironment['image'] & { readonly erlang: string };
  readonly rabbitmq: ParsedEnvironment['rabbitmq'] & { readonly replication: Replication };
  readonly frontDoor: ResolvedFrontDoor;
  readonly access: ParsedEnvironment['access'] & {
    readonly clientCidrs: readonly string[];
    readonly adminCidrs: readonly string[];
  };
  /**
   * The file it came from, as the generated-by markers name it (repository-relative, or the base
   * name of a file outside the repository); set by the loader, absent for a topology built in code.
   */
  readonly source?: string;
}

export function resolveTopology(env: ParsedEnvironment): Topology {
  const row = packageRowFor(env.image.ubuntu, env.image.rabbitmq);
  const mirroring = isExactVersion(env.image.rabbitmq)
    ? rabbitCapabilities(env.image.rabbitmq).classicMirroring
    : true;
  const vpcCidrs = env.network.vpcCidr ? [env.network.vpcCidr] : env.network.subnets.map((s) => s.cidr);
  return {
    ...env,
    image: { ...env.image, erlang: env.image.erlang ?? row?.erlang ?? 'unknown' },
    rabbitmq: { ...env.rabbitmq, replication: env.rabbitmq.replication ?? (mirroring ? 'ha-all' : 'quorum') },
    frontDoor:
      env.frontDoor.kind === 'keepalived'
        ? {
            ...env.frontDoor,
            haproxy: env.frontDoor.haproxy.map((h, i) => ({ ...h, priority: h.priority ?? 200 - 100 * i })),
          }
        : env.frontDoor,
    access: {
      ...env.access,
      clientCidrs: env.access.clientCidrs ?? vpcCidrs,
      adminCidrs: env.access.adminCidrs ?? vpcCidrs,
    },
  };
}

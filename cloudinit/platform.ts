/**
 * The platform hooks: the one file whose content differs between AWS and the lab (a fidelity test
 * relies on this). Secrets are named here by reference (SSM prefix or a directory), never by value;
 * so is a RabbitMQ node's data volume (which device it is: the one lookup that differs).
 */
import { hostNamed, ssmPrefix, type Topology } from '../topology';
import { markerComment } from './marker';
import { PLATFORM_FILE, SECRETS_DIR } from './paths';
import type { RenderedFile } from './rendered-file';
import { shellQuote } from './warren-env';

export type Platform = 'aws' | 'lab';

export const PLATFORMS: readonly Platform[] = ['aws', 'lab'];

/** Where the lab binds each RabbitMQ host's data volume (a loop device) inside its container. */
export const LAB_DATA_DEVICE = '/dev/warren-data';

/**
 * Where the lab binds its VPC router's network namespace into an overlay VIP's HAProxy hosts: the
 * notify hook's stand-in for replace-route and describe-route-tables works on the route there.
 */
export const LAB_ROUTER_NETNS = '/run/warren-lab/router-netns';

/**
 * The hooks only the lab's platform file declares: where its stand-in for the AWS route call finds the
 * VPC router. AWS has no such thing to point at, so its file leaves them out rather than carry an
 * empty value.
 */
export const LAB_ONLY_PLATFORM_KEYS: readonly string[] = ['WARREN_LAB_ROUTER_NETNS'];

/** What only the stack knows, for one host's user-data. */
export interface UserDataOptions {
  /**
   * AWS, RabbitMQ hosts: the id of the node's `aws_ebs_volume` (`vol-…`), written into
   * /etc/warren/platform.env as WARREN_DATA_VOLUME_ID; warren-data-volume finds the device whose
   * NVMe serial it is. The stack passes a Terraform reference (`${aws_ebs_volume.x.id}`) or a
   * `vol-` placeholder it swaps for one after escaping the user-data. Absent: the node has no data
   * volume and keeps RabbitMQ's data on its root disk (a render without a stack). Never for the lab
   * (its device is always LAB_DATA_DEVICE) nor for HAProxy hosts.
   */
  readonly dataVolumeId?: string;
}

const VOLUME_ID = /^vol-[0-9a-f]{8,17}$/;
const TERRAFORM_REFERENCE = /^\$\{[A-Za-z0-9_.\-[\]"]+\}$/;

/**
 * The data volume hooks of a RabbitMQ host. Both keys on both platforms, one of them empty, so the
 * platform file has the same keys everywhere and the script decides by which one is set.
 */
function dataVolumeVars(
  t: Topology,
  hostName: string,
  platform: Platform,
  opts: UserDataOptions,
): Record<string, string> {
  const host = hostNamed(t, hostName);
  if (host.role !== 'rabbitmq') {
    if (opts.dataVolumeId !== undefined)
      throw new Error(
        `dataVolumeId given for ${hostName}, a ${host.role} host: only RabbitMQ nodes have one`,
      );
    return {};
  }
  if (platform === 'lab') {
    if (opts.dataVolumeId !== undefined)
      throw new Error(
        `dataVolumeId given for the lab host ${hostName}: the lab's device is ${LAB_DATA_DEVICE}`,
      );
    return { WARREN_DATA_DEVICE: LAB_DATA_DEVICE, WARREN_DATA_VOLUME_ID: '' };
  }
  const id = opts.dataVolumeId ?? '';
  if (id !== '' && !VOLUME_ID.test(id) && !TERRAFORM_REFERENCE.test(id))
    throw new Error(
      `dataVolumeId '${id}' for ${hostName} is neither a volume id (vol-…) nor a Terraform reference (\${…})`,
    );
  return { WARREN_DATA_DEVICE: '', WARREN_DATA_VOLUME_ID: id };
}

/**
 * /etc/warren/platform.env of one host. `hostName` and `opts` only matter for RabbitMQ hosts (the
 * data volume); without a host the file holds the hooks every host shares.
 */
export function renderPlatformEnv(
  t: Topology,
  platform: Platform,
  hostName?: string,
  opts: UserDataOptions = {},
): RenderedFile {
  const vars: Record<string, string> = {
    ...(platform === 'aws'
      ? {
          WARREN_SECRETS_BACKEND: 'ssm',
          WARREN_SSM_PREFIX: ssmPrefix(t),
          WARREN_REGION: t.region,
          WARREN_SECRETS_DIR: SECRETS_DIR,
          WARREN_VIP_MOVE: 'aws',
        }
      : {
          WARREN_SECRETS_BACKEND: 'file',
          WARREN_SSM_PREFIX: ssmPrefix(t),
          WARREN_REGION: t.region,
          WARREN_SECRETS_DIR: SECRETS_DIR,
          // The hook's own retry/confirm/reconcile path, with the lab's stand-in for the AWS call.
          WARREN_VIP_MOVE: 'lab',
          WARREN_LAB_ROUTER_NETNS: LAB_ROUTER_NETNS,
        }),
    ...(hostName === undefined ? {} : dataVolumeVars(t, hostName, platform, opts)),
  };
  const body = Object.entries(vars)
    .map(([k, v]) => `${k}=${shellQuote(v)}`)
    .join('\n');
  return {
    path: PLATFORM_FILE,
    owner: 'root:root',
    permissions: '0644',
    content:
      markerComment(t, '#', [
        `Platform hooks for ${platform === 'aws' ? 'AWS' : 'the warren lab'}: where secrets come from, how the VIP moves.`,
      ]) +
      body +
      '\n',
  };
}

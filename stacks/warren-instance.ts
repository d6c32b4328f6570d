/**
 * One warren host as an EC2 instance, with the settings every host shares: IMDSv2 only, an
 * encrypted root volume (the OS only; data lives on a DataVolume), the given user-data, and no
 * public IP unless asked. A deploy never replaces or restarts a running host: later changes of the
 * image, user-data and instance type are ignored here and reach hosts only through `warren roll`.
 */
import { ConstructError } from './construct-error';
import { Construct } from 'constructs';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import type { ITerraformDependable } from 'cdktf';
import { escapeTerraform } from './terraform-string';

/** EC2 refuses user-data above 16 KiB (before base64). */
export const USER_DATA_LIMIT_BYTES = 16 * 1024;

/**
 * What a deploy leaves alone on an existing instance. Terraform would replace the instance for a new
 * image or user-data and stop-start it for a new type, on every host in one apply, so the whole
 * cluster at once; `warren roll` replaces hosts one at a time instead (`terraform apply -replace`
 * uses the current values of these).
 */
export const DEPLOY_IGNORES = ['ami', 'user_data', 'instance_type'] as const;

export interface WarrenInstanceProps {
  /** Hostname, also the Name tag. */
  readonly hostName: string;
  /** `rabbitmq` or `haproxy`; the `warren:role` tag. */
  readonly role: string;
  readonly imageId: string;
  readonly instanceType: string;
  /** Complete user-data (`#cloud-config`), as the instance gets it; escaped for Terraform here. */
  readonly userData: string;
  /**
   * Placeholders in `userData` that become Terraform references (e.g. a volume id): each key must
   * occur in `userData` and is replaced, after escaping, by its value (a token), so it stays a
   * real interpolation. Keys must not contain `${` or `%{`.
   * @default none
   */
  readonly userDataReferences?: Readonly<Record<string, string>>;
  readonly instanceProfileName: string;
  /** Root volume size in GiB (the OS; data lives on a DataVolume). */
  readonly volumeGiB: number;
  /**
   * Where the instance attaches. Either a subnet with a fixed IP and security groups, or an
   * existing network interface (the keepalived pair, whose interfaces carry the VIP).
   */
  readonly placement:
    | { readonly subnetId: string; readonly privateIp: string; readonly securityGroupIds: readonly string[] }
    | { readonly networkInterfaceId: string };
  /**
   * Give the instance a public IP (only with subnet placement).
   * @default false
   */
  readonly publicIp?: boolean;
  /**
   * KMS key (ARN) of the root volume.
   * @default the account's default EBS key
   */
  readonly kmsKeyArn?: string;
  /**
   * EC2 key pair for SSH.
   * @default none
   */
  readonly keyName?: string;
  /**
   * Resources that must exist before the instance boots (its secrets).
   * @default none
   */
  readonly dependsOn?: ITerraformDependable[];
}

export class WarrenInstance extends Construct {
  readonly instance: Instance;
  /** The instance id (reference). */
  readonly instanceId: string;

  constructor(scope: Construct, id: string, props: WarrenInstanceProps) {
    super(scope, id);
    const bytes = Buffer.byteLength(props.userData, 'utf8');
    if (bytes > USER_DATA_LIMIT_BYTES) {
      throw new ConstructError(
        `WarrenInstance ${props.hostName}: userData is ${bytes} bytes, above EC2's limit of ${USER_DATA_LIMIT_BYTES}; move logic into the image's boot scripts`,
      );
    }
    if (!props.userData.startsWith('#cloud-config')) {
      throw new ConstructError(
        `WarrenInstance ${props.hostName}: userData does not start with #cloud-config; give the output of renderUserData`,
      );
    }
    if (!Number.isInteger(props.volumeGiB) || props.volumeGiB < 8) {
      throw new ConstructError(
        `WarrenInstance ${props.hostName}: volumeGiB ${props.volumeGiB} is too small; give a whole number of at least 8`,
      );
    }
    if ('networkInterfaceId' in props.placement && props.publicIp) {
      throw new ConstructError(
        `WarrenInstance ${props.hostName}: publicIp needs subnet placement; attach an Elastic IP to the network interface instead`,
      );
    }
    const placement =
      'networkInterfaceId' in props.placement
        ? { primaryNetworkInterface: { networkInterfaceId: props.placement.networkInterfaceId } }
        : {
            subnetId: props.placement.subnetId,
            privateIp: props.placement.privateIp,
            vpcSecurityGroupIds: [...props.placement.securityGroupIds],
            associatePublicIpAddress: props.publicIp ?? false,
          };
    const tags = { Name: props.hostName, 'warren:role': props.role, 'warren:host': props.hostName };
    this.instance = new Instance(this, 'instance', {
      ami: props.imageId,
      instanceType: props.instanceType,
      iamInstanceProfile: props.instanceProfileName,
      ...placement,
      ...(props.keyName !== undefined ? { keyName: props.keyName } : {}),
      userData: withReferences(props.hostName, escapeTerraform(props.userData), props.userDataReferences),
      metadataOptions: {
        httpEndpoint: 'enabled',
        httpTokens: 'required',
        // One hop: only processes on the instance itself reach the metadata service.
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: 'disabled',
      },
      // Explicit, so a changed account default cannot turn off simplified automatic recovery.
      maintenanceOptions: { autoRecovery: 'default' },
      rootBlockDevice: {
        encrypted: true,
        ...(props.kmsKeyArn !== undefined ? { kmsKeyId: props.kmsKeyArn } : {}),
        volumeType: 'gp3',
        volumeSize: props.volumeGiB,
        deleteOnTermination: true,
        // Tags on the root device, not volume_tags: volume_tags would also claim attached data
        // volumes and fight their own tags on every apply.
        tags,
      },
      tags,
      lifecycle: { ignoreChanges: [...DEPLOY_IGNORES] },
      ...(props.dependsOn ? { dependsOn: props.dependsOn } : {}),
    });
    this.instanceId = this.instance.id;
  }
}

function withReferences(
  hostName: string,
  escaped: string,
  references: Readonly<Record<string, string>> = {},
): string {
  let out = escaped;
  for (const [placeholder, reference] of Object.entries(references)) {
    if (placeholder === '' || /[$%]\{/.test(placeholder) || !out.includes(placeholder)) {
      throw new ConstructError(
        `WarrenInstance ${hostName}: userDataReferences placeholder '${placeholder}' does not occur in userData; render the user-data with it`,
      );
    }
    out = out.split(placeholder).join(reference);
  }
  return out;
}

/**
 * A host's data volume: its own encrypted gp3 EBS volume in the host's zone, attached to the host's
 * instance. It is a resource of its own, not a block device of the instance, so replacing the
 * instance (`warren roll`) detaches it and attaches it to the successor with the data intact.
 */
import { Construct } from 'constructs';
import { EbsVolume } from '@cdktf/provider-aws/lib/ebs-volume';
import { VolumeAttachment } from '@cdktf/provider-aws/lib/volume-attachment';
import { ConstructError } from './construct-error';

/** gp3's size limits (GiB). */
export const GP3_MIN_GIB = 1;
export const GP3_MAX_GIB = 16384;

/**
 * The device name the attachment asks for. On Nitro instances the volume shows up as an NVMe
 * device whatever this says; the boot script finds it by the NVMe serial (the volume id).
 */
export const DATA_VOLUME_DEVICE = '/dev/sdf';

export interface DataVolumeProps {
  /** The host the volume belongs to: its Name and `warren:host` tag. */
  readonly hostName: string;
  /** The `warren:role` tag. */
  readonly role: string;
  /** The zone of the host's subnet: an EBS volume attaches only to instances in its own zone. */
  readonly availabilityZone: string;
  /** Size in GiB, a whole number from 1 to 16384 (gp3). */
  readonly sizeGiB: number;
  /**
   * KMS key (ARN) that encrypts the volume.
   * @default the account's default EBS key
   */
  readonly kmsKeyArn?: string;
  /**
   * The device name of the attachment.
   * @default DATA_VOLUME_DEVICE (`/dev/sdf`)
   */
  readonly deviceName?: string;
  /**
   * Snapshot the volume when Terraform deletes it (`cdktf destroy`, or its host removed from the
   * topology); the snapshot carries the volume's tags.
   * @default true
   */
  readonly finalSnapshot?: boolean;
}

export class DataVolume extends Construct {
  readonly volume: EbsVolume;
  /** The volume id (reference). */
  readonly volumeId: string;
  readonly deviceName: string;
  private attached?: VolumeAttachment;

  constructor(scope: Construct, id: string, props: DataVolumeProps) {
    super(scope, id);
    if (!Number.isInteger(props.sizeGiB) || props.sizeGiB < GP3_MIN_GIB || props.sizeGiB > GP3_MAX_GIB) {
      throw new ConstructError(
        `DataVolume ${props.hostName}: sizeGiB ${props.sizeGiB} is not a gp3 size; give a whole number from ${GP3_MIN_GIB} to ${GP3_MAX_GIB}`,
      );
    }
    this.deviceName = props.deviceName ?? DATA_VOLUME_DEVICE;
    this.volume = new EbsVolume(this, 'volume', {
      availabilityZone: props.availabilityZone,
      size: props.sizeGiB,
      type: 'gp3',
      encrypted: true,
      ...(props.kmsKeyArn !== undefined ? { kmsKeyId: props.kmsKeyArn } : {}),
      finalSnapshot: props.finalSnapshot ?? true,
      tags: {
        Name: `${props.hostName}-data`,
        'warren:role': props.role,
        'warren:host': props.hostName,
        'warren:volume': 'data',
      },
    });
    this.volumeId = this.volume.id;
  }

  /** The attachment, once `attachTo` made it. */
  get attachment(): VolumeAttachment | undefined {
    return this.attached;
  }

  /** Attaches the volume to the host's instance; once per volume. */
  attachTo(instanceId: string): VolumeAttachment {
    if (this.attached) {
      throw new ConstructError(
        `DataVolume ${this.node.path}: already attached; a data volume belongs to one instance`,
      );
    }
    this.attached = new VolumeAttachment(this, 'attachment', {
      deviceName: this.deviceName,
      instanceId,
      volumeId: this.volumeId,
      // Detaching from a running instance pulls the disk from under RabbitMQ; stopping the instance
      // first shuts RabbitMQ down cleanly. Never force_detach: that can corrupt the filesystem.
      stopInstanceBeforeDetaching: true,
    });
    return this.attached;
  }
}

/**
 * Which AMI a role boots. By default the id pinned in the environment's `<stem>.images.json` (written
 * by `warren bake`, committed next to the environment file), so every machine deploys the same AMIs;
 * only when the topology asks (image.amiLookup: 'latest') the newest of this account's AMIs tagged for
 * this environment, role and versions, looked up at plan time. The tags and the manifest shape are
 * images/'s; this construct only reads them.
 */
import { ConstructError } from './construct-error';
import { Construct } from 'constructs';
import { DataAwsAmi } from '@cdktf/provider-aws/lib/data-aws-ami';
import {
  AMI_ID_PATTERN,
  amiLookupTags,
  bakeCommandFor,
  pinnedAmi,
  type BakeManifest,
  type ImageRole,
} from '../images';
import type { Topology } from '../topology';

/** An id no AMI has: what a review-only synth of a never-baked environment deploys (AWS refuses it). */
export const PLACEHOLDER_AMI = 'ami-00000000000000000';

/** Where the stack's image ids come from, as the edge found them. */
export type StackImages =
  /** The pinned file and its path as shown (for messages and the review). */
  | { readonly kind: 'pinned'; readonly manifest: BakeManifest; readonly file: string }
  /** No pinned file, synthesized for review only (WARREN_AMI_PLACEHOLDERS=1): not deployable. */
  | { readonly kind: 'placeholder'; readonly file: string };

export interface MachineImageProps {
  readonly topology: Topology;
  readonly role: ImageRole;
  /**
   * The pinned images of this environment. Required unless the topology asks for the lookup.
   * @default none
   */
  readonly images?: StackImages;
}

/** No pinned images for an environment that does not ask for the lookup. */
export function noPinnedImagesMessage(t: Topology, file?: string): string {
  return (
    `no pinned images for ${t.name}${file ? ` (no ${file})` : ''}: run ${bakeCommandFor(t)}` +
    ` and commit the file it writes, or set image.amiLookup: 'latest' to look them up` +
    ' (WARREN_AMI_PLACEHOLDERS=1 synthesizes a review-only stack that cannot be deployed)'
  );
}

export class MachineImage extends Construct {
  /** The AMI id: a literal from the pinned file (or the placeholder), or a reference to the lookup. */
  readonly imageId: string;
  /** Where the id came from, for the review summary. */
  readonly source: 'pinned' | 'lookup' | 'placeholder';
  /** The pinned file (as shown), when the id came from one or should have. */
  readonly file?: string;

  constructor(scope: Construct, id: string, props: MachineImageProps) {
    super(scope, id);
    const t = props.topology;
    const images = props.images;
    if (t.image.amiLookup === 'latest') {
      const tags = amiLookupTags(t, props.role);
      const lookup = new DataAwsAmi(this, 'lookup', {
        owners: ['self'],
        mostRecent: true,
        filter: [
          ...Object.entries(tags).map(([k, v]) => ({ name: `tag:${k}`, values: [v] })),
          { name: 'state', values: ['available'] },
        ],
      });
      this.imageId = lookup.id;
      this.source = 'lookup';
      return;
    }
    if (images === undefined) throw new ConstructError(`MachineImage: ${noPinnedImagesMessage(t)}`);
    this.file = images.file;
    if (images.kind === 'placeholder') {
      this.imageId = PLACEHOLDER_AMI;
      this.source = 'placeholder';
      return;
    }
    const pinned = pinnedAmi(images.manifest, props.role, t.region);
    if (pinned === undefined) {
      throw new ConstructError(
        `MachineImage: ${images.file} pins no ${props.role} AMI for ${t.region}: run ${bakeCommandFor(t)} --role ${props.role} and commit the file`,
      );
    }
    if (!AMI_ID_PATTERN.test(pinned)) {
      throw new ConstructError(
        `MachineImage: ${images.file} gives '${pinned}' for ${props.role} in ${t.region}, which is not an AMI id; run ${bakeCommandFor(t)} again`,
      );
    }
    this.imageId = pinned;
    this.source = 'pinned';
  }
}

/** What every front door offers the rest of the stack: where clients connect, and what to wait for. */
import type { ITerraformDependable } from 'cdktf';

export interface FrontDoor {
  readonly kind: 'keepalived' | 'nlb';
  /** The address clients use: the VIP, or the NLB's DNS name (a reference until deploy). */
  readonly endpoint: string;
  readonly amqpPort: number;
  readonly managementPort: number;
  /** The resources that make up the front door, for the health gate's depends_on. */
  readonly resources: readonly ITerraformDependable[];
}

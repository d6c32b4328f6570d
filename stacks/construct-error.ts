/**
 * A construct refused its props: the message names the construct, the prop and the fix. `warren
 * synth` reports it as a user error (exit 1) rather than an internal one.
 */
import { WarrenError } from '../topology';

export class ConstructError extends WarrenError {
  override readonly name = 'ConstructError';
}

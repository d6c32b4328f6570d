/**
 * The shape of a CLI command and the errors that map to exit codes:
 * 0 ok, 1 user or validation error, 2 internal error.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../topology';

export interface Command {
  /** As typed, e.g. `validate` or `lab`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Full `--help` text. */
  readonly help: string;
  /** Returns the exit code. Throw `UserError` (or `TopologyError`) for exit 1. */
  run(argv: readonly string[]): Promise<number>;
}

export { UserError } from '../topology';

export const EXIT = { ok: 0, user: 1, internal: 2 } as const;

export type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with errors turned into UserError and `--help` always understood. */
export function parseFlags<O extends Options>(argv: readonly string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals,
      strict: true,
    });
  } catch (e) {
    throw new UserError(`${(e as Error).message.split('\n')[0]} (see --help)`);
  }
}

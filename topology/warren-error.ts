/**
 * The base of every error a user can cause and fix (a refused topology, a bad flag, a missing
 * tool, a damaged manifest). cli/main.ts maps any `WarrenError` to exit 1 with its message and no
 * stack; anything else is a bug (exit 2). It lives in the bottom layer so every layer can raise one
 * without importing the CLI.
 */
export class WarrenError extends Error {
  override name = 'WarrenError';
}

/** A mistake the user can fix that is not about a topology field: a flag, a host name, a tool. */
export class UserError extends WarrenError {
  override name = 'UserError';
}

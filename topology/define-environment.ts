import type { EnvironmentInput } from './schema';

/**
 * What an `environments/<name>.ts` file exports as default. Typing only: validation happens when
 * the environment is loaded, so the CLI can report every problem with the file name attached.
 */
export function defineEnvironment(env: EnvironmentInput): EnvironmentInput {
  return env;
}

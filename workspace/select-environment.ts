/**
 * `--env NAME` / `--topology FILE`: the one way every command picks its environment.
 */
import { UserError } from '../topology';
import { loadEnvironment, loadTopologyFile, type LoadedEnvironment } from './load-environment';

export const ENV_FLAGS = {
  env: { type: 'string', short: 'e' },
  topology: { type: 'string', short: 't' },
} as const;

export const ENV_HELP = `  -e, --env NAME         an environment in environments/ (default: dev)
  -t, --topology FILE    an environment file (.ts, .json, .yaml) instead`;

export function selectEnvironment(
  values: { env?: string; topology?: string },
  fallback = 'dev',
): LoadedEnvironment {
  if (values.env !== undefined && values.topology !== undefined) {
    throw new UserError('give --env or --topology, not both');
  }
  if (values.topology !== undefined) return loadTopologyFile(values.topology);
  return loadEnvironment(values.env ?? fallback);
}

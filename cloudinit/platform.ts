/**
 * The platform hooks: the one file whose content differs between AWS and the lab (a fidelity test
 * relies on this). Secrets are named here by reference (SSM prefix or a directory), never by value.
 */
import { ssmPrefix, type Topology } from '../topology';
import { markerComment } from './marker';
import { PLATFORM_FILE, SECRETS_DIR } from './paths';
import type { RenderedFile } from './rendered-file';

export type Platform = 'aws' | 'lab';

export const PLATFORMS: readonly Platform[] = ['aws', 'lab'];

export function renderPlatformEnv(t: Topology, platform: Platform): RenderedFile {
  const vars: Record<string, string> =
    platform === 'aws'
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
          WARREN_VIP_MOVE: 'none',
        };
  const body = Object.entries(vars)
    .map(([k, v]) => `${k}=${v}`)
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

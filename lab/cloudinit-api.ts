/**
 * The lab's view of cloudinit/: the one renderer of user-data the stacks use too.
 * INTERIM: loaded at run time until cloudinit/index.ts lands, then a plain import.
 */
import type { Topology } from '../topology';

interface CloudinitApi {
  readonly PLATFORM_FILE: string;
  renderUserData(t: Topology, hostName: string, platform: 'aws' | 'lab'): string;
  renderNlbStandInUserData(t: Topology, ip: string): string;
}

export function cloudinitApi(): CloudinitApi {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../cloudinit') as CloudinitApi;
  } catch (e) {
    throw new Error(`cloudinit/ (the user-data renderer) is not available yet: ${(e as Error).message}`);
  }
}

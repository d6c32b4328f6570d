/**
 * The boot scripts and units in cloudinit/scripts/, as the image installs them: scripts into
 * /usr/local/sbin (mode 0755), units into /etc/systemd/system. The images workstream reads this list.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

export const SCRIPTS_SOURCE_DIR = path.join(__dirname, 'scripts');

export interface BootScript {
  /** Absolute path of the source file in this repository. */
  readonly source: string;
  /** Where the image installs it. */
  readonly target: string;
  readonly mode: '0755' | '0644';
}

export function bootScriptFiles(): BootScript[] {
  return readdirSync(SCRIPTS_SOURCE_DIR)
    .filter((f) => f.startsWith('warren-'))
    .sort()
    .map((f) =>
      f.endsWith('.service')
        ? {
            source: path.join(SCRIPTS_SOURCE_DIR, f),
            target: `/etc/systemd/system/${f}`,
            mode: '0644' as const,
          }
        : { source: path.join(SCRIPTS_SOURCE_DIR, f), target: `/usr/local/sbin/${f}`, mode: '0755' as const },
    );
}

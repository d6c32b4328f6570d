/**
 * The lab's debootstrapped Debian 12 base (the lab's package source), for tests that chroot into it
 * through an overlay. Built here if the cache lacks it, once, under the lab's own build lock, so a
 * fresh CI machine runs these tests instead of skipping them (the lab project reuses the base). Only
 * root can debootstrap and mount; elsewhere the tests skip and say why.
 */
import { ensureLabBase } from '../../lab/lab-image';

/** Why the base-image tests cannot run here, or undefined when they can. */
export const labBaseUnavailable: string | undefined =
  process.getuid?.() === 0 ? undefined : 'needs root (debootstrap, overlay mounts)';

/** The Debian 12 base's root directory (never written: mount an overlay over it). */
export async function debian12LabBase(): Promise<string> {
  return ensureLabBase('bookworm', (line) => process.stderr.write(`[lab base] ${line}\n`));
}

/**
 * Temp dirs a test file makes, removed when the file ends, pass or fail. The cleanup hook is
 * registered once, when a test file first imports this module (its root suite); a hook registered
 * from inside a running test never runs, which is how the images tests used to leave their dirs in
 * /tmp.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A new dir under the system temp dir, named `prefix` and a random suffix. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Shared by the tests of the scripts that write node_exporter textfiles (warren-vip-holder, warren-cert-expiry). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { run, SCRIPTS_DIR } from '../cloudinit/helpers';

/** The `Environment=` settings of a boot unit in cloudinit/scripts/. */
export function unitEnvironment(unit: string): Record<string, string> {
  const text = readFileSync(path.join(SCRIPTS_DIR, unit), 'utf8');
  return Object.fromEntries([...text.matchAll(/^Environment=(\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
}

/** `promtool check metrics` accepts the file as the textfile collector would read it, without a remark. */
export function expectPromtoolAccepts(file: string): void {
  const lint = run('bash', ['-c', 'promtool check metrics < "$0"', file]);
  expect(lint.out).toBe('');
  expect(lint.code).toBe(0);
}

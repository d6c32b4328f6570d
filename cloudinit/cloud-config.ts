/**
 * Writes a `#cloud-config` document by hand, not through a YAML library, so it stays readable:
 * comments at the top, files as literal blocks in the order they are written, then the boot
 * commands. Tests parse the result back with js-yaml and compare it with the rendered files.
 */
import type { RenderedFile } from './rendered-file';

export interface CloudConfig {
  /** Comment lines after `#cloud-config` (without `# `). */
  readonly header: readonly string[];
  readonly hostname: string;
  readonly files: readonly RenderedFile[];
  /** Each command as an argv list (no shell). */
  readonly runcmd: readonly (readonly string[])[];
}

/** The top-level keys warren emits; a test rejects anything else (cloud-init's schema tool allows typos). */
export const CLOUD_CONFIG_KEYS = [
  'hostname',
  'preserve_hostname',
  'manage_etc_hosts',
  'write_files',
  'runcmd',
] as const;

function scalar(s: string): string {
  return /^[A-Za-z0-9_./:@-]+$/.test(s) && !/^[0-9.]+$/.test(s) ? s : `'${s.replace(/'/g, "''")}'`;
}

function literal(content: string, indent: string): string {
  if (!content.endsWith('\n')) throw new Error('file content must end with a newline');
  if (/^[ \t]/.test(content)) throw new Error('file content must not start with whitespace');
  const body = content
    .slice(0, -1)
    .split('\n')
    .map((l) => (l === '' ? '' : indent + l))
    .join('\n');
  // `|` keeps exactly one final newline; trailing empty lines would need `|+`.
  return `|${content.endsWith('\n\n') ? '+' : ''}\n${body}`;
}

export function cloudConfigYaml(c: CloudConfig): string {
  const out = ['#cloud-config', ...c.header.map((l) => `# ${l}`)];
  out.push(`hostname: ${scalar(c.hostname)}`, 'preserve_hostname: false');
  out.push('# /etc/hosts is written below from the topology; cloud-init must not regenerate it.');
  out.push('manage_etc_hosts: false');
  out.push('write_files:');
  for (const f of c.files) {
    out.push(`  - path: ${scalar(f.path)}`);
    out.push(`    owner: ${scalar(f.owner)}`);
    out.push(`    permissions: '${f.permissions}'`);
    out.push(`    content: ${literal(f.content, '      ')}`);
  }
  out.push('runcmd:');
  for (const cmd of c.runcmd) out.push(`  - [${cmd.map(scalar).join(', ')}]`);
  return out.join('\n') + '\n';
}

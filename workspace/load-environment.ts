/**
 * Reads an environment from disk : `environments/<name>.ts` by
 * name, or any `.ts`, `.json`, `.yaml`/`.yml` file. A file that does not parse is reported with its
 * name and position as a `TopologyError`, never as a stack trace.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { require as tsxRequire } from 'tsx/cjs/api';
import { TopologyError, validateTopology, type Topology } from '../topology';
import { ENVIRONMENTS_DIR, PROJECT_ROOT } from './paths';

export interface LoadedEnvironment {
  readonly topology: Topology;
  /** The file it came from, relative to the current directory when inside it. */
  readonly source: string;
  /** Absolute path of the file (for resolving image.debs). */
  readonly file: string;
}

export function listEnvironments(): string[] {
  return readdirSync(ENVIRONMENTS_DIR)
    .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
    .map((f) => f.slice(0, -3))
    .sort();
}

export function environmentFile(name: string): string {
  return path.join(ENVIRONMENTS_DIR, `${name}.ts`);
}

export function loadEnvironment(name: string): LoadedEnvironment {
  const file = environmentFile(name);
  if (!/^[a-z0-9-]+$/.test(name) || !existsSync(file)) {
    throw new TopologyError(`environments/${name}.ts`, [
      {
        path: '',
        message: `there is no environment named '${name}'`,
        fix: `use one of: ${listEnvironments().join(', ')}, or --topology FILE`,
      },
    ]);
  }
  return loadTopologyFile(file);
}

export function loadTopologyFile(file: string): LoadedEnvironment {
  const abs = path.resolve(file);
  const rel = path.relative(process.cwd(), abs);
  const source = rel.startsWith('..') ? abs : rel;
  if (!existsSync(abs)) {
    throw new TopologyError(source, [{ path: '', message: 'no such file', fix: 'check the path' }]);
  }
  const input = readInput(abs, source);
  return { topology: validateTopology(input, source), source, file: abs };
}

function readInput(abs: string, source: string): unknown {
  const ext = path.extname(abs);
  const fail = (message: string, fix: string): never => {
    throw new TopologyError(source, [{ path: '', message, fix }]);
  };
  if (ext === '.json') {
    const text = readFileSync(abs, 'utf8');
    try {
      return JSON.parse(text);
    } catch (e) {
      return fail(
        `does not parse as JSON: ${jsonPosition(text, (e as Error).message)}`,
        'fix the syntax at that position',
      );
    }
  }
  if (ext === '.yaml' || ext === '.yml') {
    try {
      return yaml.load(readFileSync(abs, 'utf8'), { filename: source });
    } catch (e) {
      const mark = (e as { mark?: { line: number; column: number } }).mark;
      const where = mark ? `line ${mark.line + 1}, column ${mark.column + 1}` : 'unknown position';
      return fail(
        `does not parse as YAML at ${where}: ${(e as { reason?: string }).reason ?? String(e)}`,
        'fix the syntax at that position',
      );
    }
  }
  if (ext === '.ts') {
    let mod: { default?: unknown };
    try {
      // tsx's scoped require compiles the file whatever loaded warren (tsx, vitest or plain node).
      mod = tsxRequire(abs, __filename) as { default?: unknown };
    } catch (e) {
      return fail(`does not load: ${firstLine(e)}`, 'fix the TypeScript error at that position');
    }
    if (mod.default === undefined) {
      return fail('has no default export', 'end the file with `export default defineEnvironment({ … })`');
    }
    return mod.default;
  }
  return fail(`unknown file type '${ext}'`, 'use a .ts, .json, .yaml or .yml file');
}

function jsonPosition(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  if (!m) return message;
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${message.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${column}`;
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(0, 3)
    .join(' ')
    .replace(PROJECT_ROOT + path.sep, '');
}

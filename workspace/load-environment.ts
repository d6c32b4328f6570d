/**
 * Reads environments from disk: every `.ts`, `.json`, `.yaml`/`.yml` file in environments/ (found
 * by the `name` inside it) or any such file by path. A file that does not parse is reported with its
 * name and position as a `TopologyError`, never as a stack trace; a file that parses goes through
 * the whole gate (environment-gate.ts) before anything sees its topology.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { PINNED_IMAGES_SUFFIX } from '../images';
import { TopologyError, validateTopology, type TopologyIssue } from '../topology';
import { environmentGateIssues, missingDebIssues } from './environment-gate';
import { requireEnvironmentModule } from './environment-module';
import { ENVIRONMENTS_DIR, PROJECT_ROOT } from './paths';

export interface LoadedEnvironment {
  readonly topology: ReturnType<typeof validateTopology>;
  /** The file it came from, relative to the current directory when inside it. */
  readonly source: string;
  /** Absolute path of the file (for resolving image.debs). */
  readonly file: string;
}

export const ENVIRONMENT_EXTENSIONS = ['.ts', '.json', '.yaml', '.yml'] as const;

/** Every environment file in `dir` (absolute paths, sorted); `_name` files are helpers, not environments. */
export function environmentFiles(dir = ENVIRONMENTS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter(
      (f) =>
        !f.startsWith('_') &&
        !f.startsWith('.') &&
        !f.endsWith('.d.ts') &&
        // An environment's pinned AMI ids (written by warren bake) sit beside it; they are no environment.
        !f.endsWith(PINNED_IMAGES_SUFFIX) &&
        (ENVIRONMENT_EXTENSIONS as readonly string[]).includes(path.extname(f)),
    )
    .sort()
    .map((f) => path.join(dir, f));
}

/** How a path is shown: relative to the current directory when inside it, else absolute. */
export function shownPath(file: string): string {
  const abs = path.resolve(file);
  const rel = path.relative(process.cwd(), abs);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel;
}

/**
 * The file as the generated-by markers name it: stable wherever warren runs from, so the user-data
 * (and with it the instances) does not change with the current directory.
 */
function markerSource(abs: string): string {
  const rel = path.relative(PROJECT_ROOT, abs);
  return rel.startsWith('..') || path.isAbsolute(rel) ? path.basename(abs) : rel.split(path.sep).join('/');
}

/** Loads a file through the whole gate; throws one `TopologyError` listing every problem found. */
export function loadTopologyFile(file: string): LoadedEnvironment {
  const abs = path.resolve(file);
  const source = shownPath(abs);
  if (!existsSync(abs)) {
    throw new TopologyError(source, [
      { path: '', message: 'no such file', fix: 'check the path (relative to the current directory)' },
    ]);
  }
  return gateInput(readEnvironmentInput(abs), abs);
}

/** The gate on an already-read input (the selection reads each file once). */
export function gateInput(read: EnvironmentInput, abs: string): LoadedEnvironment {
  const source = shownPath(abs);
  const issues: TopologyIssue[] = [];
  let topology: LoadedEnvironment['topology'] | undefined;
  try {
    topology = { ...validateTopology(read.input, source), source: markerSource(abs) };
  } catch (e) {
    if (!(e instanceof TopologyError)) throw e;
    issues.push(...e.issues);
  }
  issues.push(...missingDebIssues(read.input, abs));
  if (topology && issues.length === 0) issues.push(...environmentGateIssues(topology));
  if (issues.length > 0) {
    throw new TopologyError(source, read.text === undefined ? issues : issues.map((i) => asWritten(i, read)));
  }
  return { topology: topology as LoadedEnvironment['topology'], source, file: abs };
}

/** A file's parsed content, and for YAML its text (to show numbers as written). */
export interface EnvironmentInput {
  readonly input: unknown;
  readonly text?: string;
}

/** Parses one environment file (no validation); a file that does not parse is a `TopologyError`. */
export function readEnvironmentInput(abs: string): EnvironmentInput {
  const source = shownPath(abs);
  const ext = path.extname(abs);
  const fail = (message: string, fix: string): never => {
    throw new TopologyError(source, [{ path: '', message, fix }]);
  };
  const readText = (): string => {
    try {
      return readFileSync(abs, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return fail(
        code === 'EISDIR' ? 'is a directory, not a file' : `cannot be read (${code ?? String(e)})`,
        code === 'EISDIR' ? 'give the environment file inside it' : 'check the path and its permissions',
      );
    }
  };
  if (ext === '.json') {
    const text = readText();
    try {
      return { input: JSON.parse(text) };
    } catch (e) {
      return fail(
        `does not parse as JSON: ${jsonPosition(text, (e as Error).message)}`,
        'fix the syntax at that position',
      );
    }
  }
  if (ext === '.yaml' || ext === '.yml') {
    const text = readText();
    try {
      return { input: yaml.load(text, { filename: source }), text };
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
    readText();
    let mod: { default?: unknown };
    try {
      mod = requireEnvironmentModule(abs) as { default?: unknown };
    } catch (e) {
      return fail(`does not load: ${firstLine(e)}`, 'fix the TypeScript error at that position');
    }
    if (mod.default === undefined) {
      return fail('has no default export', 'end the file with `export default defineEnvironment({ … })`');
    }
    return { input: mod.default };
  }
  return fail(`unknown file type '${ext || '(none)'}'`, 'use a .ts, .json, .yaml or .yml file');
}

/**
 * js-yaml turns `ubuntu: 22.10` into 22.1, so the schema's "write it as a string: '22.1'" would be
 * wrong. Finds the value as written on the line of that key and says that instead.
 */
function asWritten(issue: TopologyIssue, read: EnvironmentInput): TopologyIssue {
  const m = /^is the number (\S+), not a string/.exec(issue.message);
  const key = issue.path
    .split('.')
    .pop()
    ?.replace(/\[\d+\]$/, '');
  if (!m || !key || read.text === undefined) return issue;
  const value = Number(m[1]);
  const keyPattern = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const found = new Set(
    [...read.text.matchAll(new RegExp(`(?:^|[\\s{,])${keyPattern}\\s*:\\s*([-+]?[0-9][0-9._eE+-]*)`, 'gm'))]
      .map((x) => x[1]!)
      .filter((text) => Number(text) === value),
  );
  if (found.size !== 1) return issue;
  const text = [...found][0]!;
  const written = text === String(value) ? '' : ` (written ${text})`;
  return {
    ...issue,
    message: `is the number ${value}${written}, not a string: YAML reads an unquoted ${text} as a number`,
    fix: issue.fix.replace(`'${value}'`, `'${text}'`).replace('in quotes:', `in quotes, ${key}:`),
  };
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

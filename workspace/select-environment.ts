/**
 * `--env NAME` / `--topology FILE`: the one way every command (and the cdktf app, through
 * WARREN_ENV / WARREN_TOPOLOGY) picks its environments. An environment's name is the `name` inside
 * its file, whatever the file is called; a file that does not parse is known by its file name, and
 * blocks only a selection that includes it.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { TopologyError, UserError, WarrenError } from '../topology';
import {
  environmentFiles,
  gateInput,
  loadTopologyFile,
  readEnvironmentInput,
  shownPath,
  type EnvironmentInput,
  type LoadedEnvironment,
} from './load-environment';
import { ENVIRONMENTS_DIR } from './paths';

export const ENV_FLAGS = {
  env: { type: 'string', short: 'e' },
  topology: { type: 'string', short: 't' },
} as const;

export const ENV_HELP = `  -e, --env NAME         an environment in environments/ (default: dev)
  -t, --topology FILE    an environment file (.ts, .json, .yaml, .yml) instead`;

/** What the user asked for: names, files, or (neither) every environment in environments/. */
export interface Selection {
  readonly env?: string | readonly string[];
  readonly topology?: string | readonly string[];
}

/** One selected environment: loaded through the whole gate, or the error that refused it. */
export type Selected =
  | { readonly source: string; readonly loaded: LoadedEnvironment; readonly error?: undefined }
  | { readonly source: string; readonly error: TopologyError; readonly loaded?: undefined };

interface IndexEntry {
  readonly file: string;
  /** The `name` in the file, or its file name when it has none (or does not parse). */
  readonly name: string;
  readonly read?: EnvironmentInput;
  readonly error?: TopologyError;
}

const cache = new Map<string, { mtimeMs: number; entry: IndexEntry }>();

/** Every file in environments/ with the name it claims; each file is read once per change. */
function environmentIndex(dir = ENVIRONMENTS_DIR): IndexEntry[] {
  return environmentFiles(dir).map((file) => {
    const mtimeMs = statSync(file).mtimeMs;
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === mtimeMs) return hit.entry;
    const stem = path.basename(file, path.extname(file));
    let entry: IndexEntry;
    try {
      const read = readEnvironmentInput(file);
      const name = (read.input as { name?: unknown } | null)?.name;
      entry = { file, name: typeof name === 'string' && name !== '' ? name : stem, read };
    } catch (e) {
      if (!(e instanceof TopologyError)) throw e;
      entry = { file, name: stem, error: e };
    }
    cache.set(file, { mtimeMs, entry });
    return entry;
  });
}

/** The names of the environments in environments/, sorted. */
export function listEnvironments(): string[] {
  return [...new Set(environmentIndex().map((e) => e.name))].sort();
}

/** The file of the environment named `name` (environments/<name>.ts when there is none). */
export function environmentFile(name: string): string {
  return environmentIndex().find((e) => e.name === name)?.file ?? path.join(ENVIRONMENTS_DIR, `${name}.ts`);
}

/** The environment named `name` in environments/, through the whole gate. */
export function loadEnvironment(name: string): LoadedEnvironment {
  const index = environmentIndex();
  const entries = /^[a-z0-9-]+$/.test(name) ? index.filter((e) => e.name === name) : [];
  if (entries.length === 0) {
    // A file called <name> whose `name` says otherwise is the likely mix-up.
    const namesake = index.find((e) => path.basename(e.file, path.extname(e.file)) === name);
    throw new TopologyError(`environments/${name}`, [
      {
        path: '',
        message: `there is no environment named '${name}'${namesake ? ` (${shownPath(namesake.file)} is named '${namesake.name}')` : ''}`,
        fix: `use one of: ${listEnvironments().join(', ')}, or --topology FILE`,
      },
    ]);
  }
  if (entries.length > 1) throw duplicateName(name, entries);
  const entry = entries[0]!;
  if (entry.error) throw entry.error;
  return gateInput(entry.read as EnvironmentInput, entry.file);
}

function duplicateName(name: string, entries: readonly IndexEntry[]): TopologyError {
  const files = entries.map((e) => shownPath(e.file));
  return new TopologyError(files[1]!, [
    {
      path: 'name',
      message: `'${name}' is the name of ${files.length} files: ${files.join(' and ')}`,
      fix: `give each environment its own name (its stack is warren-${name}, its images images/out/${name}/), or move one out of environments/`,
    },
  ]);
}

const list = (v: string | readonly string[] | undefined): readonly string[] =>
  v === undefined ? [] : typeof v === 'string' ? [v] : v;

/**
 * The environments a selection names, each loaded or refused (never stopping at the first): the
 * files of --topology, the names of --env, else every environment in environments/.
 */
export function selectEnvironments(selection: Selection): Selected[] {
  const files = list(selection.topology);
  const names = list(selection.env);
  if (files.length > 0 && names.length > 0) throw new UserError('give --env or --topology, not both');
  const attempt = (source: string, load: () => LoadedEnvironment): Selected => {
    try {
      const loaded = load();
      return { source: loaded.source, loaded };
    } catch (e) {
      if (!(e instanceof TopologyError)) throw e;
      return { source: e.source || source, error: e };
    }
  };
  if (files.length > 0) return files.map((f) => attempt(shownPath(f), () => loadTopologyFile(f)));
  if (names.length > 0) return names.map((n) => attempt(`environments/${n}`, () => loadEnvironment(n)));
  return listEnvironments().map((n) => attempt(`environments/${n}`, () => loadEnvironment(n)));
}

/** Raised when some selected environments were refused: every refusal, together. */
export class SelectionError extends WarrenError {
  override name = 'SelectionError';
  constructor(readonly refused: readonly TopologyError[]) {
    super(refused.map((e) => e.message).join('\n'));
  }
}

/** Every selected environment, or one error listing every refusal (nothing may be written then). */
export function requireEnvironments(selection: Selection): LoadedEnvironment[] {
  const selected = selectEnvironments(selection);
  const refused = selected.flatMap((s) => (s.error ? [s.error] : []));
  if (refused.length === 1) throw refused[0]!;
  if (refused.length > 1) throw new SelectionError(refused);
  if (selected.length === 0) {
    throw new UserError(
      `there are no environment files in ${shownPath(ENVIRONMENTS_DIR)}; add one or give --topology FILE`,
    );
  }
  return selected.map((s) => s.loaded as LoadedEnvironment);
}

/** One environment: --topology FILE, --env NAME, else `fallback`; through the same selection. */
export function selectEnvironment(
  values: { env?: string; topology?: string },
  fallback = 'dev',
): LoadedEnvironment {
  const [selected] = selectEnvironments(
    values.topology !== undefined
      ? { env: values.env, topology: values.topology }
      : { env: values.env ?? fallback },
  );
  if (selected?.error) throw selected.error;
  return selected?.loaded as LoadedEnvironment;
}

/**
 * The selection of the cdktf app (`npx cdktf synth`), which takes no flags: WARREN_ENV (names,
 * comma-separated) or WARREN_TOPOLOGY (files, comma-separated); neither means every environment.
 */
export function selectionFromProcessEnv(env: NodeJS.ProcessEnv = process.env): Selection {
  const split = (v: string | undefined) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  const names = split(env.WARREN_ENV);
  const files = split(env.WARREN_TOPOLOGY);
  if (names.length > 0 && files.length > 0) {
    throw new UserError('set WARREN_ENV or WARREN_TOPOLOGY, not both');
  }
  return files.length > 0 ? { topology: files } : names.length > 0 ? { env: names } : {};
}

/**
 * Loads a `.ts` environment file, wherever it lives, through tsx's scoped require (so it compiles
 * whatever loaded warren: tsx, vitest or plain node). A file outside this checkout cannot reach
 * `../topology`, so the public API also answers to a package path: `import { defineEnvironment }
 * from 'warren'` (or `'warren/topology'`) resolves to this checkout's topology/ (README
 * "Environment files").
 */
import Module from 'node:module';
import path from 'node:path';
import { require as tsxRequire } from 'tsx/cjs/api';
import { PROJECT_ROOT } from './paths';

/** The package paths of the public API, and the file each one is. */
export const PUBLIC_API_PATHS: Readonly<Record<string, string>> = {
  warren: path.join(PROJECT_ROOT, 'topology', 'index.ts'),
  'warren/topology': path.join(PROJECT_ROOT, 'topology', 'index.ts'),
};

type Resolve = (request: string, ...rest: unknown[]) => string;
const moduleInternals = Module as unknown as { _resolveFilename: Resolve };
let mapped = false;

/** Maps the public API's package paths, once per process (no other package is called warren). */
function mapPublicApi(): void {
  if (mapped) return;
  mapped = true;
  const next = moduleInternals._resolveFilename;
  moduleInternals._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    return next.call(this, PUBLIC_API_PATHS[request] ?? request, ...rest);
  };
}

export function requireEnvironmentModule(abs: string): unknown {
  // tsx installs its resolver on its first require; ours must go on top of it, so the first
  // require is of a module every environment loads anyway.
  if (!mapped) tsxRequire(PUBLIC_API_PATHS.warren as string, __filename);
  mapPublicApi();
  return tsxRequire(abs, __filename);
}

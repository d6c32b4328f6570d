/**
 * Loading an environment for the lab. In-process when possible; where TypeScript cannot be
 * required (inside vitest, which the drills and lab tests run in), through a tsx subprocess that
 * prints the resolved topology as JSON. A real problem with the file is reported as loadEnvironment
 * reports it.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadEnvironment, PROJECT_ROOT, type Topology } from '../topology';

const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
const PRINT = path.join(__dirname, 'scripts', 'print-topology.ts');

export function loadLabTopology(env: string): Topology {
  try {
    return loadEnvironment(env).topology;
  } catch (e) {
    const r = spawnSync(TSX, [PRINT, env], { encoding: 'utf8', cwd: PROJECT_ROOT });
    if (r.status === 0) return JSON.parse(r.stdout) as Topology;
    throw e;
  }
}

/** Where this checkout keeps its inputs: the repository root and the environments folder. */
import path from 'node:path';

/** The repository root (where `environments/` lives). */
export const PROJECT_ROOT = path.resolve(__dirname, '..');
export const ENVIRONMENTS_DIR = path.join(PROJECT_ROOT, 'environments');

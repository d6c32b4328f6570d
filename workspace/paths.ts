/** Where this checkout keeps its inputs: the repository root and the environments folder. */
import path from 'node:path';

/** The repository root (where `environments/` lives). */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/**
 * The folder `--env NAME` looks in: environments/ of the checkout, or WARREN_ENVIRONMENTS_DIR (a
 * folder of your own environments, outside the repository; its .ts files import from 'warren').
 */
export const ENVIRONMENTS_DIR = process.env.WARREN_ENVIRONMENTS_DIR
  ? path.resolve(process.env.WARREN_ENVIRONMENTS_DIR)
  : path.join(PROJECT_ROOT, 'environments');

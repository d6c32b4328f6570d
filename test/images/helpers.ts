// Shared by the images tests: shipped environments, variants of them, and temp dirs removed at the end.
import { tempDir as makeTempDir } from '../support/temp-dir';
import { validateTopology, type EnvironmentInput, type Topology } from '../../topology';
import { listEnvironments, loadEnvironment, type LoadedEnvironment } from '../../workspace';

export const SHIPPED = listEnvironments();

export async function envInput(name: string): Promise<EnvironmentInput> {
  const mod = (await import(`../../environments/${name}.ts`)) as { default: EnvironmentInput };
  return structuredClone(mod.default);
}

export async function envTopology(name: string): Promise<Topology> {
  return loadEnvironment(name).topology;
}

export async function loaded(name: string): Promise<LoadedEnvironment> {
  return loadEnvironment(name);
}

export async function variant(name: string, change: (input: EnvironmentInput) => void): Promise<Topology> {
  const input = await envInput(name);
  change(input);
  return validateTopology(input, `variant of environments/${name}.ts`);
}

/** A temp dir removed after the test file, pass or fail (also when made inside a test). */
export function tempDir(prefix: string): string {
  return makeTempDir(`warren-${prefix}-`);
}

// Prints an environment's resolved topology as JSON (`tsx lab/scripts/print-topology.ts NAME`): how
// the lab loads an environment from inside a host process that cannot require TypeScript (vitest).
import { loadEnvironment } from '../../topology';

const name = process.argv[2];
if (name === undefined) throw new Error('usage: print-topology.ts ENV');
process.stdout.write(JSON.stringify(loadEnvironment(name).topology) + '\n');

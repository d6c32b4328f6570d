import yaml from 'js-yaml';
import { parseFlags, type Command } from '../command';
import { UserError } from '../../topology';
import { ENV_FLAGS, ENV_HELP, selectEnvironment } from '../../workspace';

export const topologyCommand: Command = {
  name: 'topology',
  summary: 'print the resolved topology, with every default filled in',
  help: `Usage: warren topology print [--env NAME | --topology FILE] [--json]

Prints the environment after validation, with every default filled in (YAML, or JSON with --json).

Options:
${ENV_HELP}
      --json             print JSON instead of YAML
  -h, --help             this text`,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, { ...ENV_FLAGS, json: { type: 'boolean' } }, true);
    if (positionals[0] !== 'print' || positionals.length > 1) {
      throw new UserError(
        `expected 'warren topology print', got 'warren topology ${positionals.join(' ')}' (see --help)`,
      );
    }
    const { topology } = selectEnvironment(values);
    // `source` says where it came from; it is no key of an environment file.
    const plain = JSON.parse(JSON.stringify(topology)) as Record<string, unknown>;
    delete plain.source;
    process.stdout.write(
      values.json ? `${JSON.stringify(plain, null, 2)}\n` : yaml.dump(plain, { lineWidth: 120 }),
    );
    return 0;
  },
};

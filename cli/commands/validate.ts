import { parseFlags, type Command } from '../command';
import {
  ENV_FLAGS,
  ENV_HELP,
  listEnvironments,
  loadEnvironment,
  selectEnvironment,
  type LoadedEnvironment,
} from '../../workspace';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check an environment (or all of them) and report every problem',
  help: `Usage: warren validate [--env NAME | --topology FILE | --all]

Checks an environment's shape and rules (addresses, names, versions, front door) and prints
every problem with the field path and a fix. Exits 0 when valid, 1 when refused.

Options:
${ENV_HELP}
  -a, --all              every environment in environments/
  -h, --help             this text`,
  async run(argv) {
    const { values } = parseFlags(argv, { ...ENV_FLAGS, all: { type: 'boolean', short: 'a' } });
    const loaded: LoadedEnvironment[] = values.all
      ? listEnvironments().map((name) => loadEnvironment(name))
      : [selectEnvironment(values)];
    for (const l of loaded) {
      const t = l.topology;
      console.log(
        `${l.source}: ok (${t.name}: Ubuntu ${t.image.ubuntu}, RabbitMQ ${t.image.rabbitmq}, ${t.rabbitmq.nodes.length} nodes, ${t.frontDoor.kind} front door)`,
      );
    }
    return 0;
  },
};

import { parseFlags, type Command } from '../command';
import { UserError, type TopologyIssue } from '../../topology';
import { ENV_FLAGS, ENV_HELP, selectEnvironments, type Selected } from '../../workspace';

/** One problem as `validate --json` prints it. */
export interface IssueRecord extends TopologyIssue {
  /** The file (or environments/<name> when no file has that name). */
  readonly source: string;
}

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check an environment (or all of them) and report every problem',
  help: `Usage: warren validate [--env NAME | --topology FILE | --all] [--json]
Runs the whole gate: the environment's shape and rules (addresses, names, exact versions, Erlang,
instance types, front door), the files it names (image.debs), and everything synth, render, bake
and the lab would refuse (user-data size, package pins). "ok" means those steps accept it.
Prints every problem with the field path and a fix. Exits 0 when valid, 1 when anything is refused.
Options:
${ENV_HELP}
  -a, --all              every environment in environments/ (each is reported; a bad one stops none)
      --json             print {"ok": [{source, name}], "issues": [{source, path, message, fix}]}
  -h, --help             this text`,
  async run(argv) {
    const { values } = parseFlags(argv, {
      ...ENV_FLAGS,
      all: { type: 'boolean', short: 'a' },
      json: { type: 'boolean' },
    });
    if (values.all && (values.env !== undefined || values.topology !== undefined)) {
      throw new UserError('give --all, or --env / --topology, not both');
    }
    const selected: Selected[] = values.all
      ? selectEnvironments({})
      : selectEnvironments(
          values.topology !== undefined ? { topology: values.topology } : { env: values.env ?? 'dev' },
        );
    if (values.all && selected.length === 0)
      throw new UserError('there are no environment files in environments/');
    const issues: IssueRecord[] = selected.flatMap((s) =>
      s.error ? s.error.issues.map((i) => ({ source: s.error.source, ...i })) : [],
    );
    if (values.json) {
      const ok = selected.flatMap((s) =>
        s.loaded ? [{ source: s.source, name: s.loaded.topology.name }] : [],
      );
      process.stdout.write(`${JSON.stringify({ ok, issues }, null, 2)}\n`);
      return issues.length > 0 ? 1 : 0;
    }
    for (const s of selected) {
      if (s.error) {
        console.error(`warren validate: ${s.error.message}`);
        continue;
      }
      const t = s.loaded.topology;
      console.log(
        `${s.source}: ok (${t.name}: Ubuntu ${t.image.ubuntu}, RabbitMQ ${t.image.rabbitmq}, Erlang ${t.image.erlang}, ${t.rabbitmq.nodes.length} nodes, ${t.frontDoor.kind} front door)`,
      );
    }
    const failed = selected.filter((s) => s.error).length;
    if (failed > 0 && selected.length > 1) {
      console.error(`warren validate: ${failed} of ${selected.length} environments refused`);
    }
    return failed > 0 ? 1 : 0;
  },
};

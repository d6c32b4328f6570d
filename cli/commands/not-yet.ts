import { parseFlags, type Command } from '../command';
import { UserError } from '../../topology';

/** An entry point whose implementation has not landed yet: it says so instead of pretending. */
export function notYet(name: string, summary: string, issue: number): Command {
  return {
    name,
    summary,
    help: `Usage: warren ${name} …\n\n${summary}.\nNot implemented yet (issue ${issue}).`,
    async run(argv) {
      parseFlags(argv, {}, true);
      throw new UserError(`warren ${name} is not implemented yet (issue ${issue})`);
    },
  };
}

/**
 * The `warren` CLI. Dispatches to one command per file in commands/ and maps failures to exit
 * codes: 1 for what the user can fix (message only), 2 for internal errors (with the stack).
 */
import { WarrenError } from '../topology';
import { EXIT } from './command';
import { COMMANDS } from './commands';

const USAGE = `warren: bake, launch and prove highly available RabbitMQ clusters.

Usage: warren <command> [options]     (warren <command> --help for details)

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

Exit codes: 0 ok, 1 user or validation error, 2 internal error.`;

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name === undefined ? EXIT.user : EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(`warren: unknown command '${name}'\n\n${USAGE}`);
    return EXIT.user;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help);
    return EXIT.ok;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    // Every error a user can fix extends WarrenError (topology/warren-error.ts); the rest are bugs.
    if (e instanceof WarrenError) {
      console.error(`warren ${name}: ${e.message}`);
      return EXIT.user;
    }
    console.error(`warren ${name}: internal error (a bug in warren; please report it):`);
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    return EXIT.internal;
  }
}

/** Runs the CLI on this process's arguments and sets its exit code. */
export function runCli(): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(e);
      process.exitCode = EXIT.internal;
    },
  );
}

if (require.main === module) runCli();

/**
 * The `warren` CLI. Dispatches to one command per file in commands/ and maps failures to exit
 * codes: 1 for what the user can fix (message only), 2 for internal errors (with the stack).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { closest, WarrenError } from '../topology';
import { EXIT } from './command';
import { COMMANDS } from './commands';

const USAGE = `warren: bake, launch and prove highly available RabbitMQ clusters.

Usage: warren <command> [options]     (warren <command> --help for details; warren --version)

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

Exit codes: 0 ok, 1 user or validation error, 2 internal error.`;

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    // Asked for: usage on stdout, exit 0; no command at all is a mistake: stderr, exit 1.
    if (name === undefined) {
      console.error(USAGE);
      return EXIT.user;
    }
    console.log(USAGE);
    return EXIT.ok;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    console.log(`warren ${version()}`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const near = closest(
      name,
      COMMANDS.map((c) => c.name),
    );
    const hint = near ? `; did you mean 'warren ${near}'?` : '';
    console.error(`warren: unknown command '${name}'${hint}\n\n${USAGE}`);
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

/** The version in package.json (the one place it is written). */
export function version(): string {
  const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Runs the CLI on this process's arguments and sets its exit code. */
export function runCli(): void {
  // Terraform and the cdktf CLI phone HashiCorp's checkpoint service unless told not to; every
  // program warren runs inherits this.
  process.env.CHECKPOINT_DISABLE ??= '1';
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

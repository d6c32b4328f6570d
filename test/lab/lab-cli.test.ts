/**
 * `warren lab` argument handling, through the real CLI (no lab is booted: these fail before that).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, run } from '../../workspace';

const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
const warren = (...args: string[]) => run(TSX, ['cli/main.ts', 'lab', ...args], { cwd: PROJECT_ROOT });

describe('warren lab (arguments)', () => {
  it('documents every subcommand', async () => {
    const r = await warren('--help');
    expect(r.code).toBe(0);
    for (const sub of ['up', 'down', 'status', 'kill', 'start', 'replace', 'partition', 'heal', 'exec']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${sub}\\b`, 'm'));
    }
  });

  it('refuses a missing host, a missing command, unknown subcommands and environments, with exit 1', async () => {
    const cases: [string[], RegExp][] = [
      [['kill'], /warren lab kill needs a HOST/],
      [['exec', 'rabbit-01'], /give the command after --/],
      [['exec', 'rabbit-01', 'ls'], /put the command after --/],
      [['frobnicate'], /unknown subcommand 'frobnicate'/],
      [['status', '--env', 'nope'], /there is no environment named 'nope'/],
      [[], /give a subcommand/],
    ];
    for (const [args, message] of cases) {
      const r = await warren(...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
  });
});

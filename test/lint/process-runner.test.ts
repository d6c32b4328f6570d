// The one-process-runner rule of eslint.config.mjs bites: node:child_process is refused in every
// layer folder but workspace/ (home of run-process.ts), so programs are run only through it.
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');
const eslint = new ESLint({ cwd: ROOT });
const SPAWN = "import { spawn } from 'node:child_process';\nexport const f = spawn;\n";

async function restricted(file: string): Promise<string[]> {
  const [result] = await eslint.lintText(SPAWN, { filePath: path.join(ROOT, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('one process runner (eslint no-restricted-imports)', () => {
  for (const file of ['roll/x.ts', 'aws/x.ts', 'lab/x.ts', 'lab/drills/x.ts', 'cli/commands/x.ts']) {
    it(`refuses node:child_process in ${file}`, async () => {
      const messages = await restricted(file);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toContain('workspace/run-process.ts');
    });
  }

  it('allows it in workspace/', async () => {
    expect(await restricted('workspace/run-process-x.ts')).toEqual([]);
  });
});

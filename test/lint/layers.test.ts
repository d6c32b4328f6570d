// The layer rule of eslint.config.mjs bites: a pure folder that does I/O, or a folder that imports
// one above it, fails `npm run lint`; the same imports where the layers allow them pass.
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');
const eslint = new ESLint({ cwd: ROOT });

async function lintAs(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layers (eslint no-restricted-imports)', () => {
  for (const folder of ['topology', 'cloudinit', 'images', 'stacks']) {
    it(`refuses node:fs and node:child_process in ${folder}/`, async () => {
      const fs = await lintAs(
        `${folder}/x.ts`,
        "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n",
      );
      expect(fs).toHaveLength(1);
      expect(fs[0]).toContain(`${folder}/ is pure`);
      const cp = await lintAs(
        `${folder}/x.ts`,
        "import { spawn } from 'child_process';\nexport const f = spawn;\n",
      );
      expect(cp).toHaveLength(1);
    });
  }

  it('refuses an import up the layers, also from a subfolder', async () => {
    expect(
      await lintAs('topology/x.ts', "import { a } from '../stacks';\nexport const b = a;\n"),
    ).toHaveLength(1);
    expect(
      await lintAs('stacks/x.ts', "import { a } from '../workspace';\nexport const b = a;\n"),
    ).toHaveLength(1);
    expect(
      await lintAs('lab/drills/x.ts', "import { a } from '../../cli/command';\nexport const b = a;\n"),
    ).toHaveLength(1);
    expect(await lintAs('workspace/x.ts', "import { a } from '../aws';\nexport const b = a;\n")).toHaveLength(
      1,
    );
  });

  it('allows imports down the layers, and I/O at the edges', async () => {
    expect(await lintAs('stacks/x.ts', "import { a } from '../topology';\nexport const b = a;\n")).toEqual(
      [],
    );
    expect(await lintAs('lab/drills/x.ts', "import { a } from '../../aws';\nexport const b = a;\n")).toEqual(
      [],
    );
    expect(
      await lintAs(
        'workspace/x.ts',
        "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n",
      ),
    ).toEqual([]);
  });
});

// shellcheck passes on every provisioning script, as written and as copied next to a template
// (the copies carry a generated-by line).
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { imageRolesOf, STEP_SCRIPTS_DIR } from '../../images';
import { envTopology, SHIPPED, tempDir } from './helpers';
import { writeImageTemplates } from '../../aws';

function shellcheck(files: string[]) {
  const run = spawnSync('shellcheck', ['-s', 'bash', '-x', ...files], { encoding: 'utf8' });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

const scripts = readdirSync(STEP_SCRIPTS_DIR).filter((f) => f.endsWith('.sh'));

describe('shellcheck', () => {
  it('finds the provisioning scripts', () => {
    expect(scripts).toEqual(
      expect.arrayContaining([
        'install-rabbitmq.sh',
        'apt-pins-lib.sh',
        'install-aws-cli.sh',
        'post-install.sh',
        'install-boot-scripts.sh',
        'wipe-identity.sh',
      ]),
    );
  });

  for (const script of scripts) {
    it(`passes on images/scripts/${script}`, () => {
      const result = shellcheck([path.join(STEP_SCRIPTS_DIR, script)]);
      expect(result.output).toBe('');
      expect(result.code).toBe(0);
    });
  }

  it('passes on the copies written next to every template', async () => {
    const out = tempDir('shellcheck');
    const files: string[] = [];
    for (const env of SHIPPED) {
      const t = await envTopology(env);
      writeImageTemplates(t, { outDir: path.join(out, env) });
      for (const role of imageRolesOf(t)) {
        const dir = path.join(out, env, role, 'scripts');
        files.push(...readdirSync(dir).map((f) => path.join(dir, f)));
      }
    }
    expect(files.length).toBeGreaterThan(scripts.length);
    const result = shellcheck(files);
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });

  it('fails on a script with an unquoted expansion (the check can fail)', () => {
    const dir = tempDir('shellcheck-bad');
    const bad = path.join(dir, 'bad.sh');
    writeFileSync(bad, '#!/usr/bin/env bash\nset -euo pipefail\nrm -rf $1/var\n');
    expect(shellcheck([bad]).code).not.toBe(0);
  });
});

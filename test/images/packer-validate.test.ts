// Every generated <role>.pkr.json of every shipped environment passes `packer validate` (Debian's
// Packer 1.6.6, offline), and validate does catch a broken template, so the check can fail.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMAGE_DIR, imageRolesOf, PLUGIN_ONLY_ARGUMENTS, type ImageRole } from '../../images';
import { envTopology, SHIPPED, tempDir, variant } from './helpers';
import { writeImageTemplates } from '../../aws';

const temp = tempDir('packer');

/**
 * A copy of one role's directory as Packer 1.6.6's built-in amazon-ebs can validate it: without
 * plugins.pkr.json (Packer 1.6 rejects required_plugins) and without the arguments only the amazon
 * plugin has (PLUGIN_ONLY_ARGUMENTS; the test below proves 1.6.6 rejects each, so none hides another error).
 */
function roleCopy(outDir: string, role: ImageRole, { keepPluginOnly = false } = {}): string {
  const dir = mkdtempSync(path.join(temp, `${role}-`));
  cpSync(path.join(outDir, role), dir, { recursive: true });
  rmSync(path.join(dir, IMAGE_DIR.plugins));
  if (!keepPluginOnly) {
    const file = path.join(dir, IMAGE_DIR.template(role));
    const template = JSON.parse(readFileSync(file, 'utf8'));
    for (const source of Object.values(template.source['amazon-ebs']) as Record<string, unknown>[]) {
      for (const arg of PLUGIN_ONLY_ARGUMENTS.source) delete source[arg];
      const filter = source.source_ami_filter as Record<string, unknown>;
      for (const arg of PLUGIN_ONLY_ARGUMENTS.sourceAmiFilter) delete filter[arg];
    }
    writeFileSync(file, JSON.stringify(template, null, 2));
  }
  return dir;
}

function validate(dir: string, file: string) {
  const run = spawnSync('packer', ['validate', file], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, CHECKPOINT_DISABLE: '1' },
  });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('packer validate', async () => {
  for (const env of SHIPPED) {
    const t = await envTopology(env);
    const outDir = path.join(temp, env);
    writeImageTemplates(t, { outDir });
    for (const role of imageRolesOf(t)) {
      it(`passes on ${env}/${role}/${role}.pkr.json`, () => {
        const dir = roleCopy(outDir, role);
        const result = validate(dir, IMAGE_DIR.template(role));
        expect(result.output).not.toMatch(/Error/);
        expect(result.code).toBe(0);
      });
    }
  }

  it('passes on a template that uploads pinned .debs (16.04 with RabbitMQ 3.6)', async () => {
    const dir = path.join(temp, 'debs-env');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'rabbitmq-server_3.6.15-1_all.deb'), 'bytes');
    const old = await variant('dev', (input) => {
      input.image = {
        ubuntu: '16.04',
        rabbitmq: '3.6.15',
        erlang: '20.3',
        debs: ['rabbitmq-server_3.6.15-1_all.deb'],
      };
    });
    const outDir = path.join(temp, 'debs-out');
    writeImageTemplates(old, { outDir, environmentFile: path.join(dir, 'old.ts') });
    const copy = roleCopy(outDir, 'rabbitmq');
    const result = validate(copy, 'rabbitmq.pkr.json');
    expect(result.output).not.toMatch(/Error/);
    expect(result.code).toBe(0);
  });

  const t = await envTopology('dev');
  const outDir = path.join(temp, 'broken');
  writeImageTemplates(t, { outDir });

  it('fails on a template with an argument amazon-ebs does not have', () => {
    const dir = roleCopy(outDir, 'rabbitmq');
    const file = path.join(dir, 'rabbitmq.pkr.json');
    const template = JSON.parse(readFileSync(file, 'utf8'));
    template.source['amazon-ebs'].ubuntu.instance_typo = 't3.medium';
    writeFileSync(file, JSON.stringify(template));
    const result = validate(dir, 'rabbitmq.pkr.json');
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/instance_typo/);
  });

  it('fails when a provisioning script the template references is missing', () => {
    const dir = roleCopy(outDir, 'rabbitmq');
    rmSync(path.join(dir, 'scripts', 'wipe-identity.sh'));
    const result = validate(dir, 'rabbitmq.pkr.json');
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/wipe-identity\.sh/);
  });

  it('Packer 1.6.6 rejects exactly the plugin-only arguments the test strips, and nothing else', () => {
    const dir = roleCopy(outDir, 'rabbitmq', { keepPluginOnly: true });
    const result = validate(dir, 'rabbitmq.pkr.json');
    expect(result.code).not.toBe(0);
    const rejected = [...result.output.matchAll(/No argument or block type is named "([a-z_]+)"/g)].map(
      (m) => m[1],
    );
    expect(rejected.sort()).toEqual(
      [...PLUGIN_ONLY_ARGUMENTS.source, ...PLUGIN_ONLY_ARGUMENTS.sourceAmiFilter].sort(),
    );
  });

  it('Packer 1.6 rejects plugins.pkr.json, which is why it is a file of its own', () => {
    const dir = mkdtempSync(path.join(temp, 'plugins-'));
    cpSync(path.join(outDir, 'rabbitmq', IMAGE_DIR.plugins), path.join(dir, IMAGE_DIR.plugins));
    const result = validate(dir, IMAGE_DIR.plugins);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/required_plugins/);
  });
});

/**
 * Fidelity: every instance of the lab gets the user-data the synthesized stack embeds for it, except
 * for the declared platform hooks file (secrets backend, VIP move). Synthesizes the real app
 * (`warren synth`, as users run it) into a temporary directory and reads each aws_instance's user_data.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_ONLY_PLATFORM_KEYS, PLATFORM_FILE } from '../../cloudinit';
import { labPlan } from '../../lab';
import { labUserData } from '../../lab/lab';
import { hostsOf } from '../../topology';
import { PROJECT_ROOT, listEnvironments, loadEnvironment, run } from '../../workspace';

interface WriteFile {
  path: string;
  content: string;
}

/** Terraform JSON escapes template sequences; the instance receives them unescaped. */
function unescapeTerraform(text: string): string {
  return text.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}

/** The line range of the platform file's entry in a cloud-config text. */
function platformBlock(lines: string[]): [number, number] {
  const start = lines.findIndex((l) => l.trim() === `- path: ${PLATFORM_FILE}`);
  if (start === -1) throw new Error(`user-data has no ${PLATFORM_FILE}`);
  const indent = lines[start]!.indexOf('-');
  let end = start + 1;
  while (end < lines.length) {
    const l = lines[end]!;
    const lead = l.length - l.trimStart().length;
    if (l.trim() !== '' && (lead < indent || (lead === indent && l.trimStart().startsWith('- ')))) break;
    end++;
  }
  return [start, end];
}

/** Every line that differs must lie in the platform file's block, at the same place in both. */
function differencesOutsidePlatformFile(aws: string, lab: string): string[] {
  const a = aws.split('\n');
  const b = lab.split('\n');
  const [as, ae] = platformBlock(a);
  const [bs, be] = platformBlock(b);
  const outside = (lines: string[], s: number, e: number) => [
    ...lines.slice(0, s),
    '<platform file>',
    ...lines.slice(e),
  ];
  const ao = outside(a, as, ae);
  const bo = outside(b, bs, be);
  const diffs: string[] = [];
  for (let i = 0; i < Math.max(ao.length, bo.length); i++) {
    if (ao[i] !== bo[i])
      diffs.push(`line ${i + 1}: aws ${JSON.stringify(ao[i])} / lab ${JSON.stringify(bo[i])}`);
  }
  return diffs;
}

const outdir = mkdtempSync(path.join(tmpdir(), 'warren-fidelity-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
beforeAll(async () => {
  const tsx = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
  const args = ['cli/main.ts', 'synth', '--out', outdir, '--images-out', path.join(outdir, 'images')];
  const r = await run(tsx, args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, WARREN_AMI_PLACEHOLDERS: '1' },
  });
  if (r.code !== 0) throw new Error(`warren synth failed (${r.code}):\n${r.stderr}${r.stdout}`);
});

describe.each(listEnvironments())('user-data of %s: stack and lab', (env) => {
  it('is the same for every host except the platform hooks file', () => {
    const t = loadEnvironment(env).topology;
    const tf = JSON.parse(
      readFileSync(path.join(outdir, 'stacks', `warren-${env}`, 'cdk.tf.json'), 'utf8'),
    ) as {
      resource: { aws_instance: Record<string, { user_data: string; tags: Record<string, string> }> };
    };
    const instances = Object.values(tf.resource.aws_instance);
    expect(instances.map((i) => i.tags['warren:host']).sort()).toEqual(
      hostsOf(t)
        .map((h) => h.name)
        .sort(),
    );
    const plan = labPlan(t);
    for (const instance of instances) {
      const host = plan.hosts.find((h) => h.name === instance.tags['warren:host'])!;
      const aws = unescapeTerraform(instance.user_data);
      const lab = labUserData(t, host);
      expect(differencesOutsidePlatformFile(aws, lab), `${env}/${host.name}`).toEqual([]);
      // Parsed, they differ only in that file's content, and there in the declared hooks.
      const files = (text: string) => (yaml.load(text) as { write_files: WriteFile[] }).write_files;
      const awsHooks = files(aws).find((f) => f.path === PLATFORM_FILE)!.content;
      const labHooks = files(lab).find((f) => f.path === PLATFORM_FILE)!.content;
      expect(awsHooks).toMatch(/^WARREN_SECRETS_BACKEND=ssm$/m);
      expect(labHooks).toMatch(/^WARREN_SECRETS_BACKEND=file$/m);
      const keys = (c: string) =>
        c
          .split('\n')
          .filter((l) => /^[A-Z_]+=/.test(l))
          .map((l) => l.slice(0, l.indexOf('=')));
      // The same hooks on both platforms, but for the declared lab-only ones, which the lab always sets.
      expect(keys(labHooks).filter((k) => !LAB_ONLY_PLATFORM_KEYS.includes(k))).toEqual(keys(awsHooks));
      for (const k of LAB_ONLY_PLATFORM_KEYS) expect(keys(labHooks)).toContain(k);
    }
  });
});

describe('the comparison itself', () => {
  it('fails on a difference outside the platform file and tolerates one inside it', () => {
    const t = loadEnvironment('dev').topology;
    const host = labPlan(t).hosts[0]!;
    const lab = labUserData(t, host);
    expect(
      differencesOutsidePlatformFile(
        lab.replace('WARREN_SECRETS_BACKEND=file', 'WARREN_SECRETS_BACKEND=ssm'),
        lab,
      ),
    ).toEqual([]);
    expect(
      differencesOutsidePlatformFile(lab.replace('hostname: rabbit-01', 'hostname: rabbit-09'), lab),
    ).toHaveLength(1);
    expect(differencesOutsidePlatformFile(`${lab}\nruncmd: []`, lab).length).toBeGreaterThan(0);
  });
});

// Which AMIs a stack deploys: the ids pinned next to the environment file, the aws_ami lookup only
// when the topology asks for it (image.amiLookup: 'latest'), and a refusal when neither is there, so
// no machine ever deploys whatever AMI was baked last. Placeholders only for a review, said loudly.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp, synthesizeApp } from '../../aws';
import { amiLookupTags, imageTags, withRoleAmis } from '../../images';
import { PLACEHOLDER_AMI } from '../../stacks';
import { UserError, type Topology } from '../../topology';
import { loadTopologyFile } from '../../workspace';
import { envInput, parse, tempDir, type TfJson } from './helpers';

/** `environments/dev.ts` (changed by `change`) as a JSON environment file in a temp dir of its own. */
async function devFile(change: (input: Record<string, unknown>) => void = () => {}) {
  const dir = tempDir('warren-pinned-');
  const input = (await envInput('dev')) as unknown as Record<string, unknown>;
  change(input);
  const file = path.join(dir, 'mine.json');
  writeFileSync(file, JSON.stringify(input));
  return { dir, file, loaded: loadTopologyFile(file) };
}

function amiLookups(tf: TfJson) {
  return Object.values(
    (tf as { data?: Record<string, Record<string, Record<string, unknown>>> }).data?.aws_ami ?? {},
  );
}

function instanceAmis(tf: TfJson): string[] {
  return Object.values(tf.resource.aws_instance ?? {}).map((i) => String(i.ami));
}

function synthOne(loaded: ReturnType<typeof loadTopologyFile>, opts: { amiPlaceholders?: boolean } = {}) {
  const outdir = tempDir('warren-pinned-out-');
  const result = synthesizeApp({ environments: [loaded], outdir, state: { kind: 'local' }, ...opts });
  const stack = result.stacks[0]!;
  const tf = parse(readFileSync(path.join(outdir, 'stacks', stack.node.id, 'cdk.tf.json'), 'utf8'));
  return { stack, tf, outdir, review: readFileSync(result.reviews[0]!, 'utf8') };
}

describe('pinned images', () => {
  it('synth refuses an environment that was never baked, naming it and both fixes, and writes nothing', async () => {
    const { loaded } = await devFile();
    const outdir = path.join(tempDir('warren-pinned-none-'), 'cdktf.out');
    let error: unknown;
    try {
      synthesizeApp({ environments: [loaded], outdir, state: { kind: 'local' }, amiPlaceholders: false });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(
      "no pinned images for dev (no mine.images.json): run npm run bake -- --topology mine.json and commit the file it writes, or set image.amiLookup: 'latest' to look them up (WARREN_AMI_PLACEHOLDERS=1 synthesizes a review-only stack that cannot be deployed)",
    );
    expect(() => readFileSync(path.join(outdir, 'manifest.json'))).toThrow();
  });

  it('deploys exactly the AMIs pinned next to the environment file, and no lookup', async () => {
    const { dir, loaded } = await devFile();
    let manifest = withRoleAmis(undefined, loaded.topology, 'rabbitmq', {
      'eu-west-1': 'ami-0123456789abcdef0',
    });
    manifest = withRoleAmis(manifest, loaded.topology, 'haproxy', { 'eu-west-1': 'ami-0fedcba9876543210' });
    writeFileSync(path.join(dir, 'mine.images.json'), JSON.stringify(manifest));
    const { tf, review } = synthOne(loaded);
    expect(amiLookups(tf)).toEqual([]);
    const amis = instanceAmis(tf);
    expect(amis.length).toBe(loaded.topology.rabbitmq.nodes.length + 2);
    expect(new Set(amis)).toEqual(new Set(['ami-0123456789abcdef0', 'ami-0fedcba9876543210']));
    expect(review).toContain('rabbitmq: ami-0123456789abcdef0 (pinned in mine.images.json)');
    expect(review).not.toMatch(/placeholder/i);
  });

  it('refuses a pinned file that lacks a role or the region, saying which bake to run', async () => {
    const { dir, loaded } = await devFile();
    const manifest = withRoleAmis(undefined, loaded.topology, 'rabbitmq', {
      'us-east-1': 'ami-0123456789abcdef0',
    });
    writeFileSync(path.join(dir, 'mine.images.json'), JSON.stringify(manifest));
    expect(() => buildApp({ environments: [loaded], outdir: tempDir('warren-pinned-x-') })).toThrow(
      /mine\.images\.json pins no rabbitmq AMI for eu-west-1: run npm run bake -- --topology mine\.json --role rabbitmq/,
    );
  });

  it("looks the AMIs up by the bake's own tags only when the topology asks (image.amiLookup: 'latest')", async () => {
    const { loaded } = await devFile((input) => {
      (input.image as Record<string, unknown>).amiLookup = 'latest';
    });
    const t: Topology = loaded.topology;
    const { tf, review } = synthOne(loaded, { amiPlaceholders: false });
    const lookups = amiLookups(tf);
    expect(lookups).toHaveLength(2);
    for (const a of lookups) {
      expect(a.owners).toEqual(['self']);
      expect(a.most_recent).toBe(true);
    }
    const filters = lookups.map((a) =>
      Object.fromEntries(
        (a.filter as { name: string; values: string[] }[]).map((f) => [f.name, f.values[0]]),
      ),
    );
    for (const role of ['rabbitmq', 'haproxy'] as const) {
      const wanted = Object.fromEntries(
        Object.entries(amiLookupTags(t, role)).map(([k, v]) => [`tag:${k}`, v]),
      );
      expect(filters).toContainEqual({ ...wanted, state: 'available' });
      // What the lookup matches is what the bake writes: one owner of the tags (images/).
      expect(imageTags(t, role)).toEqual(expect.objectContaining(amiLookupTags(t, role)));
    }
    expect(review).toMatch(/newest own AMI tagged warren:env=dev.*image\.amiLookup: 'latest'; not pinned/);
  });

  it('with placeholders (review only), synthesizes and says loudly that the stack cannot be deployed', async () => {
    const { loaded } = await devFile();
    const { tf, review } = synthOne(loaded, { amiPlaceholders: true });
    expect(new Set(instanceAmis(tf))).toEqual(new Set([PLACEHOLDER_AMI]));
    expect(review).toMatch(/^> \*\*Not deployable: placeholder AMIs\.\*\*/m);
    expect(review).toContain(
      `rabbitmq: **${PLACEHOLDER_AMI}, a placeholder: not baked, cannot be deployed**`,
    );
  });
});

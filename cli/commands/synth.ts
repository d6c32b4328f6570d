import path from 'node:path';
import { stateBackendFromEnv, type StateBackendOptions } from '../../stacks';
import { parseFlags, type Command } from '../command';
import { buildApp, writeApp, writeImageTemplates } from '../../aws';
import { PROJECT_ROOT, requireEnvironments } from '../../workspace';

export const synthCommand: Command = {
  name: 'synth',
  summary: 'write Packer templates and the CDKTF stacks (cdktf.out/)',
  help: `Usage: warren synth [--env NAME]... [--out DIR] [--images-out DIR] [--health-gate]

Writes, for every environment (or the ones given):
  images/out/<env>/<role>/        Packer templates and provisioning scripts
  <out>/stacks/warren-<env>/      the Terraform JSON of stack warren-<env> (same as npx cdktf synth)
  <out>/review/<env>.md           review summary: hosts, IPs, ports, security-group rules, diagram
Works offline; nothing is deployed. Then: npx cdktf diff warren-<env>, npx cdktf deploy warren-<env>.

State is local (terraform.warren-<env>.tfstate in the repository root, whatever --out) unless
WARREN_STATE_BUCKET is set
(see docs/stacks.md).

Options:
  -e, --env NAME         an environment in environments/ (repeatable; default: all)
  -t, --topology FILE    an environment file (.ts, .json, .yaml, .yml) instead (repeatable)
  -o, --out DIR          output directory (default: cdktf.out)
      --images-out DIR   write the Packer templates to DIR/<env>/ (default: images/out)
      --health-gate      add the health gate: deploy waits until the cluster answers through the
                         front door (the deploying machine must reach it); same as WARREN_HEALTH_GATE=1
  -h, --help             this text`,
  async run(argv) {
    const { values } = parseFlags(argv, {
      env: { type: 'string', short: 'e', multiple: true },
      topology: { type: 'string', short: 't', multiple: true },
      out: { type: 'string', short: 'o' },
      'health-gate': { type: 'boolean' },
      'images-out': { type: 'string' },
    });
    const imagesOut = values['images-out'];
    // Every selected environment passes the whole gate, and the state settings parse, before the
    // first byte is written: one refused environment refuses the synth.
    const environments = requireEnvironments({ env: values.env, topology: values.topology });
    const state: StateBackendOptions = stateBackendFromEnv(process.env, { localDir: PROJECT_ROOT });
    // Building the stacks (in memory) also reads the pinned images; a damaged file refuses here.
    const built = buildApp({
      environments,
      state,
      ...(values.out !== undefined ? { outdir: values.out } : {}),
      ...(values['health-gate'] ? { healthGate: true } : {}),
    });
    for (const loaded of environments) {
      const t = loaded.topology;
      const outDir = imagesOut !== undefined ? path.resolve(imagesOut, t.name) : undefined;
      const written = writeImageTemplates(t, {
        environmentFile: loaded.file,
        ...(outDir !== undefined ? { outDir } : {}),
      });
      const shown =
        outDir !== undefined ? path.relative(process.cwd(), outDir) || '.' : `images/out/${t.name}`;
      console.log(`${shown}/: ${written.length} files`);
    }
    const result = writeApp(built);
    const rel = (p: string) => path.relative(process.cwd(), p) || '.';
    for (const stack of result.stacks) {
      console.log(
        `${rel(path.join(result.outdir, 'stacks', stack.node.id))}/cdk.tf.json: stack ${stack.node.id}`,
      );
    }
    for (const review of result.reviews) console.log(`${rel(review)}: review summary`);
    return 0;
  },
};

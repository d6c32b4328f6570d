/**
 * The cdktf app: one `WarrenStack` per selected environment, plus the review summaries. main.ts
 * (what `cdktf synth` runs; WARREN_ENV / WARREN_TOPOLOGY select) and `warren synth` both call
 * `synthesizeApp`, so the two produce the same `cdktf.out/`. Every environment has passed the whole
 * gate (workspace/) before the first stack is built, so a refusal writes nothing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'cdktf';
import { renderUserData, type UserDataOptions } from '../cloudinit';
import { monitoringFiles } from '../monitoring';
import { renderReviewSummary, stateBackendFromEnv, WarrenStack, type StateBackendOptions } from '../stacks';
import { stackId, type Topology } from '../topology';
import {
  PROJECT_ROOT,
  requireEnvironments,
  selectionFromProcessEnv,
  type LoadedEnvironment,
} from '../workspace';
import { stackImagesOf } from './bake-manifest-file';
import { healthGateScript } from './health-gate-script';

export interface SynthOptions {
  /**
   * Output directory.
   * @default $CDKTF_OUTDIR, else 'cdktf.out'
   */
  readonly outdir?: string;
  /**
   * Environments to synthesize, loaded through the selection (workspace/select-environment.ts).
   * @default WARREN_ENV / WARREN_TOPOLOGY, else every environment in environments/
   */
  readonly environments?: readonly LoadedEnvironment[];
  /**
   * State backend.
   * @default from WARREN_STATE_* environment variables, else local
   */
  readonly state?: StateBackendOptions;
  /**
   * Add the health gate to every stack.
   * @default true when WARREN_HEALTH_GATE is 1 or true
   */
  readonly healthGate?: boolean;
  /**
   * Synthesize a never-baked environment with placeholder AMIs, for review only (not deployable).
   * @default true when WARREN_AMI_PLACEHOLDERS is 1 or true; otherwise a missing pinned file is refused
   */
  readonly amiPlaceholders?: boolean;
}

export interface SynthResult {
  readonly outdir: string;
  readonly stacks: readonly WarrenStack[];
  /** Paths of the review summaries written. */
  readonly reviews: readonly string[];
}

/** User-data as the AWS instances get it. */
export const awsUserData = (t: Topology, host: string, options?: UserDataOptions): string =>
  renderUserData(t, host, 'aws', options);

/** Builds the app and its stacks without writing anything. */
export function buildApp(options: SynthOptions = {}): { app: App; stacks: WarrenStack[] } {
  const outdir = options.outdir ?? process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  const environments = options.environments ?? requireEnvironments(selectionFromProcessEnv());
  // Read (and refuse a missing or damaged pinned file) before the App creates its outdir.
  const pinned = environments.map((loaded) => stackImagesOf(loaded, options.amiPlaceholders));
  const app = new App({ outdir });
  // Local state lives in the repository root whatever the output directory (docs/stacks.md "State").
  const state = options.state ?? stateBackendFromEnv(process.env, { localDir: PROJECT_ROOT });
  const healthGate = options.healthGate ?? /^(1|true|yes)$/i.test(process.env.WARREN_HEALTH_GATE ?? '');
  const stacks = environments.map((loaded, i) => {
    const images = pinned[i];
    return new WarrenStack(app, stackId(loaded.topology), {
      topology: loaded.topology,
      source: loaded.topology.source ?? loaded.source,
      userData: awsUserData,
      state,
      ...(healthGate ? { healthGate: { script: healthGateScript() } } : {}),
      ...(images ? { images } : {}),
    });
  });
  return { app, stacks };
}

/** The review summary of one built stack. */
export function reviewOf(stack: WarrenStack): string {
  return renderReviewSummary({
    topology: stack.topology,
    source: stack.source,
    stateDescription: stack.stateDescription,
    images: {
      rabbitmq: stack.images.rabbitmq,
      ...(stack.images.haproxy ? { haproxy: stack.images.haproxy } : {}),
    },
    endpoints: stack.network.endpointServices,
    internetGateway: stack.network.hasInternetGateway,
    healthGate: stack.healthGate !== undefined,
  });
}

/** Synthesizes every stack into `outdir` and writes `outdir/review/<env>.md` and `outdir/monitoring/<env>/`. */
export function synthesizeApp(options: SynthOptions = {}): SynthResult {
  return writeApp(buildApp(options));
}

/** Writes a built app (see buildApp, which refuses before anything is written). */
export function writeApp({ app, stacks }: { app: App; stacks: readonly WarrenStack[] }): SynthResult {
  app.synth();
  const reviewDir = path.join(app.outdir, 'review');
  mkdirSync(reviewDir, { recursive: true });
  const reviews = stacks.map((stack) => {
    const file = path.join(reviewDir, `${stack.topology.name}.md`);
    writeFileSync(file, reviewOf(stack));
    return file;
  });
  for (const stack of stacks) {
    const dir = path.join(app.outdir, 'monitoring', stack.topology.name);
    mkdirSync(dir, { recursive: true });
    for (const f of monitoringFiles(stack.topology)) writeFileSync(path.join(dir, f.name), f.content);
  }
  return { outdir: app.outdir, stacks, reviews };
}

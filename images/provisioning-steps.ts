/**
 * The provisioning steps, in order, with the environment each needs. Two kinds:
 *
 * - package steps need a package mirror (and the network); they run only on the Packer build
 *   instance: wait for the instance's own boot, RabbitMQ and Erlang, HAProxy and keepalived, AWS CLI.
 * - `provisioningSteps(role)` need no mirror: post-install (services stopped and disabled, plugins),
 *   boot-script install, first-boot identity wipe. They take `WARREN_ROOT` (default `/`) and work on
 *   that root directory, so the lab runs exactly these, from the host, against its Debian image, and
 *   the Packer template runs the same list on the instance with `WARREN_ROOT=/`.
 */
import path from 'node:path';
import { type Topology } from '../topology';
import { awsCliBundle } from './aws-cli-bundle';
import { unitsOf, type ImageRole } from './image-role';
import {
  frontDoorPackagePlan,
  rabbitPackagePlan,
  TEAM_RABBITMQ_KEY,
  TEAM_RABBITMQ_MIRRORS,
} from './package-pins';
import { bootScriptFiles, bootScriptsMapEnv, SCRIPTS_SOURCE_DIR, type BootScript } from '../cloudinit';
import { nodeExporterPackage, NODE_EXPORTER_TEXTFILE_DIR } from '../topology/capabilities/exporter-packages';

/** Where the provisioning steps' scripts (images/scripts/) live in this repository. */
export const STEP_SCRIPTS_DIR = path.join(__dirname, 'scripts');
/** The cloud-init workstream's boot scripts (`warren-*`, units), installed by the image. */
export const BOOT_SCRIPTS_DIR = SCRIPTS_SOURCE_DIR;

export interface ProvisioningStep {
  /** Short name for progress output, e.g. `post-install`. */
  readonly name: string;
  /** File name in images/scripts/. */
  readonly script: string;
  /** Absolute path of the script on this machine. */
  readonly path: string;
  /** Scripts of images/scripts/ it sources: they go wherever it goes, next to it. */
  readonly helpers: readonly string[];
  /** Environment the script needs, besides `WARREN_ROOT`. */
  readonly env: Readonly<Record<string, string>>;
  /** True when the step installs packages (Packer build instance only). */
  readonly needsMirror: boolean;
  readonly description: string;
}

export interface ProvisioningOptions {
  /**
   * Directory holding the boot scripts to install.
   * @default BOOT_SCRIPTS_DIR (cloudinit/scripts in this repository)
   */
  readonly bootScriptsDir?: string;
  /**
   * The boot files to install, and where.
   * @default the install map of cloudinit/scripts.ts (bootScriptFiles())
   */
  readonly bootScripts?: readonly BootScript[];
  /**
   * RabbitMQ plugins to enable offline (/etc/rabbitmq/enabled_plugins).
   * @default none: the file is left as it is
   */
  readonly plugins?: readonly string[];
}

/** The helper the package steps source: apt without prompts, no service starts, pins, holds. */
export const APT_PINS_LIB = 'apt-pins-lib.sh';

function step(
  name: string,
  env: Record<string, string>,
  needsMirror: boolean,
  description: string,
  helpers: readonly string[] = [],
): ProvisioningStep {
  const script = `${name}.sh`;
  return { name, script, path: path.join(STEP_SCRIPTS_DIR, script), helpers, env, needsMirror, description };
}

/** The steps that need no mirror, in order; `WARREN_ROOT` selects the root directory they work on. */
export function provisioningSteps(role: ImageRole, opts: ProvisioningOptions = {}): ProvisioningStep[] {
  const plugins: Record<string, string> = opts.plugins
    ? { WARREN_RABBITMQ_PLUGINS: opts.plugins.join(' ') }
    : {};
  return [
    step(
      'post-install',
      { WARREN_ROLE: role, WARREN_UNITS: unitsOf(role).join(' '), ...plugins },
      false,
      'stop and disable the services until first boot; enable the RabbitMQ plugins offline',
    ),
    step(
      'install-boot-scripts',
      {
        WARREN_BOOT_SCRIPTS_DIR: opts.bootScriptsDir ?? BOOT_SCRIPTS_DIR,
        WARREN_BOOT_SCRIPTS: bootScriptsMapEnv(opts.bootScripts ?? bootScriptFiles()),
      },
      false,
      'install the boot files of the install map: scripts into /usr/local/sbin (0755 root), units into /etc/systemd/system (0644)',
    ),
    step(
      'wipe-identity',
      {},
      false,
      'wipe first-boot identity: RabbitMQ data dir and cookie, logs, cloud-init state, SSH host keys, machine-id',
    ),
  ];
}

export interface PackageStepOptions {
  /** Where the pinned .debs are on the build instance. @default '/tmp/warren/debs' */
  readonly debsDir?: string;
}

/** The steps that install packages from a mirror (the build instance only), in order. */
export function packageSteps(
  t: Topology,
  role: ImageRole,
  opts: PackageStepOptions = {},
): ProvisioningStep[] {
  const plan = rabbitPackagePlan(t);
  const aws = awsCliBundle();
  const steps = [
    step('wait-for-boot', {}, true, "wait for the build instance's own cloud-init and apt timers to finish"),
    step(
      'install-rabbitmq',
      {
        WARREN_PACKAGE_SOURCE: plan.source,
        WARREN_CODENAME: plan.codename,
        ...(plan.rabbitmqVersion ? { WARREN_RABBITMQ_APT_VERSION: plan.rabbitmqVersion } : {}),
        ...(plan.erlangVersion ? { WARREN_ERLANG_APT_VERSION: plan.erlangVersion } : {}),
        ...(plan.source === 'pinned-debs' ? { WARREN_DEBS_DIR: opts.debsDir ?? '/tmp/warren/debs' } : {}),
        ...(plan.source === 'team-rabbitmq'
          ? {
              WARREN_TEAM_RABBITMQ_KEY_URL: TEAM_RABBITMQ_KEY.url,
              WARREN_TEAM_RABBITMQ_KEY_FINGERPRINT: TEAM_RABBITMQ_KEY.fingerprint,
              WARREN_TEAM_RABBITMQ_MIRRORS: TEAM_RABBITMQ_MIRRORS.join(' '),
            }
          : {}),
      },
      true,
      `Erlang and RabbitMQ ${t.image.rabbitmq} from ${plan.source}, exact versions, held`,
      [APT_PINS_LIB],
    ),
  ];
  const exporter = nodeExporterPackage(t.image.ubuntu);
  steps.push(
    step(
      'install-node-exporter',
      {
        WARREN_NODE_EXPORTER_VERSION: exporter.version,
        WARREN_NODE_EXPORTER_TEXTFILE_DIR: NODE_EXPORTER_TEXTFILE_DIR,
      },
      true,
      `prometheus-node-exporter ${exporter.version} from the release's archive, held`,
      [APT_PINS_LIB],
    ),
  );
  if (role === 'haproxy') {
    const fd = frontDoorPackagePlan(t.image.ubuntu);
    steps.push(
      step(
        'install-front-door',
        { WARREN_HAPROXY_VERSION: fd.haproxy, WARREN_KEEPALIVED_VERSION: fd.keepalived },
        true,
        `HAProxy ${fd.haproxy} and keepalived ${fd.keepalived} from the release's archive, held`,
        [APT_PINS_LIB],
      ),
    );
  }
  steps.push(
    step(
      'install-aws-cli',
      { WARREN_AWSCLI_VERSION: aws.version, WARREN_AWSCLI_URL: aws.url, WARREN_AWSCLI_SHA256: aws.sha256 },
      true,
      `AWS CLI ${aws.version} (speaks IMDSv2), checked against its pinned SHA-256`,
    ),
  );
  return steps;
}

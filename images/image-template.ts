/**
 * The Packer build of one role's image, as a `PackerTemplate`: pure, topology in, object out.
 * An amazon-ebs source finds Canonical's Ubuntu AMI for the release, the package steps install
 * the pinned packages, the shared provisioning steps (the ones the lab runs too) finish the image,
 * and a manifest post-processor records the AMI id for `warren bake`.
 */
import { isArm64InstanceType, OS_PROFILES, TopologyError, type Topology } from '../topology';
import { imageTags } from './ami-tags';
import { generatedBy } from './generated-by';
import { buildInstanceType, type ImageRole } from './image-role';
import {
  hcl,
  type PackerBuild,
  type PackerPluginsFile,
  type PackerTemplate,
  type Provisioner,
  type ShellProvisioner,
} from './packer-template';
import { rabbitPackagePlan } from './package-pins';
import { packageSteps, provisioningSteps, type ProvisioningStep } from './provisioning-steps';

/** Canonical's AWS account: the only owner whose Ubuntu AMIs the bake starts from. */
export const CANONICAL_OWNER_ID = '099720109477';
/** Where the file provisioners put uploads on the build instance. */
export const REMOTE_DIR = '/tmp/warren';
/** Packer's manifest post-processor output, next to the template. */
export const PACKER_MANIFEST_FILE = 'packer-manifest.json';
/** The oldest Packer `warren bake` runs (required_plugins and `packer init` came in 1.7). */
export const MIN_PACKER_VERSION = '1.7.0';

/**
 * The amazon plugin `packer init` installs: 1.2.0 has every argument the template uses; the upper
 * bound keeps a future major release, which may rename them, from reaching a bake unreviewed.
 */
export const AMAZON_PLUGIN_VERSION = '>= 1.2.0, < 2.0.0';

/** Layout of one role's output directory (relative to it). */
export const IMAGE_DIR = {
  scripts: 'scripts',
  bootScripts: 'boot-scripts',
  debs: 'debs',
  plugins: 'plugins.pkr.json',
  template: (role: ImageRole) => `${role}.pkr.json`,
} as const;

const SOURCE_TYPE = 'amazon-ebs';
const SOURCE_NAME = 'ubuntu';
/** Run each script as root with its environment; `{{ .Vars }}` and `{{ .Path }}` are Packer's. */
const EXECUTE_AS_ROOT = 'chmod +x {{ .Path }}; sudo env {{ .Vars }} {{ .Path }}';

/** Where the helpers the steps source are uploaded; a step that sources them is uploaded there too. */
const REMOTE_SCRIPTS_DIR = `${REMOTE_DIR}/${IMAGE_DIR.scripts}`;

function shellStep(s: ProvisioningStep, env: Record<string, string> = {}): Provisioner {
  const vars = { ...s.env, ...env };
  const shell: ShellProvisioner = {
    '//': s.description,
    script: hcl.pathRoot(`${IMAGE_DIR.scripts}/${s.script}`),
    environment_vars: Object.entries(vars).map(([k, v]) => `${k}=${v}`),
    execute_command: EXECUTE_AS_ROOT,
    // The script finds its helpers next to itself.
    ...(s.helpers.length > 0 ? { remote_folder: REMOTE_SCRIPTS_DIR } : {}),
  };
  return { shell };
}

export function renderImageTemplate(t: Topology, role: ImageRole): PackerTemplate {
  const profile = OS_PROFILES[t.image.ubuntu];
  const instanceType = buildInstanceType(t, role);
  if (!profile.amiNameFilter) throw new Error(`no AMI name filter for Ubuntu ${t.image.ubuntu}`);
  // validate refuses this first; the renderer keeps its own guard for topologies built in code.
  if (isArm64InstanceType(instanceType)) {
    const path = role === 'haproxy' ? 'frontDoor.instanceType' : 'rabbitmq.instanceType';
    throw new TopologyError(`environments/${t.name}.ts`, [
      {
        path,
        message: `${instanceType} is an arm64 (Graviton) type; the images are amd64, like Team RabbitMQ's packages`,
        fix: 'pick an x86_64 instance type, e.g. t3.medium',
      },
    ]);
  }
  const plan = rabbitPackagePlan(t);
  const bootDir = `${REMOTE_DIR}/${IMAGE_DIR.bootScripts}`;
  const debsDir = `${REMOTE_DIR}/${IMAGE_DIR.debs}`;
  const tags = imageTags(t, role);

  const installSteps = packageSteps(t, role, { debsDir });
  const finishing = provisioningSteps(role, { bootScriptsDir: bootDir, plugins: t.rabbitmq.plugins });
  const steps = [...installSteps, ...finishing];
  const helpers = [...new Set(steps.flatMap((s) => s.helpers))];

  const uploads: Provisioner[] = [
    {
      shell: {
        '//': 'directories for the uploads below',
        inline: [`mkdir -p ${bootDir} ${debsDir} ${REMOTE_SCRIPTS_DIR}`],
      },
    },
    {
      file: {
        '//': 'the boot scripts (cloudinit/scripts)',
        source: hcl.pathRoot(`${IMAGE_DIR.bootScripts}/`),
        destination: bootDir,
      },
    },
    ...helpers.map((helper) => {
      const users = steps.filter((s) => s.helpers.includes(helper)).map((s) => s.name);
      const file = {
        '//': `sourced by ${users.join(', ')} (images/scripts)`,
        source: hcl.pathRoot(`${IMAGE_DIR.scripts}/${helper}`),
        destination: `${REMOTE_SCRIPTS_DIR}/${helper}`,
      };
      return { file };
    }),
  ];
  if (plan.source === 'pinned-debs') {
    uploads.push({
      file: {
        '//': 'the pinned .deb files (image.debs)',
        source: hcl.pathRoot(`${IMAGE_DIR.debs}/`),
        destination: debsDir,
      },
    });
  }
  const packages = installSteps.map((s) => shellStep(s));
  const [postInstall, installBoot, wipe] = finishing;
  if (!postInstall || !installBoot || !wipe)
    throw new Error('provisioning steps changed; update the template');
  // wipe-identity runs after the uploads are removed: no helper of its could be found then.
  if (wipe.helpers.length > 0)
    throw new Error(`${wipe.script} sources helpers; it runs after the uploads are gone`);

  const build: PackerBuild = {
    '//': `The ${role} image of ${t.name}: packages, then the steps the lab image runs too (images/provisioning-steps.ts).`,
    name: role,
    sources: [hcl.sourceRef(SOURCE_TYPE, SOURCE_NAME)],
    provisioner: [
      ...uploads,
      ...packages,
      shellStep(postInstall, { WARREN_ROOT: '/' }),
      shellStep(installBoot, { WARREN_ROOT: '/' }),
      { shell: { '//': 'the uploads are no part of the image', inline: [`sudo rm -rf ${REMOTE_DIR}`] } },
      shellStep(wipe, { WARREN_ROOT: '/', WARREN_IMAGE_BUILD: '1' }),
    ],
    'post-processor': [
      {
        manifest: {
          output: hcl.pathRoot(PACKER_MANIFEST_FILE),
          strip_path: true,
          custom_data: { env: t.name, role, rabbitmq: t.image.rabbitmq, ubuntu: t.image.ubuntu },
        },
      },
    ],
  };

  return {
    '//': generatedBy(t),
    variable: {
      region: {
        type: 'string',
        default: t.region,
        description: 'AWS region to build in (the environment region)',
      },
      instance_type: {
        type: 'string',
        default: instanceType,
        description: `instance type of the build (the ${role} hosts' type)`,
      },
      subnet_id: {
        type: 'string',
        default: '',
        description:
          "subnet for the build instance; empty: the region's default VPC (it must reach the package mirrors)",
      },
    },
    locals: {
      timestamp: '${formatdate("YYYYMMDD-hhmmss", timestamp())}',
      // timestamp() is the bake's start, in RFC 3339, which is what deprecate_at takes.
      deprecate_at: `\${timeadd(timestamp(), "${t.image.deprecateAfterDays * 24}h")}`,
    },
    source: {
      [SOURCE_TYPE]: {
        [SOURCE_NAME]: {
          '//': `Canonical's Ubuntu ${t.image.ubuntu} (${profile.codename}) AMI, newest matching`,
          region: hcl.variable('region'),
          instance_type: hcl.variable('instance_type'),
          subnet_id: hcl.variable('subnet_id'),
          source_ami_filter: {
            owners: [CANONICAL_OWNER_ID],
            most_recent: true,
            // AWS hides public AMIs older than two years from DescribeImages unless asked.
            include_deprecated: true,
            filters: {
              name: profile.amiNameFilter,
              'virtualization-type': 'hvm',
              'root-device-type': 'ebs',
              architecture: 'x86_64',
            },
          },
          ssh_username: 'ubuntu',
          // Packer's temporary security group opens SSH to this machine's public address only
          // (found through checkip.amazonaws.com), not to 0.0.0.0/0. See docs/images.md for why not
          // Session Manager.
          temporary_security_group_source_public_ip: true,
          // An SCP that requires IMDSv2 denies a launch without it.
          metadata_options: {
            http_endpoint: 'enabled',
            http_tokens: 'required',
            http_put_response_hop_limit: 1,
          },
          imds_support: 'v2.0',
          encrypt_boot: true,
          ...(t.image.kmsKeyId !== undefined ? { kms_key_id: t.image.kmsKeyId } : {}),
          deprecate_at: hcl.local('deprecate_at'),
          ...(t.image.copyToRegions.length > 0
            ? {
                ami_regions: [...t.image.copyToRegions],
                // A KMS key belongs to one region: copies use each region's default EBS key.
                ...(t.image.kmsKeyId !== undefined
                  ? { region_kms_key_ids: Object.fromEntries(t.image.copyToRegions.map((r) => [r, ''])) }
                  : {}),
              }
            : {}),
          ami_name: `warren-${t.name}-${role}-rabbitmq-${t.image.rabbitmq}-${hcl.local('timestamp')}`,
          ami_description: `warren ${role} image of ${t.name}: Ubuntu ${t.image.ubuntu}, RabbitMQ ${t.image.rabbitmq}, Erlang ${t.image.erlang}`,
          tags,
          snapshot_tags: tags,
          run_tags: { Name: `warren-bake-${t.name}-${role}`, 'warren:env': t.name, 'warren:role': role },
        },
      },
    },
    build,
  };
}

/** plugins.pkr.json: what `packer init` installs. Packer 1.6 rejects this block, hence its own file. */
export function renderPluginsFile(t: Topology): PackerPluginsFile {
  return {
    '//': generatedBy(t),
    packer: {
      required_version: `>= ${MIN_PACKER_VERSION}`,
      required_plugins: { amazon: { version: AMAZON_PLUGIN_VERSION, source: 'github.com/hashicorp/amazon' } },
    },
  };
}

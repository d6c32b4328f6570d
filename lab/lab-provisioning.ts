/**
 * How the lab image is finished after debootstrap: exactly the provisioning steps the Packer
 * template runs (images/ `provisioningSteps(role)`: post-install, boot-script install, identity
 * wipe), run from this machine against the image directory (WARREN_ROOT). Both roles' steps run, in
 * order, so one image serves RabbitMQ nodes, HAProxy hosts and the NLB stand-in; what runs on a
 * host is decided at boot by its user-data, as on EC2.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BOOT_SCRIPTS_DIR, IMAGE_ROLES, provisioningSteps } from '../images';
import { applyProvisioningSteps } from './run-provisioning-steps';
import { PROJECT_ROOT } from '../workspace';

/** One input of the image (a file or a setting), by name and content. */
export interface ImageInput {
  readonly name: string;
  readonly content: string;
}

export interface LabProvisioning {
  /** What the steps consist of (scripts, their env, the boot scripts): hashed into the image id. */
  readonly inputs: ImageInput[];
  apply(rootfs: string, onProgress: (line: string) => void): Promise<void>;
}

/** Files under a directory of the repository, recursively, sorted (for hashing). */
export function repoFiles(dir: string): ImageInput[] {
  const abs = path.join(PROJECT_ROOT, dir);
  if (!existsSync(abs)) return [];
  const out: ImageInput[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile())
        out.push({ name: path.relative(PROJECT_ROOT, p), content: readFileSync(p, 'utf8') });
    }
  };
  walk(abs);
  return out;
}

export function labProvisioning(plugins: readonly string[]): LabProvisioning {
  const inputs: ImageInput[] = [];
  for (const role of IMAGE_ROLES) {
    for (const step of provisioningSteps(role, { plugins })) {
      inputs.push({ name: `${role}:${step.name}:env`, content: JSON.stringify(step.env) });
      inputs.push({ name: path.relative(PROJECT_ROOT, step.path), content: readFileSync(step.path, 'utf8') });
    }
  }
  inputs.push(...repoFiles(path.relative(PROJECT_ROOT, BOOT_SCRIPTS_DIR)));
  return {
    inputs,
    async apply(rootfs, onProgress) {
      for (const role of IMAGE_ROLES) {
        await applyProvisioningSteps(rootfs, role, {
          plugins,
          onProgress: (line) => onProgress(`${role} ${line}`),
        });
      }
    },
  };
}

/**
 * Every file of an environment's images, per role: `<role>/<role>.pkr.json`, `<role>/plugins.pkr.json`,
 * the provisioning scripts, the boot scripts and any pinned .debs. Pure over its inputs: the
 * script and .deb contents come in as `ImageSources` (read by `readImageSources`, the I/O edge).
 */
import { createHash } from 'node:crypto';
import { bootScriptFiles } from '../cloudinit';
import type { Topology } from '../topology';
import { generatedBy } from './generated-by';
import { IMAGE_DIR, renderImageTemplate, renderPluginsFile } from './image-template';
import { imageRolesOf, type ImageRole } from './image-role';
import { renderTemplateJson } from './packer-template';
import { rabbitPackagePlan } from './package-pins';
import { packageSteps, provisioningSteps } from './provisioning-steps';

export interface SourceFile<C extends string | Uint8Array = string> {
  readonly name: string;
  readonly content: C;
}

export interface ImageSources {
  /** images/scripts/*.sh */
  readonly scripts: readonly SourceFile[];
  /** cloudinit/scripts: warren-* scripts and units; those the install map lists are copied as they are. */
  readonly bootScripts: readonly SourceFile<string | Uint8Array>[];
  /** image.debs, for the pinned-debs package source. */
  readonly debs: readonly SourceFile<Uint8Array>[];
}

export interface ImageFile {
  /** Relative to images/out/<env>/, e.g. `rabbitmq/rabbitmq.pkr.json`. */
  readonly path: string;
  readonly content: string | Uint8Array;
  readonly mode: number;
}

/** A copied script says where it came from on its second line (the first is the shebang). */
function markScript(t: Topology, s: SourceFile): string {
  const marker = `# ${generatedBy(t)} (copy of images/scripts/${s.name})`;
  const [first, ...rest] = s.content.split('\n');
  return first?.startsWith('#!') ? [first, marker, ...rest].join('\n') : [marker, s.content].join('\n');
}

function sha256(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/** The boot files the install map lists (and only those), with the map's modes; a listed file missing is a bug. */
function bootFiles(sources: ImageSources): ImageFile[] {
  return bootScriptFiles().map((b) => {
    const name = b.source.split('/').pop() ?? b.source;
    const file = sources.bootScripts.find((s) => s.name === name);
    if (!file) throw new Error(`the install map lists ${name}, but cloudinit/scripts has no such file`);
    return { path: `${IMAGE_DIR.bootScripts}/${name}`, content: file.content, mode: parseInt(b.mode, 8) };
  });
}

export function renderRoleFiles(t: Topology, role: ImageRole, sources: ImageSources): ImageFile[] {
  const at = (p: string) => `${role}/${p}`;
  const used = new Set(
    [...packageSteps(t, role), ...provisioningSteps(role)].flatMap((s) => [s.script, ...s.helpers]),
  );
  const missing = [...used].filter((name) => !sources.scripts.some((s) => s.name === name));
  if (missing.length > 0)
    throw new Error(`provisioning scripts missing from images/scripts: ${missing.join(', ')}`);
  const files: ImageFile[] = [
    {
      path: at(IMAGE_DIR.template(role)),
      content: renderTemplateJson(renderImageTemplate(t, role)),
      mode: 0o644,
    },
    { path: at(IMAGE_DIR.plugins), content: renderTemplateJson(renderPluginsFile(t)), mode: 0o644 },
    ...sources.scripts
      .filter((s) => used.has(s.name))
      .map((s) => ({ path: at(`${IMAGE_DIR.scripts}/${s.name}`), content: markScript(t, s), mode: 0o755 })),
    ...bootFiles(sources).map((f) => ({ ...f, path: at(f.path) })),
  ];
  if (rabbitPackagePlan(t).source === 'pinned-debs') {
    files.push(
      ...sources.debs.map((d) => ({
        path: at(`${IMAGE_DIR.debs}/${d.name}`),
        content: d.content,
        mode: 0o644,
      })),
    );
    const sums = sources.debs.map((d) => `${sha256(d.content)}  ${d.name}\n`).join('');
    files.push({ path: at(`${IMAGE_DIR.debs}/SHA256SUMS`), content: sums, mode: 0o644 });
  }
  return files;
}

/** All roles' files of one environment. */
export function renderImageFiles(t: Topology, sources: ImageSources): ImageFile[] {
  return imageRolesOf(t).flatMap((role) => renderRoleFiles(t, role, sources));
}

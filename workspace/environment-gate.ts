/**
 * The gate's checks beyond the topology rules (topology/rules.ts): the ones that read files or run
 * the pure renderers. `warren validate`, and every command through the selection, runs them, so an
 * environment that passes cannot be refused later by synth, render, bake's templates or the lab.
 *
 * - every file in image.debs exists (relative to the environment file);
 * - every host's user-data renders, on both platforms, and fits EC2's 16 KiB;
 * - every image template renders (the package pins refuse what they cannot pin).
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { PLATFORMS, renderUserData } from '../cloudinit';
import { imageRolesOf, renderImageTemplate } from '../images';
import { USER_DATA_LIMIT_BYTES } from '../stacks';
import { hostsOf, TopologyError, type Topology, type TopologyIssue } from '../topology';

/** image.debs entries that name no file, read from the raw input so they join the rules' issues. */
export function missingDebIssues(input: unknown, environmentFile: string): TopologyIssue[] {
  const debs = (input as { image?: { debs?: unknown } } | null)?.image?.debs;
  if (!Array.isArray(debs)) return [];
  const dir = path.dirname(environmentFile);
  return debs.flatMap((rel, i): TopologyIssue[] => {
    if (typeof rel !== 'string' || rel === '') return [];
    const file = path.resolve(dir, rel);
    if (existsSync(file) && statSync(file).isFile()) return [];
    return [
      {
        path: `image.debs[${i}]`,
        message: `no such file: ${file}`,
        fix: 'give the path of the .deb relative to the environment file',
      },
    ];
  });
}

/** What the renderers would refuse about a topology that passed the rules. */
export function environmentGateIssues(t: Topology): TopologyIssue[] {
  const issues: TopologyIssue[] = [];
  const refused = (render: () => unknown): void => {
    try {
      render();
    } catch (e) {
      if (!(e instanceof TopologyError)) throw e;
      issues.push(
        ...e.issues.filter((i) => !issues.some((o) => o.path === i.path && o.message === i.message)),
      );
    }
  };
  for (const role of imageRolesOf(t)) refused(() => renderImageTemplate(t, role));
  const oversized: { name: string; bytes: number }[] = [];
  for (const host of hostsOf(t)) {
    for (const platform of PLATFORMS) {
      refused(() => {
        const bytes = Buffer.byteLength(renderUserData(t, host.name, platform), 'utf8');
        if (platform === 'aws' && bytes > USER_DATA_LIMIT_BYTES) oversized.push({ name: host.name, bytes });
      });
    }
  }
  const largest = oversized.sort((a, b) => b.bytes - a.bytes)[0];
  if (largest) {
    issues.push({
      path: 'rabbitmq.nodes',
      message: `the user-data of ${oversized.length === 1 ? largest.name : `${oversized.length} hosts`} is above EC2's limit of ${USER_DATA_LIMIT_BYTES} bytes (${largest.name}: ${largest.bytes}); it lists every node of the cluster, ${t.rabbitmq.nodes.length} here`,
      fix: 'use fewer nodes (a few dozen fit), or split the cluster into several environments',
    });
  }
  return issues;
}

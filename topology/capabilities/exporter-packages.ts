/**
 * prometheus-node-exporter as each release's own archive packages it: the series the image pins
 * (the archive replaces a version with each security update, so the pin is the series, as for
 * HAProxy and keepalived), and where the package's textfile collector reads `*.prom` files.
 *
 * Where each version was seen (the search tool, public repositories and package listings; the
 * Debian 12 row on this machine's own mirror):
 * - 16.04 xenial: 0.11.0+ds-1 (universe). Not seen in any listing here: from the xenial archive
 *   as remembered, unverified; 0.11 still takes single-dash flags (`-collector.textfile.directory`).
 * - 18.04 bionic: 0.15.2+ds-1 (universe), unverified; not a warren release (no row).
 * - 20.04 focal: 0.18.1+ds-2, listed beside focal's prometheus 2.15.2+ds-2 in a packaging repository.
 * - 22.04 jammy: 1.3.1-1ubuntu0.22.04.2 and .3 (jammy-updates/universe) in `dpkg -l` listings.
 * - 24.04 noble: 1.7.0-1ubuntu0.3 (noble-updates/universe) in several `dpkg -l` listings.
 * - Debian 12 bookworm: 1.5.0-1+b6 (`apt-cache policy` against deb.debian.org here).
 * - Debian 13 trixie: 1.9.0-1+b4 (named in a public playbook's apt error), unverified here.
 * - 26.04 resolute: 1.9 as in Debian 13 (trixie), from which resolute's universe is synced;
 *   unverified (no listing seen here).
 */
import type { UbuntuRelease } from './os-releases';

export interface NodeExporterPackage {
  /** apt version pattern the image pins and holds (release archive, epoch-less). */
  readonly version: string;
}

/**
 * Keyed by release id (a string, so a release row in os-releases.ts can land before or after its
 * row here); nodeExporterPackage() refuses a release with no row.
 */
export const NODE_EXPORTER_PACKAGES: Readonly<Record<string, NodeExporterPackage>> = {
  '16.04': { version: '0.11.*' },
  '20.04': { version: '0.18.*' },
  '22.04': { version: '1.3.*' },
  '24.04': { version: '1.7.*' },
  // Not seen in any listing here: Debian 13's 1.9.0-1+b4 (named in a public playbook) is what
  // resolute is expected to carry; the deb13 work confirms or corrects it.
  '26.04': { version: '1.9.*' },
  'debian-12': { version: '1.5.*' },
  'debian-13': { version: '1.9.*' },
};

/** The release's node-exporter package; throws (a bug in this table, not a user error) when it has no row. */
export function nodeExporterPackage(os: UbuntuRelease | 'debian-12'): NodeExporterPackage {
  const row = NODE_EXPORTER_PACKAGES[os];
  if (!row)
    throw new Error(
      `topology/capabilities/exporter-packages.ts has no prometheus-node-exporter row for ${os}`,
    );
  return row;
}

/**
 * The textfile collector's directory: the Debian and Ubuntu packages build it in as the default of
 * `--collector.textfile.directory` and ship `ARGS=""` in /etc/default/prometheus-node-exporter
 * (bookworm's 1.5.0 `--help` says so), so warren sets no flag and writes its `*.prom` files here.
 */
export const NODE_EXPORTER_TEXTFILE_DIR = '/var/lib/prometheus/node-exporter';

/** The package's systemd unit (it enables itself on install; nothing at boot has to start it). */
export const NODE_EXPORTER_UNIT = 'prometheus-node-exporter.service';

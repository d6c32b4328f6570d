/**
 * Exact package versions of the bake, per package source (see topology/capabilities/ for which
 * source serves which release and RabbitMQ version). The provisioning scripts install exactly
 * these, verify what dpkg installed, and `apt-mark hold` it, so an image never drifts.
 *
 * - Ubuntu's archive for 16.04: the capability table's exact versions (xenial's archive is frozen).
 * - Team RabbitMQ's repositories keep every release: `rabbitmq-server=<version>-1` and one exact
 *   Erlang build per Erlang series below.
 * - Debian 12's archive (the lab image): what bookworm ships.
 * - HAProxy and keepalived come from the OS release's own archive, which replaces a version when it
 *   publishes a security update; an exact pin would stop working then. They are pinned to the
 *   release's series (`2.4.*`, the versions in OS_PROFILES), held, and the exact versions installed
 *   are recorded in the image (/etc/warren/image-packages).
 */
import {
  OS_PROFILES,
  packageRowFor,
  type OsRelease,
  TopologyError,
  type PackageSource,
  type Topology,
} from '../topology';

/** Team RabbitMQ's signing key (keys.openpgp.org); the script refuses a key with another fingerprint. */
export const TEAM_RABBITMQ_KEY = {
  fingerprint: '0A9AF2115F4687BD29803A206B73A36E6026DFCA',
  url: 'https://keys.openpgp.org/vks/v1/by-fingerprint/0A9AF2115F4687BD29803A206B73A36E6026DFCA',
} as const;

/** Team RabbitMQ's apt mirrors (ppa1/ppa2 were retired in 2025); `<repo>/ubuntu/<codename>`. */
export const TEAM_RABBITMQ_MIRRORS = ['https://deb1.rabbitmq.com', 'https://deb2.rabbitmq.com'] as const;

/** Erlang series (image.erlang) → the exact apt version from Team RabbitMQ's Erlang repository. */
export const TEAM_RABBITMQ_ERLANG: Readonly<Record<string, string>> = {
  '25.3': '1:25.3.2.21-1',
  '26.2': '1:26.2.5.13-1',
  '27.3': '1:27.3.4.2-1',
};

/** Debian 12 (bookworm) as the lab image installs it (the capability table's row). */
export const DEBIAN_12_PACKAGES = packageRowFor('debian-12', '3.10.8')?.packages as {
  readonly rabbitmq: string;
  readonly erlang: string;
};

/** How RabbitMQ and Erlang get onto one image. */
export interface RabbitPackagePlan {
  readonly source: PackageSource;
  /** The release's codename (xenial, jammy, bookworm). */
  readonly codename: string;
  /** Exact apt versions; absent for pinned .debs, whose files are the pin. */
  readonly rabbitmqVersion?: string;
  readonly erlangVersion?: string;
  /** image.debs as written in the environment (paths relative to the environment file). */
  readonly debs: readonly string[];
}

/** apt version patterns of the front-door packages on one release. */
export interface FrontDoorPackagePlan {
  readonly haproxy: string;
  readonly keepalived: string;
}

export function rabbitPackagePlan(t: Topology): RabbitPackagePlan {
  const os = t.image.ubuntu;
  const row = packageRowFor(os, t.image.rabbitmq);
  const refuse = (path: string, message: string, fix: string): never => {
    throw new TopologyError(`environments/${t.name}.ts`, [{ path, message, fix }]);
  };
  if (!row) {
    return refuse(
      'image.rabbitmq',
      `no package source provides RabbitMQ ${t.image.rabbitmq} on Ubuntu ${os}`,
      'run warren validate for the supported combinations',
    );
  }
  const codename = row.repositoryCodename ?? OS_PROFILES[os].codename;
  switch (row.source) {
    case 'ubuntu-archive':
    case 'debian-archive': {
      const packages = row.packages;
      if (!packages)
        return refuse(
          'image.rabbitmq',
          `no exact package versions known for ${row.note}`,
          'pick a version from the capability table',
        );
      return {
        source: row.source,
        codename,
        rabbitmqVersion: packages.rabbitmq,
        erlangVersion: packages.erlang,
        debs: [],
      };
    }
    case 'team-rabbitmq':
      return {
        source: row.source,
        codename,
        rabbitmqVersion: `${t.image.rabbitmq}-1`,
        erlangVersion: teamRabbitErlang(t.image.erlang, refuse),
        debs: [],
      };
    case 'pinned-debs':
      if (t.image.debs.length === 0) {
        return refuse(
          'image.debs',
          `RabbitMQ ${t.image.rabbitmq} on Ubuntu ${os} comes only from .deb files you supply`,
          'list the rabbitmq-server and Erlang .deb files in image.debs (paths relative to the environment file)',
        );
      }
      return { source: row.source, codename, debs: t.image.debs };
  }
}

/** `26.2` → the pinned build; an exact `26.2.5.13` → `1:26.2.5.13-1` (Team RabbitMQ's naming). */
function teamRabbitErlang(
  erlang: string,
  refuse: (path: string, message: string, fix: string) => never,
): string {
  const pinned = TEAM_RABBITMQ_ERLANG[erlang];
  if (pinned) return pinned;
  if (/^\d+\.\d+\.\d+(\.\d+)*$/.test(erlang)) return `1:${erlang}-1`;
  return refuse(
    'image.erlang',
    `no pinned Erlang build for '${erlang}' from Team RabbitMQ's repository`,
    `give an exact Erlang version (e.g. 26.2.5.13) or one of the series ${Object.keys(TEAM_RABBITMQ_ERLANG).join(', ')}`,
  );
}

export function frontDoorPackagePlan(os: OsRelease): FrontDoorPackagePlan {
  const profile = OS_PROFILES[os];
  // keepalived carries epoch 1 on Debian and Ubuntu alike; haproxy has none.
  return { haproxy: `${profile.haproxy}.*`, keepalived: `1:${profile.keepalived}.*` };
}

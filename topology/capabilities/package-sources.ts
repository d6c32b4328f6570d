/**
 * Where RabbitMQ and Erlang come from on each release: one row per supported way, as data.
 */
import { inRange, parseVersion } from '../versions';
import type { LabRelease, OsRelease, UbuntuRelease } from './os-releases';

/** Where the RabbitMQ and Erlang packages of an image come from. */
export type PackageSource =
  /** Ubuntu's own archive (16.04 ships RabbitMQ 3.5.7 on Erlang 18, 26.04 ships 4.0.5 on Erlang 27). */
  | 'ubuntu-archive'
  /** .deb files the user supplies and pins (image.debs); the old third-party xenial repos are gone. */
  | 'pinned-debs'
  /** Team RabbitMQ's apt repositories for RabbitMQ and Erlang (20.04 and later). */
  | 'team-rabbitmq'
  /** Debian's archive: only the lab images (Debian 12 and 13), never an AMI. */
  | 'debian-archive';

/**
 * One row per supported way of getting RabbitMQ onto a release. `rabbitmq` is an exact version or,
 * with `rabbitmqSince`/`rabbitmqUntil`, a range; the versions pinned in the bake are `packages`.
 */
export interface PackageRow {
  readonly os: OsRelease;
  readonly source: PackageSource;
  readonly rabbitmqSince: string;
  readonly rabbitmqUntil?: string;
  /** Erlang major that goes with it; the user may override with image.erlang where the source allows. */
  readonly erlang: string;
  /** Exact apt versions for the archive sources; for repository sources a template filled per version. */
  readonly packages?: { readonly rabbitmq: string; readonly erlang: string };
  /**
   * Team RabbitMQ's repository codename when it is not the release's own: their install guide
   * points Ubuntu 26.04 at the noble repositories (rabbitmq-website docs/install-debian.md).
   */
  readonly repositoryCodename?: string;
  readonly note: string;
}

export const PACKAGE_ROWS: readonly PackageRow[] = [
  {
    os: '16.04',
    source: 'ubuntu-archive',
    rabbitmqSince: '3.5.7',
    rabbitmqUntil: '3.5.8',
    erlang: '18.3',
    packages: { rabbitmq: '3.5.7-1ubuntu0.16.04.2', erlang: '1:18.3-dfsg-1ubuntu3.1' },
    note: "Ubuntu 16.04's own archive",
  },
  {
    os: '16.04',
    source: 'pinned-debs',
    rabbitmqSince: '3.6.0',
    rabbitmqUntil: '3.9.0',
    erlang: 'from image.debs',
    note: 'pinned .deb files you supply in image.debs (the old xenial repositories are gone)',
  },
  {
    os: '20.04',
    source: 'team-rabbitmq',
    rabbitmqSince: '3.13.0',
    rabbitmqUntil: '4.2.0',
    erlang: '26.2',
    note: "Team RabbitMQ's apt repositories",
  },
  {
    os: '22.04',
    source: 'team-rabbitmq',
    rabbitmqSince: '3.13.0',
    rabbitmqUntil: '4.3.0',
    erlang: '26.2',
    note: "Team RabbitMQ's apt repositories",
  },
  {
    os: '24.04',
    source: 'team-rabbitmq',
    rabbitmqSince: '3.13.0',
    rabbitmqUntil: '4.3.0',
    erlang: '26.2',
    note: "Team RabbitMQ's apt repositories",
  },
  {
    os: '26.04',
    source: 'ubuntu-archive',
    rabbitmqSince: '4.0.5',
    rabbitmqUntil: '4.0.6',
    erlang: '27.3',
    // The archive replaces a version with each security update, so the pin is the upstream
    // release and Erlang series (apt globs), held once installed, as for HAProxy and keepalived.
    packages: { rabbitmq: '4.0.5-*', erlang: '1:27.3*' },
    note: "Ubuntu 26.04's own archive",
  },
  {
    // Team RabbitMQ lists 26.04 as supported and serves it from its noble repositories; 4.1 and
    // later only (4.0.x on 26.04 is the archive's 4.0.5 above).
    os: '26.04',
    source: 'team-rabbitmq',
    rabbitmqSince: '4.1.0',
    rabbitmqUntil: '4.3.0',
    erlang: '27.3',
    repositoryCodename: 'noble',
    note: "Team RabbitMQ's apt repositories (their noble packages, as their guide says for 26.04)",
  },
  {
    os: 'debian-12',
    source: 'debian-archive',
    rabbitmqSince: '3.10.8',
    rabbitmqUntil: '3.10.9',
    erlang: '25.2',
    packages: { rabbitmq: '3.10.8-1.1+deb12u1', erlang: '1:25.2.3+dfsg-1+deb12u4' },
    note: "Debian 12's archive (lab image only)",
  },
  {
    os: 'debian-13',
    source: 'debian-archive',
    rabbitmqSince: '4.0.5',
    rabbitmqUntil: '4.0.6',
    erlang: '27.3',
    packages: { rabbitmq: '4.0.5-6+deb13u2', erlang: '1:27.3.4.1+dfsg-1+deb13u4' },
    note: "Debian 13's archive (lab image only)",
  },
];

/** One lab image: the Debian release, its suite and the RabbitMQ and Erlang it runs. */
export interface LabImageRow {
  readonly os: LabRelease;
  readonly suite: string;
  readonly rabbitmq: string;
  readonly erlang: string;
  /** The environments' RabbitMQ versions it stands in for: `[rabbitmqSince, rabbitmqUntil)`. */
  readonly rabbitmqSince: string;
  readonly rabbitmqUntil?: string;
}

/**
 * Which lab image runs an environment, by its RabbitMQ line: Debian 12's 3.10.8 for 3.x, Debian
 * 13's 4.0.5 for 4.x. 3.x and 4.x never share a cluster nor a config dialect (no mirroring in 4.x,
 * keys made fatal), so each line is proven on a broker of its own major.
 */
export const LAB_IMAGES: readonly LabImageRow[] = [
  {
    os: 'debian-12',
    suite: 'bookworm',
    rabbitmq: '3.10.8',
    erlang: '25.2',
    rabbitmqSince: '3.0.0',
    rabbitmqUntil: '4.0.0',
  },
  { os: 'debian-13', suite: 'trixie', rabbitmq: '4.0.5', erlang: '27.3', rabbitmqSince: '4.0.0' },
];

/** The lab image an environment on RabbitMQ `rabbitmq` runs on (the 3.x one below 3.0). */
export function labImageFor(rabbitmq: string): LabImageRow {
  const parsed = parseVersion(rabbitmq);
  const row = parsed && LAB_IMAGES.find((r) => inRange(parsed, r.rabbitmqSince, r.rabbitmqUntil));
  return row ?? (LAB_IMAGES[0] as LabImageRow);
}

/** The RabbitMQ of the 3.x lab image (Debian 12's package); labImageFor says which one runs an environment. */
export const LAB_RABBITMQ_VERSION = (LAB_IMAGES[0] as LabImageRow).rabbitmq;

/** Finds the package row that provides `rabbitmq` on `os`, or undefined when nothing does. */
export function packageRowFor(os: OsRelease, rabbitmq: string): PackageRow | undefined {
  const parsed = parseVersion(rabbitmq);
  if (!parsed) return undefined;
  return PACKAGE_ROWS.find((row) => row.os === os && inRange(parsed, row.rabbitmqSince, row.rabbitmqUntil));
}

/** Human-readable list of what a release supports, for error messages. */
export function describeSupport(os: UbuntuRelease): string {
  return PACKAGE_ROWS.filter((row) => row.os === os)
    .map(
      (row) =>
        `${row.rabbitmqSince}${row.rabbitmqUntil ? ` up to (not incl.) ${row.rabbitmqUntil}` : '+'} via ${row.note}`,
    )
    .join('; ');
}

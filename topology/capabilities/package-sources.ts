/**
 * Where RabbitMQ and Erlang come from on each release: one row per supported way, as data.
 */
import { inRange, parseVersion } from '../versions';
import type { UbuntuRelease } from './os-releases';

/** Where the RabbitMQ and Erlang packages of an image come from. */
export type PackageSource =
  /** Ubuntu's own archive (16.04 ships RabbitMQ 3.5.7 on Erlang 18). */
  | 'ubuntu-archive'
  /** .deb files the user supplies and pins (image.debs); the old third-party xenial repos are gone. */
  | 'pinned-debs'
  /** Team RabbitMQ's apt repositories for RabbitMQ and Erlang (20.04 and later). */
  | 'team-rabbitmq'
  /** Debian's archive: only the lab image (Debian 12), never an AMI. */
  | 'debian-archive';

/**
 * One row per supported way of getting RabbitMQ onto a release. `rabbitmq` is an exact version or,
 * with `rabbitmqSince`/`rabbitmqUntil`, a range; the versions pinned in the bake are `packages`.
 */
export interface PackageRow {
  readonly os: UbuntuRelease | 'debian-12';
  readonly source: PackageSource;
  readonly rabbitmqSince: string;
  readonly rabbitmqUntil?: string;
  /** Erlang major that goes with it; the user may override with image.erlang where the source allows. */
  readonly erlang: string;
  /** Exact apt versions for the archive sources; for repository sources a template filled per version. */
  readonly packages?: { readonly rabbitmq: string; readonly erlang: string };
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
    rabbitmqUntil: '4.2.0',
    erlang: '26.2',
    note: "Team RabbitMQ's apt repositories",
  },
  {
    os: '24.04',
    source: 'team-rabbitmq',
    rabbitmqSince: '3.13.0',
    rabbitmqUntil: '4.2.0',
    erlang: '26.2',
    note: "Team RabbitMQ's apt repositories",
  },
  {
    os: 'debian-12',
    source: 'debian-archive',
    rabbitmqSince: '3.10.8',
    rabbitmqUntil: '3.10.9',
    erlang: '25.2',
    note: "Debian 12's archive (lab image only)",
  },
];

/** The RabbitMQ that the lab image actually runs (Debian 12's package). */
export const LAB_RABBITMQ_VERSION = '3.10.8';

/** Finds the package row that provides `rabbitmq` on `os`, or undefined when nothing does. */
export function packageRowFor(os: UbuntuRelease | 'debian-12', rabbitmq: string): PackageRow | undefined {
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

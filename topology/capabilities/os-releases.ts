/**
 * The operating system releases warren builds images for, and what each ships that warren depends
 * on (HAProxy, keepalived, Canonical's AMI name).
 */

export const UBUNTU_RELEASES = ['16.04', '20.04', '22.04', '24.04', '26.04'] as const;
export type UbuntuRelease = (typeof UBUNTU_RELEASES)[number];

/** The lab images' releases (never an AMI): Debian 12 for 3.x environments, Debian 13 for 4.x. */
export const LAB_RELEASES = ['debian-12', 'debian-13'] as const;
export type LabRelease = (typeof LAB_RELEASES)[number];

/** Every release the tables describe: the AMIs' Ubuntu and the lab images' Debian. */
export type OsRelease = UbuntuRelease | LabRelease;

/** What an operating system release ships that warren depends on. */
export interface OsProfile {
  readonly id: string;
  readonly distribution: 'ubuntu' | 'debian';
  readonly codename: string;
  /** HAProxy and keepalived as packaged by the release (major.minor). */
  readonly haproxy: string;
  readonly keepalived: string;
  /** The Ubuntu AMI name filter for Canonical's images (owner 099720109477). */
  readonly amiNameFilter?: string;
}

export const OS_PROFILES: Readonly<Record<OsRelease, OsProfile>> = {
  '16.04': {
    id: '16.04',
    distribution: 'ubuntu',
    codename: 'xenial',
    haproxy: '1.6',
    keepalived: '1.2',
    amiNameFilter: 'ubuntu/images/hvm-ssd/ubuntu-xenial-16.04-amd64-server-*',
  },
  '20.04': {
    id: '20.04',
    distribution: 'ubuntu',
    codename: 'focal',
    haproxy: '2.0',
    keepalived: '2.0',
    amiNameFilter: 'ubuntu/images/hvm-ssd/ubuntu-focal-20.04-amd64-server-*',
  },
  '22.04': {
    id: '22.04',
    distribution: 'ubuntu',
    codename: 'jammy',
    haproxy: '2.4',
    keepalived: '2.2',
    amiNameFilter: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*',
  },
  '24.04': {
    id: '24.04',
    distribution: 'ubuntu',
    codename: 'noble',
    haproxy: '2.8',
    keepalived: '2.2',
    amiNameFilter: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*',
  },
  '26.04': {
    id: '26.04',
    distribution: 'ubuntu',
    codename: 'resolute',
    haproxy: '3.2',
    keepalived: '2.3',
    // Canonical publishes gp3-backed images since 24.04 under the hvm-ssd-gp3 prefix.
    amiNameFilter: 'ubuntu/images/hvm-ssd-gp3/ubuntu-resolute-26.04-amd64-server-*',
  },
  /** The lab image: Debian 12 with Debian's RabbitMQ 3.10, HAProxy 2.6 and keepalived 2.2. */
  'debian-12': {
    id: 'debian-12',
    distribution: 'debian',
    codename: 'bookworm',
    haproxy: '2.6',
    keepalived: '2.2',
  },
  /** The 4.x lab image: Debian 13 with Debian's RabbitMQ 4.0.5, HAProxy 3.0 and keepalived 2.3. */
  'debian-13': {
    id: 'debian-13',
    distribution: 'debian',
    codename: 'trixie',
    haproxy: '3.0',
    keepalived: '2.3',
  },
};

/**
 * HAProxy and keepalived as each release packages them, with the patch level where the dialect
 * depends on it (keepalived's unicast VRRP arrived in 1.2.8; xenial ships 1.2.24). OS_PROFILES keeps
 * major.minor because the image pins match on it.
 */
export const FRONT_DOOR_PACKAGES: Readonly<
  Record<OsRelease, { readonly haproxy: string; readonly keepalived: string }>
> = {
  '16.04': { haproxy: '1.6.3', keepalived: '1.2.24' },
  '20.04': { haproxy: '2.0.13', keepalived: '2.0.19' },
  '22.04': { haproxy: '2.4.24', keepalived: '2.2.4' },
  '24.04': { haproxy: '2.8.5', keepalived: '2.2.8' },
  '26.04': { haproxy: '3.2.4', keepalived: '2.3.4' },
  'debian-12': { haproxy: '2.6.12', keepalived: '2.2.7' },
  'debian-13': { haproxy: '3.0.11', keepalived: '2.3.3' },
};

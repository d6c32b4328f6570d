/** topology/: the typed environment model every other part of warren derives from. */
export * from './capabilities';
export { defineEnvironment } from './define-environment';
export * from './hosts';
export * from './ipv4';
export * from './network-policy';
export * from './ports';
export type {
  Replication,
  ResolvedFrontDoor,
  ResolvedHaproxyHost,
  ResolvedKeepalivedFrontDoor,
  Topology,
} from './resolve';
export type { EnvironmentInput } from './schema';
export * from './secrets';
export * from './topology-issue';
export { validateTopology } from './validate';
export { parseVersion } from './versions';
export { UserError, WarrenError } from './warren-error';

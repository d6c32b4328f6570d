/** topology/: the typed environment model every other part of warren derives from. */
export * from './capabilities';
export { defineEnvironment } from './define-environment';
export { closest } from './did-you-mean';
export * from './hosts';
export * from './instance-types';
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
export { plaintextOn, tlsOn, type TlsMode } from './tls-rules';
export * from './tls-secrets';
export { LAB_HOST_NAMES, NLB_ENV_NAME_MAX } from './rules';
export { validateTopology } from './validate';
export { UserError, WarrenError } from './warren-error';

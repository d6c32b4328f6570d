/**
 * lab/: boots an environment on this machine (systemd-nspawn instances in network namespaces, from a
 * Debian image made by the AMI's provisioning steps, seeded with the stack's user-data) and offers
 * the operations drills and benchmarks build on.
 */
export {
  clientNetns,
  execInHost,
  healHost,
  killHost,
  labDown,
  labStatus,
  labTopology,
  labUp,
  partitionHost,
  replaceHost,
  startHost,
  type DownOptions,
  type LabOptions,
  type ReplaceOptions,
} from './lab';
export { firewallRules } from './firewall-rules';
export { labClusterClient, labRoll, type LabRollOptions, type LabRollResult } from './lab-roll';
export { labVipHolder } from './lab-vip';
export { detachLoopDevice, LAB_VOLUME_MAX_GIB, loopDevicesUnder } from './lab-volume';
export { ensureLabBase, ensureLabImage, imageHash, labImageOf, LAB_IMAGE_PACKAGES } from './lab-image';
export { labPlan, type LabHostPlan, type LabPlan, type LabRole } from './lab-plan';
export { readCredentials, type LabCredentials } from './lab-secrets';
export { LabStateError, type LabHostStatus, type LabStatus } from './lab-state';
export {
  credentialsFile,
  envStateDir,
  LAB_IMAGE_CACHE,
  LAB_STATE_ROOT,
  netnsName,
  volumesDir,
} from './paths';

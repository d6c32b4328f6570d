/** images/: Packer templates generated from the topology, the provisioning steps, and `warren bake`. */
export { AWS_CLI_VERSION, awsCliBundle, type AwsCliBundle } from './aws-cli-bundle';
export { bake, BakeError, runStreaming, type BakeOptions, type BakeResult, type RunOptions } from './bake';
export {
  amisFromPackerManifest,
  BAKE_MANIFEST_FILE,
  bakeManifestPath,
  readBakeManifest,
  withRoleAmis,
  writeBakeManifest,
  type BakeManifest,
} from './bake-manifest';
export {
  BakePreflightError,
  findCredentials,
  gatherPreflightFacts,
  preflightProblems,
  type PreflightFacts,
  type PreflightProblem,
} from './bake-preflight';
export { IMAGE_ROLES, imageRolesOf, isImageRole, unitsOf, type ImageRole } from './image-role';
export {
  CANONICAL_OWNER_ID,
  IMAGE_DIR,
  imageTags,
  MIN_PACKER_VERSION,
  renderImageTemplate,
  renderPluginsFile,
} from './image-template';
export * from './packer-template';
export {
  DEBIAN_12_PACKAGES,
  frontDoorPackagePlan,
  rabbitPackagePlan,
  TEAM_RABBITMQ_ERLANG,
  type RabbitPackagePlan,
} from './package-pins';
export {
  APT_PINS_LIB,
  BOOT_SCRIPTS_DIR,
  packageSteps,
  provisioningSteps,
  SCRIPTS_DIR,
  type ProvisioningOptions,
  type ProvisioningStep,
} from './provisioning-steps';
export { renderImageFiles, type ImageFile, type ImageSources } from './render-image-templates';
export { applyProvisioningSteps, type StepRun } from './run-provisioning-steps';
export {
  IMAGES_OUT_DIR,
  imageOutDir,
  readImageSources,
  renderImageTemplates,
  writeImageTemplates,
} from './write-image-templates';

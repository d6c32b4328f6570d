/** images/: Packer templates generated from the topology, the provisioning steps, and `warren bake`. */
export { AWS_CLI_VERSION, awsCliBundle, type AwsCliBundle } from './aws-cli-bundle';
export { amiLookupTags, imageTags } from './ami-tags';
export {
  AMI_ID_PATTERN,
  amisFromPackerManifest,
  bakeCommandFor,
  bakeManifestProblem,
  pinnedAmi,
  PINNED_IMAGES_SUFFIX,
  withRoleAmis,
  type BakeManifest,
} from './bake-manifest';
export { IMAGE_ROLES, imageRolesOf, isImageRole, unitsOf, type ImageRole } from './image-role';
export {
  AMAZON_PLUGIN_VERSION,
  CANONICAL_OWNER_ID,
  IMAGE_DIR,
  MIN_PACKER_VERSION,
  PACKER_MANIFEST_FILE,
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
  STEP_SCRIPTS_DIR,
  type ProvisioningOptions,
  type ProvisioningStep,
} from './provisioning-steps';
export { renderImageFiles, type ImageFile, type ImageSources } from './render-image-templates';

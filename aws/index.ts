/**
 * aws/: the AWS-facing edges: writing the synthesized stacks and image templates, the bake manifest
 * file, the bake's preflight and Packer run. Imports workspace/ and the pure layers.
 */
export * from './bake';
export * from './bake-manifest-file';
export * from './bake-preflight';
export * from './health-gate-script';
export * from './synth-app';
export * from './write-image-templates';

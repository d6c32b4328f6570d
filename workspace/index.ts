/**
 * workspace/: the edge that reads this checkout and runs things on this machine: environment files
 * and the one selection function, repository paths, the process runner and the poller. Imports the
 * pure layers (topology/, cloudinit/, images/, stacks/) only.
 */
export * from './environment-gate';
export * from './environment-module';
export * from './load-environment';
export * from './paths';
export * from './poll';
export * from './run-process';
export * from './select-environment';

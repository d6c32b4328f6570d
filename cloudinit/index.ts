/**
 * cloudinit/: what each instance is told at first boot. Pure renderers from the topology to the
 * user-data (`#cloud-config`) and to every file it writes; the boot logic itself lives in the
 * `warren-*` scripts in cloudinit/scripts/, which the image installs into /usr/local/sbin.
 */
export { CLOUD_CONFIG_KEYS } from './cloud-config';
export { HAPROXY_CFG_PATH, renderHaproxyCfg } from './haproxy-cfg';
export { renderHostFiles } from './host-files';
export { KEEPALIVED_CONF_PATH, renderKeepalivedConf } from './keepalived-conf';
export { NLB_STAND_IN_NAME, renderNlbStandInFiles, renderNlbStandInUserData } from './nlb-stand-in';
export {
  HAPROXY_ENV_FILE,
  KEEPALIVED_RUNTIME_FILE,
  PLATFORM_FILE,
  INSTANCE_SCRIPTS_DIR,
  SECRETS_DIR,
  STATS_PASSWORD_VAR,
  WARREN_ENV_FILE,
} from './paths';
export {
  LAB_DATA_DEVICE,
  LAB_ROUTER_NETNS,
  LAB_ONLY_PLATFORM_KEYS,
  PLATFORMS,
  renderPlatformEnv,
  type Platform,
  type UserDataOptions,
} from './platform';
export { RABBITMQ_CONFIG_PATHS, renderRabbitConfig } from './rabbitmq-config';
export type { RenderedFile } from './rendered-file';
export {
  BOOT_SCRIPT_NAMES,
  bootScriptFiles,
  bootScriptFor,
  bootScriptsMapEnv,
  SCRIPTS_SOURCE_DIR,
  type BootScript,
} from './scripts';
export { BOOT_SCRIPTS, renderUserData } from './user-data';
export { clusterName, HA_ALL_POLICY, renderWarrenEnv, warrenEnvVars } from './warren-env';

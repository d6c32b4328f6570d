/** Every file one host's user-data writes, in the order cloud-init writes them. */
import { hostNamed, FRONT_DOOR_PACKAGES, type Topology } from '../topology';
import { renderEtcHosts } from './etc-hosts';
import { renderHaproxyCfg, renderHaproxyDropin } from './haproxy-cfg';
import { renderKeepalivedConf } from './keepalived-conf';
import { renderPlatformEnv, type Platform, type UserDataOptions } from './platform';
import { renderRabbitConfig } from './rabbitmq-config';
import { renderEnabledPlugins, renderRabbitEnv, renderRabbitLimits } from './rabbitmq-files';
import type { RenderedFile } from './rendered-file';
import { renderWarrenEnv } from './warren-env';

export function renderHostFiles(
  t: Topology,
  hostName: string,
  platform: Platform,
  opts: UserDataOptions = {},
): RenderedFile[] {
  const host = hostNamed(t, hostName);
  const common = [
    renderEtcHosts(t),
    renderPlatformEnv(t, platform, hostName, opts),
    renderWarrenEnv(t, hostName),
  ];
  if (host.role === 'rabbitmq') {
    return [
      ...common,
      renderRabbitEnv(t, hostName),
      renderRabbitConfig(t),
      renderEnabledPlugins(t),
      renderRabbitLimits(t),
    ];
  }
  const fd = t.frontDoor;
  if (fd.kind !== 'keepalived') throw new Error(`host ${hostName} is a HAProxy host without keepalived`);
  return [
    ...common,
    renderHaproxyCfg(t, {
      haproxyVersion: FRONT_DOOR_PACKAGES[t.image.ubuntu].haproxy,
      stats: true,
      sendProxy: t.rabbitmq.proxyProtocol,
      balance: fd.balance,
      clientAffinity: fd.clientAffinity,
      purpose: `HAProxy on ${hostName}, one of the keepalived pair in front of the RabbitMQ nodes`,
    }),
    renderHaproxyDropin(t),
    renderKeepalivedConf(t, hostName),
  ];
}

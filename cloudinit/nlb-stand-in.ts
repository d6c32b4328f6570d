/**
 * The lab's stand-in for the AWS Network Load Balancer: HAProxy in plain TCP mode forwarding 5672
 * and 15672 to the nodes with health checks, as an NLB does; no keepalived, no stats page, no
 * secrets. With `proxyProtocol` it sends PROXY v2 like an NLB target group with proxy protocol on.
 */
import { hostsOf, FRONT_DOOR_PACKAGES, type Topology } from '../topology';
import { cloudConfigYaml } from './cloud-config';
import { renderHaproxyCfg } from './haproxy-cfg';
import { generatedBy, markerComment } from './marker';
import type { RenderedFile } from './rendered-file';

export const NLB_STAND_IN_NAME = 'nlb';

export function renderNlbStandInFiles(t: Topology, ip: string): RenderedFile[] {
  const hosts = [
    ...hostsOf(t).map((h) => `${h.ip.padEnd(15)} ${h.name}`),
    `${ip.padEnd(15)} ${NLB_STAND_IN_NAME}`,
  ];
  return [
    {
      path: '/etc/hosts',
      owner: 'root:root',
      permissions: '0644',
      content:
        markerComment(t) +
        [
          '127.0.0.1       localhost',
          '::1             localhost ip6-localhost ip6-loopback',
          '',
          ...hosts,
        ].join('\n') +
        '\n',
    },
    renderHaproxyCfg(t, {
      haproxyVersion: FRONT_DOOR_PACKAGES['debian-12'].haproxy,
      stats: false,
      sendProxy: t.rabbitmq.proxyProtocol,
      balance: 'roundrobin',
      // An NLB spreads flows (TCP connections) over the targets; with clientAffinity its AMQP target
      // group sticks to the source address, which `stick on src` plays here.
      clientAffinity: t.frontDoor.clientAffinity,
      purpose: `Lab stand-in for the AWS NLB of ${t.name} (TCP 5672 and 15672 with health checks, like an NLB)`,
    }),
  ];
}

export function renderNlbStandInUserData(t: Topology, ip: string): string {
  return cloudConfigYaml({
    header: [generatedBy(t), `Lab host '${NLB_STAND_IN_NAME}' (${ip}): plays the AWS NLB of ${t.name}.`],
    hostname: NLB_STAND_IN_NAME,
    files: renderNlbStandInFiles(t, ip),
    runcmd: [
      ['systemctl', 'enable', 'haproxy.service'],
      ['systemctl', 'reload-or-restart', 'haproxy.service'],
    ],
  });
}

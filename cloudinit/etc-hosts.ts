/**
 * /etc/hosts from the topology, so node names (`rabbit@rabbit-01`) resolve the same way on every
 * host without DNS. The host's own name maps to its real address, never to 127.0.1.1: Erlang
 * distribution must advertise an address its peers can reach.
 */
import { hostsOf, type Topology } from '../topology';
import { markerComment } from './marker';
import type { RenderedFile } from './rendered-file';

export function renderEtcHosts(t: Topology): RenderedFile {
  const rows = hostsOf(t).map((h) => `${h.ip.padEnd(15)} ${h.name}`);
  return {
    path: '/etc/hosts',
    owner: 'root:root',
    permissions: '0644',
    content:
      markerComment(t) +
      ['127.0.0.1       localhost', '::1             localhost ip6-localhost ip6-loopback', '', ...rows].join(
        '\n',
      ) +
      '\n',
  };
}

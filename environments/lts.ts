// The current LTS: Ubuntu 26.04 with its archive's RabbitMQ 4.0.5 (the lab's Debian 13 runs the same
// upstream release) and quorum queues (4.x has no classic mirroring),
// keepalived front door with an overlay VIP across two AZs (subnets a and b), the PROXY protocol so
// nodes see clients' real addresses, and TLS required: AMQPS 5671, management HTTPS 15671 and metrics
// over TLS 15691 only, no plaintext listener (issue 16).
import { defineEnvironment } from '../topology';

export default defineEnvironment({
  name: 'lts',
  region: 'eu-central-1',
  image: { ubuntu: '26.04', rabbitmq: '4.0.5' },
  network: {
    vpcCidr: '10.44.0.0/16',
    subnets: [
      { name: 'a', az: 'eu-central-1a', cidr: '10.44.1.0/24' },
      { name: 'b', az: 'eu-central-1b', cidr: '10.44.2.0/24' },
      { name: 'c', az: 'eu-central-1c', cidr: '10.44.3.0/24' },
    ],
  },
  rabbitmq: {
    nodes: [
      { name: 'rabbit-01', subnet: 'a', ip: '10.44.1.11' },
      { name: 'rabbit-02', subnet: 'b', ip: '10.44.2.11' },
      { name: 'rabbit-03', subnet: 'c', ip: '10.44.3.11' },
    ],
    replication: 'quorum',
    // Peers declared down after 15-19 s instead of 60-75 s: an AZ outage fails over within the bench's
    // targets, and 5% packet loss (the flaky-network drill) still never looks like a partition.
    netTickTimeSeconds: 15,
    proxyProtocol: true,
    tls: 'required',
  },
  frontDoor: {
    kind: 'keepalived',
    vipMode: 'overlay',
    vip: '192.168.44.230',
    virtualRouterId: 44,
    haproxy: [
      { name: 'haproxy-01', subnet: 'a', ip: '10.44.1.21' },
      { name: 'haproxy-02', subnet: 'b', ip: '10.44.2.22' },
    ],
  },
});

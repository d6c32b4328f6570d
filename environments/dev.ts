// The seed tutorials' layout: Ubuntu 16.04 with RabbitMQ 3.5.7 from its archive, three nodes in
// three subnets with mirrored queues, behind two HAProxy hosts in two AZs (subnets a and b) that share
// the tutorials' VIP through keepalived: an overlay VIP (outside the VPC, routed to the master), so the
// front door survives the loss of one AZ, which a secondary IP (one subnet) could not.
import { defineEnvironment } from '../topology';

export default defineEnvironment({
  name: 'dev',
  region: 'eu-west-1',
  image: { ubuntu: '16.04', rabbitmq: '3.5.7' },
  network: {
    vpcCidr: '10.42.0.0/16',
    subnets: [
      { name: 'a', az: 'eu-west-1a', cidr: '10.42.1.0/24' },
      { name: 'b', az: 'eu-west-1b', cidr: '10.42.2.0/24' },
      { name: 'c', az: 'eu-west-1c', cidr: '10.42.3.0/24' },
    ],
  },
  rabbitmq: {
    nodes: [
      { name: 'rabbit-01', subnet: 'a', ip: '10.42.1.11' },
      { name: 'rabbit-02', subnet: 'b', ip: '10.42.2.11' },
      { name: 'rabbit-03', subnet: 'c', ip: '10.42.3.11' },
    ],
    replication: 'ha-all',
    // Peers declared down after 15-19 s instead of 60-75 s: an AZ outage fails over within the bench's
    // targets, and 5% packet loss (the flaky-network drill) still never looks like a partition.
    netTickTimeSeconds: 15,
    partitionHandling: 'pause_minority',
  },
  frontDoor: {
    kind: 'keepalived',
    vipMode: 'overlay',
    vip: '192.168.1.230',
    virtualRouterId: 33,
    haproxy: [
      { name: 'haproxy-01', subnet: 'a', ip: '10.42.1.21', priority: 200 },
      { name: 'haproxy-02', subnet: 'b', ip: '10.42.2.22', priority: 100 },
    ],
  },
});

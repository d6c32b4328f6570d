// The ELB tutorial's layout: three nodes behind an internal AWS Network Load Balancer, on a
// current LTS with Team RabbitMQ's 3.13 and mirrored queues.
import { defineEnvironment } from '../topology';

export default defineEnvironment({
  name: 'elb',
  region: 'us-east-1',
  image: { ubuntu: '22.04', rabbitmq: '3.13.7' },
  network: {
    vpcCidr: '10.43.0.0/16',
    subnets: [
      { name: 'a', az: 'us-east-1a', cidr: '10.43.1.0/24' },
      { name: 'b', az: 'us-east-1b', cidr: '10.43.2.0/24' },
      { name: 'c', az: 'us-east-1c', cidr: '10.43.3.0/24' },
    ],
  },
  rabbitmq: {
    nodes: [
      { name: 'rabbit-01', subnet: 'a', ip: '10.43.1.11' },
      { name: 'rabbit-02', subnet: 'b', ip: '10.43.2.11' },
      { name: 'rabbit-03', subnet: 'c', ip: '10.43.3.11' },
    ],
    replication: 'ha-all',
    // Peers declared down after 15-19 s instead of 60-75 s: an AZ outage fails over within the bench's
    // targets, and 5% packet loss (the flaky-network drill) still never looks like a partition.
    netTickTimeSeconds: 15,
  },
  frontDoor: { kind: 'nlb', internal: true },
});

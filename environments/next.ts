// The newest RabbitMQ line: Ubuntu 24.04 with Team RabbitMQ's 4.2 (Khepri is the metadata store of
// a new 4.2 cluster) and quorum queues, behind an internal NLB. The lab runs it on Debian 13's
// 4.0.5 with the khepri_db feature flag turned on, the nearest it has to 4.2's defaults.
import { defineEnvironment } from '../topology';

export default defineEnvironment({
  name: 'next',
  region: 'eu-north-1',
  image: { ubuntu: '24.04', rabbitmq: '4.2.1', erlang: '27.3' },
  network: {
    vpcCidr: '10.45.0.0/16',
    subnets: [
      { name: 'a', az: 'eu-north-1a', cidr: '10.45.1.0/24' },
      { name: 'b', az: 'eu-north-1b', cidr: '10.45.2.0/24' },
      { name: 'c', az: 'eu-north-1c', cidr: '10.45.3.0/24' },
    ],
  },
  rabbitmq: {
    nodes: [
      { name: 'rabbit-01', subnet: 'a', ip: '10.45.1.11' },
      { name: 'rabbit-02', subnet: 'b', ip: '10.45.2.11' },
      { name: 'rabbit-03', subnet: 'c', ip: '10.45.3.11' },
    ],
    replication: 'quorum',
    // Peers declared down after 15-19 s instead of 60-75 s: an AZ outage fails over within the bench's
    // targets, and 5% packet loss (the flaky-network drill) still never looks like a partition.
    netTickTimeSeconds: 15,
  },
  frontDoor: { kind: 'nlb', internal: true },
});

// What RabbitMQ 4.x changes for the rendered files: keys 4.0 made fatal (the node refuses to boot)
// or removed are never rendered, nothing asks for mirroring, and 4.x nodes start together. The lab
// boots these very files on Debian 13's 4.0.5 (test/lab/lab-lts.test.ts).
import { describe, expect, it } from 'vitest';
import { renderRabbitConfig, warrenEnvVars } from '../../cloudinit';
import { rabbitCliDialect } from '../../topology';
import { loadEnvironment } from '../../workspace';

// classic_queue.default_version = 1 and the randomized startup delay stop a 4.0 node from booting;
// queue_master_locator is deprecated for queue_leader_locator; ha-* keys have no effect on 4.x.
const FATAL_OR_REMOVED =
  /classic_queue\.default_version|randomized_startup_delay|queue_master_locator|ha-mode/;

describe('RabbitMQ 4.x rendering', () => {
  for (const env of ['lts', 'next']) {
    const t = loadEnvironment(env).topology;
    it(`${env} (${t.image.rabbitmq}): rabbitmq.conf has no key 4.x refuses or ignores`, () => {
      const conf = renderRabbitConfig(t);
      expect(conf.path).toBe('/etc/rabbitmq/rabbitmq.conf');
      expect(conf.content).not.toMatch(FATAL_OR_REMOVED);
      expect(conf.content).toMatch(/^cluster_formation\.peer_discovery_backend = classic_config$/m);
    });

    it(`${env}: quorum replication, and every blank node starts at once`, () => {
      const vars = warrenEnvVars(t, t.rabbitmq.nodes[0]!.name);
      expect(vars.WARREN_REPLICATION).toBe('quorum');
      expect(vars.WARREN_BLANK_START).toBe('together');
      expect(vars.WARREN_DEFAULT_QUEUE_TYPE_CLI).toBe('update-vhost-metadata');
    });
  }

  it('3.x nodes keep starting seed first (their peer discovery races when started together)', () => {
    expect(rabbitCliDialect('3.5.7').blankStart).toBe('after-peer');
    expect(rabbitCliDialect('3.13.7').blankStart).toBe('after-peer');
    expect(rabbitCliDialect('4.0.5').blankStart).toBe('together');
    const dev = loadEnvironment('dev').topology;
    expect(warrenEnvVars(dev, 'rabbit-02').WARREN_BLANK_START).toBe('after-peer');
  });
});

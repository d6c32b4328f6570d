// With rabbitmq.tls on, the rabbitmq jobs scrape rabbitmq_prometheus over TLS (15691), verifying the
// nodes against the environment's CA saved beside prometheus.yml; the ports scraped are exactly the
// ones the network policy opens to the admins. lts ships 'required'; the lab proves the scrapes
// (test/lab/lab-monitoring.test.ts).
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { prometheusCaFile, renderPrometheusConfig, scrapeJobs } from '../../monitoring';
import { networkPolicy, PORTS, type Topology } from '../../topology';
import { shippedTopologies } from '../cloudinit/helpers';

const variants = (t: Topology): Topology[] =>
  (['off', 'optional', 'required'] as const).map((tls) => ({ ...t, rabbitmq: { ...t.rabbitmq, tls } }));

interface ScrapeConfig {
  job_name: string;
  scheme?: string;
  tls_config?: { ca_file: string };
  static_configs: { targets: string[] }[];
}

describe('rabbitmq_prometheus scraped per rabbitmq.tls', () => {
  it("lts ships 'required': both rabbitmq jobs over https on 15691 with the CA beside prometheus.yml", () => {
    const t = shippedTopologies().find((x) => x.name === 'lts')!;
    expect(t.rabbitmq.tls).toBe('required');
    const doc = load(renderPrometheusConfig(t).content) as { scrape_configs: ScrapeConfig[] };
    const rabbit = doc.scrape_configs.filter((c) => c.job_name.startsWith('rabbitmq'));
    expect(rabbit.map((c) => c.job_name)).toEqual(['rabbitmq', 'rabbitmq-queues']);
    for (const c of rabbit) {
      expect(c.scheme).toBe('https');
      expect(c.tls_config).toEqual({ ca_file: 'warren-lts-ca.pem' });
      for (const s of c.static_configs) expect(s.targets[0]).toMatch(/:15691$/);
    }
    expect(prometheusCaFile(t)).toBe('warren-lts-ca.pem');
    expect(renderPrometheusConfig(t).content).toMatch(
      /save the stack's ca_certificate output beside this file as warren-lts-ca\.pem/,
    );
    // node_exporter and HAProxy's exporter stay plain HTTP.
    for (const c of doc.scrape_configs.filter((x) => !x.job_name.startsWith('rabbitmq'))) {
      expect(c.scheme).toBeUndefined();
      expect(c.tls_config).toBeUndefined();
    }
  });

  for (const base of shippedTopologies()) {
    for (const t of variants(base)) {
      it(`${t.name} with tls ${t.rabbitmq.tls}: every port scraped is one the policy opens to admins`, () => {
        const admits = (role: string, port: number) =>
          networkPolicy(t).some(
            (f) =>
              f.protocol === 'tcp' &&
              f.from.kind === 'cidrs' &&
              f.from.label === 'admins' &&
              f.to === role &&
              f.fromPort <= port &&
              port <= f.toPort,
          );
        for (const job of scrapeJobs(t)) {
          const port = Number(job.targets[0]!.address.split(':')[1]);
          expect(job.scheme === 'https', job.name).toBe(port === PORTS.rabbitmqPrometheusTls);
          for (const target of job.targets)
            expect(admits(target.labels.role, port), `${job.name} ${target.address}`).toBe(true);
        }
      });
    }
  }
});

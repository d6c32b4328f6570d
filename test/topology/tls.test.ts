// rabbitmq.tls (issue 16): the gate refuses TLS where Erlang cannot do TLS 1.2 well, and the network
// policy opens exactly the listeners of the mode.
import { describe, expect, it } from 'vitest';
import dev from '../../environments/dev';
import elb from '../../environments/elb';
import lts from '../../environments/lts';
import {
  networkPolicy,
  PORTS,
  TopologyError,
  tlsSupport,
  validateTopology,
  type EnvironmentInput,
} from '../../topology';

function withTls(base: EnvironmentInput, tls: 'required' | 'optional' | 'off'): EnvironmentInput {
  return { ...base, rabbitmq: { ...base.rabbitmq, tls } };
}

function tcpPorts(env: EnvironmentInput): number[] {
  return [...new Set(networkPolicy(validateTopology(env)).map((f) => f.fromPort))].sort((a, b) => a - b);
}

describe('rabbitmq.tls', () => {
  it("defaults to 'off'", () => {
    expect(validateTopology(elb).rabbitmq.tls).toBe('off');
  });

  it('is refused on 16.04 (RabbitMQ 3.5.7, Erlang 18.3), naming the field and a fix', () => {
    for (const mode of ['required', 'optional'] as const) {
      let error: unknown;
      try {
        validateTopology(withTls(dev, mode), 'environments/dev.ts');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TopologyError);
      const issue = (error as TopologyError).issues.find((i) => i.path === 'rabbitmq.tls');
      expect(issue?.message).toMatch(/Erlang 18\.3 cannot do TLS 1\.2 well/);
      expect(issue?.fix).toMatch(/tls: 'off'/);
    }
    expect(validateTopology(withTls(dev, 'off')).rabbitmq.tls).toBe('off');
  });

  it('knows TLS 1.3 from Erlang 23 and the metrics port over TLS from rabbitmq_prometheus', () => {
    expect(tlsSupport('3.5.7', '18.3')).toMatchObject({ tls12: false, prometheusTls: false });
    expect(tlsSupport('3.7.28', '19.3.6.3').tls12).toBe(false);
    expect(tlsSupport('3.7.28', '19.3.6.4')).toMatchObject({
      tls12: true,
      tls13: false,
      versions: ['tlsv1.2'],
    });
    expect(tlsSupport('3.8.35', '23.3')).toMatchObject({ tls13: true, versions: ['tlsv1.3', 'tlsv1.2'] });
    expect(tlsSupport('4.0.5', '27.3')).toMatchObject({ tls13: true, prometheusTls: true });
    // An Erlang from .deb files is judged by the oldest the RabbitMQ version runs on.
    expect(tlsSupport('3.7.28', 'from image.debs').tls12).toBe(false);
  });
});

describe('the network policy follows the mode', () => {
  const plain = [PORTS.amqp, PORTS.management, PORTS.rabbitmqPrometheus];
  const secure = [PORTS.amqps, PORTS.managementTls, PORTS.rabbitmqPrometheusTls];
  it("'required' opens the TLS ports only", () => {
    for (const env of [withTls(lts, 'required'), withTls(elb, 'required')]) {
      const ports = tcpPorts(env);
      for (const p of secure) expect(ports).toContain(p);
      for (const p of plain) expect(ports).not.toContain(p);
    }
  });
  it("'optional' opens both, 'off' the plaintext ones only", () => {
    const both = tcpPorts(withTls(elb, 'optional'));
    for (const p of [...plain, ...secure]) expect(both).toContain(p);
    const off = tcpPorts(elb);
    for (const p of plain) expect(off).toContain(p);
    for (const p of secure) expect(off).not.toContain(p);
  });
  it('lets clients reach AMQPS through the front door and HAProxy reach the nodes on it', () => {
    const flows = networkPolicy(validateTopology(withTls(lts, 'required')));
    const to = (role: string, port: number) => flows.filter((f) => f.to === role && f.fromPort === port);
    expect(to('haproxy', PORTS.amqps).map((f) => f.from.kind)).toEqual(['cidrs']);
    expect(to('rabbitmq', PORTS.amqps).map((f) => f.purpose)).toEqual(['AMQPS from HAProxy']);
    expect(to('rabbitmq', PORTS.managementTls).map((f) => f.purpose)).toEqual([
      'management over HTTPS from HAProxy',
    ]);
  });
});

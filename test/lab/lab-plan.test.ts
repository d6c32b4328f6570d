/**
 * The lab plan and firewall rules (pure): addresses, namespaces, the lab's own hosts, what the lab
 * says about RabbitMQ versions, and iptables rules checked by iptables-restore itself.
 */
import { describe, expect, it } from 'vitest';
import { firewallRules, labPlan } from '../../lab';
import { imageHash, labImageOf } from '../../lab/lab-image';
import { labFeatureFlags } from '../../lab/lab-plan';
import { generateSecret } from '../../lab/lab-secrets';
import { inboundFlows, LAB_POLICY_OPTIONS, SECRET_KEYS } from '../../topology';
import { listEnvironments, loadEnvironment, run } from '../../workspace';

describe('labPlan', () => {
  it('keeps the topology addresses on one /16 and adds the client (and the NLB stand-in) in free addresses', () => {
    const dev = labPlan(loadEnvironment('dev').topology);
    expect(dev.prefix).toBe(16);
    expect(dev.hosts.map((h) => `${h.name}=${h.ip}`)).toEqual([
      'rabbit-01=10.42.1.11',
      'rabbit-02=10.42.2.11',
      'rabbit-03=10.42.3.11',
      'haproxy-01=10.42.1.21',
      'haproxy-02=10.42.2.22',
      'client=10.42.1.254',
    ]);
    // dev's overlay VIP lies outside the /16: the lab's router (the bridge) routes it to the master.
    expect(dev.endpoint.address).toBe('192.168.1.230');
    const elb = labPlan(loadEnvironment('elb').topology);
    expect(
      elb.hosts.filter((h) => h.role === 'nlb' || h.role === 'client').map((h) => `${h.name}=${h.ip}`),
    ).toEqual(['nlb=10.43.1.254', 'client=10.43.1.253']);
    expect(elb.endpoint.address).toBe('10.43.1.254');
  });

  it('names namespaces wl-<env>-<host> and links uniquely', () => {
    for (const env of listEnvironments()) {
      const plan = labPlan(loadEnvironment(env).topology);
      expect(plan.hosts.every((h) => h.netns === `wl-${env}-${h.name}`)).toBe(true);
      expect(new Set(plan.hosts.map((h) => h.link)).size).toBe(plan.hosts.length);
      expect(new Set(plan.hosts.map((h) => h.ip)).size).toBe(plan.hosts.length);
      expect(plan.hosts.every((h) => h.link.length <= 15)).toBe(true);
    }
  });

  it("says which suite and RabbitMQ run, and what the lab's version adds or lacks", () => {
    const dev = labPlan(loadEnvironment('dev').topology).notices.join('\n');
    expect(dev).toMatch(/pins RabbitMQ 3\.5\.7; the lab runs Debian 12 \(bookworm\)'s RabbitMQ 3\.10\.8/);
    expect(dev).toMatch(/the lab's RabbitMQ 3\.10\.8 has quorum queues; 3\.5\.7 does not/);
    const lts = labPlan(loadEnvironment('lts').topology).notices.join('\n');
    expect(lts).toMatch(
      /the lab runs Debian 13 \(trixie\)'s RabbitMQ 4\.0\.5 on Erlang 27\.3, the version environment lts pins/,
    );
    const next = labPlan(loadEnvironment('next').topology).notices.join('\n');
    expect(next).toMatch(
      /RabbitMQ 4\.2\.1 has Khepri as the metadata store.*the lab enables the khepri_db feature flag/,
    );
    expect(labFeatureFlags(loadEnvironment('next').topology)).toEqual(['khepri_db']);
    expect(labFeatureFlags(loadEnvironment('lts').topology)).toEqual([]);
  });
});

describe('firewallRules', () => {
  for (const env of listEnvironments()) {
    const t = loadEnvironment(env).topology;
    const plan = labPlan(t);
    const roles = [...new Set(plan.hosts.map((h) => h.role).filter((r) => r !== 'client'))] as (
      'rabbitmq' | 'haproxy' | 'nlb'
    )[];
    for (const role of roles) {
      it(`${env}/${role}: one ACCEPT per flow and source, default drop, accepted by iptables-restore`, async () => {
        const rules = firewallRules(t, plan, role);
        expect(rules).toMatch(/^:INPUT DROP/m);
        const accepts = rules.split('\n').filter((l) => l.startsWith('-A INPUT -s '));
        const expected = inboundFlows(t, role, LAB_POLICY_OPTIONS).reduce(
          (n, f) =>
            n +
            (f.from.kind === 'cidrs'
              ? f.from.cidrs.length
              : plan.hosts.filter((h) => h.role === (f.from as { role: string }).role).length),
          0,
        );
        expect(accepts).toHaveLength(expected);
        const r = await run('unshare', ['--net', 'iptables-restore', '--test'], { input: rules });
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
      });
    }
  }
});

describe('lab image and secrets', () => {
  it('image hash depends on its inputs and nothing else', () => {
    const bookworm = labImageOf('3.5.7');
    expect(imageHash(bookworm, ['rabbitmq_management'])).toBe(imageHash(bookworm, ['rabbitmq_management']));
    expect(imageHash(bookworm, ['rabbitmq_management'])).not.toBe(
      imageHash(bookworm, ['rabbitmq_management', 'rabbitmq_shovel']),
    );
  });

  it('picks the image by RabbitMQ line: Debian 12 for 3.x, Debian 13 for 4.x, each its own hash', () => {
    expect(labImageOf('3.5.7')).toMatchObject({ suite: 'bookworm', rabbitmq: '3.10.8' });
    expect(labImageOf('3.13.7')).toMatchObject({ suite: 'bookworm', rabbitmq: '3.10.8' });
    expect(labImageOf('4.0.5')).toMatchObject({ suite: 'trixie', rabbitmq: '4.0.5' });
    expect(labImageOf('4.2.1')).toMatchObject({ suite: 'trixie', rabbitmq: '4.0.5' });
    expect(imageHash(labImageOf('4.0.5'), ['rabbitmq_management'])).not.toBe(
      imageHash(labImageOf('3.10.8'), ['rabbitmq_management']),
    );
  });

  it('generates fresh secrets; the VRRP one fits keepalived (8 characters)', () => {
    for (const key of SECRET_KEYS) expect(generateSecret(key)).not.toBe(generateSecret(key));
    expect(generateSecret('vrrp-password')).toMatch(/^[A-Za-z0-9]{8}$/);
    expect(generateSecret('erlang-cookie')).toMatch(/^[A-Z]{32}$/);
    expect(generateSecret('admin-password')).toMatch(/^[A-Za-z0-9]{32}$/);
  });
});

// TLS in the stacks (issue 16), asserted on the cdktf.out the app writes: a CA per environment and a
// certificate per host with their names (the VIP, or the NLB's DNS name), keys as SecureStrings under
// the environment key, the NLB's TCP listeners on the TLS ports, the CA certificate as an output and
// in the review summary, and no private key anywhere in the synthesized output.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { synthesizeApp } from '../../aws';
import { hostsOf, type TlsMode, type Topology } from '../../topology';
import { loadEnvironment } from '../../workspace';
import { parse, resources, resourcesByAddress, tempDir, variant, type TfJson } from './helpers';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

async function synthWith(
  env: string,
  tls: TlsMode,
): Promise<{ t: Topology; tf: TfJson; files: string[]; review: string }> {
  const t = await variant(env, (e) => {
    e.rabbitmq.tls = tls;
  });
  const outdir = tempDir('warren-tls-synth-');
  const result = synthesizeApp({
    outdir,
    environments: [{ ...loadEnvironment(env), topology: t }],
    state: { kind: 'local' },
    amiPlaceholders: true,
  });
  const files = filesUnder(outdir);
  const stack = files.find((f) => f.endsWith(`warren-${env}/cdk.tf.json`))!;
  return {
    t,
    tf: parse(readFileSync(stack, 'utf8')),
    files,
    review: readFileSync(result.reviews[0]!, 'utf8'),
  };
}

const keepalived = await synthWith('lts', 'required');
const nlb = await synthWith('elb', 'required');
const optional = await synthWith('elb', 'optional');

describe('the CA and the certificates', () => {
  it.each([
    ['lts (keepalived)', keepalived],
    ['elb (NLB)', nlb],
  ])('%s: an ECDSA CA, and per host a key and a certificate signed by it for its names', (_, s) => {
    const keys = resourcesByAddress(s.tf, 'tls_private_key');
    expect(keys.size).toBe(hostsOf(s.t).length + 1);
    for (const k of keys.values()) expect(k).toMatchObject({ algorithm: 'ECDSA', ecdsa_curve: 'P256' });
    const [ca] = resources(s.tf, 'tls_self_signed_cert');
    expect(ca).toMatchObject({ is_ca_certificate: true, allowed_uses: ['cert_signing', 'crl_signing'] });
    const requests = resources(s.tf, 'tls_cert_request');
    for (const h of hostsOf(s.t)) {
      const r = requests.find((x) => (x.subject as { common_name: string }[])[0]!.common_name === h.name)!;
      expect(r.dns_names).toContain(h.name);
      expect(r.ip_addresses).toContain(h.ip);
      if (s.t.frontDoor.kind === 'keepalived') expect(r.ip_addresses).toContain(s.t.frontDoor.vip);
      else
        expect((r.dns_names as string[]).some((d) => /^\$\{aws_lb\.[^}]+\.dns_name\}$/.test(d))).toBe(true);
    }
    for (const c of resources(s.tf, 'tls_locally_signed_cert')) {
      expect(String(c.ca_cert_pem)).toMatch(/^\$\{tls_self_signed_cert\./);
      expect(c.allowed_uses).toContain('server_auth');
      expect(c.early_renewal_hours).toBeGreaterThan(0);
    }
  });

  it.each([
    ['lts', keepalived],
    ['elb', nlb],
  ])('%s: private keys are SecureStrings under the environment key; certificates are Strings', (env, s) => {
    const params = resources(s.tf, 'aws_ssm_parameter');
    const [kmsAddress] = [...resourcesByAddress(s.tf, 'aws_kms_key').keys()];
    for (const h of hostsOf(s.t)) {
      const key = params.find((p) => p.name === `/warren/${env}/tls/${h.name}/key`)!;
      expect(key).toMatchObject({ type: 'SecureString', key_id: `\${${kmsAddress}.arn}` });
      expect(String(key.value)).toMatch(/^\$\{tls_private_key\.[^}]+\.private_key_pem\}$/);
      const cert = params.find((p) => p.name === `/warren/${env}/tls/${h.name}/cert`)!;
      expect(cert.type).toBe('String');
    }
    expect(params.find((p) => p.name === `/warren/${env}/tls/ca`)?.type).toBe('String');
    // Every host boots after every certificate parameter exists.
    const tlsParams = [...resourcesByAddress(s.tf, 'aws_ssm_parameter')]
      .filter(([, p]) => String(p.name).includes('/tls/'))
      .map(([a]) => a);
    for (const i of resources(s.tf, 'aws_instance'))
      for (const p of tlsParams) expect(i.depends_on as string[]).toContain(p);
  });

  it('no private key in cdktf.out: tls_private_key makes its key at apply time, into the state only', () => {
    for (const s of [keepalived, nlb, optional]) {
      expect(s.files.length).toBeGreaterThan(3);
      for (const f of s.files)
        expect(readFileSync(f, 'utf8'), f).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
    }
  });

  it('the CA certificate is an output and the review summary says where it is and who reads each key', () => {
    const outputs = keepalived.tf.output as Record<string, { value: string }>;
    expect(outputs.ca_certificate!.value).toMatch(/^\$\{tls_self_signed_cert\.[^}]+\.cert_pem\}$/);
    const fd = keepalived.t.frontDoor;
    expect(outputs.amqps_url!.value).toBe(`amqps://${fd.kind === 'keepalived' ? fd.vip : ''}:5671`);
    expect(outputs.amqp_url).toBeUndefined();
    expect(keepalived.review).toMatch(/## TLS/);
    expect(keepalived.review).toMatch(/`ca_certificate`/);
    expect(keepalived.review).toContain(
      '| rabbit-02 | /warren/lts/tls/rabbit-02/cert | /warren/lts/tls/rabbit-02/key | warren-lts-rabbit-02 (its own role) |',
    );
  });
});

describe('the front door and the security groups follow the mode', () => {
  const listenerPorts = (tf: TfJson) =>
    resources(tf, 'aws_lb_listener')
      .map((l) => Number(l.port))
      .sort((a, b) => a - b);
  it("NLB, 'required': TCP listeners on 5671 and 15671 only, passing TLS through", () => {
    expect(listenerPorts(nlb.tf)).toEqual([5671, 15671]);
    for (const l of resources(nlb.tf, 'aws_lb_listener')) expect(l.protocol).toBe('TCP');
    expect(
      resources(nlb.tf, 'aws_lb_target_group')
        .map((g) => g.name)
        .sort(),
    ).toEqual(['warren-elb-amqs', 'warren-elb-mgms']);
    expect(
      resources(nlb.tf, 'aws_lb_target_group')
        .map((g) => Number(g.port))
        .sort((a, b) => a - b),
    ).toEqual([5671, 15671]);
  });
  it("NLB, 'optional': both pairs", () => {
    expect(listenerPorts(optional.tf)).toEqual([5671, 5672, 15671, 15672]);
    expect(
      resources(optional.tf, 'aws_lb_target_group')
        .map((g) => g.name)
        .sort(),
    ).toEqual(['warren-elb-amqp', 'warren-elb-amqs', 'warren-elb-mgms', 'warren-elb-mgmt']);
  });
  it("'required': no security-group rule opens 5672 or 15672", () => {
    for (const s of [keepalived, nlb]) {
      const ports = resources(s.tf, 'aws_vpc_security_group_ingress_rule').map((r) => r.from_port);
      expect(ports).toContain(5671);
      expect(ports).toContain(15671);
      expect(ports).not.toContain(5672);
      expect(ports).not.toContain(15672);
    }
  });
});

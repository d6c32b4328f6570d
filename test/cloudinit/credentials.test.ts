// No default credentials anywhere: no guest over the network, no admin/admin, no fixed VRRP or stats
// password, and no secret value in any rendered output: secrets are referenced, never embedded.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLATFORMS, renderHostFiles, renderNlbStandInUserData, renderUserData } from '../../cloudinit';
import { SECRET_KEYS } from '../../topology';
import { everyHost, SCRIPTS_DIR, shippedTopologies } from './helpers';

const FORBIDDEN = [
  /admin\s*[:/]\s*admin/i,
  /guest\s*[:/]\s*guest/i,
  /auth_pass\s+\S/, // a VRRP password in a rendered file (it is written at boot from the secret)
  /stats auth \S+:(?!"\$\{)/, // a stats password that is not the environment variable
  /loopback_users\s*=\s*none/,
  /\{loopback_users,\s*\[\]\}/,
  /default_(user|pass)\b/,
  /BEGIN (RSA|OPENSSH) PRIVATE KEY/,
];

describe('no default credentials, no secret values', () => {
  for (const { env, t, host } of everyHost()) {
    for (const platform of PLATFORMS) {
      it(`${env}/${host.name} (${platform})`, () => {
        const userData = renderUserData(t, host.name, platform);
        for (const re of FORBIDDEN) expect(userData).not.toMatch(re);
        // Secrets appear only by reference: the SSM prefix or the secrets directory, never a value.
        const platformEnv = renderHostFiles(t, host.name, platform).find(
          (f) => f.path === '/etc/warren/platform.env',
        )!;
        expect(platformEnv.content).not.toMatch(/PASSWORD|COOKIE/i);
        if (host.role === 'rabbitmq') {
          const config = renderHostFiles(t, host.name, platform).find((f) =>
            /rabbitmq\.conf/.test(f.path),
          )!.content;
          expect(config).toMatch(/loopback_users\.guest = true|\{loopback_users, \[<<"guest">>\]\}/);
        }
      });
    }
  }

  for (const t of shippedTopologies()) {
    it(`${t.name}: NLB stand-in`, () => {
      const userData = renderNlbStandInUserData(t, '10.99.0.50');
      for (const re of FORBIDDEN) expect(userData).not.toMatch(re);
    });
  }

  it('the boot scripts hold no credential values and never print a secret', () => {
    for (const f of readdirSync(SCRIPTS_DIR)) {
      const text = readFileSync(path.join(SCRIPTS_DIR, f), 'utf8');
      for (const re of FORBIDDEN.filter((r) => !String(r).includes('auth_pass')))
        expect(text).not.toMatch(re);
      // Secrets are read into variables through warren-secret, and never echoed into the log.
      expect(text).not.toMatch(/warren_log[^\n]*\$(password|cookie|secret|stats_password)\b/);
    }
    expect(SECRET_KEYS).toEqual(['erlang-cookie', 'admin-password', 'stats-password', 'vrrp-password']);
  });

  it('the forbidden patterns do catch default credentials (the check can fail)', () => {
    expect(FORBIDDEN.some((re) => re.test('stats auth admin:admin'))).toBe(true);
    expect(FORBIDDEN.some((re) => re.test('    auth_pass 1111'))).toBe(true);
    expect(FORBIDDEN.some((re) => re.test('loopback_users = none'))).toBe(true);
  });
});

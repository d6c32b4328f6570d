// haproxy.cfg and keepalived.conf of every front-door host (and the NLB stand-in), checked by the
// installed HAProxy 2.6 and keepalived 2.2 in config-test mode.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  HAPROXY_CFG_PATH,
  KEEPALIVED_CONF_PATH,
  KEEPALIVED_RUNTIME_FILE,
  renderHostFiles,
  renderNlbStandInFiles,
  INSTANCE_SCRIPTS_DIR,
  STATS_PASSWORD_VAR,
} from '../../cloudinit';
import { HAPROXY_TLS } from '../../cloudinit/tls-files';
import { ensureCa, ensureHostCert } from '../../lab/lab-ca';
import { FRONT_DOOR_PACKAGES, haproxyDialect, PORTS } from '../../topology';
import { everyHost, run, SCRIPTS_DIR, shippedTopologies, topologyNamed, withTempDir } from './helpers';

function haproxyCheck(cfg: string): { code: number; out: string } {
  return withTempDir('haproxy', (dir) => {
    const file = path.join(dir, 'haproxy.cfg');
    // With rabbitmq.tls the stats page binds HTTPS: a real certificate stands in for the boot-time one.
    if (cfg.includes(HAPROXY_TLS.pem)) {
      const ca = ensureCa(dir, 'warren test CA');
      const host = ensureHostCert(dir, ca, 'haproxy-test', { dns: ['haproxy-test'], ips: [] });
      const pem = path.join(dir, 'stats.pem');
      writeFileSync(pem, readFileSync(host.cert, 'utf8') + readFileSync(host.key, 'utf8'));
      cfg = cfg.replace(HAPROXY_TLS.pem, pem);
    }
    writeFileSync(file, cfg);
    // A dummy stands in for the password warren-haproxy-boot loads from the secret at boot.
    return run('haproxy', ['-c', '-f', file], {
      ...process.env,
      [STATS_PASSWORD_VAR]: 'dummy-for-config-check',
    });
  });
}

/**
 * keepalived -t with the boot-time include (interface + VRRP password) replaced by a test file and
 * the scripts pointed at this repository's copies (keepalived checks they exist and are root-owned).
 */
/** keepalived refuses loopback for VRRP: any other interface of this machine stands in for eth0. */
const IFACE =
  run('ip', ['-o', 'link', 'show'])
    .out.split('\n')
    .map((l) => /^\d+: ([^:@]+)/.exec(l)?.[1])
    .find((n) => n !== undefined && n !== 'lo') ?? 'lo';

function keepalivedCheck(conf: string): { code: number; out: string } {
  return withTempDir('keepalived', (dir) => {
    const runtime = path.join(dir, 'runtime.conf');
    writeFileSync(
      runtime,
      `interface ${IFACE}\nauthentication {\n    auth_type PASS\n    auth_pass 0123abcd\n}\n`,
    );
    const file = path.join(dir, 'keepalived.conf');
    writeFileSync(
      file,
      conf
        .replace(`include ${KEEPALIVED_RUNTIME_FILE}`, `include ${runtime}`)
        .replaceAll(`${INSTANCE_SCRIPTS_DIR}/`, `${SCRIPTS_DIR}/`),
    );
    return run('keepalived', ['-t', '-l', '-f', file]);
  });
}

const frontDoorHosts = everyHost().filter((h) => h.host.role === 'haproxy');

describe('front-door configurations', () => {
  for (const { env, t, host } of frontDoorHosts) {
    const files = renderHostFiles(t, host.name, 'lab');
    const cfg = files.find((f) => f.path === HAPROXY_CFG_PATH)!.content;
    const conf = files.find((f) => f.path === KEEPALIVED_CONF_PATH)!.content;

    it(`${env}/${host.name}: haproxy -c -f accepts haproxy.cfg`, () => {
      const r = haproxyCheck(cfg);
      expect(r.out).toMatch(/Configuration file is valid/);
      expect(r.out).not.toMatch(/\[WARNING\]|\[ALERT\]/);
      expect(r.code).toBe(0);
    });

    it(`${env}/${host.name}: keepalived -t accepts keepalived.conf`, () => {
      const r = keepalivedCheck(conf);
      expect(r.out).toBe('');
      expect(r.code).toBe(0);
    });

    it(`${env}/${host.name}: checks never carry the PROXY header, timeouts exceed twice the heartbeat`, () => {
      const servers = cfg.split('\n').filter((l) => /^\s+server /.test(l));
      expect(servers.length).toBe(2 * t.rabbitmq.nodes.length);
      for (const s of servers) expect(s).toMatch(/ check port (5672|15672|5671|15671)\b/);
      expect(servers.some((s) => s.includes('send-proxy-v2'))).toBe(t.rabbitmq.proxyProtocol);
      for (const m of cfg.matchAll(/timeout (client|server) (\d+)s/g)) {
        expect(Number(m[2])).toBeGreaterThan(2 * t.rabbitmq.heartbeatSeconds);
      }
      expect(cfg).toMatch(/^\s+option clitcpka$/m);
      expect(cfg).toMatch(/^\s+balance leastconn$/m);
      expect(cfg).toMatch(t.rabbitmq.tls === 'off' ? /^\s+bind :8404$/m : /^\s+bind :8404 ssl crt \S+$/m);
    });

    it(`${env}/${host.name}: the Prometheus exporter frontend is there exactly where the HAProxy version has it`, () => {
      const has = haproxyDialect(FRONT_DOOR_PACKAGES[t.image.ubuntu].haproxy).prometheusExporter;
      const metrics = cfg.split(/\n\n/).find((s) => s.startsWith('frontend metrics'));
      expect(metrics !== undefined).toBe(has);
      if (metrics) {
        expect(metrics).toMatch(new RegExp(`^\\s+bind :${PORTS.haproxyMetrics}$`, 'm'));
        expect(metrics).toMatch(/^\s+http-request use-service prometheus-exporter if \{ path \/metrics \}$/m);
      }
    });

    it(`${env}/${host.name}: client affinity sticks AMQP (not management) to the source address, and can be turned off`, () => {
      const backend = (c: string, name: string) =>
        c.split(/\n\n/).find((s) => s.startsWith(`backend ${name}`))!;
      // 'required' has only the TLS pair (rabbitmq.tls).
      const tlsOnly = t.rabbitmq.tls === 'required';
      expect(backend(cfg, tlsOnly ? 'rabbitmq-amqps' : 'rabbitmq-amqp')).toMatch(/^\s+stick on src$/m);
      expect(backend(cfg, tlsOnly ? 'rabbitmq-management-tls' : 'rabbitmq-management')).not.toMatch(/stick/);
      const fd = t.frontDoor.kind === 'keepalived' ? t.frontDoor : undefined;
      const off = { ...t, frontDoor: { ...fd!, clientAffinity: false } };
      const plain = renderHostFiles(off, host.name, 'lab').find((f) => f.path === HAPROXY_CFG_PATH)!.content;
      expect(plain).not.toMatch(/stick/);
      const r = haproxyCheck(plain);
      expect(r.out).toMatch(/Configuration file is valid/);
    });

    it(`${env}/${host.name}: keepalived uses unicast peers, a TCP check and the VIP hook, never pidof or multicast`, () => {
      expect(conf).toMatch(new RegExp(`unicast_src_ip ${host.ip.replace(/\./g, '\\.')}`));
      expect(conf).toMatch(/unicast_peer \{\n\s+10\.\d+\.\d+\.\d+\n\s+\}/);
      const directives = conf.split('\n').filter((l) => !/^\s*#/.test(l));
      expect(directives.join('\n')).not.toMatch(/pidof|killall|mcast/);
      expect(conf).toMatch(/warren-check-haproxy 8404/);
      expect(conf).toMatch(/notify_master "\/usr\/local\/sbin\/warren-vip-notify master /);
      expect(conf).not.toMatch(/auth_pass/);
    });

    it(`${env}/${host.name}: keepalived starts BACKUP with nopreempt (a recovered host leaves the VIP where it is)`, () => {
      const directives = conf.split('\n').filter((l) => !/^\s*#/.test(l));
      expect(directives.filter((l) => /^\s+state /.test(l))).toEqual(['    state BACKUP']);
      expect(directives).toContain('    nopreempt');
      // keepalived clears nopreempt (with a warning) when the initial state is MASTER: the check
      // would say so, and the negative control shows it does.
      const r = keepalivedCheck(conf);
      expect(r.out).not.toMatch(/nopreempt/i);
      const master = keepalivedCheck(conf.replace('state BACKUP', 'state MASTER'));
      expect(master.out).toMatch(/nopreempt/i);
    });
  }

  for (const t of shippedTopologies()) {
    it(`${t.name}: the NLB stand-in's haproxy.cfg passes haproxy -c and has no stats page`, () => {
      const cfg = renderNlbStandInFiles(t, '10.99.0.50').find((f) => f.path === HAPROXY_CFG_PATH)!.content;
      const r = haproxyCheck(cfg);
      expect(r.out).toMatch(/Configuration file is valid/);
      expect(r.code).toBe(0);
      expect(cfg).not.toContain('stats auth');
      expect(cfg).not.toContain('prometheus-exporter');
      expect(cfg).toMatch(/server rabbit-01 \S+:(15672|15671) check port (15672|15671)/);
    });
  }

  it('overlay VIP: keepalived -t accepts the VIP as a /32 on lo (routed to the master, never ARPed)', () => {
    const base = topologyNamed('dev');
    if (base.frontDoor.kind !== 'keepalived') throw new Error('dev has keepalived');
    const t = {
      ...base,
      frontDoor: {
        ...base.frontDoor,
        vipMode: 'overlay' as const,
        vip: '192.168.1.230',
        haproxy: [
          base.frontDoor.haproxy[0]!,
          { ...base.frontDoor.haproxy[1]!, subnet: 'b', ip: '10.42.2.22' },
        ],
      },
    };
    for (const host of ['haproxy-01', 'haproxy-02']) {
      const conf = renderHostFiles(t, host, 'aws').find((f) => f.path === KEEPALIVED_CONF_PATH)!.content;
      expect(conf).toMatch(/virtual_ipaddress \{\n\s+192\.168\.1\.230\/32 dev lo\n\s+\}/);
      const r = keepalivedCheck(conf);
      expect(r.code, r.out).toBe(0);
    }
  });

  it('the tools reject broken files (the checks can fail)', () => {
    const { t, host } = frontDoorHosts[0]!;
    const files = renderHostFiles(t, host.name, 'lab');
    const cfg = files.find((f) => f.path === HAPROXY_CFG_PATH)!.content;
    const conf = files.find((f) => f.path === KEEPALIVED_CONF_PATH)!.content;
    expect(haproxyCheck(cfg.replace('balance leastconn', 'balance fastest')).code).not.toBe(0);
    const lts = frontDoorHosts.find((h) => h.env === 'lts')!;
    const ltsCfg = renderHostFiles(lts.t, lts.host.name, 'lab').find(
      (f) => f.path === HAPROXY_CFG_PATH,
    )!.content;
    expect(haproxyCheck(ltsCfg.replace('prometheus-exporter', 'prometheus-exporterx')).code).not.toBe(0);
    expect(keepalivedCheck(conf.replace(/virtual_router_id \d+/, 'virtual_router_id 300')).code).not.toBe(0);
  });
});

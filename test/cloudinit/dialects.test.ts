// Version dialects: every rabbitmqctl command the boot scripts can run, and every directive in the
// rendered configs, checked against the profile of each version warren claims to support. The lab
// can only run RabbitMQ 3.10, HAProxy 2.6 and keepalived 2.2, so the other versions are checked here.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  HA_ALL_POLICY,
  renderHaproxyCfg,
  renderKeepalivedConf,
  renderRabbitConfig,
  warrenEnvVars,
} from '../../cloudinit';
import {
  haproxyDialect,
  keepalivedDialect,
  LAB_RABBITMQ_VERSION,
  FRONT_DOOR_PACKAGES,
  rabbitCapabilities,
  rabbitCliDialect,
  versionHas,
  type Topology,
} from '../../topology';
import { run, SCRIPTS_DIR, topologyNamed, withTempDir } from './helpers';
import {
  HAPROXY_KEYWORDS,
  KEEPALIVED_KEYWORDS,
  RABBITMQ_CLI_COMMANDS,
  RABBITMQ_CLI_OPTIONS,
  RABBITMQ_EVAL_FUNCTIONS,
  SUPPORTED_RABBITMQ_PROFILES,
} from './version-profiles';

/** The topology of `base` with another RabbitMQ version (and what that version implies). */
function withRabbit(base: Topology, version: string): Topology {
  const caps = rabbitCapabilities(version);
  return {
    ...base,
    image: { ...base.image, rabbitmq: version },
    rabbitmq: {
      ...base.rabbitmq,
      replication: caps.classicMirroring ? base.rabbitmq.replication : 'quorum',
      proxyProtocol: caps.proxyProtocol && base.rabbitmq.proxyProtocol,
    },
  };
}

interface Recorded {
  readonly command: string;
  readonly options: readonly string[];
  readonly line: string;
}

/**
 * Runs the boot script's steps (forget-before-start, cluster formation, admin user, replication)
 * against a recording stand-in for rabbitmqctl, with the facts `version`'s dialect gives, and
 * returns every command line it issued. Scenario `seed`: alone, nobody else runs; `join`: a blank
 * replacement whose name the running, named cluster still lists.
 */
function recordBoot(t: Topology, scenario: 'seed' | 'join' | 'alone'): Recorded[] {
  const host = scenario === 'seed' ? 'rabbit-01' : 'rabbit-02';
  return withTempDir('record', (dir) => {
    const facts = { ...warrenEnvVars(t, host), WARREN_FORM_TIMEOUT: scenario === 'alone' ? '4' : '60' };
    mkdirSync(path.join(dir, 'secrets'));
    mkdirSync(path.join(dir, 'state'));
    mkdirSync(path.join(dir, 'home'));
    writeFileSync(path.join(dir, 'secrets', 'admin-password'), 'not-a-real-password\n');
    writeFileSync(
      path.join(dir, 'platform.env'),
      `WARREN_SECRETS_BACKEND=file\nWARREN_SECRETS_DIR=${path.join(dir, 'secrets')}\n`,
    );
    writeFileSync(
      path.join(dir, 'warren.env'),
      Object.entries(facts)
        .map(([k, v]) => `${k}='${v}'`)
        .join('\n') + '\n',
    );
    const record = path.join(dir, 'record');
    writeFileSync(record, '');
    const fake = path.join(__dirname, 'fixtures', 'record-rabbitmqctl');
    const r = run(
      'bash',
      [
        '-c',
        `source ${SCRIPTS_DIR}/warren-rabbitmq-boot && prepare_blank_start && form_cluster && ensure_admin && ensure_replication`,
      ],
      {
        PATH: process.env.PATH,
        WARREN_PLATFORM_FILE: path.join(dir, 'platform.env'),
        WARREN_FACTS_FILE: path.join(dir, 'warren.env'),
        WARREN_RABBITMQCTL: fake,
        WARREN_RABBITMQ_DIAGNOSTICS: fake,
        WARREN_RABBITMQ_QUEUES: fake,
        WARREN_RABBIT_HOME: path.join(dir, 'home'),
        // The recording rabbitmqctl plays every node; there is no epmd to ask first.
        WARREN_EPMD_PRECHECK: 'no',
        FAKE_RECORD: record,
        FAKE_STATE: path.join(dir, 'state'),
        FAKE_LOCAL: host,
        FAKE_SCENARIO: scenario === 'alone' ? 'seed' : scenario,
      },
    );
    expect(r.out).toMatch(/in cluster warren-dev/);
    expect(r.code, r.out).toBe(0);
    return readFileSync(record, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const words = line.split(' ');
        const rest: string[] = [];
        const options: string[] = [];
        for (let i = 0; i < words.length; i++) {
          const w = words[i]!;
          if (w.startsWith('-')) {
            options.push(w);
            if (
              w === '-n' ||
              w === '-p' ||
              w === '--formatter' ||
              w === '--apply-to' ||
              w === '--default-queue-type'
            )
              i++;
          } else rest.push(w);
        }
        return { command: rest[0] ?? '', options, line };
      });
  });
}

describe('RabbitMQ CLI dialects (the boot scripts run against a recording rabbitmqctl)', () => {
  for (const version of SUPPORTED_RABBITMQ_PROFILES) {
    for (const replication of ['ha-all', 'quorum'] as const) {
      const caps = rabbitCapabilities(version);
      if (replication === 'ha-all' && !caps.classicMirroring) continue;
      if (replication === 'quorum' && !caps.quorumQueues) continue;
      it(`RabbitMQ ${version} (${replication}): every command and option the scripts issue exists in ${version}`, () => {
        const base = withRabbit(topologyNamed('dev'), version);
        const t = { ...base, rabbitmq: { ...base.rabbitmq, replication } };
        const seed = recordBoot(t, 'seed');
        const join = recordBoot(t, 'join');
        const all = [...seed, ...join];
        for (const r of all) {
          const row = RABBITMQ_CLI_COMMANDS[r.command as keyof typeof RABBITMQ_CLI_COMMANDS];
          expect(row, `'${r.line}' uses '${r.command}', missing from RABBITMQ_CLI_COMMANDS`).toBeDefined();
          expect(versionHas(version, row), `'${r.line}': RabbitMQ ${version} has no '${r.command}'`).toBe(
            true,
          );
          for (const o of r.options) {
            const orow = RABBITMQ_CLI_OPTIONS[o as keyof typeof RABBITMQ_CLI_OPTIONS];
            expect(orow, `'${r.line}' uses option '${o}', missing from RABBITMQ_CLI_OPTIONS`).toBeDefined();
            expect(versionHas(version, orow), `'${r.line}': RabbitMQ ${version} has no '${o}'`).toBe(true);
          }
          if (r.command === 'eval') {
            const fn = Object.keys(RABBITMQ_EVAL_FUNCTIONS).find((f) =>
              r.line.includes(f.split('/')[0]! + '('),
            );
            expect(fn, `'${r.line}' evaluates a function missing from RABBITMQ_EVAL_FUNCTIONS`).toBeDefined();
            const frow = RABBITMQ_EVAL_FUNCTIONS[fn as keyof typeof RABBITMQ_EVAL_FUNCTIONS];
            expect(versionHas(version, frow), `'${r.line}' on RabbitMQ ${version}`).toBe(true);
          }
        }
        // What each scenario must do, in every dialect.
        const commands = (rs: Recorded[]) => rs.map((r) => r.command);
        expect(commands(seed)).toContain('set_cluster_name');
        expect(commands(seed)).toEqual(
          expect.arrayContaining(['add_user', 'set_user_tags', 'set_permissions']),
        );
        expect(commands(join)).toEqual(
          expect.arrayContaining(['forget_cluster_node', 'stop_app', 'reset', 'join_cluster', 'start_app']),
        );
        const forget = join.findIndex((r) => r.command === 'forget_cluster_node');
        expect(forget).toBeLessThan(join.findIndex((r) => r.command === 'join_cluster'));
        expect(join[forget]!.line).toMatch(/-n rabbit@rabbit-01 forget_cluster_node rabbit@rabbit-02/);
        if (replication === 'ha-all') {
          expect(seed.find((r) => r.command === 'set_policy')!.line).toBe(
            `-q set_policy --apply-to queues ha-all ^ ${HA_ALL_POLICY}`,
          );
        }
        // A blank replacement is added back to every quorum queue; mirrored mode never calls it.
        expect(commands(join).includes('grow')).toBe(replication === 'quorum');
        if (replication === 'quorum') {
          expect(join.find((r) => r.command === 'grow')!.line).toBe('-q grow rabbit@rabbit-02 all');
        }
        if (caps.diagnosticsCli === false) {
          expect(all.some((r) => r.command === 'check_running' || r.options.includes('--formatter'))).toBe(
            false,
          );
        }
      });
    }
  }

  for (const version of ['3.5.7', '4.1.4']) {
    it(`RabbitMQ ${version}: a non-seed node that finds nobody settles after the bounded wait`, () => {
      const calls = recordBoot(withRabbit(topologyNamed('dev'), version), 'alone');
      expect(calls.map((c) => c.command)).toContain('set_cluster_name');
      expect(calls.map((c) => c.command)).not.toContain('join_cluster');
    });
  }

  it('3.5.7 gets the classic file, cluster_nodes and eval queries (no rabbitmq-diagnostics, no JSON)', () => {
    expect(rabbitCliDialect('3.5.7')).toMatchObject({
      configFormat: 'classic',
      clusterFormation: 'cluster_nodes',
      query: 'eval',
      runningCheck: 'eval',
      defaultQueueType: 'none',
    });
    expect(rabbitCliDialect('4.1.4')).toMatchObject({
      configFormat: 'ini',
      query: 'json',
      defaultQueueType: 'update-vhost-metadata',
    });
  });

  it(`the lab's RabbitMQ ${LAB_RABBITMQ_VERSION} really has exactly the commands its profile claims`, () => {
    const ctl = run('/usr/lib/rabbitmq/bin/rabbitmqctl', ['help']).out;
    const diag = run('/usr/lib/rabbitmq/bin/rabbitmq-diagnostics', ['help']).out;
    const queues = run('/usr/lib/rabbitmq/bin/rabbitmq-queues', ['help']).out;
    const tool: Record<string, string> = { check_running: diag, grow: queues };
    for (const [c, row] of Object.entries(RABBITMQ_CLI_COMMANDS)) {
      const present = new RegExp(`^\\s+${c}\\s`, 'm').test(tool[c] ?? ctl);
      expect(present, `${c} on ${LAB_RABBITMQ_VERSION}`).toBe(versionHas(LAB_RABBITMQ_VERSION, row));
    }
  });
});

describe('RabbitMQ configuration dialects', () => {
  for (const version of SUPPORTED_RABBITMQ_PROFILES) {
    it(`RabbitMQ ${version}: the config format and its directives match the capability table`, () => {
      const caps = rabbitCapabilities(version);
      const t = withRabbit(topologyNamed('lts'), version);
      const f = renderRabbitConfig(t);
      if (caps.iniConfig) {
        expect(f.path).toBe('/etc/rabbitmq/rabbitmq.conf');
        expect(f.content).toMatch(/^cluster_formation\.peer_discovery_backend = classic_config$/m);
        expect(f.content).toMatch(/^loopback_users\.guest = true$/m);
        expect(f.content.includes('proxy_protocol = true')).toBe(caps.proxyProtocol);
        // Keys 3.10's schema refuses must never appear (the lab boots the 4.1 profile on 3.10).
        expect(f.content).not.toMatch(/default_queue_type|randomized_startup_delay/);
      } else {
        expect(f.path).toBe('/etc/rabbitmq/rabbitmq.config');
        expect(f.content).toMatch(/\{loopback_users, \[<<"guest">>\]\}/);
        const terms = f.content.split('\n').filter((l) => !l.trim().startsWith('%%'));
        expect(terms.join('\n')).not.toMatch(/proxy_protocol|cluster_formation/);
        expect(terms.join('\n')).toContain(
          `{cluster_nodes, {['rabbit@rabbit-01', 'rabbit@rabbit-02', 'rabbit@rabbit-03'], disc}}`,
        );
      }
    });
  }
});

/** `keyword` or `keyword second` for the lines of a haproxy.cfg, plus server options. */
function haproxyKeywords(cfg: string): Set<string> {
  const out = new Set<string>();
  for (const raw of cfg.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const words = line.split(/\s+/);
    const two = `${words[0]} ${words[1]}`;
    if (words[0] === 'server') {
      out.add('server');
      for (const w of words.slice(3)) if (/^[a-z-]+[0-9]?$/.test(w) && !/^\d/.test(w)) out.add(`server:${w}`);
    } else if (two in HAPROXY_KEYWORDS) out.add(two);
    else out.add(words[0]!);
    if (line.startsWith('stats socket') && line.includes('expose-fd')) out.add('stats socket:expose-fd');
    if (line.includes('"${')) out.add('env-var-in-quotes');
  }
  return out;
}

describe('HAProxy and keepalived dialects per Ubuntu release (and the lab)', () => {
  const lts = topologyNamed('lts');
  for (const [id, os] of Object.entries(FRONT_DOOR_PACKAGES)) {
    it(`HAProxy ${os.haproxy} (${id}): every keyword of haproxy.cfg exists in that version`, () => {
      const cfg = renderHaproxyCfg(lts, {
        haproxyVersion: os.haproxy,
        stats: true,
        sendProxy: true,
        balance: 'leastconn',
        clientAffinity: true,
        purpose: 'test',
      }).content;
      const used = haproxyKeywords(cfg);
      expect(used.has('option clitcpka')).toBe(true);
      expect(used.has('stick on')).toBe(true);
      for (const k of used) {
        const row = HAPROXY_KEYWORDS[k as keyof typeof HAPROXY_KEYWORDS];
        expect(row, `haproxy.cfg uses '${k}', missing from HAPROXY_KEYWORDS`).toBeDefined();
        expect(versionHas(os.haproxy, row), `HAProxy ${os.haproxy} lacks '${k}'`).toBe(true);
      }
      expect(used.has('stats socket:expose-fd')).toBe(haproxyDialect(os.haproxy).exposeFdListeners);
    });

    it(`keepalived ${os.keepalived} (${id}): every keyword is known, or skipped harmlessly by that version`, () => {
      const t = {
        ...lts,
        image: { ...lts.image, ubuntu: id === 'debian-12' ? lts.image.ubuntu : id },
      } as Topology;
      const conf = renderKeepalivedConf(t, 'haproxy-01').content;
      const d = keepalivedDialect(FRONT_DOOR_PACKAGES[t.image.ubuntu].keepalived);
      const runtime = ['interface', 'authentication', 'auth_type', 'auth_pass'];
      const words = conf
        .split('\n')
        .map((l) => l.trim())
        .filter(
          (l) =>
            l &&
            !l.startsWith('#') &&
            l !== '}' &&
            !/^[\d.]+(\/\d+)?( dev \w+)?$/.test(l) &&
            l !== 'chk_haproxy',
        )
        .map((l) => l.split(/\s+/)[0]!);
      for (const w of [...words, ...runtime]) {
        const row = KEEPALIVED_KEYWORDS[w];
        expect(row, `keepalived.conf uses '${w}', missing from KEEPALIVED_KEYWORDS`).toBeDefined();
        expect(
          versionHas(d.version, row!) || row!.skippedBefore === true,
          `keepalived ${d.version} lacks '${w}'`,
        ).toBe(true);
      }
      expect(d.unicast).toBe(true);
    });
  }
});

// The capability table answers what each Ubuntu × RabbitMQ combination can do and where its
// packages come from.
import { describe, expect, it } from 'vitest';
import { labImageFor, packageRowFor, rabbitCapabilities, UBUNTU_RELEASES } from '../../topology';

describe('package sources', () => {
  it('16.04 gets RabbitMQ 3.5.7 with Erlang 18 from the Ubuntu archive', () => {
    expect(packageRowFor('16.04', '3.5.7')).toMatchObject({ source: 'ubuntu-archive', erlang: '18.3' });
  });

  it('16.04 gets newer RabbitMQ only from pinned .deb files', () => {
    expect(packageRowFor('16.04', '3.6.16')?.source).toBe('pinned-debs');
    expect(packageRowFor('16.04', '3.13.7')).toBeUndefined();
  });

  it.each(['20.04', '22.04', '24.04'] as const)('%s gets 3.13.x and 4.x from Team RabbitMQ', (ubuntu) => {
    expect(packageRowFor(ubuntu, '3.13.7')?.source).toBe('team-rabbitmq');
    expect(packageRowFor(ubuntu, '4.1.4')?.source).toBe('team-rabbitmq');
    expect(packageRowFor(ubuntu, '3.5.7')).toBeUndefined();
  });

  it('knows every release it offers', () => {
    const first = { '16.04': '3.5.7', '26.04': '4.0.5' } as Record<string, string>;
    for (const ubuntu of UBUNTU_RELEASES)
      expect(packageRowFor(ubuntu, first[ubuntu] ?? '3.13.7')).toBeDefined();
  });

  it("26.04 gets 4.0.5 on Erlang 27 from its own archive, 4.1+ from Team RabbitMQ's noble packages", () => {
    expect(packageRowFor('26.04', '4.0.5')).toMatchObject({ source: 'ubuntu-archive', erlang: '27.3' });
    expect(packageRowFor('26.04', '4.2.1')).toMatchObject({
      source: 'team-rabbitmq',
      repositoryCodename: 'noble',
    });
    expect(packageRowFor('26.04', '4.0.4')).toBeUndefined();
    expect(packageRowFor('26.04', '3.13.7')).toBeUndefined();
  });

  it('4.2.x comes from Team RabbitMQ on 22.04 and 24.04, not 20.04; nothing offers 4.3 yet', () => {
    expect(packageRowFor('22.04', '4.2.1')?.source).toBe('team-rabbitmq');
    expect(packageRowFor('24.04', '4.2.1')?.source).toBe('team-rabbitmq');
    expect(packageRowFor('20.04', '4.2.1')).toBeUndefined();
    expect(packageRowFor('24.04', '4.3.0')).toBeUndefined();
  });

  it('the 4.x lab image is Debian 13 with RabbitMQ 4.0.5', () => {
    expect(packageRowFor('debian-13', '4.0.5')?.source).toBe('debian-archive');
    expect(labImageFor('4.2.1')).toMatchObject({ os: 'debian-13', suite: 'trixie', rabbitmq: '4.0.5' });
    expect(labImageFor('3.13.7')).toMatchObject({ os: 'debian-12', suite: 'bookworm', rabbitmq: '3.10.8' });
  });

  it('the lab image is Debian 12 with RabbitMQ 3.10.8', () => {
    expect(packageRowFor('debian-12', '3.10.8')?.source).toBe('debian-archive');
  });
});

describe('RabbitMQ capabilities', () => {
  it('3.5.7: classic config, cluster_nodes auto-clustering, mirroring, no proxy protocol, no quorum, no diagnostics', () => {
    expect(rabbitCapabilities('3.5.7')).toMatchObject({
      iniConfig: false,
      classicConfigPeerDiscovery: false,
      classicMirroring: true,
      proxyProtocol: false,
      quorumQueues: false,
      diagnosticsCli: false,
      jsonFormatter: false,
    });
  });

  it('3.7 is where rabbitmq.conf, peer discovery and the PROXY protocol start', () => {
    expect(rabbitCapabilities('3.6.16')).toMatchObject({ iniConfig: false, proxyProtocol: false });
    expect(rabbitCapabilities('3.7.0')).toMatchObject({
      iniConfig: true,
      classicConfigPeerDiscovery: true,
      proxyProtocol: true,
    });
  });

  it('4.2 makes Khepri the default of a new cluster; 4.0 has the khepri_db flag, and every 3.x flag mandatory', () => {
    expect(rabbitCapabilities('4.0.5')).toMatchObject({
      khepriFeatureFlag: true,
      khepriDefault: false,
      mandatoryFeatureFlags: true,
    });
    expect(rabbitCapabilities('4.2.1')).toMatchObject({ khepriFeatureFlag: true, khepriDefault: true });
    expect(rabbitCapabilities('3.13.7')).toMatchObject({
      khepriFeatureFlag: false,
      mandatoryFeatureFlags: false,
      concurrentBootSafe: false,
    });
  });

  it('3.13 still mirrors; 4.x only has quorum queues', () => {
    expect(rabbitCapabilities('3.13.7')).toMatchObject({ classicMirroring: true, quorumQueues: true });
    expect(rabbitCapabilities('4.0.0')).toMatchObject({ classicMirroring: false, quorumQueues: true });
  });

  it('3.10 crashes on PROXY LOCAL health checks; 3.11 does not', () => {
    expect(rabbitCapabilities('3.10.8').proxyLocalHeaderSafe).toBe(false);
    expect(rabbitCapabilities('3.11.0').proxyLocalHeaderSafe).toBe(true);
  });

  it('refuses what is not a version', () => {
    expect(() => rabbitCapabilities('latest')).toThrow(/not a RabbitMQ version/);
  });
});

describe('one owner of version comparisons', () => {
  it('only topology/capabilities/ imports the version comparator (topology/versions.ts)', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const path = await import('node:path');
    const root = path.resolve(__dirname, '../..');
    const skip = new Set(['node_modules', '.git', 'cdktf.out', '.gen', 'out']);
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (skip.has(e.name)) continue;
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.ts')) {
          const rel = path.relative(root, p).split(path.sep).join('/');
          if (rel.startsWith('topology/capabilities/') || rel === 'topology/versions.ts') continue;
          if (/from '(\.\.?\/)+(topology\/)?versions'/.test(readFileSync(p, 'utf8'))) offenders.push(rel);
        }
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });
});

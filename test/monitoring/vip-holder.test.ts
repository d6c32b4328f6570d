// warren-vip-holder, the boot-installed script behind warren_vip_holder: run for real in a network
// namespace of its own (unshare), with and without the VIP on an interface, and its output checked
// by promtool as node_exporter's textfile collector would read it.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderHostFiles, WARREN_ENV_FILE } from '../../cloudinit';
import { VIP_HOLDER_METRIC } from '../../monitoring';
import { NODE_EXPORTER_TEXTFILE_DIR } from '../../topology/capabilities/exporter-packages';
import { run, SCRIPTS_DIR, shippedTopologies, withTempDir } from '../cloudinit/helpers';
import { expectPromtoolAccepts, unitEnvironment } from './textfile';

const SCRIPT = path.join(SCRIPTS_DIR, 'warren-vip-holder');

/** Runs the script in a fresh network namespace whose loopback carries `addresses`. */
function holderIn(dir: string, facts: string, addresses: readonly string[]) {
  const factsFile = path.join(dir, 'warren.env');
  const platformFile = path.join(dir, 'platform.env');
  writeFileSync(factsFile, facts);
  writeFileSync(platformFile, '');
  const textfiles = path.join(dir, 'textfiles');
  const adds = addresses.map((a) => `ip addr add ${a}/32 dev lo && `).join('');
  const r = run('unshare', ['--net', 'bash', '-c', `ip link set lo up && ${adds}exec "$0"`, SCRIPT], {
    ...process.env,
    WARREN_FACTS_FILE: factsFile,
    WARREN_PLATFORM_FILE: platformFile,
    WARREN_TEXTFILE_DIR: textfiles,
    WARREN_VIP_HOLDER_METRIC: VIP_HOLDER_METRIC,
  });
  return { ...r, textfiles };
}

describe('warren-vip-holder', () => {
  const t = shippedTopologies().find((x) => x.frontDoor.kind === 'keepalived')!;
  if (t.frontDoor.kind !== 'keepalived') throw new Error('no shipped keepalived environment');
  const vip = t.frontDoor.vip;
  const facts = renderHostFiles(t, 'haproxy-01', 'lab').find((f) => f.path === WARREN_ENV_FILE)!.content;

  it('its unit writes where the package textfile collector reads, under the metric the rules read', () => {
    expect(unitEnvironment('warren-vip-holder.service')).toEqual({
      WARREN_TEXTFILE_DIR: NODE_EXPORTER_TEXTFILE_DIR,
      WARREN_VIP_HOLDER_METRIC: VIP_HOLDER_METRIC,
    });
    expect(readFileSync(path.join(SCRIPTS_DIR, 'warren-vip-holder.timer'), 'utf8')).toMatch(
      /^WantedBy=timers\.target$/m,
    );
  });

  for (const [holds, addresses] of [
    [1, [vip]],
    [0, ['10.255.255.1']],
  ] as const) {
    it(`writes ${holds} when the VIP is ${holds ? '' : 'not '}on an interface, a file promtool accepts`, () => {
      withTempDir('vip-holder', (dir) => {
        const r = holderIn(dir, facts, addresses);
        expect(r.code, r.out).toBe(0);
        // Only the final file: the temporary one was renamed, never left for the collector.
        expect(readdirSync(r.textfiles)).toEqual([`${VIP_HOLDER_METRIC}.prom`]);
        const prom = readFileSync(path.join(r.textfiles, `${VIP_HOLDER_METRIC}.prom`), 'utf8');
        expect(prom).toContain(`\n${VIP_HOLDER_METRIC}{vip="${vip}"} ${holds}\n`);
        expectPromtoolAccepts(path.join(r.textfiles, `${VIP_HOLDER_METRIC}.prom`));
      });
    });
  }

  it('refuses on a host without a VIP in its facts, saying so', () => {
    withTempDir('vip-holder', (dir) => {
      const r = holderIn(dir, 'WARREN_ROLE=rabbitmq\n', []);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/WARREN_VIP is not set/);
    });
  });
});

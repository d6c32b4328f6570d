// `synthesizeApp` (what `warren synth` runs) writes each environment's monitoring files beside the
// stacks, exactly as the renderers produce them, and promtool accepts the written copies.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { synthesizeApp } from '../../aws';
import { monitoringFiles } from '../../monitoring';
import { listEnvironments, loadEnvironment } from '../../workspace';
import { run } from '../cloudinit/helpers';
import { tempDir } from '../stacks/helpers';

describe('warren synth writes cdktf.out/monitoring/<env>/', () => {
  it('prometheus.yml and alerts.yml for every environment, accepted by promtool', () => {
    const environments = listEnvironments().map((name) => loadEnvironment(name));
    const outdir = path.join(tempDir('warren-monitoring-synth-'), 'cdktf.out');
    const prev = process.env.CHECKPOINT_DISABLE;
    process.env.CHECKPOINT_DISABLE = '1';
    try {
      synthesizeApp({ outdir, environments, amiPlaceholders: true, state: { kind: 'local' } });
    } finally {
      if (prev === undefined) delete process.env.CHECKPOINT_DISABLE;
      else process.env.CHECKPOINT_DISABLE = prev;
    }
    expect(readdirSync(path.join(outdir, 'monitoring')).sort()).toEqual(listEnvironments().sort());
    for (const { topology: t } of environments) {
      const dir = path.join(outdir, 'monitoring', t.name);
      expect(readdirSync(dir).sort()).toEqual(['alerts.yml', 'prometheus.yml']);
      for (const f of monitoringFiles(t))
        expect(readFileSync(path.join(dir, f.name), 'utf8')).toBe(f.content);
      const r = run('promtool', ['check', 'config', path.join(dir, 'prometheus.yml')]);
      expect(r.code).toBe(0);
    }
  }, 120_000);
});

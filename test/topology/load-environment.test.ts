// Environment files load from inside any runtime (here: vitest's), in every format.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TopologyError } from '../../topology';
import { environmentFiles, listEnvironments, loadEnvironment, loadTopologyFile } from '../../workspace';

const tmp = mkdtempSync(path.join(tmpdir(), 'warren-load-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const body = (name: string) => `{
  name: '${name}',
  region: 'eu-west-1',
  network: { vpcCidr: '10.60.0.0/16', subnets: [{ name: 'a', az: 'eu-west-1a', cidr: '10.60.1.0/24' }] },
  rabbitmq: { nodes: [{ name: 'r1', subnet: 'a', ip: '10.60.1.11' }], partitionHandling: 'autoheal' },
  frontDoor: { kind: 'nlb' },
}`;

describe('loadEnvironment', () => {
  it('loads every shipped environment file', () => {
    for (const name of listEnvironments()) {
      const loaded = loadEnvironment(name);
      expect(loaded.topology.name).toBe(name);
      expect(loaded.source).toMatch(new RegExp(`environments/${name}\\.ts$`));
      // The markers name the file repository-relative, wherever warren runs from.
      expect(loaded.topology.source).toBe(`environments/${name}.ts`);
    }
  });

  it('refuses an unknown name with the known ones', () => {
    expect(() => loadEnvironment('../dev')).toThrow(TopologyError);
    expect(() => loadEnvironment('nope')).toThrow(/use one of: dev, elb, lts/);
  });
});

describe('environment files', () => {
  it('are .ts, .json, .yaml and .yml; helpers (_x.ts), declarations, pinned images and other files are not', () => {
    const dir = path.join(tmp, 'listing');
    mkdirSync(dir);
    for (const f of [
      'a.ts',
      'b.json',
      'c.yaml',
      'd.yml',
      '_helper.ts',
      'types.d.ts',
      'notes.txt',
      'e.images.json',
    ])
      writeFileSync(path.join(dir, f), '{}');
    expect(environmentFiles(dir).map((f) => path.basename(f))).toEqual(['a.ts', 'b.json', 'c.yaml', 'd.yml']);
  });

  it("outside the repository, a .ts file imports the public API as 'warren' or 'warren/topology'", () => {
    const a = path.join(tmp, 'outside-a.ts');
    writeFileSync(
      a,
      `import { defineEnvironment } from 'warren';\nexport default defineEnvironment(${body('outa')});\n`,
    );
    const b = path.join(tmp, 'outside-b.ts');
    writeFileSync(
      b,
      `import { defineEnvironment, type EnvironmentInput } from 'warren/topology';\nconst e: EnvironmentInput = ${body('outb')};\nexport default defineEnvironment(e);\n`,
    );
    expect(loadTopologyFile(a).topology.name).toBe('outa');
    const loaded = loadTopologyFile(b);
    expect(loaded.topology.name).toBe('outb');
    // A file outside the repository is named by its base name: the user-data does not depend on
    // where the checkout or the file lives.
    expect(loaded.topology.source).toBe('outside-b.ts');
  });
});

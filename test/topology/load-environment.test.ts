// Environment files load from inside any runtime (here: vitest's), in every format.
import { describe, expect, it } from 'vitest';
import { TopologyError } from '../../topology';
import { listEnvironments, loadEnvironment } from '../../workspace';

describe('loadEnvironment', () => {
  it('loads every shipped environment file', () => {
    for (const name of listEnvironments()) {
      const loaded = loadEnvironment(name);
      expect(loaded.topology.name).toBe(name);
      expect(loaded.source).toMatch(new RegExp(`environments/${name}\\.ts$`));
    }
  });

  it('refuses an unknown name with the known ones', () => {
    expect(() => loadEnvironment('../dev')).toThrow(TopologyError);
    expect(() => loadEnvironment('nope')).toThrow(/use one of: dev, elb, lts/);
  });
});

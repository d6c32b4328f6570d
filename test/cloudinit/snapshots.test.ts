// Snapshots of the rendered output of dev and elb: one readable file per host (the user-data exactly
// as the instance gets it), so a reviewer sees every intended change in a diff.
import { describe, expect, it } from 'vitest';
import { renderNlbStandInUserData, renderUserData } from '../../cloudinit';
import { hostsOf } from '../../topology';
import { topologyNamed } from './helpers';

describe('rendered output snapshots', () => {
  for (const env of ['dev', 'elb']) {
    const t = topologyNamed(env);
    for (const host of hostsOf(t)) {
      it(`${env}/${host.name} user-data (aws)`, async () => {
        await expect(renderUserData(t, host.name, 'aws')).toMatchFileSnapshot(
          `__snapshots__/${env}/${host.name}.user-data.yaml`,
        );
      });
    }
  }
  it('elb NLB stand-in user-data (lab)', async () => {
    await expect(renderNlbStandInUserData(topologyNamed('elb'), '10.43.1.50')).toMatchFileSnapshot(
      '__snapshots__/elb/nlb-stand-in.user-data.yaml',
    );
  });
});

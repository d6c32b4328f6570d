// Data volumes and deploys that never replace a host, on the synthesized JSON of every environment:
// one encrypted gp3 volume per node in the node's zone, attached to that node's own instance, its id
// a real Terraform interpolation in the node's user-data; every instance ignores image, user-data and
// instance-type changes. Plus the topology field's limits and the constructs' refusals.
import { beforeAll, describe, expect, it } from 'vitest';
import { renderUserData } from '../../cloudinit';
import {
  DATA_VOLUME_DEVICE,
  DataVolume,
  DEPLOY_IGNORES,
  terraformLiteral,
  WarrenInstance,
  type WarrenInstanceProps,
} from '../../stacks';
import { TopologyError, type Topology } from '../../topology';
import { listEnvironments } from '../../workspace';
import {
  buildStack,
  deployedUserData,
  envTopology,
  parse,
  referencedAddress,
  resourcesByAddress,
  SAMPLE_VOLUME_ID,
  synth,
  synthScope,
  variant,
  type TfJson,
  VOLUME_REFERENCE,
} from './helpers';

function instanceNamed(tf: TfJson, name: string): [string, Record<string, unknown>] {
  const found = [...resourcesByAddress(tf, 'aws_instance')].filter(
    ([, i]) => (i.tags as Record<string, string>).Name === name,
  );
  expect(found, `one instance named ${name}`).toHaveLength(1);
  return found[0]!;
}

describe.each(listEnvironments())('warren-%s', (env) => {
  let t: Topology;
  let tf: TfJson;
  beforeAll(async () => {
    t = await envTopology(env);
    tf = parse(synth(buildStack(t)));
  });

  it('gives every node one encrypted gp3 volume of dataVolumeGiB in its subnet zone', () => {
    const volumes = [...resourcesByAddress(tf, 'aws_ebs_volume').values()];
    expect(volumes).toHaveLength(t.rabbitmq.nodes.length);
    for (const n of t.rabbitmq.nodes) {
      const mine = volumes.filter((v) => (v.tags as Record<string, string>)['warren:host'] === n.name);
      expect(mine, n.name).toHaveLength(1);
      const v = mine[0]!;
      expect(v).toMatchObject({
        encrypted: true,
        type: 'gp3',
        size: t.rabbitmq.dataVolumeGiB,
        availability_zone: t.network.subnets.find((s) => s.name === n.subnet)!.az,
        final_snapshot: true,
        tags: { Name: `${n.name}-data`, 'warren:role': 'rabbitmq', 'warren:volume': 'data' },
      });
      // A destroy must work; its final snapshot keeps the data (docs/stacks.md "Data volumes").
      expect(v.lifecycle).toBeUndefined();
    }
  });

  it("attaches each node's volume to that node's own instance, stopping it before a detach", () => {
    const volumes = resourcesByAddress(tf, 'aws_ebs_volume');
    const instances = resourcesByAddress(tf, 'aws_instance');
    const attachments = [...resourcesByAddress(tf, 'aws_volume_attachment').values()];
    expect(attachments).toHaveLength(t.rabbitmq.nodes.length);
    const pairs = attachments.map((a) => {
      expect(a.device_name).toBe(DATA_VOLUME_DEVICE);
      expect(a.stop_instance_before_detaching).toBe(true);
      expect(a.force_detach).toBeUndefined();
      expect(a.skip_destroy).toBeUndefined();
      const volume = volumes.get(referencedAddress(a.volume_id)!);
      const instance = instances.get(referencedAddress(a.instance_id)!);
      expect(volume, String(a.volume_id)).toBeDefined();
      expect(instance, String(a.instance_id)).toBeDefined();
      return [
        (volume!.tags as Record<string, string>)['warren:host'],
        (instance!.tags as Record<string, string>).Name,
      ];
    });
    expect(pairs.sort()).toEqual(t.rabbitmq.nodes.map((n) => [n.name, n.name]).sort());
  });

  it('never replaces or restarts a running host at deploy', () => {
    const instances = [...resourcesByAddress(tf, 'aws_instance').values()];
    expect(instances.length).toBeGreaterThan(0);
    for (const i of instances) {
      const name = (i.tags as Record<string, string>).Name;
      expect((i.lifecycle as { ignore_changes?: string[] } | undefined)?.ignore_changes, name).toEqual(
        expect.arrayContaining(['ami', 'user_data', 'instance_type']),
      );
      expect(i.user_data_replace_on_change, name).toBeUndefined();
      // Data never rides on the instance: its root volume is the OS and goes with it.
      expect(i.ebs_block_device, name).toBeUndefined();
      expect(i.volume_tags, name).toBeUndefined();
      expect(i.root_block_device, name).toMatchObject({ encrypted: true, delete_on_termination: true });
    }
  });

  it("interpolates the node's own volume id into its user-data, and escapes everything else", () => {
    const volumes = resourcesByAddress(tf, 'aws_ebs_volume');
    for (const n of t.rabbitmq.nodes) {
      const [, i] = instanceNamed(tf, n.name);
      const userData = String(i.user_data);
      const refs = [...userData.matchAll(VOLUME_REFERENCE)];
      expect(refs.length, `${n.name}: references to a volume`).toBeGreaterThan(0);
      for (const [ref, address] of refs) {
        expect(userData.slice(userData.indexOf(ref) - 1, userData.indexOf(ref)), 'not escaped').not.toBe('$');
        expect((volumes.get(address!)?.tags as Record<string, string>)['warren:host'], ref).toBe(n.name);
      }
      // Everything around the reference is literal text by HCL's rules, and is exactly the user-data
      // the renderer makes for that volume id.
      const evaluated = deployedUserData(userData);
      expect(evaluated).toBe(renderUserData(t, n.name, 'aws', { dataVolumeId: SAMPLE_VOLUME_ID }));
      expect(evaluated).toContain(`WARREN_DATA_VOLUME_ID=${SAMPLE_VOLUME_ID}`);
    }
    if (t.frontDoor.kind === 'keepalived') {
      for (const h of t.frontDoor.haproxy) {
        const [, i] = instanceNamed(tf, h.name);
        expect(String(i.user_data)).not.toMatch(VOLUME_REFERENCE);
        expect(terraformLiteral(String(i.user_data))).toBe(renderUserData(t, h.name, 'aws'));
      }
    }
  });
});

describe('rabbitmq.dataVolumeGiB', () => {
  it('sizes every data volume', async () => {
    const t = await variant('dev', (e) => (e.rabbitmq.dataVolumeGiB = 200));
    const volumes = [...resourcesByAddress(parse(synth(buildStack(t))), 'aws_ebs_volume').values()];
    expect(volumes.map((v) => v.size)).toEqual(t.rabbitmq.nodes.map(() => 200));
  });

  it('defaults to 50 GiB', async () => {
    const t = await variant('dev', (e) => delete e.rabbitmq.dataVolumeGiB);
    expect(t.rabbitmq.dataVolumeGiB).toBe(50);
  });

  it.each([0, 16385, -5])('refuses %s GiB, naming the field and the range', async (size) => {
    const error = await variant('dev', (e) => (e.rabbitmq.dataVolumeGiB = size)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TopologyError);
    const issue = (error as TopologyError).issues.find((i) => i.path === 'rabbitmq.dataVolumeGiB');
    expect(issue?.fix).toMatch(/1 to 16384/);
  });

  it('refuses a fraction of a GiB', async () => {
    const error = await variant('dev', (e) => (e.rabbitmq.dataVolumeGiB = 2.5)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TopologyError);
    expect((error as TopologyError).issues.map((i) => i.path)).toContain('rabbitmq.dataVolumeGiB');
  });
});

describe('constructs', () => {
  it('DataVolume refuses a size gp3 cannot have, and a second attachment', () => {
    const stack = synthScope((s) => {
      expect(
        () =>
          new DataVolume(s, 'v0', {
            hostName: 'r1',
            role: 'rabbitmq',
            availabilityZone: 'eu-west-1a',
            sizeGiB: 0,
          }),
      ).toThrow(/sizeGiB 0 is not a gp3 size; give a whole number from 1 to 16384/);
      const v = new DataVolume(s, 'v1', {
        hostName: 'r1',
        role: 'rabbitmq',
        availabilityZone: 'eu-west-1a',
        sizeGiB: 10,
      });
      v.attachTo('i-1');
      expect(() => v.attachTo('i-2')).toThrow(/already attached/);
    });
    expect(parse(stack).resource.aws_volume_attachment).toBeDefined();
  });

  it('WarrenInstance refuses a reference placeholder the user-data does not contain', () => {
    const base: WarrenInstanceProps = {
      hostName: 'r1',
      role: 'rabbitmq',
      imageId: 'ami-1',
      instanceType: 't3.medium',
      userData: '#cloud-config\n',
      instanceProfileName: 'p',
      volumeGiB: 20,
      placement: { subnetId: 's', privateIp: '10.0.0.10', securityGroupIds: ['sg'] },
    };
    synthScope((s) => {
      expect(
        () =>
          new WarrenInstance(s, 'i', { ...base, userDataReferences: { 'vol-0decafc0ffee12345': '${x.id}' } }),
      ).toThrow(/placeholder 'vol-0decafc0ffee12345' does not occur in userData/);
    });
    const json = parse(
      synthScope((s) => {
        new WarrenInstance(s, 'j', {
          ...base,
          userData: '#cloud-config\n# ${HOME} vol-0decafc0ffee12345 vol-0decafc0ffee12345\n',
          userDataReferences: { 'vol-0decafc0ffee12345': '${aws_ebs_volume.x.id}' },
        });
      }),
    );
    const [instance] = Object.values(json.resource.aws_instance!);
    // The shell's ${HOME} is escaped; the reference, at every place, is not.
    expect(instance!.user_data).toBe(
      '#cloud-config\n# $${HOME} ${aws_ebs_volume.x.id} ${aws_ebs_volume.x.id}\n',
    );
    expect((instance!.lifecycle as { ignore_changes: string[] }).ignore_changes).toEqual([...DEPLOY_IGNORES]);
  });
});

// The bake's AWS hardening: the 16.04 source AMI is found although AWS deprecated it, the build
// instance and the AMI use IMDSv2 only, the AMI is encrypted (optionally with the topology's key),
// deprecated after its lifetime, copied where the topology asks, SSH reaches the build instance from
// this machine only, and the amazon plugin's version is bounded above.
import { describe, expect, it } from 'vitest';
import { AMAZON_PLUGIN_VERSION, renderImageTemplate, renderPluginsFile } from '../../images';
import { TopologyError } from '../../topology';
import { envTopology, SHIPPED, variant } from './helpers';

function source(t: Parameters<typeof renderImageTemplate>[0]) {
  const template = renderImageTemplate(t, 'rabbitmq');
  return { template, src: template.source!['amazon-ebs']!.ubuntu! };
}

describe('bake hardening', () => {
  it.each(SHIPPED)(
    '%s: deprecated source AMIs found, IMDSv2, encrypted, deprecated, SSH from here only',
    async (env) => {
      const { template, src } = source(await envTopology(env));
      expect(src.source_ami_filter.include_deprecated).toBe(true);
      expect(src.metadata_options).toEqual({
        http_endpoint: 'enabled',
        http_tokens: 'required',
        http_put_response_hop_limit: 1,
      });
      expect(src.imds_support).toBe('v2.0');
      expect(src.encrypt_boot).toBe(true);
      expect(src.kms_key_id).toBeUndefined();
      expect(src.temporary_security_group_source_public_ip).toBe(true);
      // The default lifetime: 730 days after the bake's timestamp().
      expect(src.deprecate_at).toBe('${local.deprecate_at}');
      expect(template.locals?.deprecate_at).toBe('${timeadd(timestamp(), "17520h")}');
      expect(src.ami_regions).toBeUndefined();
    },
  );

  it('the 16.04 template, whose AMIs AWS deprecated, still asks for deprecated AMIs', async () => {
    const old = await variant('dev', (input) => {
      input.image = { ubuntu: '16.04', rabbitmq: '3.6.15', erlang: '20.3', debs: ['x.deb'] };
    });
    expect(source(old).src.source_ami_filter.include_deprecated).toBe(true);
  });

  it('a KMS key, copy regions and a lifetime from the topology', async () => {
    const t = await variant('dev', (input) => {
      input.image = {
        ...input.image,
        kmsKeyId: 'alias/warren-images',
        copyToRegions: ['eu-central-1', 'us-east-2'],
        deprecateAfterDays: 90,
      };
    });
    const { template, src } = source(t);
    expect(src.kms_key_id).toBe('alias/warren-images');
    expect(src.ami_regions).toEqual(['eu-central-1', 'us-east-2']);
    // A key is regional: the copies use each region's default EBS key.
    expect(src.region_kms_key_ids).toEqual({ 'eu-central-1': '', 'us-east-2': '' });
    expect(template.locals?.deprecate_at).toBe('${timeadd(timestamp(), "2160h")}');
  });

  it('copies without a key of the topology need no per-region keys', async () => {
    const t = await variant('dev', (input) => {
      input.image = { ...input.image, copyToRegions: ['eu-central-1'] };
    });
    const { src } = source(t);
    expect(src.ami_regions).toEqual(['eu-central-1']);
    expect(src.region_kms_key_ids).toBeUndefined();
  });

  it('refuses bad copy regions, keys and lifetimes, naming each field', async () => {
    const refused = variant('dev', (input) => {
      input.region = 'eu-west-1';
      input.image = {
        ...input.image,
        kmsKeyId: 'my key',
        copyToRegions: ['eu-west-1', 'mars-1', 'us-east-2', 'us-east-2'],
        deprecateAfterDays: 0,
      };
    });
    await expect(refused).rejects.toThrow(TopologyError);
    const message = await refused.catch((e: Error) => e.message);
    for (const path of [
      'image.kmsKeyId',
      'image.copyToRegions[0]',
      'image.copyToRegions[1]',
      'image.copyToRegions[3]',
      'image.deprecateAfterDays',
    ]) {
      expect(message).toContain(path);
    }
    expect(message).not.toContain('image.copyToRegions[2]');
  });

  it('bounds the amazon plugin above', async () => {
    const plugins = renderPluginsFile(await envTopology('dev'));
    expect(AMAZON_PLUGIN_VERSION).toBe('>= 1.2.0, < 2.0.0');
    expect(plugins.packer.required_plugins.amazon?.version).toBe(AMAZON_PLUGIN_VERSION);
  });
});

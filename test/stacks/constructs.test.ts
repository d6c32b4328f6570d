// Construct props: validation at construction (naming the prop and the fix), existing VPCs, state
// backends, and the opt-in health gate.
import { spawnSync } from 'node:child_process';
import { healthGateScript } from '../../aws';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
import { describe, expect, it } from 'vitest';
import {
  applyStateBackend,
  ClusterSecrets,
  HEALTH_GATE_SCRIPT,
  KeepalivedFrontDoor,
  Network,
  NlbFrontDoor,
  stateBackendFromEnv,
  WarrenInstance,
} from '../../stacks';
import { type Topology, validateTopology } from '../../topology';
import { secondaryIpDev } from '../support/secondary-ip-dev';
import {
  buildStack,
  envTopology,
  parse,
  referencedAddress,
  resources,
  synth,
  tempDir,
  variant,
} from './helpers';
import { reviewOf } from '../../aws';
import { PROJECT_ROOT } from '../../workspace';

const scope = () => new TerraformStack(Testing.app({ outdir: tempDir('warren-cdktf-') }), 'test');
const dev = await envTopology('dev');
const elb = await envTopology('elb');

describe('Network', () => {
  const subnets = [{ name: 'a', az: 'eu-west-1a', cidr: '10.9.1.0/24' }];
  it('refuses a subnet outside the VPC, naming it', () => {
    expect(
      () => new Network(scope(), 'n', { envName: 'x', region: 'eu-west-1', vpcCidr: '10.8.0.0/16', subnets }),
    ).toThrow(
      /Network: subnets\[0\]\.cidr 10\.9\.1\.0\/24 lies outside the VPC 10\.8\.0\.0\/16; pick a subnet inside the VPC CIDR/,
    );
  });
  it('wants exactly one of vpcCidr and vpcId', () => {
    expect(() => new Network(scope(), 'n', { envName: 'x', region: 'r', subnets })).toThrow(
      /vpcCidr\/vpcId must give exactly one/,
    );
    expect(
      () =>
        new Network(scope(), 'n', {
          envName: 'x',
          region: 'r',
          vpcCidr: '10.9.0.0/16',
          vpcId: 'vpc-1',
          subnets,
        }),
    ).toThrow(/exactly one/);
  });
  it('wants subnet ids with an existing VPC, and no internet gateway there', () => {
    expect(() => new Network(scope(), 'n', { envName: 'x', region: 'r', vpcId: 'vpc-1', subnets })).toThrow(
      /subnets\[0\]\.id is missing/,
    );
    expect(
      () =>
        new Network(scope(), 'n', {
          envName: 'x',
          region: 'r',
          vpcId: 'vpc-1',
          subnets: [{ ...subnets[0]!, id: 'subnet-1' }],
          internetGateway: true,
        }),
    ).toThrow(/internetGateway cannot be added to an existing VPC/);
  });
  it('puts interface endpoints in one subnet per zone', () => {
    const s = scope();
    const n = new Network(s, 'n', {
      envName: 'x',
      region: 'eu-west-1',
      vpcCidr: '10.9.0.0/16',
      subnets: [
        { name: 'a', az: 'eu-west-1a', cidr: '10.9.1.0/24' },
        { name: 'a2', az: 'eu-west-1a', cidr: '10.9.2.0/24' },
        { name: 'b', az: 'eu-west-1b', cidr: '10.9.3.0/24' },
      ],
    });
    expect(n.endpointServices).toEqual(['ssm']);
    const endpoint = resources(parse(Testing.synth(s)), 'aws_vpc_endpoint')[0]!;
    expect(endpoint.subnet_ids).toHaveLength(2);
  });
});

describe('an existing VPC', async () => {
  const t = await variant('elb', (input) => {
    input.network = {
      vpcId: 'vpc-0abc1234',
      subnets: [
        { name: 'a', az: 'us-east-1a', cidr: '10.43.1.0/24', id: 'subnet-0aaa1111' },
        { name: 'b', az: 'us-east-1b', cidr: '10.43.2.0/24', id: 'subnet-0bbb2222' },
        { name: 'c', az: 'us-east-1c', cidr: '10.43.3.0/24', id: 'subnet-0ccc3333' },
      ],
    };
  });
  const tf = parse(synth(buildStack(t)));
  it('creates no network, and uses the given ids', () => {
    for (const type of [
      'aws_vpc',
      'aws_subnet',
      'aws_route_table',
      'aws_vpc_endpoint',
      'aws_internet_gateway',
    ]) {
      expect(resources(tf, type), type).toEqual([]);
    }
    expect(
      resources(tf, 'aws_instance')
        .map((i) => i.subnet_id)
        .sort(),
    ).toEqual(['subnet-0aaa1111', 'subnet-0bbb2222', 'subnet-0ccc3333']);
    for (const sg of resources(tf, 'aws_security_group')) expect(sg.vpc_id).toBe('vpc-0abc1234');
    expect(resources(tf, 'aws_lb')[0]!.subnets).toEqual([
      'subnet-0aaa1111',
      'subnet-0bbb2222',
      'subnet-0ccc3333',
    ]);
  });
  it('says so in the review, with one rule row per CIDR', () => {
    const md = reviewOf(buildStack(t));
    expect(md).toContain(
      '| Network | existing VPC vpc-0abc1234; fixed IPs and VIP reserved (aws_ec2_subnet_cidr_reservation, explicit /32s) |',
    );
    for (const cidr of ['10.43.1.0/24', '10.43.2.0/24', '10.43.3.0/24']) {
      expect(md).toContain(
        `| warren-elb-nlb | tcp | 5672 | ${cidr} (clients) | AMQP from clients to the NLB |`,
      );
    }
  });

  it('defaults client and admin CIDRs to the subnets', () => {
    const cidrs = new Set(
      resources(tf, 'aws_vpc_security_group_ingress_rule')
        .map((r) => r.cidr_ipv4)
        .filter(Boolean),
    );
    expect(cidrs).toEqual(new Set(['10.43.1.0/24', '10.43.2.0/24', '10.43.3.0/24']));
  });
});

describe('ClusterSecrets', () => {
  it('refuses a prefix that is not an SSM path', () => {
    expect(() => new ClusterSecrets(scope(), 's', { prefix: 'warren/dev/' })).toThrow(
      /prefix 'warren\/dev\/' is not an SSM path/,
    );
  });
  it('refuses unknown and repeated keys', () => {
    expect(() => new ClusterSecrets(scope(), 's', { prefix: '/w/x', keys: ['admin-pass' as never] })).toThrow(
      /unknown secret 'admin-pass'/,
    );
    expect(
      () => new ClusterSecrets(scope(), 's', { prefix: '/w/x', keys: ['admin-password', 'admin-password'] }),
    ).toThrow(/twice/);
  });
});

describe('WarrenInstance', () => {
  const base = {
    hostName: 'h',
    role: 'rabbitmq',
    imageId: 'ami-1',
    instanceType: 't3.small',
    instanceProfileName: 'p',
    volumeGiB: 20,
    placement: { subnetId: 's', privateIp: '10.0.0.10', securityGroupIds: ['sg'] },
  };
  it('refuses user-data above the EC2 limit', () => {
    expect(
      () => new WarrenInstance(scope(), 'i', { ...base, userData: '#cloud-config\n' + 'x'.repeat(17000) }),
    ).toThrow(/userData is 17014 bytes, above EC2's limit of 16384/);
  });
  it('refuses user-data that is not cloud-config, and tiny volumes', () => {
    expect(() => new WarrenInstance(scope(), 'i', { ...base, userData: '#!/bin/sh' })).toThrow(
      /does not start with #cloud-config/,
    );
    expect(
      () => new WarrenInstance(scope(), 'i', { ...base, userData: '#cloud-config', volumeGiB: 2 }),
    ).toThrow(/volumeGiB 2 is too small/);
  });
});

describe('front doors', () => {
  const noUserData = () => '#cloud-config\n';
  it('KeepalivedFrontDoor refuses an NLB topology and hosts in two subnets', () => {
    const props = {
      subnetIds: { a: 's-a', b: 's-b' },
      securityGroupId: 'sg',
      imageId: 'ami-1',
      ssmPrefix: '/warren/x',
      userData: noUserData,
    };
    expect(() => new KeepalivedFrontDoor(scope(), 'k', { topology: elb, ...props })).toThrow(
      /frontDoor.kind is 'nlb'; use NlbFrontDoor/,
    );
    // dev ships an overlay VIP, which may cross subnets; a secondary IP may not.
    const sip = validateTopology(secondaryIpDev);
    const fd = sip.frontDoor.kind === 'keepalived' ? sip.frontDoor : undefined;
    const split: Topology = {
      ...sip,
      frontDoor: { ...fd!, haproxy: [fd!.haproxy[0]!, { ...fd!.haproxy[1]!, subnet: 'b' }] },
    };
    expect(() => new KeepalivedFrontDoor(scope(), 'k', { topology: split, ...props })).toThrow(
      /a secondary IP cannot cross subnets/,
    );
  });
  it('NlbFrontDoor refuses a name too long for AWS load balancer names', () => {
    const long: Topology = { ...elb, name: 'a-very-long-environment-name' };
    expect(
      () =>
        new NlbFrontDoor(scope(), 'n', {
          topology: long,
          vpcId: 'v',
          subnetIds: ['s'],
          securityGroupId: 'sg',
          targets: [{ name: 'r', instanceId: 'i' }],
        }),
    ).toThrow(/too long for NLB names; use at most 20 characters/);
  });
});

describe('state', () => {
  it('is local, in the absolute directory the edge gives, whatever the output directory', () => {
    expect(stateBackendFromEnv({})).toEqual({ kind: 'local' });
    expect(stateBackendFromEnv({}, { localDir: '/repo' })).toEqual({ kind: 'local', dir: '/repo' });
    const s = scope();
    expect(applyStateBackend(s, 'warren-x', 'r', { kind: 'local', dir: '/repo/' })).toBe(
      'local file /repo/terraform.warren-x.tfstate',
    );
    expect(parse(Testing.synth(s)).terraform.backend).toEqual({
      local: { path: '/repo/terraform.warren-x.tfstate' },
    });
    // Two output directories, one state file.
    for (const outdir of ['out-a', 'deep/out-b']) {
      const dir = path.join(tempDir('warren-state-'), outdir);
      mkdirSync(dir, { recursive: true });
      const app = Testing.app({ outdir: dir });
      const stack = new TerraformStack(app, 'warren-x');
      applyStateBackend(stack, 'warren-x', 'r', { kind: 'local', dir: '/repo' });
      expect(parse(Testing.synth(stack)).terraform.backend).toEqual({
        local: { path: '/repo/terraform.warren-x.tfstate' },
      });
    }
    expect(() => applyStateBackend(scope(), 'warren-x', 'r', { kind: 'local', dir: 'state' })).toThrow(
      /is relative; give an absolute directory/,
    );
  });
  it('without a directory (a stack built in code) stays next to the output directory', () => {
    const s = scope();
    applyStateBackend(s, 'warren-x', 'r', { kind: 'local' });
    expect(parse(Testing.synth(s)).terraform.backend).toEqual({
      local: { path: '../../../terraform.warren-x.tfstate' },
    });
  });
  it('goes to an encrypted S3 bucket, SSE-KMS and locked by its lock file, when WARREN_STATE_* say so', () => {
    const options = stateBackendFromEnv({
      WARREN_STATE_BUCKET: 'acme-tfstate',
      WARREN_STATE_KMS_KEY_ID: 'alias/acme-state',
      WARREN_STATE_KEY_PREFIX: 'rabbit',
    });
    const stack = buildStack(dev, { state: options });
    const tf = parse(synth(stack));
    expect(tf.terraform.backend).toEqual({
      s3: {
        bucket: 'acme-tfstate',
        key: 'rabbit/warren-dev.tfstate',
        region: 'eu-west-1',
        encrypt: true,
        kms_key_id: 'alias/acme-state',
        use_lockfile: true,
      },
    });
    expect(stack.stateDescription).toBe(
      's3://acme-tfstate/rabbit/warren-dev.tfstate, SSE-KMS with alias/acme-state, locked by its lock file',
    );
  });
  it('still takes a (deprecated) DynamoDB lock table next to the lock file', () => {
    const options = stateBackendFromEnv({
      WARREN_STATE_BUCKET: 'acme-tfstate',
      WARREN_STATE_LOCK_TABLE: 'locks',
    });
    const tf = parse(synth(buildStack(dev, { state: options })));
    expect(tf.terraform.backend).toMatchObject({ s3: { dynamodb_table: 'locks', use_lockfile: true } });
  });
  it('refuses half an S3 configuration', () => {
    expect(() => stateBackendFromEnv({ WARREN_STATE_LOCK_TABLE: 'locks' })).toThrow(
      /WARREN_STATE_LOCK_TABLE is set but WARREN_STATE_BUCKET is not/,
    );
    expect(() => stateBackendFromEnv({ WARREN_STATE_KMS_KEY_ID: 'k' })).toThrow(
      /WARREN_STATE_KMS_KEY_ID is set but WARREN_STATE_BUCKET is not/,
    );
    expect(() => applyStateBackend(scope(), 'w', 'r', { kind: 's3', bucket: 'Bad_Bucket' })).toThrow(
      /not a valid S3 bucket name/,
    );
  });
});

describe('health gate', () => {
  it('is a null_resource with a local-exec that waits through the front door, after nodes and front door', () => {
    const json = synth(buildStack(dev, { healthGate: { script: healthGateScript() } }));
    const tf = parse(json);
    expect(json).toHaveResource(NullResource);
    const gate = resources(tf, 'null_resource')[0]!;
    const exec = (gate.provisioner as { 'local-exec': Record<string, unknown> }[])[0]!['local-exec'];
    expect(exec.interpreter).toEqual(['bash', '-c']);
    expect(exec.environment).toEqual({
      WARREN_ENDPOINT: '192.168.1.230',
      WARREN_MANAGEMENT_PORT: '15672',
      WARREN_REGION: 'eu-west-1',
      WARREN_ADMIN_USER: 'warren-admin',
      WARREN_ADMIN_PASSWORD_PARAMETER: '/warren/dev/admin-password',
      WARREN_EXPECTED_NODES: 'rabbit@rabbit-01 rabbit@rabbit-02 rabbit@rabbit-03',
      WARREN_REPLICATION: 'ha-all',
      WARREN_GATE_TIMEOUT: '900',
    });
    const deps = (gate.depends_on as string[]).map((d) => d.split('.')[0]);
    expect(deps.filter((d) => d === 'aws_instance')).toHaveLength(5);
    expect(deps).toContain('aws_network_interface');
    expect(
      String((gate.triggers as Record<string, string>).nodes)
        .split(',')
        .map(referencedAddress),
    ).toHaveLength(3);
    expect(tf.provider.null).toBeDefined();
  });
  it('waits on the NLB listeners and target groups in elb', () => {
    const gate = resources(
      parse(synth(buildStack(elb, { healthGate: { script: healthGateScript() } }))),
      'null_resource',
    )[0]!;
    const deps = (gate.depends_on as string[]).map((d) => d.split('.')[0]);
    expect(deps).toEqual(
      expect.arrayContaining([
        'aws_lb',
        'aws_lb_listener',
        'aws_lb_target_group',
        'aws_lb_target_group_attachment',
      ]),
    );
    const exec = (gate.provisioner as { 'local-exec': { environment: Record<string, string> } }[])[0]![
      'local-exec'
    ];
    expect(exec.environment.WARREN_ENDPOINT).toMatch(/^\$\{aws_lb\.[^.]+\.dns_name\}$/);
  });
  it('runs a script that passes shellcheck', () => {
    const r = spawnSync('shellcheck', ['-s', 'bash', HEALTH_GATE_SCRIPT], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('imports', () => {
  it('take provider classes from their own modules, never the barrels (which cost seconds to load)', () => {
    const files = [
      path.join(PROJECT_ROOT, 'main.ts'),
      ...readdirSync(path.join(PROJECT_ROOT, 'stacks'))
        .filter((f) => f.endsWith('.ts'))
        .map((f) => path.join(PROJECT_ROOT, 'stacks', f)),
    ];
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/from '@cdktf\/provider-(aws|random|null)(\/lib)?'/);
    }
  });
});

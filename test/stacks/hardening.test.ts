// The stacks' AWS hardening (issue 13), asserted on the synthesized Terraform JSON: security groups
// (nodes reachable only through the front door unless the topology asks, egress only where needed);
// secrets under the environment's own key, each role reading only its boot script's parameters
// (proven by evaluating the synthesized IAM policies).
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../aws';
import { SECRETS_READ_BY, SESSION_MANAGER_ACTIONS } from '../../stacks';
import {
  hostsOf,
  listenerPorts,
  SECRET_KEYS,
  TLS_SECRET_KEYS,
  tlsOn,
  tlsParameterSuffix,
  type Topology,
  validateTopology,
} from '../../topology';
import { secondaryIpDev } from '../support/secondary-ip-dev';
import { listEnvironments, loadEnvironment, PROJECT_ROOT } from '../../workspace';
import {
  buildStack,
  envTopology,
  parse,
  referencedAddress,
  resources,
  resourcesByAddress,
  synth,
  tempDir,
  variant,
  type TfJson,
} from './helpers';

const environments = listEnvironments();
const synthed = new Map<string, TfJson>();
for (const env of environments) synthed.set(env, parse(synth(buildStack(await envTopology(env)))));

/** A security group's Name by its address. */
function groupNames(tf: TfJson): Map<string, string> {
  return new Map(
    [...resourcesByAddress(tf, 'aws_security_group')].map(([address, sg]) => [address, String(sg.name)]),
  );
}

/** `<group> <proto> <ports> <cidr or group>` per rule of one kind. */
function ruleLines(tf: TfJson, type: string): string[] {
  const names = groupNames(tf);
  return resources(tf, type).map((r) => {
    const group = names.get(referencedAddress(r.security_group_id)!)!;
    const peer =
      r.cidr_ipv4 !== undefined
        ? String(r.cidr_ipv4)
        : names.get(referencedAddress(r.referenced_security_group_id)!)!;
    const ports = r.from_port === undefined ? '-' : `${String(r.from_port)}-${String(r.to_port)}`;
    return `${group} ${String(r.ip_protocol)} ${ports} ${peer}`;
  });
}

describe('security groups', () => {
  it.each(environments)('%s: node AMQP and management only from the front door by default', (env) => {
    const tf = synthed.get(env)!;
    const toNodes = ruleLines(tf, 'aws_vpc_security_group_ingress_rule').filter((l) =>
      /^warren-[a-z0-9-]+-rabbitmq tcp (5672-5672|15672-15672|5671-5671|15671-15671) /.test(l),
    );
    const ports = listenerPorts(loadEnvironment(env).topology.rabbitmq.tls);
    expect(toNodes.length).toBe(ports.amqp.length + ports.management.length);
    for (const line of toNodes) expect(line).toMatch(/ warren-[a-z0-9-]+-(haproxy|nlb)$/);
  });

  it('access.directNodeAccess opens them to the admins', async () => {
    const t = await variant('dev', (input) => {
      input.access = { ...input.access, directNodeAccess: true };
    });
    const lines = ruleLines(parse(synth(buildStack(t))), 'aws_vpc_security_group_ingress_rule');
    for (const cidr of t.access.adminCidrs) {
      expect(lines).toContain(`warren-dev-rabbitmq tcp 5672-5672 ${cidr}`);
      expect(lines).toContain(`warren-dev-rabbitmq tcp 15672-15672 ${cidr}`);
    }
  });

  it.each(environments)('%s: egress only to peers, the nodes and the endpoints; never everything', (env) => {
    const tf = synthed.get(env)!;
    const lines = ruleLines(tf, 'aws_vpc_security_group_egress_rule');
    for (const r of resources(tf, 'aws_vpc_security_group_egress_rule')) {
      expect(r.ip_protocol).not.toBe('-1');
      expect(r.cidr_ipv4).toBeUndefined();
    }
    const p = `warren-${env}`;
    const expected = [
      `${p}-rabbitmq tcp 443-443 ${p}-endpoints`,
      `${p}-rabbitmq tcp 4369-4369 ${p}-rabbitmq`,
      `${p}-rabbitmq tcp 25672-25672 ${p}-rabbitmq`,
      `${p}-rabbitmq tcp 35672-35682 ${p}-rabbitmq`,
    ];
    const t = loadEnvironment(env).topology;
    // The client ports of the mode (rabbitmq.tls), from the front door to the nodes.
    const ports = listenerPorts(t.rabbitmq.tls);
    const clientPorts = [...ports.amqp, ...ports.management];
    if (t.frontDoor.kind === 'nlb') {
      expected.push(...clientPorts.map((port) => `${p}-nlb tcp ${port}-${port} ${p}-rabbitmq`));
    } else {
      expected.push(
        `${p}-haproxy tcp 443-443 ${p}-endpoints`,
        ...clientPorts.map((port) => `${p}-haproxy tcp ${port}-${port} ${p}-rabbitmq`),
        `${p}-haproxy 112 - ${p}-haproxy`,
      );
    }
    expect(lines.sort()).toEqual(expected.sort());
  });

  it('an existing VPC, whose route to the AWS APIs warren does not know, gets HTTPS out only', async () => {
    const t = await variant('dev', (input) => {
      input.network = {
        vpcId: 'vpc-0123456789abcdef0',
        // dev's overlay VIP needs the route tables of its clients in an existing VPC.
        routeTableIds: ['rtb-0123456789abcdef0'],
        subnets: input.network.subnets.map((s, i) => ({ ...s, id: `subnet-0${i}23456789abcdef0` })),
      };
    });
    const tf = parse(synth(buildStack(t)));
    const world = resources(tf, 'aws_vpc_security_group_egress_rule').filter(
      (r) => r.cidr_ipv4 !== undefined,
    );
    expect(world.map((r) => [r.cidr_ipv4, r.ip_protocol, r.from_port, r.to_port])).toEqual([
      ['0.0.0.0/0', 'tcp', 443, 443],
      ['0.0.0.0/0', 'tcp', 443, 443],
    ]);
  });
});

// ---- IAM: a small evaluator of identity policies (Allow/Deny, action and resource globs, StringEquals
// and StringLike conditions), enough for the statements warren writes; no statement means denied.

interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

interface Request {
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string>>;
}

const ACCOUNT = '123456789012';
const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/0b5e11e0-0000-4000-8000-000000000001`;

function glob(pattern: string, value: string, caseInsensitive = false): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, caseInsensitive ? 'i' : '').test(value);
}

function conditionHolds(
  condition: Statement['Condition'],
  context: Readonly<Record<string, string>>,
): boolean {
  for (const [operator, entries] of Object.entries(condition ?? {})) {
    for (const [key, expected] of Object.entries(entries)) {
      const actual = context[key];
      if (actual === undefined) return false;
      const values = [expected].flat();
      if (operator === 'StringEquals' && !values.includes(actual)) return false;
      else if (operator === 'StringLike' && !values.some((v) => glob(v, actual))) return false;
      else if (operator !== 'StringEquals' && operator !== 'StringLike')
        throw new Error(`evaluator does not know ${operator}`);
    }
  }
  return true;
}

function allowed(statements: readonly Statement[], request: Request): boolean {
  const matching = statements.filter(
    (s) =>
      [s.Action].flat().some((a) => glob(a, request.action, true)) &&
      [s.Resource].flat().some((r) => glob(r, request.resource)) &&
      conditionHolds(s.Condition, request.context ?? {}),
  );
  return matching.some((s) => s.Effect === 'Allow') && !matching.some((s) => s.Effect === 'Deny');
}

/** The inline policies by role, with Terraform references replaced by what they resolve to. */
function rolePolicies(tf: TfJson): Map<string, Statement[]> {
  const resolve = (text: string) =>
    text
      .replace(/\$\{data\.aws_partition\.[^}]+\.partition\}/g, 'aws')
      .replace(/\$\{data\.aws_caller_identity\.[^}]+\.account_id\}/g, ACCOUNT)
      .replace(/\$\{aws_kms_key\.[^}]+\.arn\}/g, KEY_ARN)
      .replace(
        /\$\{aws_network_interface\.([^}.]+)\.arn\}/g,
        `arn:aws:ec2:eu-west-1:${ACCOUNT}:network-interface/eni-$1`,
      )
      .replace(/\$\{aws_route_table\.([^}.]+)\.id\}/g, 'rtb-$1');
  return new Map(
    resources(tf, 'aws_iam_role_policy').map((p) => {
      const doc = JSON.parse(resolve(String(p.policy))) as { Statement: Statement[] };
      expect(resolve(String(p.policy))).not.toContain('${');
      return [String(p.name).replace(/-policy$/, ''), doc.Statement];
    }),
  );
}

/** Whether a role can `aws ssm get-parameter --with-decryption` the parameter: SSM's and KMS's checks. */
function canReadSecret(statements: readonly Statement[], region: string, parameter: string): boolean {
  const arn = `arn:aws:ssm:${region}:${ACCOUNT}:parameter${parameter}`;
  return (
    allowed(statements, { action: 'ssm:GetParameter', resource: arn }) &&
    allowed(statements, {
      action: 'kms:Decrypt',
      resource: KEY_ARN,
      context: {
        'kms:ViaService': `ssm.${region}.amazonaws.com`,
        'kms:EncryptionContext:PARAMETER_ARN': arn,
      },
    })
  );
}

/** The secrets a boot script reads: its `warren-secret <key>` calls. */
function secretsReadBy(script: string): string[] {
  const text = readFileSync(new URL(`../../cloudinit/scripts/${script}`, import.meta.url), 'utf8');
  return [...new Set([...text.matchAll(/warren-secret"? ([a-z-]+)/g)].map((m) => m[1]!))].sort();
}

/**
 * The roles and what each may read: with TLS one role per RabbitMQ node (its own TLS material besides
 * the shared secrets), the HAProxy pair one role for both hosts' stats certificates.
 */
function expectOwnParametersOnly(t: Topology, tf: TfJson): void {
  const env = t.name;
  const policies = rolePolicies(tf);
  const tls = tlsOn(t);
  const tlsOf = (hosts: readonly string[]) =>
    tls ? hosts.flatMap((h) => TLS_SECRET_KEYS.map((k) => `/warren/${env}/${tlsParameterSuffix(k, h)}`)) : [];
  const roles: { name: string; kind: 'rabbitmq' | 'haproxy'; tls: string[] }[] = [
    ...(tls
      ? t.rabbitmq.nodes.map((n) => ({
          name: `warren-${env}-${n.name}`,
          kind: 'rabbitmq' as const,
          tls: tlsOf([n.name]),
        }))
      : [{ name: `warren-${env}-rabbitmq`, kind: 'rabbitmq' as const, tls: [] }]),
    ...(t.frontDoor.kind === 'keepalived'
      ? [
          {
            name: `warren-${env}-haproxy`,
            kind: 'haproxy' as const,
            tls: tlsOf(t.frontDoor.haproxy.map((h) => h.name)),
          },
        ]
      : []),
  ];
  expect([...policies.keys()].sort()).toEqual(roles.map((r) => r.name).sort());
  const everyTlsParameter = tlsOf(hostsOf(t).map((h) => h.name));
  for (const role of roles) {
    const statements = policies.get(role.name)!;
    const own: readonly string[] = SECRETS_READ_BY[role.kind];
    for (const key of SECRET_KEYS) {
      const name = `/warren/${env}/${key}`;
      expect(canReadSecret(statements, t.region, name), `${role.name} reads ${key}`).toBe(own.includes(key));
    }
    for (const name of everyTlsParameter) {
      const mine = role.tls.includes(name) || (name.endsWith('/tls/ca') && tls);
      expect(canReadSecret(statements, t.region, name), `${role.name} reads ${name}`).toBe(mine);
    }
    // Not another environment's, not a parameter of another name, not in another region.
    expect(canReadSecret(statements, t.region, `/warren/other/${own[0]}`)).toBe(false);
    expect(canReadSecret(statements, t.region, `/warren/${env}/${own[0]}-x`)).toBe(false);
    const elsewhere = t.region === 'us-east-1' ? 'eu-west-1' : 'us-east-1';
    expect(canReadSecret(statements, elsewhere, `/warren/${env}/${own[0]}`)).toBe(false);
    // The key decrypts only through SSM, and only for its own parameters.
    const arn = `arn:aws:ssm:${t.region}:${ACCOUNT}:parameter/warren/${env}/${own[0]}`;
    expect(
      allowed(statements, {
        action: 'kms:Decrypt',
        resource: KEY_ARN,
        context: { 'kms:EncryptionContext:PARAMETER_ARN': arn },
      }),
    ).toBe(false);
    expect(allowed(statements, { action: 'kms:Decrypt', resource: KEY_ARN })).toBe(false);
    expect(allowed(statements, { action: 'ssm:GetParametersByPath', resource: arn })).toBe(false);
    expect(allowed(statements, { action: 'ec2:UnassignPrivateIpAddresses', resource: '*' })).toBe(false);
  }
}

describe('secrets', () => {
  it('SECRETS_READ_BY is what the boot scripts read', () => {
    expect(secretsReadBy('warren-rabbitmq-boot')).toEqual([...SECRETS_READ_BY.rabbitmq].sort());
    expect(secretsReadBy('warren-haproxy-boot')).toEqual([...SECRETS_READ_BY.haproxy].sort());
  });

  it.each(environments)(
    '%s: one customer-managed key, rotated, encrypts every SecureString and volume',
    (env) => {
      const tf = synthed.get(env)!;
      const keys = resourcesByAddress(tf, 'aws_kms_key');
      expect(keys.size).toBe(1);
      const [address, key] = [...keys][0]!;
      expect(key.enable_key_rotation).toBe(true);
      expect(resources(tf, 'aws_kms_alias')).toEqual([
        expect.objectContaining({ name: `alias/warren-${env}`, target_key_id: `\${${address}.key_id}` }),
      ]);
      const arn = `\${${address}.arn}`;
      // The TLS certificates are public (String); every SecureString is under the key.
      const t = loadEnvironment(env).topology;
      const parameters = resources(tf, 'aws_ssm_parameter').filter((p) => p.type === 'SecureString');
      expect(parameters.length).toBe(SECRET_KEYS.length + (tlsOn(t) ? hostsOf(t).length : 0));
      for (const p of parameters) expect(p.key_id, String(p.name)).toBe(arn);
      for (const v of resources(tf, 'aws_ebs_volume')) expect(v.kms_key_id).toBe(arn);
      for (const i of resources(tf, 'aws_instance'))
        expect((i.root_block_device as Record<string, unknown>).kms_key_id).toBe(arn);
    },
  );

  it.each(environments)('%s: each role reads and decrypts only its own parameters', async (env) => {
    expectOwnParametersOnly(await envTopology(env), synthed.get(env)!);
  });

  it.each(['lts', 'elb'])(
    "%s with rabbitmq.tls 'required': each node's role reads its own TLS key and no other's",
    async (env) => {
      const t = await variant(env, (e) => {
        e.rabbitmq.tls = 'required';
      });
      expectOwnParametersOnly(t, parse(synth(buildStack(t))));
    },
  );

  it('the evaluator can say yes: a wildcard statement reads everything', () => {
    const all: Statement[] = [{ Effect: 'Allow', Action: ['ssm:*', 'kms:*'], Resource: '*' }];
    expect(canReadSecret(all, 'eu-west-1', '/warren/dev/erlang-cookie')).toBe(true);
    expect(
      canReadSecret([...all, { Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' }], 'eu-west-1', '/x'),
    ).toBe(false);
  });
});

// ---- No boot races: fixed addresses reserved before any interface takes one; hosts after what they read.

describe('boot order', () => {
  it.each(environments)('%s: every fixed address is reserved (explicit /32) in its subnet', async (env) => {
    const t = await envTopology(env);
    const tf = synthed.get(env)!;
    const subnets = new Map(
      [...resourcesByAddress(tf, 'aws_subnet')].map(([address, s]) => [address, String(s.cidr_block)]),
    );
    const reserved = resources(tf, 'aws_ec2_subnet_cidr_reservation').map((r) => {
      expect(r.reservation_type).toBe('explicit');
      return `${String(r.cidr_block)} in ${subnets.get(referencedAddress(r.subnet_id)!)}`;
    });
    const cidrOf = (name: string) => t.network.subnets.find((s) => s.name === name)!.cidr;
    const expected = [
      ...t.rabbitmq.nodes.map((n) => `${n.ip}/32 in ${cidrOf(n.subnet)}`),
      ...(t.frontDoor.kind === 'keepalived'
        ? [
            ...t.frontDoor.haproxy.map((h) => `${h.ip}/32 in ${cidrOf(h.subnet)}`),
            // An overlay VIP lies outside every subnet: nothing there to reserve.
            ...(t.frontDoor.vipMode === 'secondary-ip'
              ? [`${t.frontDoor.vip}/32 in ${cidrOf(t.frontDoor.haproxy[0]!.subnet)}`]
              : []),
          ]
        : []),
    ];
    expect(reserved.sort()).toEqual(expected.sort());
  });

  it('a secondary-ip VIP (no shipped environment has one) is reserved in its hosts subnet too', () => {
    const tf = parse(synth(buildStack(validateTopology(secondaryIpDev))));
    const subnets = new Map(
      [...resourcesByAddress(tf, 'aws_subnet')].map(([address, s]) => [address, String(s.cidr_block)]),
    );
    expect(
      resources(tf, 'aws_ec2_subnet_cidr_reservation')
        .filter((r) => r.cidr_block === '10.42.1.230/32')
        .map((r) => subnets.get(referencedAddress(r.subnet_id)!)),
    ).toEqual(['10.42.1.0/24']);
  });

  it.each(environments)('%s: endpoints, the NLB and the interfaces wait for the reservations', (env) => {
    const tf = synthed.get(env)!;
    const reservations = [...resourcesByAddress(tf, 'aws_ec2_subnet_cidr_reservation').keys()].sort();
    const automatic = [
      ...resources(tf, 'aws_vpc_endpoint'),
      ...resources(tf, 'aws_lb'),
      ...resources(tf, 'aws_network_interface'),
    ];
    expect(automatic.length).toBeGreaterThan(0);
    for (const r of automatic) expect([...((r.depends_on as string[]) ?? [])].sort()).toEqual(reservations);
  });

  it.each(environments)('%s: hosts boot after their secrets, the endpoints and their role policy', (env) => {
    const tf = synthed.get(env)!;
    const instanceProfiles = resourcesByAddress(tf, 'aws_iam_instance_profile');
    const policies = resourcesByAddress(tf, 'aws_iam_role_policy');
    const needs = [
      ...resourcesByAddress(tf, 'aws_ssm_parameter').keys(),
      ...resourcesByAddress(tf, 'aws_vpc_endpoint').keys(),
    ];
    for (const i of resources(tf, 'aws_instance')) {
      const deps = (i.depends_on as string[]) ?? [];
      const name = (i.tags as Record<string, string>).Name;
      for (const need of needs) expect(deps, `${name} waits for ${need}`).toContain(need);
      // Its own role's policy: the policy of the role its instance profile names.
      const profile =
        [...instanceProfiles].find(([, p]) => p.name === i.iam_instance_profile)?.[1] ??
        instanceProfiles.get(referencedAddress(i.iam_instance_profile)!)!;
      const ownPolicy = [...policies].find(
        ([, p]) => p.role === String(profile.role).replace(/\.name\}$/, '.id}'),
      )!;
      expect(deps, `${name} waits for its role policy`).toContain(ownPolicy[0]);
    }
  });
});

// ---- State: the local default does not move with the output directory.

describe('state', () => {
  it('the app keeps local state in the repository root, whatever the output directory', () => {
    const loaded = loadEnvironment('dev');
    for (const outdir of [tempDir('warren-out-'), path.join(tempDir('warren-out-'), 'a', 'b')]) {
      mkdirSync(outdir, { recursive: true });
      const { stacks } = buildApp({ outdir, environments: [loaded], amiPlaceholders: true });
      const tf = parse(Testing.synth(stacks[0]!));
      expect(tf.terraform.backend).toEqual({
        local: { path: `${PROJECT_ROOT}/terraform.warren-dev.tfstate` },
      });
    }
  });
});

// ---- Session Manager: on by default, the agent's permissions only, its endpoints, no port.

describe('Session Manager', () => {
  const sessionStatements = (statements: readonly Statement[]) =>
    statements.filter((s) =>
      [s.Action].flat().some((a) => a.startsWith('ssmmessages:') || a === 'ssm:UpdateInstanceInformation'),
    );

  it.each(environments)('%s: both roles may register and open sessions, nothing more', async (env) => {
    const t = await envTopology(env);
    expect(t.access.sessionManager).toBe(true);
    const tf = synthed.get(env)!;
    for (const [role, statements] of rolePolicies(tf)) {
      const instance = `arn:aws:ec2:${t.region}:${ACCOUNT}:instance/i-0123456789abcdef0`;
      expect(allowed(statements, { action: 'ssm:UpdateInstanceInformation', resource: instance }), role).toBe(
        true,
      );
      for (const action of SESSION_MANAGER_ACTIONS.channels)
        expect(allowed(statements, { action, resource: '*' }), `${role} ${action}`).toBe(true);
      // Not Run Command documents, not other parameters, not another region's instances.
      expect(allowed(statements, { action: 'ssm:SendCommand', resource: instance })).toBe(false);
      expect(allowed(statements, { action: 'ssm:GetDocument', resource: '*' })).toBe(false);
      expect(
        allowed(statements, {
          action: 'ssm:UpdateInstanceInformation',
          resource: `arn:aws:ec2:ap-south-2:${ACCOUNT}:instance/i-0123456789abcdef0`,
        }),
      ).toBe(false);
    }
    const services = resources(tf, 'aws_vpc_endpoint').map((e) => String(e.service_name).split('.').pop());
    expect(services).toEqual(expect.arrayContaining(['ssm', 'ssmmessages', 'ec2messages']));
    // No SSH port without a key pair.
    for (const r of resources(tf, 'aws_vpc_security_group_ingress_rule')) expect(r.from_port).not.toBe(22);
  });

  it('access.sessionManager: false drops the permissions and the endpoints', async () => {
    const t = await variant('dev', (input) => {
      input.access = { ...input.access, sessionManager: false };
    });
    const tf = parse(synth(buildStack(t)));
    for (const statements of rolePolicies(tf).values()) expect(sessionStatements(statements)).toEqual([]);
    const services = resources(tf, 'aws_vpc_endpoint').map((e) => String(e.service_name).split('.').pop());
    expect(services.sort()).toEqual(['ec2', 'ssm']);
  });
});

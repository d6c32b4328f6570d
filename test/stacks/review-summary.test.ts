// cdktf.out/review/<env>.md for every environment, checked against the stack JSON written beside it:
// every fact the summary states is derived here from the synthesized resources, not hard-coded.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, referencedAddress, resources, resourcesByAddress, type TfJson } from './helpers';
import { runRealSynth } from './real-synth';
import { listEnvironments } from '../../workspace';

const run = runRealSynth();

/** The rows of the first table under `## <heading>`, as cell arrays (header and separator dropped). */
function tableUnder(md: string, heading: string): string[][] {
  const start = md.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no section '${heading}'`);
  const body = md.slice(start + heading.length + 5);
  const end = body.indexOf('\n## ');
  const lines = (end < 0 ? body : body.slice(0, end)).split('\n').filter((l) => l.startsWith('|'));
  return lines.slice(2).map((l) =>
    l
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replace(/\\\|/g, '|')),
  );
}

interface ListenerFact {
  port: string;
  group: string;
  targets: string;
  proxy: string;
  check: string;
}

interface StackFacts {
  listeners: ListenerFact[];
  hosts: Map<string, { ip: string; az: string; subnetSuffix: string; type: string; sg: string }>;
  vip?: string;
  vipHost?: string;
  /** An overlay VIP's /32 routes (none for a secondary IP): how many the stack makes. */
  vipRoutes: number;
  rules: string[];
  parameters: string[];
  region: string;
  groups: string[];
  /** node → [AZ, size, type, encrypted, device, snapshot before delete], as the summary's table says them. */
  volumes: Map<string, string[]>;
}

/** What the synthesized JSON says, in the summary's terms. */
function factsOf(tf: TfJson): StackFacts {
  const sgs = resourcesByAddress(tf, 'aws_security_group');
  const sgName = (ref: unknown) => String(sgs.get(referencedAddress(ref)!)?.name);
  const subnets = resourcesByAddress(tf, 'aws_subnet');
  const enis = resourcesByAddress(tf, 'aws_network_interface');
  const hosts = new Map<string, StackFacts['hosts'] extends Map<string, infer V> ? V : never>();
  let vip: string | undefined;
  let vipHost: string | undefined;
  for (const i of resources(tf, 'aws_instance')) {
    const name = (i.tags as Record<string, string>).Name!;
    const eniRef = (i.primary_network_interface as { network_interface_id?: string } | undefined)
      ?.network_interface_id;
    const eni = eniRef ? enis.get(referencedAddress(eniRef)!) : undefined;
    const subnet = subnets.get(referencedAddress(eni ? eni.subnet_id : i.subnet_id)!)!;
    const ips = eni ? (eni.private_ip_list as string[]) : [String(i.private_ip)];
    if (ips.length > 1) [vip, vipHost] = [ips[1], name];
    hosts.set(name, {
      ip: ips[0]!,
      az: String(subnet.availability_zone),
      subnetSuffix: String((subnet.tags as Record<string, string>).Name)
        .split('-')
        .pop()!,
      type: String(i.instance_type),
      sg: sgName(eni ? (eni.security_groups as string[])[0] : (i.vpc_security_group_ids as string[])[0]),
    });
  }
  const rules = resources(tf, 'aws_vpc_security_group_ingress_rule')
    .filter((r) => !sgName(r.security_group_id).endsWith('-endpoints'))
    .map((r) => {
      const protocol = r.ip_protocol === '112' ? 'vrrp (112)' : String(r.ip_protocol);
      const ports =
        r.from_port === undefined
          ? '-'
          : r.from_port === r.to_port
            ? String(r.from_port)
            : `${r.from_port}-${r.to_port}`;
      const source = r.referenced_security_group_id
        ? `sg ${sgName(r.referenced_security_group_id)}`
        : String(r.cidr_ipv4);
      const description = String(r.description).replace(/\$\$\{/g, '${');
      return [sgName(r.security_group_id), protocol, ports, source, description].join(' | ');
    })
    .sort();
  // An overlay VIP is no interface's address: it is the /32 routed to the first master's interface.
  const vipRoutes = resources(tf, 'aws_route').filter((r) => r.network_interface_id !== undefined);
  if (!vip && vipRoutes.length > 0) {
    const target = referencedAddress(vipRoutes[0]!.network_interface_id);
    vip = String(vipRoutes[0]!.destination_cidr_block).replace(/\/32$/, '');
    vipHost = (
      resources(tf, 'aws_instance').find(
        (i) =>
          referencedAddress(
            (i.primary_network_interface as { network_interface_id?: string } | undefined)
              ?.network_interface_id,
          ) === target,
      )!.tags as Record<string, string>
    ).Name;
  }
  const provider = tf.provider.aws![0] as { region: string };
  const groups = resourcesByAddress(tf, 'aws_lb_target_group');
  const instances = resourcesByAddress(tf, 'aws_instance');
  const listeners = resources(tf, 'aws_lb_listener').map((l) => {
    const arn = (l.default_action as { target_group_arn: string }[])[0]!.target_group_arn;
    const g = groups.get(referencedAddress(arn)!)!;
    const check = g.health_check as { protocol: string; port: string };
    const targets = resources(tf, 'aws_lb_target_group_attachment')
      .filter((a) => a.target_group_arn === arn)
      .map((a) => (instances.get(referencedAddress(a.target_id)!)!.tags as Record<string, string>).Name)
      .sort()
      .join(', ');
    return {
      port: `${String(l.protocol)} ${String(l.port)}`,
      group: String(g.name),
      targets,
      proxy: g.proxy_protocol_v2 ? 'yes' : 'no',
      check: `${check.protocol} ${check.port === 'traffic-port' ? String(g.port) : check.port}`,
    };
  });
  return {
    listeners,
    hosts,
    ...(vip ? { vip, vipHost } : {}),
    vipRoutes: vipRoutes.length,
    rules,
    // The generated secrets; TLS material (rabbitmq.tls) has its own table under "TLS".
    parameters: resources(tf, 'aws_ssm_parameter')
      .map((p) => String(p.name))
      .filter((n) => !n.includes('/tls/'))
      .sort(),
    region: provider.region,
    groups: [...sgs.values()].map((g) => String(g.name)).filter((n) => !n.endsWith('-endpoints')),
    volumes: volumeFacts(tf),
  };
}

function volumeFacts(tf: TfJson): StackFacts['volumes'] {
  const volumes = resourcesByAddress(tf, 'aws_ebs_volume');
  const instances = resourcesByAddress(tf, 'aws_instance');
  const yesNo = (v: unknown) => (v === true ? 'yes' : 'no');
  return new Map(
    resources(tf, 'aws_volume_attachment').map((a) => {
      const v = volumes.get(referencedAddress(a.volume_id)!)!;
      const node = (instances.get(referencedAddress(a.instance_id)!)!.tags as Record<string, string>).Name!;
      return [
        node,
        [
          String(v.availability_zone),
          String(v.size),
          String(v.type),
          yesNo(v.encrypted),
          String(a.device_name),
          yesNo(v.final_snapshot),
        ],
      ];
    }),
  );
}

describe.each(listEnvironments())('review/%s.md', (env) => {
  const md = run.read(`review/${env}.md`);
  const facts = factsOf(parse(run.read(`stacks/warren-${env}/cdk.tf.json`)));

  it('says it is generated, from which file, and for which stack and region', () => {
    expect(md.split('\n')[0]).toBe(
      `<!-- Generated by warren from environments/${env}.ts. Do not edit; run npm run synth. -->`,
    );
    expect(md).toContain(`# warren-${env}: review`);
    const overview = Object.fromEntries(
      md
        .split('\n## ')[0]!
        .split('\n')
        .filter((l) => l.startsWith('| ') && !l.startsWith('| ---'))
        .map((l) => l.slice(2, -2).split(' | ') as [string, string]),
    );
    expect(overview.Region).toBe(facts.region);
    expect(overview.State).toContain(`terraform.warren-${env}.tfstate`);
  });

  it('lists exactly the stack instances, with their IPs, zones, types and groups', () => {
    const rows = tableUnder(md, 'Hosts').filter((r) => !r[0]!.startsWith('('));
    expect(rows.map((r) => r[0]).sort()).toEqual([...facts.hosts.keys()].sort());
    for (const [host, role, subnet, az, ip, type, sg] of rows) {
      const f = facts.hosts.get(host!)!;
      expect({ host, ip, az, subnet, type, sg }).toEqual({
        host,
        ip: f.ip,
        az: f.az,
        subnet: f.subnetSuffix,
        type: f.type,
        sg: f.sg,
      });
      expect(sg).toBe(`warren-${env}-${role}`);
    }
  });

  it('shows the VIP where the stack puts it (keepalived only)', () => {
    const vipRow = tableUnder(md, 'Hosts').find((r) => r[0] === '(VIP)');
    if (facts.vip === undefined) {
      expect(vipRow).toBeUndefined();
      expect(tableUnder(md, 'Hosts').find((r) => r[0] === '(NLB)')).toBeDefined();
    } else {
      expect(vipRow?.[4]).toBe(facts.vip);
      expect(md).toContain(`amqp://${facts.vip}:5672`);
    }
  });

  it('describes the front door as the stack builds it', () => {
    const rows = tableUnder(md, 'Front door');
    if (facts.vip !== undefined && facts.vipRoutes === 0) {
      expect(rows).toHaveLength(1);
      expect(rows[0]![0]).toBe(facts.vip);
      expect(rows[0]![3]).toMatch(new RegExp(`^${facts.vipHost} \\(`));
      expect(facts.listeners).toEqual([]);
    } else if (facts.vip !== undefined) {
      expect(rows[0]![0]).toBe(`${facts.vip} (overlay, outside the VPC)`);
      expect(rows[0]![3]).toMatch(new RegExp(`^${facts.vipHost} \\(`));
      // The route table below it: one row per /32 route of the stack, first to the master's interface.
      const routes = rows.filter((r) => r[1] === `${facts.vip}/32`);
      expect(routes).toHaveLength(facts.vipRoutes);
      for (const r of routes) expect(r[2]).toBe(`${facts.vipHost}'s interface`);
      expect(facts.listeners).toEqual([]);
    } else {
      const listed = rows.map(([port, group, targets, proxy, check]) => ({
        port,
        group,
        targets,
        proxy,
        check,
      }));
      expect(listed.sort((a, b) => a.port!.localeCompare(b.port!))).toEqual(
        facts.listeners.sort((a, b) => a.port.localeCompare(b.port)),
      );
    }
  });

  it('lists exactly the security-group rules of the stack', () => {
    const rows = tableUnder(md, 'Security-group rules').map(([sg, protocol, ports, source, description]) =>
      // The summary says who a CIDR stands for; the stack only knows the CIDR.
      [sg, protocol, ports, source!.replace(/ \(.*\)$/, ''), description].join(' | '),
    );
    expect(rows.sort()).toEqual(facts.rules);
    const ports = tableUnder(md, 'Ports').map(
      ([role, protocol, port]) => `warren-${env}-${role} | ${protocol} | ${port}`,
    );
    const fromRules = new Set(facts.rules.map((r) => r.split(' | ').slice(0, 3).join(' | ')));
    expect(new Set(ports)).toEqual(fromRules);
  });

  it('lists the data volume of every node as the stack attaches it', () => {
    const rows = tableUnder(md, 'Data volumes');
    expect(new Map(rows.map(([node, ...rest]) => [node!, rest]))).toEqual(facts.volumes);
    expect(facts.volumes.size).toBeGreaterThan(0);
  });

  it('states what a change of the node set implies, next to the nodes the stack declares', () => {
    const start = md.indexOf('\n## Changing the node set\n');
    expect(start).toBeGreaterThan(0);
    const section = md.slice(start, md.indexOf('\n## ', start + 1));
    for (const node of facts.volumes.keys())
      expect(section).toContain(`${node} (${facts.hosts.get(node)!.ip})`);
    expect(section).toContain(`declares ${facts.volumes.size} RabbitMQ nodes`);
    expect(section).toContain(`warren roll --env ${env}`);
    expect(section).toMatch(/\/etc\/hosts and peer list/);
    expect(section).toMatch(/ignore new user-data/);
    expect(section).toMatch(/forget_cluster_node rabbit@<node>/);
    expect(section).toMatch(/added node boots as a blank node and joins/);
  });

  it('names the secrets by their SSM parameters', () => {
    expect(
      tableUnder(md, 'Secrets')
        .map((r) => r[1])
        .sort(),
    ).toEqual(facts.parameters);
  });

  it('draws every host and security group, and one edge per source and group', () => {
    const diagram = md.slice(md.indexOf('```mermaid\n') + 11, md.lastIndexOf('```'));
    expect(diagram.startsWith('flowchart LR\n')).toBe(true);
    for (const [host, f] of facts.hosts) expect(diagram).toContain(`["${host}<br/>${f.ip}"]`);
    for (const g of facts.groups) expect(diagram).toContain(`["${g}"]`);
    const edges = new Set(facts.rules.map((r) => `${r.split(' | ')[3]} -> ${r.split(' | ')[0]}`));
    expect(diagram.split('\n').filter((l) => l.includes('-->|'))).toHaveLength(edges.size);
  });
});

it('writes one review per environment and nothing else', () => {
  expect(run.files.filter((f) => f.startsWith('review/')).sort()).toEqual(
    listEnvironments().map((e) => path.join('review', `${e}.md`)),
  );
});

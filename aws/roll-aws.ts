/**
 * `warren roll` on AWS: the adapter between the rolling orchestrator (roll/) and a deployed stack.
 * It diffs the Terraform state against the synthesized stack, prints what differs and why, and
 * (unless a dry run) hands the differing hosts to the orchestrator with "replace" meaning
 * `terraform apply -replace` of that one instance. The cluster is read through each node's
 * management API from this machine (access.directNodeAccess on, access.adminCidrs including it), logging in as the admin
 * whose password the stack keeps in SSM, read with the AWS CLI as the health gate does.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ADMIN_USERNAME,
  hostsOf,
  plaintextOn,
  PORTS,
  rabbitNodeName,
  ssmPrefix,
  stackId,
  UserError,
  WarrenError,
  type Topology,
} from '../topology';
import {
  caFetch,
  managementClusterClient,
  RollError,
  rollHosts,
  type RollAdapter,
  type RollHost,
} from '../roll';
import { run, waitFor, type LoadedEnvironment } from '../workspace';
import { nodeSetImplications, replacementTargets, rollDiff, type RollDiff } from './roll-diff';
import { terraformIn } from './roll-terraform';
import { awsVipHolder } from './vip-holder';

export interface AwsRollOptions {
  /** The cdktf output directory. @default 'cdktf.out' */
  readonly outdir?: string;
  /** Print what differs and stop. */
  readonly dryRun?: boolean;
  /** Only these hosts (topology names). @default every host that differs */
  readonly hosts?: readonly string[];
  readonly onProgress?: (line: string) => void;
  /**
   * Where each host's management API answers (and, for nodes, the Erlang node name).
   * @default http://<host ip>:15672, rabbit@<host>; https://<host ip>:15671 with `rabbitmq.tls: 'required'`
   */
  readonly endpoints?: Readonly<Record<string, { readonly url: string; readonly node?: string }>>;
  /**
   * The CA certificate (PEM) https endpoints are verified against.
   * @default the deployed stack's `ca_certificate` output (from the Terraform state)
   */
  readonly caCertificate?: string;
  /** The administrator's password. @default read from SSM (`/warren/<env>/admin-password`) */
  readonly adminPassword?: () => Promise<string>;
  /** @default 'terraform' */
  readonly terraformCommand?: string;
  /** How long a replaced host may take to serve again. @default 15 min */
  readonly hostTimeoutMs?: number;
  /** @default 5000 */
  readonly intervalMs?: number;
  /** The command that continues a stopped roll, for its messages. @default `warren roll --env <name>` */
  readonly rerun?: string;
}

export interface AwsRollResult {
  readonly diff: RollDiff;
  /** Hosts replaced by this run, in order (empty for a dry run). */
  readonly replaced: readonly string[];
}

/** Reads the admin password the stack generated, as the health gate does (never on a command line of ours). */
export async function adminPasswordFromSsm(t: Topology): Promise<string> {
  const name = `${ssmPrefix(t)}/admin-password`;
  const endpoint = process.env.WARREN_SSM_ENDPOINT_URL;
  const args = [
    'ssm',
    'get-parameter',
    ...(endpoint ? ['--endpoint-url', endpoint] : []),
    '--region',
    t.region,
    '--with-decryption',
    '--name',
    name,
    '--query',
    'Parameter.Value',
    '--output',
    'text',
  ];
  let r;
  try {
    r = await run('aws', args, { timeoutMs: 60_000 });
  } catch {
    throw new WarrenError(
      `warren roll reads the administrator password from SSM (${name}) with the AWS CLI, and found no 'aws' on PATH; install it`,
    );
  }
  if (r.code !== 0)
    throw new WarrenError(
      `could not read ${name} from SSM in ${t.region}: ${r.stderr.trim().split('\n').slice(-3).join(' ')}; check this machine's AWS credentials`,
    );
  return r.stdout.trim();
}

export async function rollAws(loaded: LoadedEnvironment, opts: AwsRollOptions = {}): Promise<AwsRollResult> {
  const t = loaded.topology;
  const say = opts.onProgress ?? ((line: string) => console.log(line));
  const all = hostsOf(t);
  for (const h of opts.hosts ?? []) {
    if (!all.some((x) => x.name === h))
      throw new UserError(
        `--host ${h}: environment ${t.name} has no such host; hosts: ${all.map((x) => x.name).join(', ')}`,
      );
  }
  const stack = stackId(t);
  const dir = path.resolve(opts.outdir ?? 'cdktf.out', 'stacks', stack);
  const tf = await terraformIn({
    dir,
    ...(opts.terraformCommand ? { command: opts.terraformCommand } : {}),
    onLine: (line) => say(`  terraform: ${line}`),
  });
  const synthesized = JSON.parse(readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')) as unknown;
  const state = await tf.show();
  const raw = rollDiff(synthesized, state);
  // In topology order (nodes, then the front door), whatever order the stack lists them in.
  const rank = (h: string) => all.findIndex((x) => x.name === h);
  const diff: RollDiff = {
    ...raw,
    changed: [...raw.changed].sort((a, b) => rank(a.host) - rank(b.host)),
    upToDate: [...raw.upToDate].sort((a, b) => rank(a) - rank(b)),
  };

  const wanted = (h: string) => opts.hosts === undefined || opts.hosts.includes(h);
  const changed = diff.changed.filter((c) => wanted(c.host));
  say(
    `${stack}: ${diff.changed.length} of ${diff.changed.length + diff.upToDate.length} deployed hosts differ from the stack in ${path.relative(process.cwd(), dir) || dir}`,
  );
  for (const c of diff.changed)
    say(`  ${c.host}: ${c.reasons.join('; ')}${wanted(c.host) ? '' : ' (not selected)'}`);
  if (diff.upToDate.length > 0) say(`  up to date: ${diff.upToDate.join(', ')}`);
  for (const n of diff.notes) say(`  note: ${n}`);
  const implications = nodeSetImplications(diff, stack);
  if (implications.length > 0) {
    say('the set of hosts changed:');
    for (const line of implications) say(`  ${line}`);
  }
  if (opts.dryRun) {
    say('dry run: nothing was changed');
    return { diff, replaced: [] };
  }
  if (implications.length > 0) {
    throw new RollError(
      `the set of hosts differs between the stack and what is deployed; warren roll only replaces existing hosts and stops here. ${implications.join(' ')}`,
    );
  }
  if (changed.length === 0) {
    say('every selected host is up to date; nothing to do');
    return { diff, replaced: [] };
  }

  // With rabbitmq.tls 'required' the nodes serve management only over HTTPS (15671), verified
  // against the environment's CA: the stack's ca_certificate output, in the state just read.
  const tls = !plaintextOn(t);
  const managementPort = tls ? PORTS.managementTls : PORTS.management;
  const endpointOf = (name: string) => {
    const host = all.find((h) => h.name === name)!;
    const given = opts.endpoints?.[name];
    return {
      url: given?.url ?? `${tls ? 'https' : 'http'}://${host.ip}:${managementPort}`,
      node: given?.node ?? rabbitNodeName(name),
    };
  };
  // The security groups open the nodes' management port to admins only with directNodeAccess; without
  // it every request would time out, so say so before any change (endpoints given = a tunnel of yours).
  if (!t.access.directNodeAccess && opts.endpoints === undefined) {
    throw new RollError(
      `warren roll reads each node's management API (port ${managementPort}) from this machine, and ${t.name}'s nodes accept it only through the front door; set access.directNodeAccess: true (admins in access.adminCidrs may then reach the nodes), deploy, and run warren roll again`,
    );
  }
  const password = await (opts.adminPassword ?? (() => adminPasswordFromSsm(t)))();
  const nodes = t.rabbitmq.nodes.map((n) => endpointOf(n.name));
  const ca = opts.caCertificate ?? stateOutput(state, 'ca_certificate');
  if (nodes.some((n) => n.url.startsWith('https:')) && ca === undefined)
    throw new RollError(
      `warren roll verifies the nodes' management API over HTTPS against the environment's CA, and the deployed ${stack} state has no ca_certificate output; deploy the stack (rabbitmq.tls on) and run warren roll again`,
    );
  const get = ca === undefined ? fetch : caFetch(ca);
  // Through an HAProxy host's address a node answers; its certificate names the VIP, not that host.
  const getThroughFrontDoor =
    ca === undefined || t.frontDoor.kind !== 'keepalived' ? get : caFetch(ca, t.frontDoor.vip);
  const cluster = managementClusterClient({
    endpoints: nodes,
    username: ADMIN_USERNAME,
    password,
    fetch: get,
    noCliReason: 'on AWS warren reaches only the management API, which has no drain',
  });
  // Refuse before any change when the management API cannot be reached at all.
  await cluster.status();

  const priorities = new Map(
    t.frontDoor.kind === 'keepalived' ? t.frontDoor.haproxy.map((h) => [h.name, h.priority]) : [],
  );
  const hosts: RollHost[] = changed.map((c) => ({
    name: c.host,
    role: c.role === 'haproxy' ? 'haproxy' : 'rabbitmq',
    reasons: c.reasons,
    ...(c.role === 'haproxy' ? { priority: priorities.get(c.host) ?? 0 } : { node: endpointOf(c.host).node }),
  }));
  const addressOf = new Map(changed.map((c) => [c.host, c.address]));
  const auth = `Basic ${Buffer.from(`${ADMIN_USERNAME}:${password}`).toString('base64')}`;
  const adapter: RollAdapter = {
    async vipHolder() {
      const answer = await awsVipHolder(t, state);
      if ('host' in answer) {
        say(`the VIP is on ${answer.host} (EC2): it is rolled last`);
        return answer.host;
      }
      // Not fatal: a wrong guess costs the clients a second VIP move, never a message.
      say(
        `note: could not tell which host holds the VIP (${answer.unknown}); rolling the highest priority last`,
      );
      return undefined;
    },
    async replaceHost(host, progress) {
      const address = addressOf.get(host.name)!;
      const also = replacementTargets(synthesized, address).slice(1);
      progress(`terraform apply -replace=${address}${also.length > 0 ? ` (with ${also.join(', ')})` : ''}`);
      await tf.replace(address, also);
    },
    async awaitHost(host, progress) {
      // An HAProxy host serves again when the management API answers through it.
      const url = `${endpointOf(host.name).url}/api/overview`;
      progress(`waiting for ${url} to answer through ${host.name}`);
      await waitFor(
        `${host.name} to serve the management API`,
        opts.hostTimeoutMs ?? 900_000,
        async () => {
          try {
            const r = await (host.role === 'haproxy' ? getThroughFrontDoor : get)(url, {
              headers: { authorization: auth },
              signal: AbortSignal.timeout(5_000),
            });
            return r.status === 200 ? true : undefined;
          } catch {
            return undefined;
          }
        },
        opts.intervalMs ?? 5_000,
      );
      progress('serving again');
    },
  };
  const result = await rollHosts({
    hosts,
    expectedNodes: nodes.map((n) => n.node),
    adapter,
    cluster,
    onProgress: say,
    nodeTimeoutMs: opts.hostTimeoutMs ?? 900_000,
    intervalMs: opts.intervalMs ?? 5_000,
    rerun: opts.rerun ?? `warren roll --env ${t.name}`,
  });
  return { diff, replaced: result.replaced };
}

/** A root-module output's value in `terraform show -json` state, when it is a string. */
function stateOutput(state: unknown, name: string): string | undefined {
  const v = (state as { values?: { outputs?: Record<string, { value?: unknown }> } } | undefined)?.values
    ?.outputs?.[name]?.value;
  return typeof v === 'string' ? v : undefined;
}

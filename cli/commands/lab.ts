/**
 * `warren lab …`: boot an environment on this machine and drive it (see docs/lab.md).
 */
import {
  execInHost,
  healHost,
  killHost,
  labDown,
  labStatus,
  labRoll,
  labTopology,
  labUp,
  partitionHost,
  replaceHost,
  startHost,
  type LabStatus,
} from '../../lab';
import { parseFlags, type Command } from '../command';
import { ENV_FLAGS, ENV_HELP, selectEnvironment, type LoadedEnvironment } from '../../workspace';
import { plaintextOn, UserError, WarrenError } from '../../topology';

const HELP = `Usage: warren lab <subcommand> [--env NAME | --topology FILE] [args]

Boots every instance of an environment on this machine: systemd-nspawn containers booting real
systemd and cloud-init, each in its own network namespace on a private bridge, from a Debian 12 image
made by the AMI's provisioning steps, seeded with the stack's user-data. Needs root.

Subcommands:
  up                    build the image if needed (once), boot every host, wait for the cluster
                        through the front door; prints the endpoint and the credentials file
  down                  stop every host and remove everything the lab made
  status [--json]       hosts (name, role, ip, netns, state), endpoint, credentials file, prometheus URL
  kill HOST             a dead machine: link cut, SIGKILL to everything in it; its disk stays
  start HOST            boot a stopped host again on its existing disk
  replace HOST [--blank] boot a new instance (blank root disk, same user-data) in place of HOST; a
                        RabbitMQ host keeps its data volume, --blank gives it a blank one too
  partition HOST        cut HOST's network link (it keeps running, alone)
  heal HOST             restore HOST's link
  exec HOST -- CMD…     run a command inside HOST (the client host is a plain namespace)
  roll [--host HOST…]   replace every RabbitMQ and HAProxy host one at a time through the same
                        orchestrator as warren roll (cluster healthy, no quorum or last mirror
                        lost, drain, replace keeping the data volume, wait until back and in
                        sync); nodes first (fewest queue leaders first), the VIP holder last. A
                        stopped roll continues with the hosts it had left when run again

\`up\` boots the selected environment's file; every other subcommand acts on that environment's
running lab as it was booted (its lab.json), whatever the file says now. \`down\` also works when
the environment's file no longer loads (give --env NAME).

Options:
${ENV_HELP}
      --json            (status) print JSON
      --blank           (replace) a blank data volume as well: a node that lost its volume
      --host HOST       (roll) only this host; repeat for more
  -h, --help            this text

Examples:
  npm run lab -- up
  npm run lab -- exec rabbit-01 -- rabbitmqctl cluster_status
  npm run lab -- kill rabbit-02 && npm run lab -- start rabbit-02
  npm run lab -- roll --host rabbit-02 --host haproxy-02
  npm run lab -- down`;

function say(line: string): void {
  process.stdout.write(`  ${line}\n`);
}

function printStatus(s: LabStatus): void {
  const width = Math.max(...s.hosts.map((h) => h.name.length));
  for (const h of s.hosts) {
    console.log(
      `  ${h.name.padEnd(width)}  ${h.role.padEnd(8)}  ${h.ip.padEnd(15)}  ${h.state.padEnd(11)}  ${h.netns}`,
    );
  }
  // With rabbitmq.tls 'required' only the TLS ports answer; with 'optional' both do.
  if (plaintextOn(labTopology(s.env))) {
    console.log(`endpoint:    amqp://${s.endpoint.address}:${s.endpoint.amqpPort}`);
    console.log(`management:  http://${s.endpoint.address}:${s.endpoint.managementPort}/`);
  }
  if (s.endpoint.amqpsPort !== undefined && s.caFile !== undefined) {
    console.log(`endpoint:    amqps://${s.endpoint.address}:${s.endpoint.amqpsPort}`);
    console.log(`management:  https://${s.endpoint.address}:${s.endpoint.managementTlsPort}/`);
    console.log(`ca:          ${s.caFile} (the lab's CA: verify the nodes against it)`);
  }
  console.log(`credentials: ${s.credentials} (username and password of the generated admin)`);
  if (s.prometheus) console.log(`prometheus:  ${s.prometheus} (from the client namespace)`);
  console.log(
    `client:      ip netns exec ${s.hosts.find((h) => h.role === 'client')?.netns ?? '?'} <command>`,
  );
}

const HOST_COMMANDS = ['kill', 'start', 'replace', 'partition', 'heal'] as const;
const KNOWN: readonly string[] = ['up', 'down', 'status', 'exec', 'roll', ...HOST_COMMANDS];

export const labCommand: Command = {
  name: 'lab',
  summary: 'boot an environment on this machine',
  help: HELP,
  async run(argv) {
    // Everything after `--` belongs to `exec`'s command, untouched by flag parsing.
    const dash = argv.indexOf('--');
    const own = dash === -1 ? argv : argv.slice(0, dash);
    const command = dash === -1 ? [] : argv.slice(dash + 1);
    const { values, positionals } = parseFlags(
      own,
      {
        ...ENV_FLAGS,
        json: { type: 'boolean' },
        blank: { type: 'boolean' },
        host: { type: 'string', multiple: true },
      },
      true,
    );
    const [sub, host, ...extra] = positionals;
    if (sub === undefined)
      throw new UserError(
        'give a subcommand: up, down, status, kill, start, replace, partition, heal, exec, roll (see --help)',
      );
    const needsHost = (HOST_COMMANDS as readonly string[]).includes(sub) || sub === 'exec';
    if (needsHost && host === undefined)
      throw new UserError(`warren lab ${sub} needs a HOST (see warren lab status)`);
    if (!needsHost && host !== undefined)
      throw new UserError(
        `unexpected argument '${host}'${sub === 'roll' ? ' (name hosts with --host HOST)' : ''} (see --help)`,
      );
    if (extra.length > 0)
      throw new UserError(
        `unexpected argument '${extra[0]}'${sub === 'exec' ? ' (put the command after --)' : ''}`,
      );
    if (!KNOWN.includes(sub)) throw new UserError(`unknown subcommand '${sub}' (see --help)`);
    if (values.blank && sub !== 'replace') throw new UserError('--blank goes with replace only');
    if (values.host && sub !== 'roll')
      throw new UserError(`--host goes with roll only (${sub} takes the host as its argument)`);
    let loaded: LoadedEnvironment | undefined;
    try {
      loaded = selectEnvironment(values);
    } catch (e) {
      // A lab must stay removable after its environment file broke or went away.
      const name = values.env;
      if (!(sub === 'down' && name !== undefined && /^[a-z0-9-]+$/.test(name) && e instanceof WarrenError))
        throw e;
      say(`note: ${e.message.replace(/\s*\n\s*/g, ' ')}; taking down what the lab recorded`);
    }
    const env = loaded?.topology.name ?? (values.env as string);
    switch (sub) {
      case 'up': {
        console.log(`warren lab up: ${env} (${loaded!.source})`);
        const s = await labUp(loaded!, { onProgress: say });
        printStatus(s);
        return 0;
      }
      case 'down':
        await labDown(env, { onProgress: say, ...(loaded ? { topology: loaded.topology } : {}) });
        return 0;
      case 'status': {
        const s = labStatus(env);
        if (values.json) {
          console.log(JSON.stringify(s ?? null, null, 2));
          return s ? 0 : 1;
        }
        if (!s) {
          console.log(`there is no ${env} lab (npm run lab -- up --env ${env} starts one)`);
          return 1;
        }
        console.log(`the ${env} lab:`);
        printStatus(s);
        return 0;
      }
      case 'kill':
        await killHost(env, host as string);
        console.log(`${host}: killed (SIGKILL to everything in it); its disk stays`);
        return 0;
      case 'start':
        await startHost(env, host as string, { onProgress: say });
        return 0;
      case 'replace':
        await replaceHost(env, host as string, { onProgress: say, blank: values.blank === true });
        return 0;
      case 'partition':
        await partitionHost(env, host as string);
        console.log(`${host}: link cut`);
        return 0;
      case 'heal':
        await healHost(env, host as string);
        console.log(`${host}: link restored`);
        return 0;
      case 'roll': {
        console.log(`warren lab roll: ${env}`);
        await labRoll(env, { onProgress: say, ...(values.host ? { hosts: values.host } : {}) });
        return 0;
      }
      case 'exec': {
        if (command.length === 0)
          throw new UserError(
            'give the command after --, e.g. warren lab exec rabbit-01 -- rabbitmqctl cluster_status',
          );
        const r = await execInHost(env, host as string, command);
        process.stdout.write(r.stdout);
        process.stderr.write(r.stderr);
        return r.code;
      }
      default:
        throw new Error(`subcommand ${sub} is known but not handled`);
    }
  },
};

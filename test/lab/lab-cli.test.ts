/**
 * `warren lab` and `warren bench` argument handling and every user mistake, through the real CLI.
 * No lab is booted: a lab's recorded state (lab.json) is written by hand into a scratch state
 * directory (WARREN_LAB_STATE) for an environment of its own, so nothing touches a real lab.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labPlan } from '../../lab';
import { loadTopologyFile, PROJECT_ROOT, run, runOk } from '../../workspace';

const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
const scratch = mkdtempSync(path.join(tmpdir(), 'warren-lab-cli-'));
const STATE = path.join(scratch, 'state');
const cli = (...args: string[]) =>
  run(TSX, ['cli/main.ts', ...args], { cwd: PROJECT_ROOT, env: { ...process.env, WARREN_LAB_STATE: STATE } });
const warren = (...args: string[]) => cli('lab', ...args);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** dev under a name no real lab has, as a --topology file. */
async function ownEnvironment(): Promise<string> {
  const file = path.join(scratch, 'labclitest.json');
  if (!existsSync(file)) {
    const dev = JSON.parse(
      await runOk(TSX, ['cli/main.ts', 'topology', 'print', '--env', 'dev', '--json'], { cwd: PROJECT_ROOT }),
    ) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...dev, name: 'labclitest' }));
  }
  return file;
}

/** What `up` records, for hosts that were never booted (so every host shows as missing). */
function writeLabState(file: string, content?: string): string {
  const loaded = loadTopologyFile(file);
  const plan = labPlan(loaded.topology);
  const dir = path.join(STATE, 'labclitest');
  mkdirSync(dir, { recursive: true });
  const state = {
    env: 'labclitest',
    source: loaded.source,
    topology: loaded.topology,
    image: '/nonexistent/image',
    prefix: plan.prefix,
    bridgeNetns: plan.bridgeNetns,
    createdAt: new Date().toISOString(),
    hosts: plan.hosts.map((h) => ({ ...h, generation: 1, partitioned: false })),
    endpoint: plan.endpoint,
  };
  writeFileSync(path.join(dir, 'lab.json'), content ?? JSON.stringify(state));
  return dir;
}

function expectUserError(r: { code: number; stderr: string }, message: RegExp, what: string) {
  expect(r.code, `${what}: ${r.stderr}`).toBe(1);
  expect(r.stderr, what).toMatch(message);
  expect(r.stderr, what).not.toMatch(/^\s+at .*:\d+:\d+\)?$/m);
}

describe('warren lab (arguments)', () => {
  it('documents every subcommand and --topology', async () => {
    const r = await warren('--help');
    expect(r.code).toBe(0);
    for (const sub of [
      'up',
      'down',
      'status',
      'kill',
      'start',
      'replace',
      'partition',
      'heal',
      'exec',
      'roll',
    ]) {
      expect(r.stdout).toMatch(new RegExp(`^  ${sub}\\b`, 'm'));
    }
    expect(r.stdout).toMatch(/--topology FILE/);
    expect(r.stdout).toMatch(/replace HOST \[--blank\]/);
    expect(r.stdout).toMatch(/roll \[--host HOST…\]/);
  });

  it('refuses a missing host, a missing command, unknown subcommands and environments, with exit 1', async () => {
    const cases: [string[], RegExp][] = [
      [['kill'], /warren lab kill needs a HOST/],
      [['exec', 'rabbit-01'], /give the command after --/],
      [['exec', 'rabbit-01', 'ls'], /put the command after --/],
      [['frobnicate'], /unknown subcommand 'frobnicate'/],
      [['status', '--env', 'nope'], /there is no environment named 'nope'/],
      [['kill', 'rabbit-01', '--topology', '/nonexistent/x.yaml'], /x\.yaml/],
      [['status', '--env', 'dev', '--topology', 'environments/dev.ts'], /give --env or --topology, not both/],
      [['kill', 'rabbit-01', '--blank'], /--blank goes with replace only/],
      [['roll', 'rabbit-01'], /unexpected argument 'rabbit-01' \(name hosts with --host HOST\)/],
      [['kill', 'rabbit-01', '--host', 'rabbit-02'], /--host goes with roll only/],
      [['roll', '--host'], /--host.*argument/],
      [['roll', '--blank'], /--blank goes with replace only/],
      [[], /give a subcommand/],
    ];
    for (const [args, message] of cases) expectUserError(await warren(...args), message, args.join(' '));
  });
});

describe('warren lab (no lab, a lab, a damaged lab)', () => {
  it('says there is no lab, for every subcommand that needs one, naming the environment of --topology', async () => {
    const file = await ownEnvironment();
    rmSync(STATE, { recursive: true, force: true });
    for (const args of [
      ['kill', 'rabbit-01'],
      ['start', 'rabbit-01'],
      ['replace', 'rabbit-01'],
      ['partition', 'rabbit-01'],
      ['heal', 'rabbit-01'],
      ['exec', 'rabbit-01', '--', 'true'],
      ['roll'],
      ['roll', '--host', 'rabbit-01'],
    ]) {
      expectUserError(await warren('--topology', file, ...args), /there is no labclitest lab/, args[0]!);
    }
    const status = await warren('status', '--topology', file);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/there is no labclitest lab/);
    const json = await warren('status', '--json', '--topology', file);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toBeNull();
  });

  it('refuses an unknown host, naming the hosts the lab has', async () => {
    const file = await ownEnvironment();
    writeLabState(file);
    for (const sub of ['kill', 'start', 'replace', 'partition', 'heal']) {
      expectUserError(
        await warren(sub, 'rabbit-9', '--topology', file),
        /the labclitest lab has no host 'rabbit-9'; hosts: rabbit-01, rabbit-02, rabbit-03, haproxy-01, haproxy-02, client/,
        sub,
      );
    }
    // roll checks every --host before it changes anything: unknown hosts and the client namespace.
    expectUserError(
      await warren('roll', '--host', 'rabbit-01', '--host', 'rabbit-9', '--topology', file),
      /--host rabbit-9: the labclitest lab has no such host; hosts it rolls: rabbit-01, rabbit-02, rabbit-03, haproxy-01, haproxy-02$/m,
      'roll --host rabbit-9',
    );
    expectUserError(
      await warren('roll', '--host', 'client', '--topology', file),
      /--host client: client is the client namespace, not a host a roll replaces/,
      'roll --host client',
    );
    const s = await warren('status', '--json', '--topology', file);
    expect(s.code).toBe(0);
    const status = JSON.parse(s.stdout) as { env: string; hosts: { name: string; state: string }[] };
    expect(status.env).toBe('labclitest');
    expect(status.hosts.every((h) => h.state === 'missing')).toBe(true);
  });

  it('refuses a damaged lab.json with exit 1 and the way out; down removes it', async () => {
    const file = await ownEnvironment();
    for (const content of ['{', '[]', JSON.stringify({ env: 'labclitest', hosts: 'x' })]) {
      const dir = writeLabState(file, content);
      for (const args of [['status'], ['kill', 'rabbit-01'], ['exec', 'rabbit-01', '--', 'true']]) {
        expectUserError(
          await warren('--topology', file, ...args),
          /lab\.json is damaged \(.*\); take what is left of the lab down with: npm run lab -- down --env labclitest/,
          `${content}: ${args[0]}`,
        );
      }
      const down = await warren('down', '--topology', file);
      expect(down.code, down.stderr).toBe(0);
      expect(existsSync(dir)).toBe(false);
    }
  });

  it('takes down a lab whose environment file is gone (by --env NAME)', async () => {
    const dir = path.join(STATE, 'labcligone');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'lab.json'), '{');
    const r = await warren('down', '--env', 'labcligone');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/there is no environment named 'labcligone'.*taking down what the lab recorded/);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('warren bench (arguments)', () => {
  it('selects its environment like every command, and refuses mistakes with exit 1', async () => {
    const cases: [string[], RegExp][] = [
      [['--topology', '/nonexistent/x.yaml'], /x\.yaml/],
      [['--env', 'nope'], /there is no environment named 'nope'/],
      [['--env', 'dev', '--topology', 'environments/dev.ts'], /give --env or --topology, not both/],
      [['--repeat', '0'], /--repeat must be a whole number/],
    ];
    for (const [args, message] of cases)
      expectUserError(await cli('bench', ...args), message, args.join(' '));
  });
});

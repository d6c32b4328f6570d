// The real cdktf.out, synthesized by the app as `cdktf synth` runs it (health gate on, so its
// embedded script is in the output too): no secret value, no path of this machine, no default
// credential, and every embedded script survives Terraform's template evaluation unchanged.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HEALTH_GATE_SCRIPT, terraformLiteral } from '../../stacks';
import {
  deployedUserData,
  envTopology,
  parse,
  renderedUserData,
  resources,
  SAMPLE_VOLUME_ID,
  tempDir,
  VOLUME_REFERENCE,
} from './helpers';
import { runRealSynth } from './real-synth';
import { PROJECT_ROOT, listEnvironments } from '../../workspace';

// Values that look like secrets, planted in the synth's environment: nothing may copy them out.
const CANARIES = {
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMIcanaryK7MDENGbPxRfiCYEXAMPLEKEY',
  AWS_SESSION_TOKEN: 'canarySessionToken0123456789abcdef',
  RABBITMQ_DEFAULT_PASS: 'canaryRabbitPass93xq',
  WARREN_ADMIN_PASSWORD: 'canaryWarrenAdmin77zz',
};
const run = runRealSynth({ WARREN_HEALTH_GATE: '1', ...CANARIES });
/** Every string leaf of a JSON document, with Terraform's escapes undone: the text as deployed. */
function decodedJson(text: string): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{'));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => (out.push(k), walk(x)));
  };
  walk(JSON.parse(text));
  return out.join('\n');
}
// Each file as written, and JSON files also as the strings they hold (as instances and scripts see them).
const texts = run.files.flatMap((f) => {
  const text = run.read(f);
  return f.endsWith('.json')
    ? [
        { file: f, text },
        { file: `${f} (decoded)`, text: decodedJson(text) },
      ]
    : [{ file: f, text }];
});

/** Secret values that exist on this machine: RabbitMQ's cookie, the lab's generated secrets. */
function machineSecrets(): string[] {
  const found: string[] = [];
  const add = (file: string) => {
    try {
      const v = readFileSync(file, 'utf8').trim();
      if (v.length >= 6) found.push(v);
    } catch {
      // unreadable or gone: nothing to look for
    }
  };
  for (const f of ['/var/lib/rabbitmq/.erlang.cookie', path.join(homedir(), '.erlang.cookie')]) add(f);
  const lab = '/var/lib/warren/lab';
  if (existsSync(lab)) {
    for (const env of readdirSync(lab)) {
      const dir = path.join(lab, env, 'secrets');
      if (existsSync(dir)) for (const k of readdirSync(dir)) add(path.join(dir, k));
      const creds = path.join(lab, env, 'credentials.json');
      if (existsSync(creds)) {
        const c = JSON.parse(readFileSync(creds, 'utf8')) as { password?: string };
        if (c.password) found.push(c.password);
      }
    }
  }
  return found;
}

function hits(pattern: RegExp | string, only: (file: string) => boolean = () => true): string[] {
  return texts
    .filter((t) => only(t.file))
    .flatMap(({ file, text }) => {
      if (typeof pattern === 'string') return text.includes(pattern) ? [file] : [];
      const m = text.match(
        new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g'),
      );
      return m ? m.map((x) => `${file}: ${x}`) : [];
    });
}

describe('cdktf.out', () => {
  it('has one stack and one review per environment', () => {
    for (const env of listEnvironments()) {
      expect(run.files).toContain(`stacks/warren-${env}/cdk.tf.json`);
      expect(run.files).toContain(`review/${env}.md`);
    }
    expect(run.files).toContain('manifest.json');
  });

  it('holds no secret value: no planted canary, no secret of this machine, no key material', () => {
    const secrets = [...Object.values(CANARIES), ...machineSecrets()];
    expect(secrets.length).toBeGreaterThanOrEqual(Object.keys(CANARIES).length);
    for (const s of secrets) expect(hits(s), 'a secret value').toEqual([]);
    expect(hits(/AKIA[0-9A-Z]{16}/)).toEqual([]);
    expect(hits(/-----BEGIN [A-Z ]*PRIVATE KEY-----/)).toEqual([]);
    // Every SecureString value is a reference to a generated password or (rabbitmq.tls) a generated
    // private key, never a literal; the String parameters are certificates made at apply time.
    for (const env of listEnvironments()) {
      const tf = parse(run.read(`stacks/warren-${env}/cdk.tf.json`));
      const params = resources(tf, 'aws_ssm_parameter');
      const isTlsKey = (p: Record<string, unknown>) => /\/tls\/[^/]+\/key$/.test(String(p.name));
      expect(params.filter((p) => p.type === 'SecureString' && !isTlsKey(p)).length).toBe(4);
      for (const p of params) {
        if (p.type !== 'SecureString')
          expect(String(p.value)).toMatch(/^\$\{tls_(self_signed|locally_signed)_cert\.[^.]+\.cert_pem\}$/);
        else if (isTlsKey(p))
          expect(String(p.value)).toMatch(/^\$\{tls_private_key\.[^.]+\.private_key_pem\}$/);
        else expect(String(p.value)).toMatch(/^\$\{random_password\.[^.]+\.result\}$/);
      }
    }
  });

  it('holds no absolute path of the machine that synthesized it but the local state file', () => {
    // The state lives in the repository root by absolute path, so --out cannot move it (docs/stacks.md "State").
    const statePath = (env: string) => `${PROJECT_ROOT}/terraform.warren-${env}.tfstate`;
    const stateFiles = listEnvironments().map(statePath);
    const others = (text: string) => stateFiles.reduce((t, f) => t.split(f).join(''), text);
    const paths = [PROJECT_ROOT, run.outdir, tmpdir() + '/', process.cwd()];
    if (homedir() !== '/') paths.push(homedir() + '/');
    for (const p of paths) {
      expect(
        texts.filter((t) => others(t.text).includes(p)).map((t) => t.file),
        p,
      ).toEqual([]);
    }
    for (const env of listEnvironments()) {
      const tf = parse(run.read(`stacks/warren-${env}/cdk.tf.json`));
      const backend = (tf.terraform.backend as { local: { path: string } }).local.path;
      expect(backend).toBe(statePath(env));
    }
  });

  it('holds no default credential', () => {
    expect(hits(/guest:guest/i)).toEqual([]);
    expect(hits(/\badmin:admin\b/i)).toEqual([]);
    expect(hits(/default_(user|pass)\s*(=|,)\s*[<"']*guest/i)).toEqual([]);
    // HAProxy's stats auth and keepalived's auth_pass must come from the secret at boot, not a literal.
    // (checked on the text as deployed: JSON strings decoded, Terraform escapes undone)
    const deployed = (f: string) => !f.endsWith('.json');
    expect(hits(/stats auth [^\s:]+:(?!"?\$\{)\S+/, deployed)).toEqual([]);
    expect(hits(/auth_pass\s+(?!\$)\S+/, deployed)).toEqual([]);
    expect(hits(/stats auth/, deployed).length, 'the stats auth line is there to check').toBeGreaterThan(0);
    // The health gate's command line and environment name the parameter, never a password.
    const gates = listEnvironments().flatMap((env) =>
      resources(parse(run.read(`stacks/warren-${env}/cdk.tf.json`)), 'null_resource'),
    );
    expect(gates).toHaveLength(listEnvironments().length);
    for (const g of gates) {
      const [exec] = g.provisioner as { 'local-exec': { environment: Record<string, string> } }[];
      const env = exec!['local-exec'].environment;
      expect(
        Object.keys(env).filter((k) => /PASS|SECRET|TOKEN|COOKIE/.test(k) && !k.endsWith('_PARAMETER')),
      ).toEqual([]);
      expect(env.WARREN_ADMIN_PASSWORD_PARAMETER).toMatch(/^\/warren\/[a-z0-9-]+\/admin-password$/);
    }
  });
});

describe('Terraform interpolation', () => {
  // `userData`: may hold the node's data volume reference, the one interpolation embedded text has.
  const embedded: { what: string; synthesized: string; original: string; userData: boolean }[] = [];
  const script = readFileSync(HEALTH_GATE_SCRIPT, 'utf8');

  it('finds embedded scripts that contain ${ (otherwise this test proves nothing)', async () => {
    for (const env of listEnvironments()) {
      const t = await envTopology(env);
      const tf = parse(run.read(`stacks/warren-${env}/cdk.tf.json`));
      for (const i of resources(tf, 'aws_instance')) {
        const host = (i.tags as Record<string, string>).Name!;
        embedded.push({
          what: `${env} ${host} user_data`,
          synthesized: String(i.user_data),
          original: renderedUserData(t, host),
          userData: true,
        });
      }
      for (const g of resources(tf, 'null_resource')) {
        const [exec] = g.provisioner as { 'local-exec': { command: string } }[];
        embedded.push({
          what: `${env} health gate`,
          synthesized: exec!['local-exec'].command,
          original: script,
          userData: false,
        });
      }
    }
    expect(script).toContain('${');
    expect(embedded.filter((e) => e.original.includes('${')).map((e) => e.what)).toEqual(
      expect.arrayContaining(['dev haproxy-01 user_data', 'dev health gate']),
    );
    const withVolume = embedded.filter((e) => [...e.synthesized.matchAll(VOLUME_REFERENCE)].length > 0);
    expect(
      withVolume.map((e) => e.what),
      'RabbitMQ user-data carries its volume reference',
    ).toContain('dev rabbit-01 user_data');
  });

  it('keeps every ${ and %{ as text, by HCL template rules (but the volume id reference)', () => {
    for (const e of embedded) {
      const literal = e.userData ? deployedUserData(e.synthesized) : terraformLiteral(e.synthesized);
      expect(literal, e.what).toBe(e.original);
    }
  });

  // Terraform itself, where installed: evaluate the synthesized strings (JSON syntax, no provider
  // needed) and compare with what was embedded.
  // CHECKPOINT_DISABLE: Terraform would otherwise ask checkpoint-api.hashicorp.com for updates.
  const quiet = { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
  const terraform = spawnSync('terraform', ['version'], { encoding: 'utf8', env: quiet }).status === 0;
  it.skipIf(!terraform)('keeps them as text when Terraform evaluates the JSON', () => {
    const dir = tempDir('warren-tf-eval-');
    // A volume reference must be evaluated, not kept: here it points at a local holding a sample id.
    const locals: Record<string, string> = Object.fromEntries(
      embedded.map((e, i) => [`s${i}`, e.synthesized.replace(VOLUME_REFERENCE, () => '${local.volume_id}')]),
    );
    locals.volume_id = SAMPLE_VOLUME_ID;
    const output = { all: { value: `\${[${embedded.map((_, i) => `local.s${i}`).join(', ')}]}` } };
    writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ locals, output }));
    const tf = (...args: string[]) => {
      const r = spawnSync('terraform', args, { cwd: dir, encoding: 'utf8', env: quiet });
      if (r.status !== 0) throw new Error(`terraform ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    tf('init', '-input=false', '-no-color');
    tf('apply', '-auto-approve', '-input=false', '-no-color');
    const values = JSON.parse(tf('output', '-json', 'all')) as string[];
    expect(values).toHaveLength(embedded.length);
    embedded.forEach((e, i) => expect(values[i], e.what).toBe(e.original));
  });
});

// The bake refuses before doing anything when Packer is absent or older than 1.7, or when there
// are no AWS credentials: first the pure decision over facts, then the edge that gathers the facts
// on this machine (Debian's Packer is 1.6.6: too old, which the preflight must see).
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loaded, tempDir } from './helpers';
import {
  BakePreflightError,
  bake,
  findCredentials,
  gatherPreflightFacts,
  preflightProblems,
  type PreflightFacts,
} from '../../aws';

const ready: PreflightFacts = {
  packerCommand: 'packer',
  packerVersionOutput: 'Packer v1.11.2',
  env: { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'example' },
};

describe('preflight decision (pure)', () => {
  it('lets a bake with Packer ≥ 1.7 and credentials start', () => {
    expect(preflightProblems(ready)).toEqual([]);
    expect(preflightProblems({ ...ready, packerVersionOutput: 'Packer v1.7.0' })).toEqual([]);
  });

  it('refuses without Packer, naming it and how to install it', () => {
    const problems = preflightProblems({ ...ready, packerVersionOutput: undefined });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.what).toMatch(/Packer is not installed/);
    expect(problems[0]?.fix).toMatch(/developer\.hashicorp\.com\/packer\/install/);
  });

  it('refuses a Packer older than 1.7', () => {
    for (const output of ['Packer v1.6.6', 'Packer v1.5.0', 'Packer v0.12.3']) {
      const problems = preflightProblems({ ...ready, packerVersionOutput: output });
      expect(problems.map((p) => p.what).join()).toMatch(/older than 1\.7\.0/);
    }
    expect(preflightProblems({ ...ready, packerVersionOutput: 'Packer v1.10.0' })).toEqual([]);
  });

  it('refuses without AWS credentials, saying where it looked and what to run', () => {
    const problems = preflightProblems({ ...ready, env: {} });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.what).toMatch(/no AWS credentials/);
    expect(problems[0]?.fix).toMatch(/aws configure/);
  });

  it('reports every problem at once', () => {
    expect(
      preflightProblems({ packerCommand: 'packer', packerVersionOutput: undefined, env: {} }),
    ).toHaveLength(2);
  });

  it('finds credentials where the AWS SDKs do', () => {
    const files = (credentials: string, config = '') => ({
      credentialsFile: { path: '/h/.aws/credentials', text: credentials },
      configFile: { path: '/h/.aws/config', text: config },
    });
    const base = { packerCommand: 'packer', packerVersionOutput: 'Packer v1.9.0' };
    expect(
      findCredentials({
        ...base,
        env: {},
        ...files('[default]\naws_access_key_id = A\naws_secret_access_key = B\n'),
      }),
    ).toMatch(/default/);
    expect(
      findCredentials({
        ...base,
        env: { AWS_PROFILE: 'ops' },
        ...files('[default]\naws_access_key_id = A\naws_secret_access_key = B\n'),
      }),
    ).toBeUndefined();
    expect(
      findCredentials({
        ...base,
        env: { AWS_PROFILE: 'ops' },
        ...files('', '[profile ops]\nsso_session = corp\n'),
      }),
    ).toMatch(/'ops'/);
    expect(
      findCredentials({ ...base, env: {}, ...files('', '[default]\nregion = eu-west-1\n') }),
    ).toBeUndefined();
    expect(
      findCredentials({ ...base, env: { AWS_WEB_IDENTITY_TOKEN_FILE: '/t', AWS_ROLE_ARN: 'arn' } }),
    ).toBeDefined();
  });
});

describe('preflight facts from this machine', () => {
  const home = tempDir('preflight-home');

  it('sees no Packer when none is on PATH', () => {
    const facts = gatherPreflightFacts({ PATH: home, HOME: home });
    expect(facts.packerVersionOutput).toBeUndefined();
    expect(
      preflightProblems(facts)
        .map((p) => p.what)
        .join('\n'),
    ).toMatch(/Packer is not installed/);
  });

  it("sees that Debian's Packer 1.6.6 is too old", () => {
    const facts = gatherPreflightFacts({ PATH: process.env.PATH, HOME: home });
    expect(facts.packerVersionOutput).toMatch(/1\.6\.6/);
    expect(
      preflightProblems(facts)
        .map((p) => p.what)
        .join('\n'),
    ).toMatch(/Packer 1\.6\.6 is older than 1\.7\.0/);
  });

  it('sees no credentials in an empty home, and the ones in ~/.aws/credentials', () => {
    expect(findCredentials(gatherPreflightFacts({ PATH: process.env.PATH, HOME: home }))).toBeUndefined();
    const withKeys = tempDir('preflight-keys');
    mkdirSync(path.join(withKeys, '.aws'));
    writeFileSync(
      path.join(withKeys, '.aws/credentials'),
      '[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = example\n',
    );
    expect(findCredentials(gatherPreflightFacts({ PATH: process.env.PATH, HOME: withKeys }))).toMatch(
      /credentials/,
    );
  });

  it('uses WARREN_PACKER when set', () => {
    const bin = path.join(tempDir('preflight-bin'), 'packer-1.9');
    writeFileSync(bin, '#!/bin/sh\necho "Packer v1.9.4"\n');
    chmodSync(bin, 0o755);
    const facts = gatherPreflightFacts({ PATH: process.env.PATH, HOME: home, WARREN_PACKER: bin });
    expect(facts.packerCommand).toBe(bin);
    expect(facts.packerVersionOutput).toBe('Packer v1.9.4');
  });
});

describe('bake refuses before doing anything', () => {
  it('writes nothing when the preflight fails', async () => {
    const outDir = path.join(tempDir('bake-refused'), 'dev');
    const env = await loaded('dev');
    const facts: PreflightFacts = { packerCommand: 'packer', packerVersionOutput: 'Packer v1.6.6', env: {} };
    const attempt = bake(env, { facts, outDir, onProgress: () => {} });
    await expect(attempt).rejects.toBeInstanceOf(BakePreflightError);
    await expect(attempt).rejects.toThrow(/older than 1\.7\.0[\s\S]*no AWS credentials/);
    expect(existsSync(outDir)).toBe(false);
  });
});

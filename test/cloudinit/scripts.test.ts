// Every boot script passes shellcheck and follows the house rules; every script the user-data or a
// rendered file refers to exists; nothing embedded in a rendered file escapes shellcheck.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BOOT_SCRIPT_NAMES,
  bootScriptFiles,
  bootScriptFor,
  renderHostFiles,
  renderUserData,
  INSTANCE_SCRIPTS_DIR,
} from '../../cloudinit';
import { everyHost, run, SCRIPTS_DIR, withTempDir } from './helpers';

const scripts = readdirSync(SCRIPTS_DIR).filter(
  (f) => f.startsWith('warren-') && !/\.(service|timer)$/.test(f),
);

describe('boot scripts', () => {
  it('the install map lists exactly the files in cloudinit/scripts/', () => {
    const files = readdirSync(SCRIPTS_DIR).filter((f) => statSync(path.join(SCRIPTS_DIR, f)).isFile());
    expect([...BOOT_SCRIPT_NAMES].sort()).toEqual(files.sort());
    // Units and scripts each go where systemd and the user-data look for them.
    expect(bootScriptFor('warren-x.timer')).toMatchObject({
      target: '/etc/systemd/system/warren-x.timer',
      mode: '0644',
    });
    expect(bootScriptFor('warren-x.socket')).toMatchObject({
      target: '/etc/systemd/system/warren-x.socket',
      mode: '0644',
    });
    expect(bootScriptFor('warren-lib')).toMatchObject({ target: '/usr/local/sbin/warren-lib', mode: '0755' });
  });

  it('there are the scripts the user-data and configs call', () => {
    expect(scripts).toEqual(
      expect.arrayContaining([
        'warren-secret',
        'warren-lib',
        'warren-rabbitmq-cli',
        'warren-rabbitmq-boot',
        'warren-data-volume',
        'warren-haproxy-boot',
        'warren-check-haproxy',
        'warren-vip-notify',
      ]),
    );
    expect(bootScriptFiles().map((b) => path.basename(b.target))).toEqual(expect.arrayContaining(scripts));
  });

  for (const name of scripts) {
    const file = path.join(SCRIPTS_DIR, name);
    const text = readFileSync(file, 'utf8');

    it(`${name} passes shellcheck -s bash`, () => {
      const r = run('shellcheck', ['-s', 'bash', '-x', '-P', SCRIPTS_DIR, file]);
      expect(r.out).toBe('');
      expect(r.code).toBe(0);
    });

    it(`${name}: bash shebang, set -euo pipefail, a header comment, executable, no fixed sleeps`, () => {
      const lines = text.split('\n');
      expect(lines[0]).toBe('#!/usr/bin/env bash');
      expect(lines[1]).toMatch(/^# \S/);
      expect(text).toMatch(/^set -euo pipefail$/m);
      expect(statSync(file).mode & 0o111).not.toBe(0);
      // The only sleeps allowed are poll/retry intervals inside bounded loops, and say so.
      for (const l of lines.filter((x) => /\bsleep\b/.test(x) && !/^\s*#/.test(x))) {
        expect(l).toMatch(/sleep [1-3] # (poll|retry) interval/);
      }
    });
  }

  it('every /usr/local/sbin path in the user-data and rendered files is a script we ship', () => {
    for (const { t, host } of everyHost()) {
      const texts = [
        renderUserData(t, host.name, 'aws'),
        ...renderHostFiles(t, host.name, 'aws').map((f) => f.content),
      ];
      for (const text of texts) {
        for (const m of text.matchAll(new RegExp(`${INSTANCE_SCRIPTS_DIR}/(warren-[a-z-]+)`, 'g'))) {
          expect(scripts).toContain(m[1]);
        }
      }
    }
  });

  it('the user-data embeds no script bodies: boot logic lives in the shellchecked scripts above', () => {
    for (const { t, host } of everyHost()) {
      for (const f of renderHostFiles(t, host.name, 'lab')) expect(f.content.startsWith('#!')).toBe(false);
    }
  });

  it('shellcheck finds a real mistake (the check can fail)', () => {
    withTempDir('bad', (dir) => {
      const file = path.join(dir, 'bad');
      writeFileSync(file, '#!/usr/bin/env bash\nset -euo pipefail\nrm -rf $1/*\n');
      expect(run('shellcheck', ['-s', 'bash', file]).code).not.toBe(0);
    });
  });
});

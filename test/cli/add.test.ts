/**
 * `hearth add` end to end: spawn the real CLI on a copy of an example and
 * check exit codes, messages, and that the spec file only ever gains lines.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { hearth, type Run } from '../helpers/cli.js';
import { ROOT } from '../helpers/labs.js';

const SPEC_001 = path.join(ROOT, 'examples/001-k3s-synology/hearth.yaml');
const ORIGINAL = fs.readFileSync(SPEC_001, 'utf8');

const BASE = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-add-'));
after(() => fs.rmSync(BASE, { recursive: true, force: true }));
let counter = 0;

/** A fresh directory holding a copy of example 001's hearth.yaml. */
function lab(): { dir: string; file: string } {
  const dir = path.join(BASE, `t${++counter}`);
  fs.mkdirSync(dir);
  const file = path.join(dir, 'hearth.yaml');
  fs.writeFileSync(file, ORIGINAL);
  return { dir, file };
}

/** Exit 2, nothing on stdout, no stack trace, and the spec untouched. */
function assertRefused(r: Run, file: string, message: RegExp): void {
  assert.equal(r.status, 2, `exit 2 expected; stderr:\n${r.stderr}`);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
  assert.doesNotMatch(r.stderr, /internal error/);
  assert.equal(fs.readFileSync(file, 'utf8'), ORIGINAL, 'the spec is unchanged');
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ['hearth.yaml'], 'no temporary file is left behind');
}

/** The lines `git diff --no-index` reports between two files: every one must be an addition. */
function diffLines(a: string, b: string): string[] {
  const r = spawnSync('git', ['diff', '--no-index', '--no-color', '--unified=0', a, b], { encoding: 'utf8' });
  assert.ok(r.status === 0 || r.status === 1, `git diff failed: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => /^[+-]/.test(l) && !/^(\+\+\+|---) /.test(l));
}

function apps(file: string): Record<string, unknown>[] {
  return (parse(fs.readFileSync(file, 'utf8')) as { apps: Record<string, unknown>[] }).apps;
}

describe('hearth add', { concurrency: Math.max(2, os.availableParallelism()) }, () => {
  test('adds vaultwarden to example 001: exit 0, the spec validates, and the diff only adds lines', async () => {
    const { dir, file } = lab();
    const r = await hearth(['add', 'vaultwarden', dir, '--namespace', 'apps']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /added app "vaultwarden" \(module vaultwarden\) to .*hearth\.yaml in namespace apps/);
    assert.match(r.stdout, /https:\/\/vaultwarden\.home\.jetzinger\.com/);

    const orig = path.join(BASE, `orig-${counter}.yaml`);
    fs.writeFileSync(orig, ORIGINAL);
    assert.deepEqual(diffLines(orig, file), ['+  - name: vaultwarden', '+    namespace: apps']);
    assert.deepEqual(apps(file).at(-1), { name: 'vaultwarden', namespace: 'apps' });
    assert.deepEqual(fs.readdirSync(dir), ['hearth.yaml'], 'no temporary file is left behind');

    const v = await hearth(['validate', dir]);
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stdout, /valid \(.*8 apps\)/);
  });

  test('--name, --set (nested keys, YAML values) and the file mode kept', async () => {
    const { dir, file } = lab();
    fs.chmodSync(file, 0o640);
    const r = await hearth(['add', 'vaultwarden', dir, '--name', 'vault2', '--namespace', 'apps', '--set', 'expose=lan', '--set', 'config.timezone=Europe/Berlin', '--set', 'config.signupsAllowed=true', '--set', 'requirements=[FR1]']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(apps(file).at(-1), {
      name: 'vault2',
      module: 'vaultwarden',
      namespace: 'apps',
      expose: 'lan',
      config: { timezone: 'Europe/Berlin', signupsAllowed: true },
      requirements: ['FR1'],
    });
    assert.equal(fs.statSync(file).mode & 0o777, 0o640);
    const orig = path.join(BASE, `orig-${counter}.yaml`);
    fs.writeFileSync(orig, ORIGINAL);
    assert.ok(diffLines(orig, file).every((l) => l.startsWith('+')));
    assert.equal((await hearth(['validate', file])).status, 0);
  });

  test('an unknown module: exit 2 with the closest module and the list', async () => {
    const { dir, file } = lab();
    const r = await hearth(['add', 'vaultwardn', dir, '--namespace', 'apps']);
    assertRefused(r, file, /unknown module "vaultwardn"; did you mean "vaultwarden"\?/);
    assert.match(r.stderr, /app modules: .*filebrowser.*vaultwarden/);
  });

  test('a platform component is not an app: exit 2', async () => {
    const { dir, file } = lab();
    const r = await hearth(['add', 'metallb', dir, '--namespace', 'apps']);
    assertRefused(r, file, /"metallb" is a platform component, not an app/);
  });

  test('a name already taken: exit 2 suggesting --name', async () => {
    const { dir, file } = lab();
    const r = await hearth(['add', 'n8n', dir, '--namespace', 'apps']);
    assertRefused(r, file, /already has an app named "n8n"[\s\S]*--name n8n-2/);
  });

  test('no --namespace in a spec with several: exit 2 listing them', async () => {
    const { dir, file } = lab();
    const r = await hearth(['add', 'vaultwarden', dir]);
    assertRefused(r, file, /pass --namespace: .* declares 7 namespaces: infra, monitoring, data, apps, ml, docs, dev/);
  });

  test('an undeclared namespace: exit 2 with the hint to declare it (nothing added silently)', async () => {
    const { dir, file } = lab();
    const r = await hearth(['add', 'vaultwarden', dir, '--namespace', 'secrets']);
    assertRefused(r, file, /namespace "secrets" is not declared[\s\S]*add it under namespaces: first \(- name: secrets\)/);
  });

  test('the only namespace is the default', async () => {
    const { dir, file } = lab();
    // Without its apps, the example's backup assignments would name apps that are gone: drop them too.
    const one = ORIGINAL.replace(/\nnamespaces:\n[\s\S]*?\n\napps:\n[\s\S]*?\n\nrequirements:/, '\nnamespaces:\n  - name: apps\n\nrequirements:').replace(/\nbackups:\n[\s\S]*?\n\ndecisions:/, '\ndecisions:');
    fs.writeFileSync(file, one);
    const r = await hearth(['add', 'filebrowser', dir]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(apps(file), [{ name: 'filebrowser', namespace: 'apps' }]);
    assert.ok(fs.readFileSync(file, 'utf8').startsWith(one.replace(/\n$/, '')));
  });

  test('an invalid --set: the issues as validate prints them, exit 2, the file unchanged', async () => {
    const { dir, file } = lab();
    const r = await hearth(['add', 'vaultwarden', dir, '--namespace', 'apps', '--set', 'expose=everywhere']);
    assertRefused(r, file, /hearth\.yaml:\d+:\d+: error apps\[7\]\.expose: the string "everywhere" is not allowed here \[invalid-value\]/);
    assert.match(r.stderr, /nothing written/);

    const bad = await hearth(['add', 'vaultwarden', dir, '--namespace', 'apps', '--set', 'config.timezone=Mars/Olympus']);
    assertRefused(bad, file, /apps\[7\]\.config\.timezone/);

    const malformed = await hearth(['add', 'vaultwarden', dir, '--namespace', 'apps', '--set', 'expose']);
    assertRefused(malformed, file, /--set expose: expected key=value/);

    const own = await hearth(['add', 'vaultwarden', dir, '--namespace', 'apps', '--set', 'namespace=dev']);
    assertRefused(own, file, /set the namespace with --namespace/);
  });

  test('--dry-run prints the edited file and leaves the spec unchanged', async () => {
    const { dir, file } = lab();
    const r = await hearth(['add', 'vaultwarden', dir, '--namespace', 'apps', '--dry-run']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(fs.readFileSync(file, 'utf8'), ORIGINAL);
    assert.deepEqual(fs.readdirSync(dir), ['hearth.yaml']);
    assert.equal(r.stdout, ORIGINAL.replace('\n\nrequirements:', '\n  - name: vaultwarden\n    namespace: apps\n\nrequirements:'));
    // The real run writes exactly what the dry run printed.
    assert.equal((await hearth(['add', 'vaultwarden', dir, '--namespace', 'apps'])).status, 0);
    assert.equal(fs.readFileSync(file, 'utf8'), r.stdout);
  });

  test('a hearth.config.ts lab: exit 2, add edits YAML only, with the line to add by hand', async () => {
    const dir = path.join(BASE, `ts${++counter}`);
    fs.mkdirSync(dir);
    const config = `import { defineLab } from 'hearth';\nexport default defineLab(${JSON.stringify({ ...(parse(ORIGINAL) as object) })});\n`;
    fs.writeFileSync(path.join(dir, 'hearth.config.ts'), config);
    const r = await hearth(['add', 'vaultwarden', dir, '--namespace', 'apps', '--set', 'config.timezone=Europe/Berlin']);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /hearth add edits YAML specs \(hearth\.yaml\) only/);
    assert.match(r.stderr, /\{ name: 'vaultwarden', namespace: 'apps', config: \{ timezone: 'Europe\/Berlin' \} \},/);
    assert.equal(fs.readFileSync(path.join(dir, 'hearth.config.ts'), 'utf8'), config);
  });

  test('no spec at the path: exit 2', async () => {
    const dir = path.join(BASE, `empty${++counter}`);
    fs.mkdirSync(dir);
    const r = await hearth(['add', 'vaultwarden', dir]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no lab spec at/);
  });

  test('a spec that already has errors: they are reported against the file as it is, nothing written', async () => {
    const { dir, file } = lab();
    const invalid = ORIGINAL.replace('  - name: redis\n    namespace: docs\n', '  - name: redis\n    namespace: nowhere\n');
    fs.writeFileSync(file, invalid);
    const r = await hearth(['add', 'vaultwarden', dir, '--namespace', 'apps']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /apps\[3\]\.namespace/);
    assert.match(r.stderr, /already has 1 error; fix them first/);
    assert.equal(fs.readFileSync(file, 'utf8'), invalid);
  });

  test('a spec that does not parse: exit 2 with its errors, nothing written', async () => {
    const { dir, file } = lab();
    const broken = ORIGINAL.replace('name: home-lab\n', 'name: [home-lab\n');
    fs.writeFileSync(file, broken);
    const r = await hearth(['add', 'vaultwarden', dir, '--namespace', 'apps']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /\[yaml-syntax\]/);
    assert.match(r.stderr, /fix the errors above first/);
    assert.equal(fs.readFileSync(file, 'utf8'), broken);
  });
});

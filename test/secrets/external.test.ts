/**
 * The store-backed mechanisms (external-secrets, vault): every Secret the apps
 * read becomes an ExternalSecret against the lab's ClusterSecretStore, values
 * shared between a database and its client point at one store field, and
 * hearth never reads (so can never write) a value.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { buildLab } from '../../src/pipeline.js';
import { toYaml, type JsonValue } from '../../src/lib/yaml-emit.js';
import type { SecretsIo } from '../../src/secrets/stage.js';
import { testLab } from '../helpers/module-harness.js';
import type { LabInput } from '../../src/spec/schema.js';
import { validateObject } from '../helpers/k8s-oracle.js';

const ENV_VALUE = 'env-Value-0c4e81d2-needle';
const ONEPASSWORD = {
  type: 'onepassword',
  connectHost: 'http://onepassword-connect.secrets.svc.cluster.local:8080',
  vaults: ['homelab'],
  token: { secret: 'onepassword-token', key: 'token' },
};
const VAULT = { server: 'http://vault.security.svc.cluster.local:8200', auth: { method: 'kubernetes', role: 'external-secrets' } };

function labWith(secrets: Record<string, unknown>, extraApps: LabInput['apps'] = []) {
  return testLab(
    [
      { name: 'postgresql', namespace: 'data' },
      { name: 'redis', namespace: 'data' },
      { name: 'paperless', namespace: 'apps', config: { database: 'postgres' } },
      ...extraApps,
    ],
    {
      gitops: { engine: 'flux', repo: { url: 'https://github.com/example/test-lab' } },
      namespaces: [{ name: 'apps' }, { name: 'data' }, { name: 'security' }],
      secrets: {
        ...secrets,
        values: [
          {
            name: 'api-tokens',
            namespace: 'apps',
            data: { FROM_ENV: { env: 'TEST_API_TOKEN' }, GENERATED: { generate: { length: 40 } }, REMOTE: { remote: { key: 'telegram', property: 'bot-token' } } },
          },
        ],
      } as never,
    },
  );
}

async function build(t: { after: (fn: () => void) => void }, spec: unknown) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-eso-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'hearth.yaml'), toYaml(spec as JsonValue));
  const io: SecretsIo = {
    env: { TEST_API_TOKEN: ENV_VALUE },
    readFile: () => assert.fail('a store-backed mechanism reads no file'),
    keeper: async () => assert.fail('a store-backed mechanism generates nothing'),
  };
  const r = await buildLab(dir, path.join(dir, 'out'), { io });
  return { dir, r };
}

function objects(files: { path: string; contents: string }[]) {
  return files
    .filter((f) => f.path.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(f.contents).map((d) => ({ path: f.path, o: d.toJS() })))
    .filter((x) => x.o);
}

test('external-secrets (1Password): an ExternalSecret per Secret, shared passwords share a store field, the checklist names every field', async (t) => {
  const { dir, r } = await build(t, labWith({ mechanism: 'external-secrets', externalSecrets: { store: ONEPASSWORD } }));
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  // The env source is not read: a warning says the store holds the value.
  const warn = r.issues.find((i) => i.path.join('.') === 'secrets.values.0.data.FROM_ENV');
  assert.ok(warn && warn.severity === 'warning' && /never reads \$TEST_API_TOKEN/.test(warn.message));

  const all = objects(r.files!);
  const es = all.filter((x) => x.o.kind === 'ExternalSecret');
  const byName = new Map(es.map((x) => [`${x.o.metadata.namespace}/${x.o.metadata.name}`, x]));
  for (const x of es) {
    assert.deepEqual(await validateObject(x.o), { object: `external-secrets.io/v1/ExternalSecret ${x.o.metadata.name}`, checked: true, errors: [] }, x.path);
    assert.deepEqual(x.o.spec.secretStoreRef, { kind: 'ClusterSecretStore', name: 'onepassword' });
    assert.equal(x.o.spec.target.name, x.o.metadata.name);
  }
  assert.equal(all.filter((x) => x.o.kind === 'Secret' || x.o.kind === 'SealedSecret').length, 0, 'no Secret objects at all');

  // The PostgreSQL role password and paperless's copy of it read the same item and field.
  const role = [...byName.values()].find((x) => x.o.metadata.namespace === 'data' && /paperless/.test(x.o.metadata.name))!;
  const client = [...byName.values()].find((x) => x.o.metadata.namespace === 'apps' && x.o.spec.data?.some((d: any) => d.secretKey === 'password'))!;
  assert.ok(role && client, 'both sides of the database password are rendered');
  const ref = (x: any) => x.o.spec.data.find((d: any) => d.secretKey === 'password').remoteRef;
  assert.deepEqual(ref(client), ref(role));
  assert.deepEqual(ref(role), { key: `data-${role.o.metadata.name}`, property: 'password' });
  // Plain keys (not secret) are literals in the template, merged over the store data.
  assert.equal(role.o.spec.target.template.mergePolicy, 'Merge');
  assert.equal(role.o.spec.target.template.data.username, 'paperless');

  // Declared values: the default item, and a remote override.
  const tokens = byName.get('apps/api-tokens')!.o;
  assert.deepEqual(tokens.spec.data, [
    { secretKey: 'FROM_ENV', remoteRef: { key: 'apps-api-tokens', property: 'FROM_ENV' } },
    { secretKey: 'GENERATED', remoteRef: { key: 'apps-api-tokens', property: 'GENERATED' } },
    { secretKey: 'REMOTE', remoteRef: { key: 'telegram', property: 'bot-token' } },
  ]);
  // The lab's own Secrets wait for the operator: in the crds layer's config step, with the store.
  const tokensPath = byName.get('apps/api-tokens')!.path;
  assert.match(tokensPath, /^infrastructure\/crds-config\//);
  const store = all.find((x) => x.o.kind === 'ClusterSecretStore')!;
  assert.match(store.path, /^infrastructure\/crds-config\/external-secrets\//);
  assert.deepEqual((await validateObject(store.o)).errors, []);
  assert.equal(all.find((x) => x.o.kind === 'HelmRelease' && x.o.metadata.name === 'external-secrets-controller')?.path.split('/')[1], 'crds');

  // The checklist: one row per store field, the shared password once, never a value.
  const checklist = r.files!.find((f) => f.path === 'secret-store.md')!.contents;
  assert.match(checklist, /\| `apps-api-tokens` \| `GENERATED` \| apps\/api-tokens: GENERATED \| random, 40 alphanumeric characters \|/);
  assert.match(checklist, /\| `telegram` \| `bot-token` \|/);
  const shared = checklist.split('\n').filter((l) => l.startsWith(`| \`data-${role.o.metadata.name}\` | \`password\``));
  assert.equal(shared.length, 1);
  assert.match(shared[0], /apps\/paperless-postgres: password, data\/postgresql-paperless: password \| random, 32/);
  assert.ok(!fs.existsSync(path.join(dir, 'hearth.secrets.lock')), 'nothing to keep: no lock');
  const text = r.files!.map((f) => f.contents).join('\n');
  assert.ok(!text.includes(ENV_VALUE));

  // kubectl kustomize builds the config step that holds them.
  const out = execFileSync('kubectl', ['kustomize', path.join(dir, 'out/infrastructure/crds-config')], { encoding: 'utf8' });
  assert.match(out, /kind: ExternalSecret/);
});

test('vault: ExternalSecrets read Vault KV paths; a container gets Agent injection with a shell-safe env file', async (t) => {
  const bot = {
    name: 'bot',
    module: 'container',
    namespace: 'apps',
    config: { image: 'ghcr.io/example/bot:1.4.2', command: ['/app/bot'], args: ['--poll'], vault: { path: 'apps/bot' } },
  };
  const vaultApp = { name: 'vault', namespace: 'security' };
  const { r } = await build(t, labWith({ mechanism: 'vault', vault: VAULT }, [bot, vaultApp]));
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  const all = objects(r.files!);
  const store = all.find((x) => x.o.kind === 'ClusterSecretStore')!.o;
  assert.deepEqual(store.spec.provider.vault, {
    server: VAULT.server,
    path: 'secret',
    version: 'v2',
    auth: { kubernetes: { mountPath: 'kubernetes', role: 'external-secrets', serviceAccountRef: { name: 'external-secrets-controller', namespace: 'external-secrets' } } },
  });
  const tokens = all.find((x) => x.o.kind === 'ExternalSecret' && x.o.metadata.name === 'api-tokens')!.o;
  assert.equal(tokens.spec.data[0].remoteRef.key, 'apps/api-tokens');

  const deploy = all.find((x) => x.o.kind === 'Deployment' && x.o.metadata.name === 'bot-server')!.o;
  assert.deepEqual((await validateObject(deploy)).errors, []);
  const pod = deploy.spec.template;
  const ann = pod.metadata.annotations;
  assert.equal(ann['vault.hashicorp.com/agent-inject'], 'true');
  assert.equal(ann['vault.hashicorp.com/role'], 'bot');
  assert.equal(ann['vault.hashicorp.com/agent-inject-secret-env'], 'secret/data/apps/bot');
  assert.equal(pod.spec.serviceAccountName, 'bot');
  assert.equal(pod.spec.automountServiceAccountToken, true);
  const c = pod.spec.containers[0];
  assert.deepEqual(c.command.slice(4), ['/app/bot', '--poll']);
  assert.equal(c.args, undefined);
  assert.ok(all.some((x) => x.o.kind === 'ServiceAccount' && x.o.metadata.name === 'bot'));

  // What consul-template writes for tricky values, then the entrypoint: the shell must see each value unchanged.
  const template = ann['vault.hashicorp.com/agent-inject-template-env'] as string;
  const line = template.split('\n').find((l) => l.startsWith('export'))!;
  const m = /^export \{\{ \$k \}\}='\{\{ \$v \| replaceAll "'" `(.*)` \}\}'$/.exec(line);
  assert.ok(m, `the template line has the expected shape: ${line}`);
  const values: Record<string, string> = { PLAIN: 'abc', QUOTE: "it's", DOLLAR: '$HOME `id` $(id)', NEWLINE: 'a\nb', BACKSLASH: 'c:\\x' };
  const rendered = Object.entries(values)
    .map(([k, v]) => `export ${k}='${v.replaceAll("'", m[1])}'`)
    .join('\n');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-vault-env-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const envFile = path.join(tmp, 'env');
  fs.writeFileSync(envFile, rendered + '\n');
  const script = c.command[2].replace('/vault/secrets/env', envFile);
  const dump = "for k in PLAIN QUOTE DOLLAR NEWLINE BACKSLASH; do eval \"printf '%s\\0' \\\"\\$$k\\\"\"; done";
  const out = execFileSync(c.command[0], ['-c', script, 'sh', '/bin/sh', '-c', dump], { encoding: 'utf8' });
  assert.deepEqual(out.split('\0').slice(0, -1), Object.values(values));
});

test('store-backed mechanisms: missing blocks, remote values without a store, a second operator, injection without vault are errors with paths', async (t) => {
  const cases: [unknown, string[]][] = [
    [labWith({ mechanism: 'external-secrets' }), ['missing-key secrets.externalSecrets']],
    [labWith({ mechanism: 'vault' }), ['missing-key secrets.vault']],
    [labWith({ mechanism: 'sops', sops: { recipients: ['age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p'] } }), ['invalid-combination secrets.values.0.data.REMOTE']],
    [labWith({ mechanism: 'external-secrets', externalSecrets: { store: ONEPASSWORD } }, [{ name: 'external-secrets', namespace: 'security' }]), ['invalid-combination apps.3.module']],
    [
      labWith({ mechanism: 'external-secrets', externalSecrets: { store: ONEPASSWORD } }, [
        { name: 'bot', module: 'container', namespace: 'apps', config: { image: 'ghcr.io/example/bot:1.4.2', vault: { path: 'bot' } } },
      ]),
      ['module-config apps.3.config.command', 'module-config apps.3.config.vault'],
    ],
  ];
  for (const [spec, expected] of cases) {
    const { dir, r } = await build(t, spec);
    assert.deepEqual(
      r.issues
        .filter((i) => i.severity === 'error')
        .map((i) => `${i.code} ${i.path.join('.')}`)
        .sort(),
      expected,
    );
    assert.ok(!fs.existsSync(path.join(dir, 'out')), 'nothing written');
  }
});

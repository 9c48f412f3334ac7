/**
 * The secrets stage end to end: known values go in (environment, file,
 * generated, shared between a database and its client), every mechanism
 * renders them, the values come back out only with the right key, and no
 * rendered byte (nor the lock file) holds a plaintext value.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { buildLab } from '../../src/pipeline.js';
import { toYaml, type JsonValue } from '../../src/lib/yaml-emit.js';
import { unsealValue } from '../../src/secrets/sealed-secrets.js';
import { sopsDecryptYaml } from '../../src/secrets/sops.js';
import type { SecretsIo } from '../../src/secrets/stage.js';
import { testLab } from '../helpers/module-harness.js';
import { validateObject } from '../helpers/k8s-oracle.js';
import { ROOT } from '../helpers/labs.js';

const CERT = fs.readFileSync(path.join(ROOT, 'test/fixtures/secrets/throwaway-sealing.crt'), 'utf8');
const KEY = crypto.createPrivateKey(fs.readFileSync(path.join(ROOT, 'test/fixtures/secrets/throwaway-sealing.key'), 'utf8'));

const ENV_VALUE = 'env-Value-7f3a9c1e-needle';
const FILE_VALUE = 'file-value-2b8d4e6f-needle';

function labWith(secrets: Record<string, unknown>, engine: 'flux' | 'none' = 'flux') {
  return testLab(
    [
      { name: 'postgresql', namespace: 'data' },
      { name: 'redis', namespace: 'data' },
      { name: 'paperless', namespace: 'apps', config: { database: 'postgres' } },
    ],
    {
      gitops: engine === 'flux' ? { engine: 'flux', repo: { url: 'https://github.com/example/test-lab' } } : { engine: 'none' },
      secrets: {
        ...secrets,
        values: [
          {
            name: 'api-tokens',
            namespace: 'apps',
            data: { FROM_ENV: { env: 'TEST_API_TOKEN' }, FROM_FILE: { file: 'token.txt' }, GENERATED: { generate: { length: 40 } } },
          },
        ],
      } as never,
    },
  );
}

async function setup(t: { after: (fn: () => void) => void }, spec: unknown) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-secrets-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'hearth.yaml'), toYaml(spec as JsonValue));
  const identity = await generateIdentity();
  const io: SecretsIo = {
    env: { TEST_API_TOKEN: ENV_VALUE },
    readFile: (p) => (p === 'sealed.pem' ? CERT : p === 'token.txt' ? FILE_VALUE + '\n' : undefined),
    keeper: async () => ({ identity, recipient: await identityToRecipient(identity) }),
  };
  return { dir, io, identity };
}

function docs(files: { path: string; contents: string }[]) {
  return files.filter((f) => f.path.endsWith('.yaml')).flatMap((f) => parseAllDocuments(f.contents).map((d) => d.toJS())).filter(Boolean);
}

/** Every way a value could leak: as is, base64, base64url, hex. */
function leaks(text: string, values: string[]): string[] {
  const forms = values.flatMap((v) => [v, Buffer.from(v).toString('base64'), Buffer.from(v).toString('base64url'), Buffer.from(v).toString('hex')]);
  return forms.filter((f) => text.includes(f));
}

test('sealed-secrets: every requested and declared Secret is sealed, opens with the key, and leaks nothing', async (t) => {
  const { dir, io } = await setup(t, labWith({ mechanism: 'sealed-secrets', sealedSecrets: { certificate: 'sealed.pem' } }));
  const r = await buildLab(dir, path.join(dir, 'out'), { io });
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  const all = docs(r.files!);
  const sealed = all.filter((o) => o.kind === 'SealedSecret');
  assert.deepEqual(
    sealed.map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort(),
    ['apps/api-tokens', 'apps/paperless-postgres', 'apps/paperless-secret-key', 'data/postgresql-paperless', 'data/postgresql-superuser'],
  );
  for (const o of sealed) assert.deepEqual((await validateObject(o)).errors, []);
  const open = (o: any, key: string) => unsealValue(KEY, o.spec.encryptedData[key], { namespace: o.metadata.namespace, name: o.metadata.name, scope: 'strict' }).toString();
  const tokens = sealed.find((o) => o.metadata.name === 'api-tokens');
  assert.equal(open(tokens, 'FROM_ENV'), ENV_VALUE);
  assert.equal(open(tokens, 'FROM_FILE'), FILE_VALUE, 'one trailing newline dropped');
  const generated = open(tokens, 'GENERATED');
  assert.match(generated, /^[A-Za-z0-9]{40}$/);
  // The database and its client read the same generated password.
  const server = open(sealed.find((o) => o.metadata.name === 'postgresql-paperless'), 'password');
  const client = open(sealed.find((o) => o.metadata.name === 'paperless-postgres'), 'password');
  assert.equal(server, client);
  assert.equal(server.length, 32);
  // The controller is deployed first, in kube-system, under kubeseal's default name.
  assert.ok(r.files!.some((f) => f.path === 'infrastructure/crds/sealed-secrets/helmrelease.yaml'));
  // No plaintext anywhere: output, lock.
  const lock = fs.readFileSync(path.join(dir, 'hearth.secrets.lock'), 'utf8');
  const everything = r.files!.map((f) => f.contents).join('\n') + lock;
  assert.deepEqual(leaks(everything, [ENV_VALUE, FILE_VALUE, generated, server]), []);
});

test('sealed-secrets: a rebuild reuses every ciphertext (byte-identical output); a changed value re-seals only itself', async (t) => {
  const { dir, io } = await setup(t, labWith({ mechanism: 'sealed-secrets', sealedSecrets: { certificate: 'sealed.pem' } }));
  const first = await buildLab(dir, path.join(dir, 'out'), { io });
  const lock1 = fs.readFileSync(path.join(dir, 'hearth.secrets.lock'), 'utf8');
  const second = await buildLab(dir, path.join(dir, 'out'), { io });
  assert.deepEqual(second.files, first.files);
  assert.equal(second.report!.written.length, 0);
  assert.equal(fs.readFileSync(path.join(dir, 'hearth.secrets.lock'), 'utf8'), lock1);
  const changed = await buildLab(dir, path.join(dir, 'out'), { io: { ...io, env: { TEST_API_TOKEN: 'another-value' } } });
  const diff = changed.files!.filter((f, i) => f.contents !== first.files![i].contents).map((f) => f.path);
  assert.deepEqual(diff, ['infrastructure/crds-config/secrets/secrets.yaml']);
  const before = docs(first.files!).find((o) => o.metadata?.name === 'api-tokens');
  const after = docs(changed.files!).find((o) => o.metadata?.name === 'api-tokens');
  assert.notEqual(after.spec.encryptedData.FROM_ENV, before.spec.encryptedData.FROM_ENV);
  assert.equal(after.spec.encryptedData.GENERATED, before.spec.encryptedData.GENERATED);
});

test('sops (flux): Secrets decrypt with the age identity, Flux decrypts them, nothing leaks', async (t) => {
  const recipientKey = await generateIdentity();
  const recipient = await identityToRecipient(recipientKey);
  const { dir, io } = await setup(t, labWith({ mechanism: 'sops', sops: { recipients: [recipient] } }));
  const r = await buildLab(dir, path.join(dir, 'out'), { io });
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  const secretFiles = r.files!.filter((f) => f.contents.includes('\nsops:\n'));
  assert.ok(secretFiles.length >= 3);
  const opened: Record<string, any> = {};
  for (const f of secretFiles) {
    for (const d of f.contents.split(/^---\n/m)) {
      if (!d.includes('sops:')) continue;
      const plain = await sopsDecryptYaml(d.replace(/^#.*\n/, ''), [recipientKey]);
      opened[`${(plain as any).metadata.namespace}/${(plain as any).metadata.name}`] = (plain as any).stringData;
    }
  }
  assert.equal(opened['apps/api-tokens'].FROM_ENV, ENV_VALUE);
  assert.equal(opened['data/postgresql-paperless'].password, opened['apps/paperless-postgres'].password);
  for (const f of r.files!.filter((x) => x.path.startsWith('clusters/'))) {
    for (const o of docs([f])) assert.deepEqual(o.spec.decryption, { provider: 'sops', secretRef: { name: 'sops-age' } });
  }
  const everything = r.files!.map((f) => f.contents).join('\n') + fs.readFileSync(path.join(dir, 'hearth.secrets.lock'), 'utf8');
  assert.deepEqual(leaks(everything, [ENV_VALUE, FILE_VALUE, opened['apps/api-tokens'].GENERATED, opened['apps/paperless-postgres'].password]), []);
  const again = await buildLab(dir, path.join(dir, 'out'), { io });
  assert.deepEqual(again.files, r.files, 'stable across builds');
});

test('sops (plain Helm): deploy-all.sh decrypts with sops before applying', async (t) => {
  const recipient = await identityToRecipient(await generateIdentity());
  const { dir, io } = await setup(t, labWith({ mechanism: 'sops', sops: { recipients: [recipient] } }, 'none'));
  const r = await buildLab(dir, path.join(dir, 'out'), { io });
  const script = r.files!.find((f) => f.path === 'scripts/deploy-all.sh')!.contents;
  assert.match(script, /^for tool in kubectl helm sops; do$/m);
  assert.match(script, /^sops --decrypt applications\/paperless\/secrets\.yaml \| kubectl apply -f -$/m);
});

test('never a plaintext fallback: a missing certificate, an unset variable, a bad recipient are errors with paths', async (t) => {
  const noCert = await setup(t, labWith({ mechanism: 'sealed-secrets', sealedSecrets: { certificate: 'missing.pem' } }));
  const r1 = await buildLab(noCert.dir, path.join(noCert.dir, 'out'), { io: noCert.io });
  assert.deepEqual(r1.issues.filter((i) => i.severity === 'error').map((i) => `${i.code} ${i.path.join('.')}`), ['missing-dependency secrets.sealedSecrets.certificate']);
  assert.equal(r1.report, undefined);
  assert.ok(!fs.existsSync(path.join(noCert.dir, 'out')), 'nothing written');

  const noEnv = await setup(t, labWith({ mechanism: 'sealed-secrets', sealedSecrets: { certificate: 'sealed.pem' } }));
  const r2 = await buildLab(noEnv.dir, path.join(noEnv.dir, 'out'), { io: { ...noEnv.io, env: {} } });
  const e2 = r2.issues.filter((i) => i.severity === 'error');
  assert.deepEqual(e2.map((i) => `${i.code} ${i.path.join('.')}`), ['missing-dependency secrets.values.0.data.FROM_ENV']);
  assert.ok(e2[0].line && e2[0].line > 1, 'located in the spec');

  const badRecipient = await setup(t, labWith({ mechanism: 'sops', sops: { recipients: ['AGE-SECRET-KEY-1QQQ'] } }));
  const r3 = await buildLab(badRecipient.dir, path.join(badRecipient.dir, 'out'), { io: badRecipient.io });
  assert.deepEqual(r3.issues.filter((i) => i.severity === 'error').map((i) => `${i.code} ${i.path.join('.')}`), ['invalid-format secrets.sops.recipients.0']);
  assert.match(r3.issues[0].hint ?? '', /never put a private key in the spec/);
});

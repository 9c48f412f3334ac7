import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { parse as parseYaml } from 'yaml';
// Independent decoder (humphd/sops-age): its own YAML parsing, its own
// AES-GCM (@noble/ciphers), its own copy of an older age-encryption. It does
// NOT check the MAC; the MAC is checked below with the age CLI + node:crypto
// and against a file written by real sops.
import { decryptSops } from 'sops-age';
import {
  DEFAULT_ENCRYPTED_REGEX,
  SopsError,
  goFormatFloat,
  sopsDecryptYaml,
  sopsEncryptYaml,
} from '../../src/secrets/sops.js';

const NOW = new Date('2024-05-01T12:34:56.789Z');
const LASTMODIFIED = '2024-05-01T12:34:56Z';
const ENC = /^ENC\[AES256_GCM,data:([^,]+),iv:([^,]+),tag:([^,]+),type:(str|int|float|bool)\]$/;

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** A Kubernetes Secret with `stringData`, base64 `data`, and plaintext metadata. */
function secret(): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'postgres-credentials',
      namespace: 'apps',
      labels: { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/managed-by': 'hearth' },
      annotations: { 'hearth.dev/note': 'yes' },
    },
    type: 'Opaque',
    stringData: {
      username: 'app-user-7f3a',
      password: 'correct horse battery staple 9Q!',
      'config.yaml': 'database:\n  host: pg.apps.svc\n  password: s3cr3t-in-a-file\n',
      empty: '',
    },
    data: {
      'tls.key': b64('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n'),
      token: b64('tok_live_a1b2c3d4e5'),
    },
  };
}

/** Every plaintext value that must not survive encryption, in both forms it could leak. */
function secretPlaintexts(doc: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const section of ['stringData', 'data'] as const) {
    for (const v of Object.values(doc[section] as Record<string, string>)) {
      if (v === '') continue;
      out.push(v);
      out.push(section === 'data' ? Buffer.from(v, 'base64').toString('utf8') : b64(v));
    }
  }
  out.push('s3cr3t-in-a-file', 'correct horse', 'tok_live');
  return out;
}

async function keypair(): Promise<{ identity: string; recipient: string }> {
  const identity = await generateX25519Identity();
  return { identity, recipient: await identityToRecipient(identity) };
}

function ageCli(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v age'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Test-side AES-256-GCM open of one sops value (node:crypto, not the module under test). */
function openValue(value: string, key: Buffer, aad: string): string {
  const m = ENC.exec(value);
  assert.ok(m, `not a sops value: ${value}`);
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(m[2], 'base64'));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(m[3], 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(m[1], 'base64')), decipher.final()]).toString('utf8');
}

/** Test-side SOPS MAC of a document of string leaves: SHA-512 over every leaf in order, upper-case hex. */
function stringTreeMac(doc: unknown): string {
  const hash = crypto.createHash('sha512');
  const walk = (v: unknown): void => {
    if (v === null) return;
    if (Array.isArray(v)) return v.forEach(walk);
    if (typeof v === 'object') return Object.values(v as object).forEach(walk);
    assert.equal(typeof v, 'string', 'this helper only handles string leaves');
    hash.update(v as string);
  };
  walk(doc);
  return hash.digest('hex').toUpperCase();
}

test('encrypts data and stringData of a Secret; metadata stays readable; no plaintext in the output', async () => {
  const { recipient } = await keypair();
  const doc = secret();
  const text = await sopsEncryptYaml(doc, { recipients: [recipient], now: NOW });
  for (const p of secretPlaintexts(doc)) assert.ok(!text.includes(p), `plaintext leaked: ${p}`);

  const out = parseYaml(text) as Record<string, any>;
  assert.equal(out.apiVersion, 'v1');
  assert.equal(out.kind, 'Secret');
  assert.deepEqual(out.metadata, doc.metadata);
  assert.equal(out.type, 'Opaque');
  assert.deepEqual(Object.keys(out), ['apiVersion', 'kind', 'metadata', 'type', 'stringData', 'data', 'sops']);
  assert.equal(out.stringData.empty, '', 'sops leaves empty strings as ""');
  for (const section of ['stringData', 'data']) {
    for (const [k, v] of Object.entries(out[section] as Record<string, string>)) {
      if (k === 'empty') continue;
      const m = ENC.exec(v);
      assert.ok(m, `${section}.${k} is not a sops value: ${v}`);
      assert.equal(m[4], 'str');
      assert.equal(Buffer.from(m[2], 'base64').length, 32, 'iv is 32 bytes (aes/cipher.go nonceSize)');
      assert.equal(Buffer.from(m[3], 'base64').length, 16, 'tag is 16 bytes');
    }
  }
  // The metadata block (stores.Metadata field order) and its values.
  assert.deepEqual(Object.keys(out.sops), [
    'kms', 'gcp_kms', 'azure_kv', 'hc_vault', 'age', 'lastmodified', 'mac', 'pgp', 'encrypted_regex', 'version',
  ]);
  assert.equal(out.sops.lastmodified, LASTMODIFIED);
  assert.match(text, /^ {2}lastmodified: "2024-05-01T12:34:56Z"$/m, 'lastmodified is quoted, as sops writes it');
  assert.equal(out.sops.encrypted_regex, DEFAULT_ENCRYPTED_REGEX);
  assert.equal(out.sops.version, '3.8.1');
  assert.match(out.sops.mac, ENC);
  assert.equal(out.sops.age.length, 1);
  assert.equal(out.sops.age[0].recipient, recipient);
  assert.match(out.sops.age[0].enc, /^-----BEGIN AGE ENCRYPTED FILE-----\n([A-Za-z0-9+/=]{1,64}\n)+-----END AGE ENCRYPTED FILE-----\n$/);
  assert.ok(!text.includes('&') && !text.includes('*'), 'no anchors or aliases');
});

test('round trip with sopsDecryptYaml, each of two recipients alone', async () => {
  const a = await keypair();
  const b = await keypair();
  const doc = secret();
  const text = await sopsEncryptYaml(doc, { recipients: [a.recipient, b.recipient], now: NOW });
  assert.deepEqual(await sopsDecryptYaml(text, [a.identity]), doc);
  assert.deepEqual(await sopsDecryptYaml(text, [b.identity]), doc);
  const other = await keypair();
  await assert.rejects(sopsDecryptYaml(text, [other.identity]), /none of the identities matches a recipient/);
  await assert.rejects(sopsDecryptYaml(text, []), /at least one age identity/);
  await assert.rejects(sopsDecryptYaml(text, ['AGE-SECRET-KEY-1NOTAKEY']), (err: Error) => {
    assert.ok(err instanceof SopsError);
    assert.match(err.message, /identity #1 is not an age X25519 secret key/);
    assert.ok(!err.message.includes('NOTAKEY'), 'never echoes a secret key');
    return true;
  });
});

test('INDEPENDENT: sops-age decrypts our output to the same values (both recipients)', async () => {
  const a = await keypair();
  const b = await keypair();
  const doc = secret();
  const text = await sopsEncryptYaml(doc, { recipients: [a.recipient, b.recipient], now: NOW });
  for (const { identity } of [a, b]) {
    const decoded = await decryptSops(text, { secretKey: identity, fileType: 'yaml' });
    assert.deepEqual(decoded, doc);
  }
});

test('INDEPENDENT: sops-age agrees on nested keys, sequences and non-string leaves', async () => {
  const { identity, recipient } = await keypair();
  const doc = {
    kind: 'Config',
    data: {
      nested: { deeper: { key: 'deep-secret-1', list: ['seq-secret-a', 'seq-secret-b', { inMap: 'seq-secret-c' }] } },
      count: 42,
      negative: -7,
      ratio: 3.25,
      enabled: true,
      disabled: false,
      nothing: null,
      'dotted.key': 'dotted-secret',
    },
    stringData: { plain: 'string-secret' },
    keep: { data_like: 'not encrypted: key does not match ^(data|stringData)$' },
  };
  const text = await sopsEncryptYaml(doc, { recipients: [recipient], now: NOW });
  for (const p of ['deep-secret-1', 'seq-secret-a', 'seq-secret-b', 'seq-secret-c', 'dotted-secret', 'string-secret']) {
    assert.ok(!text.includes(p), `plaintext leaked: ${p}`);
  }
  assert.ok(text.includes('not encrypted: key does not match'));
  const raw = parseYaml(text) as Record<string, any>;
  assert.match(raw.data.count, /type:int\]$/);
  assert.match(raw.data.ratio, /type:float\]$/);
  assert.match(raw.data.enabled, /type:bool\]$/);
  assert.equal(raw.data.nothing, null, 'null is neither encrypted nor hashed');

  assert.deepEqual(await sopsDecryptYaml(text, [identity]), doc);
  assert.deepEqual(await decryptSops(text, { secretKey: identity, fileType: 'yaml' }), doc);

  // An integer-like map key is part of the AAD like any key (sops.go
  // walkBranch appends every map key; only sequence positions are left out).
  // sops-age drops all-digit path components, so it is not used here.
  const numeric = { data: { '1': 'integer-like-key-secret', b: 'x' } };
  const numericText = await sopsEncryptYaml(numeric, { recipients: [recipient] });
  assert.ok(!numericText.includes('integer-like-key-secret'));
  const v = (parseYaml(numericText) as any).data['1'];
  assert.ok(typeof v === 'string' && v.startsWith('ENC['));
  assert.deepEqual(await sopsDecryptYaml(numericText, [identity]), numeric);
});

test('INDEPENDENT: the age CLI opens the data-key stanza; that key opens the values and the MAC', async (t) => {
  const age = ageCli();
  if (!age) {
    const msg = 'age CLI not found on PATH (apt-get install -y age): the standard-age-envelope check was NOT run';
    t.diagnostic(msg);
    t.skip(msg);
    return;
  }
  const a = await keypair();
  const b = await keypair();
  const doc = secret();
  const text = await sopsEncryptYaml(doc, { recipients: [a.recipient, b.recipient], now: NOW });
  const out = parseYaml(text) as Record<string, any>;

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-sops-'));
  try {
    const keys: Buffer[] = [];
    for (const [i, { identity }] of [a, b].entries()) {
      const idFile = path.join(dir, `id${i}.txt`);
      const encFile = path.join(dir, `key${i}.age`);
      fs.writeFileSync(idFile, identity + '\n', { mode: 0o600 });
      fs.writeFileSync(encFile, out.sops.age[i].enc);
      keys.push(execFileSync(age, ['--decrypt', '--identity', idFile, encFile]));
    }
    assert.equal(keys[0].length, 32, 'the data key is 32 bytes');
    assert.deepEqual(keys[0], keys[1], 'both stanzas carry the same data key');
    const key = keys[0];

    // Values open under AAD = path joined with ":" plus ":".
    assert.equal(openValue(out.stringData.password, key, 'stringData:password:'), 'correct horse battery staple 9Q!');
    assert.equal(openValue(out.data['tls.key'], key, 'data:tls.key:'), (doc.data as Record<string, string>)['tls.key']);
    assert.throws(() => openValue(out.stringData.password, key, 'stringData:username:'), 'AAD binds the value to its path');

    // MAC: decrypted under AAD = lastmodified, equal to SHA-512 over all
    // leaves (encrypted or not) in document order.
    const fileMac = openValue(out.sops.mac, key, LASTMODIFIED);
    assert.match(fileMac, /^[0-9A-F]{128}$/);
    assert.equal(fileMac, stringTreeMac(doc));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('tampering is detected: by AES-GCM for encrypted values, by the MAC for the rest', async () => {
  const { identity, recipient } = await keypair();
  const text = await sopsEncryptYaml(secret(), { recipients: [recipient], now: NOW });
  const out = parseYaml(text) as Record<string, any>;
  const password: string = out.stringData.password;
  const username: string = out.stringData.username;

  // One bit of ciphertext flipped.
  const m = ENC.exec(password)!;
  const data = Buffer.from(m[1], 'base64');
  data[0] ^= 1;
  const flipped = password.replace(m[1], data.toString('base64'));
  await assert.rejects(sopsDecryptYaml(text.replace(password, flipped), [identity]), (err: Error) => {
    assert.ok(err instanceof SopsError);
    assert.match(err.message, /could not decrypt the value at stringData\.password: AES-GCM authentication failed/);
    return true;
  });
  // Two valid ciphertexts swapped between keys: the AAD (path) no longer fits.
  const swapped = text.replace(password, '\u0000').replace(username, password).replace('\u0000', username);
  await assert.rejects(sopsDecryptYaml(swapped, [identity]), /AES-GCM authentication failed/);
  // A plaintext field changed: only the MAC covers it.
  await assert.rejects(
    sopsDecryptYaml(text.replace('name: postgres-credentials', 'name: evil'), [identity]),
    /MAC mismatch: the file was changed after it was encrypted/,
  );
  // An encrypted value removed.
  const withoutToken = text.replace(/^ {2}token: .*\n/m, '');
  assert.notEqual(withoutToken, text);
  await assert.rejects(sopsDecryptYaml(withoutToken, [identity]), /MAC mismatch/);
  // lastmodified changed: the MAC no longer opens.
  await assert.rejects(sopsDecryptYaml(text.replace(LASTMODIFIED, '2024-05-01T12:34:57Z'), [identity]), /cannot decrypt the MAC/);
  // MAC removed.
  await assert.rejects(sopsDecryptYaml(text.replace(/^ {2}mac: .*$/m, '  mac: ""'), [identity]), /MAC mismatch.*no MAC/);
  // And the untouched file still decrypts.
  assert.deepEqual(await sopsDecryptYaml(text, [identity]), secret());
});

test('bad recipients are rejected with an error naming the recipient', async () => {
  const good = (await keypair()).recipient;
  const badChecksum = good.slice(0, -1) + (good.endsWith('q') ? 'p' : 'q');
  const cases: [string, RegExp][] = [
    ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl', /invalid age recipient "ssh-ed25519 AAAA/],
    ['age1notakey', /invalid age recipient "age1notakey": expected an age X25519 public key/],
    [good.toUpperCase(), /invalid age recipient "AGE1/],
    ['age1pq1' + 'q'.repeat(100), /invalid age recipient "age1pq1q/],
    [badChecksum, new RegExp(`invalid age recipient "${badChecksum}": .*checksum`, 'i')],
    ['', /invalid age recipient ""/],
  ];
  for (const [recipient, re] of cases) {
    await assert.rejects(sopsEncryptYaml(secret(), { recipients: [good, recipient] }), (err: Error) => {
      assert.ok(err instanceof SopsError, `${recipient}: ${err}`);
      assert.match(err.message, re);
      return true;
    });
  }
  await assert.rejects(sopsEncryptYaml(secret(), { recipients: [] }), /at least one age recipient/);
  // An identity passed by mistake is refused without echoing it.
  const { identity } = await keypair();
  await assert.rejects(sopsEncryptYaml(secret(), { recipients: [identity] }), (err: Error) => {
    assert.match(err.message, /secret key .* was given; use its public key/);
    assert.ok(!err.message.includes(identity));
    return true;
  });
  // Surrounding space is trimmed, as sops does.
  const text = await sopsEncryptYaml(secret(), { recipients: [` ${good}\n`] });
  assert.equal((parseYaml(text) as any).sops.age[0].recipient, good);
});

test('encryptedRegex option, input checks', async () => {
  const { identity, recipient } = await keypair();
  const doc = { kind: 'Secret', stringData: { password: 'pw-secret', username: 'plain-user' } };
  const text = await sopsEncryptYaml(doc, { recipients: [recipient], encryptedRegex: '^password$' });
  assert.ok(!text.includes('pw-secret'));
  assert.ok(text.includes('username: plain-user'));
  assert.equal((parseYaml(text) as any).sops.encrypted_regex, '^password$');
  assert.deepEqual(await sopsDecryptYaml(text, [identity]), doc);

  await assert.rejects(sopsEncryptYaml(doc, { recipients: [recipient], encryptedRegex: '(' }), /not a valid regex/);
  await assert.rejects(sopsEncryptYaml(doc, { recipients: [recipient], encryptedRegex: '^(?!metadata)' }), /lookaround/);
  await assert.rejects(sopsEncryptYaml({ sops: {} }, { recipients: [recipient] }), /already has a top-level "sops" key/);
  await assert.rejects(
    sopsEncryptYaml({ data: { when: new Date() } }, { recipients: [recipient] }),
    /cannot encrypt the value at data\.when: unsupported type Date/,
  );
  await assert.rejects(sopsDecryptYaml('a: 1\n', [identity]), /metadata not found/);
});

test('goFormatFloat matches Go strconv.FormatFloat(v, \'f\', -1, 64)', () => {
  assert.equal(goFormatFloat(3.14), '3.14');
  assert.equal(goFormatFloat(1e21), '1000000000000000000000');
  assert.equal(goFormatFloat(1.5e-7), '0.00000015');
  assert.equal(goFormatFloat(-2.5e-10), '-0.00000000025');
  assert.equal(goFormatFloat(1.2345e25), '12345000000000000000000000');
  assert.equal(goFormatFloat(Infinity), '+Inf');
  assert.equal(goFormatFloat(-Infinity), '-Inf');
  assert.equal(goFormatFloat(NaN), 'NaN');
  assert.equal(goFormatFloat(-0), '-0');
});

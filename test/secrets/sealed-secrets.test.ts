import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto, { webcrypto } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SealedSecret } from '@kubernetes-models/sealed-secrets/bitnami.com/v1alpha1';
import { encryptSecretItem } from '@linode/kubeseal-encrypt';
import {
  CLUSTER_WIDE_ANNOTATION,
  NAMESPACE_WIDE_ANNOTATION,
  SEAL_SCOPES,
  parseSealingCertificate,
  sealValue,
  sealedSecret,
  unsealValue,
  type SealScope,
  type SealedSecretObject,
} from '../../src/secrets/sealed-secrets.js';
import { validateObject } from '../helpers/k8s-oracle.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// THROWAWAY fixtures (see test/fixtures/secrets/README.md): a committed
// self-signed RSA-2048 certificate and its private key, which protect nothing.
const FIXTURES = path.join(ROOT, 'test/fixtures/secrets');
const FIXTURE_CERT = fs.readFileSync(path.join(FIXTURES, 'throwaway-sealing.crt'), 'utf8');
const FIXTURE_KEY = fs.readFileSync(path.join(FIXTURES, 'throwaway-sealing.key'), 'utf8');
// `ssh-keygen -i -m PKCS8 -f <(openssl x509 -in throwaway-sealing.crt -pubkey -noout) | ssh-keygen -lf -`
const FIXTURE_FINGERPRINT = 'SHA256:I5esx2jWN6Cch/qE0I9ApWJVFdKJOipu9M6coJo4wXQ';

let certPem = FIXTURE_CERT;
let keyPem = FIXTURE_KEY;
let fresh = false;
let tmp: string | undefined;

function has(cmd: string): boolean {
  try {
    execFileSync(cmd, ['version'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

before(() => {
  // A fresh sealing certificate per run, as the controller makes one; the
  // committed throwaway pair stands in where openssl is missing.
  if (!has('openssl')) return;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-sealed-'));
  const key = path.join(tmp, 'tls.key');
  const crt = path.join(tmp, 'tls.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=sealed-secret/O=sealed-secret', '-days', '1', '-keyout', key, '-out', crt], {
    stdio: 'ignore',
  });
  certPem = fs.readFileSync(crt, 'utf8');
  keyPem = fs.readFileSync(key, 'utf8');
  fresh = true;
});

after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const pub = () => parseSealingCertificate(certPem).publicKey;
const priv = () => crypto.createPrivateKey(keyPem);
const target = (scope: SealScope) => ({ namespace: 'hearth-apps', name: 'grafana-admin', scope });

/** The controller's view (`SecretScope` + `labelFor`): scope from the SealedSecret's own annotations. */
function controllerUnseal(obj: SealedSecretObject, privateKey: crypto.KeyObject): Record<string, string> {
  const anno = obj.metadata.annotations ?? {};
  const scope: SealScope = anno[CLUSTER_WIDE_ANNOTATION] === 'true' ? 'cluster-wide' : anno[NAMESPACE_WIDE_ANNOTATION] === 'true' ? 'namespace-wide' : 'strict';
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj.spec.encryptedData)) {
    out[k] = unsealValue(privateKey, v, { namespace: obj.metadata.namespace, name: obj.metadata.name, scope }).toString('utf8');
  }
  return out;
}

/** An independent decryptor on WebCrypto (a different API from the module's), following HybridDecrypt. */
async function webcryptoUnseal(pkcs8Pem: string, b64: string, label: string): Promise<Buffer> {
  const der = crypto.createPrivateKey(pkcs8Pem).export({ type: 'pkcs8', format: 'der' });
  const rsa = await webcrypto.subtle.importKey('pkcs8', der, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['decrypt']);
  const data = Buffer.from(b64, 'base64');
  const n = (data[0] << 8) | data[1];
  const sessionKey = await webcrypto.subtle.decrypt({ name: 'RSA-OAEP', label: new TextEncoder().encode(label) }, rsa, data.subarray(2, 2 + n));
  const aes = await webcrypto.subtle.importKey('raw', sessionKey, { name: 'AES-GCM' }, false, ['decrypt']);
  return Buffer.from(await webcrypto.subtle.decrypt({ name: 'AES-GCM', iv: new Uint8Array(12), tagLength: 128 }, aes, data.subarray(2 + n)));
}

test('the sealing certificate in use', (t) => {
  t.diagnostic(fresh ? 'a fresh certificate made with openssl' : 'openssl missing: the committed throwaway fixture certificate');
  assert.match(certPem, /-----BEGIN CERTIFICATE-----/);
});

test('parseSealingCertificate reads the RSA key, the fingerprint and notAfter', () => {
  const cert = parseSealingCertificate(FIXTURE_CERT);
  assert.equal(cert.publicKey.type, 'public');
  assert.equal(cert.publicKey.asymmetricKeyType, 'rsa');
  assert.equal(cert.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
  // Same as Go's ssh.FingerprintSHA256 (the controller's key id) and ssh-keygen -l.
  assert.equal(cert.fingerprint, FIXTURE_FINGERPRINT);
  assert.equal(cert.notAfter?.getUTCFullYear(), 2126);
  // Text around the block (kubeseal output, a chain) is fine: the first certificate counts.
  const again = parseSealingCertificate(`# fetched with kubeseal --fetch-cert\n${FIXTURE_CERT}\n${certPem}`);
  assert.equal(again.fingerprint, FIXTURE_FINGERPRINT);
});

test('the fingerprint matches ssh-keygen for the fresh certificate', { skip: !fresh || !has('ssh-keygen') ? 'needs openssl and ssh-keygen' : false }, () => {
  const spki = path.join(tmp!, 'pub.pem');
  fs.writeFileSync(spki, pub().export({ type: 'spki', format: 'pem' }));
  const ssh = execFileSync('ssh-keygen', ['-i', '-m', 'PKCS8', '-f', spki], { encoding: 'utf8' });
  const line = execFileSync('ssh-keygen', ['-l', '-f', '-'], { input: ssh, encoding: 'utf8' });
  assert.equal(line.split(' ')[1], parseSealingCertificate(certPem).fingerprint);
  const notAfter = parseSealingCertificate(certPem).notAfter!;
  assert.ok(notAfter.getTime() > Date.now() && notAfter.getTime() < Date.now() + 2 * 86400_000);
});

test('bad certificates give clear errors', () => {
  assert.throws(() => parseSealingCertificate(''), /empty input.*CERTIFICATE/);
  assert.throws(() => parseSealingCertificate('hello'), /no PEM "CERTIFICATE" block found/);
  assert.throws(() => parseSealingCertificate(pub().export({ type: 'spki', format: 'pem' }) as string), /found a PEM "PUBLIC KEY" block, expected a "CERTIFICATE"/);
  assert.throws(() => parseSealingCertificate(FIXTURE_KEY), /found a PEM "PRIVATE KEY" block/);
  const corrupt = FIXTURE_CERT.replace(/\n([A-Za-z0-9+/]{20})/, '\nAAAAAAAAAAAAAAAAAAAA');
  assert.throws(() => parseSealingCertificate(corrupt), /does not parse as X\.509/);
  assert.throws(() => parseSealingCertificate('-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n'), /does not parse as X\.509/);
  const ec = fs.readFileSync(path.join(FIXTURES, 'ec-not-rsa.crt'), 'utf8');
  assert.throws(() => parseSealingCertificate(ec), /expected an RSA public key, found ec/);
});

for (const scope of SEAL_SCOPES) {
  test(`seal → unseal round trip, ${scope} scope`, async () => {
    const t = target(scope);
    for (const value of ['s3cr3t', '', 'uni ☃ 😀\nline two\n', 'x'.repeat(10_000)]) {
      const sealed = sealValue(pub(), value, t);
      assert.equal(unsealValue(priv(), sealed, t).toString('utf8'), value);
      // The independent WebCrypto reading gives the same plaintext.
      const label = scope === 'strict' ? 'hearth-apps/grafana-admin' : scope === 'namespace-wide' ? 'hearth-apps' : '';
      assert.equal((await webcryptoUnseal(keyPem, sealed, label)).toString('utf8'), value);
    }
    const bytes = crypto.randomBytes(300);
    assert.deepEqual(unsealValue(priv(), sealValue(pub(), bytes, t), t), bytes);
  });
}

test('the layout is uint16be(len) || RSA-OAEP ciphertext || AES-GCM ciphertext || 16-byte tag, randomized', () => {
  const t = target('strict');
  const a = Buffer.from(sealValue(pub(), 'twelve bytes', t), 'base64');
  assert.equal(a.readUInt16BE(0), 256); // RSA-2048
  assert.equal(a.length, 2 + 256 + 'twelve bytes'.length + 16);
  const b = sealValue(pub(), 'twelve bytes', t);
  assert.notEqual(a.toString('base64'), b, 'each seal uses a new session key');
});

test('strict scope binds namespace and name', () => {
  const t = target('strict');
  const sealed = sealValue(pub(), 'pw', t);
  assert.throws(() => unsealValue(priv(), sealed, { ...t, namespace: 'other' }), /cannot decrypt the session key/);
  assert.throws(() => unsealValue(priv(), sealed, { ...t, name: 'other' }), /cannot decrypt the session key/);
  assert.throws(() => unsealValue(priv(), sealed, { ...t, scope: 'namespace-wide' }), /cannot decrypt the session key/);
  assert.throws(() => unsealValue(priv(), sealed, { ...t, scope: 'cluster-wide' }), /cannot decrypt the session key/);
  // A different controller key cannot open it either.
  const { privateKey: other } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  assert.throws(() => unsealValue(other, sealed, t), /cannot decrypt the session key/);
});

test('namespace-wide binds only the namespace, cluster-wide binds nothing', () => {
  const ns = sealValue(pub(), 'pw', target('namespace-wide'));
  assert.equal(unsealValue(priv(), ns, { namespace: 'hearth-apps', name: 'renamed', scope: 'namespace-wide' }).toString(), 'pw');
  assert.throws(() => unsealValue(priv(), ns, { namespace: 'other', name: 'grafana-admin', scope: 'namespace-wide' }), /cannot decrypt/);
  const cw = sealValue(pub(), 'pw', target('cluster-wide'));
  assert.equal(unsealValue(priv(), cw, { namespace: 'anywhere', name: 'anything', scope: 'cluster-wide' }).toString(), 'pw');
});

test('tampering and malformed input are refused', () => {
  const t = target('strict');
  const raw = Buffer.from(sealValue(pub(), 'pw', t), 'base64');
  raw[raw.length - 1] ^= 1;
  assert.throws(() => unsealValue(priv(), raw.toString('base64'), t), /AES-GCM authentication failed/);
  assert.throws(() => unsealValue(priv(), 'AA==', t), /too short/);
  assert.throws(() => unsealValue(priv(), Buffer.from([1, 0, 1, 2]).toString('base64'), t), /too short/);
  assert.throws(() => unsealValue(pub(), sealValue(pub(), 'pw', t), t), /expected an RSA private KeyObject/);
});

test('sealing checks its inputs', () => {
  assert.throws(() => sealValue(pub(), 'pw', { namespace: '', name: 'x' }), /must declare a namespace/);
  assert.throws(() => sealValue(pub(), 'pw', { namespace: 'ns', name: '' }), /strict secret must declare a name/);
  assert.throws(() => sealValue(pub(), 'pw', { namespace: 'ns', name: 'x', scope: 'wide' as SealScope }), /unknown scope "wide"/);
  assert.throws(() => sealValue(priv(), 'pw', target('strict')), /expected an RSA public KeyObject/);
  const { publicKey: ed } = crypto.generateKeyPairSync('ed25519');
  assert.throws(() => sealValue(ed, 'pw', target('strict')), /expected an RSA public KeyObject/);
  // cluster-wide needs no namespace (NewSealedSecret allows it)
  assert.equal(unsealValue(priv(), sealValue(pub(), 'pw', { namespace: '', name: '', scope: 'cluster-wide' }), { namespace: 'a', name: 'b', scope: 'cluster-wide' }).toString(), 'pw');
});

for (const scope of SEAL_SCOPES) {
  test(`sealedSecret builds a valid SealedSecret, ${scope} scope`, async () => {
    const data = { 'z-last': 'zzz', 'admin-password': 'hunter2', 'a.first': 'aaa' };
    const obj = sealedSecret(pub(), { ...target(scope), data, labels: { 'app.kubernetes.io/name': 'grafana' }, type: 'Opaque' });
    assert.equal(obj.apiVersion, 'bitnami.com/v1alpha1');
    assert.equal(obj.kind, 'SealedSecret');
    assert.deepEqual(Object.keys(obj.spec.encryptedData), ['a.first', 'admin-password', 'z-last']);
    assert.deepEqual(obj.spec.template.metadata.labels, { 'app.kubernetes.io/name': 'grafana' });
    assert.equal(obj.spec.template.metadata.name, 'grafana-admin');
    assert.equal(obj.spec.template.metadata.namespace, 'hearth-apps');
    assert.equal(obj.spec.template.type, 'Opaque');
    const expected =
      scope === 'strict' ? undefined : scope === 'namespace-wide' ? { [NAMESPACE_WIDE_ANNOTATION]: 'true' } : { [CLUSTER_WIDE_ANNOTATION]: 'true' };
    assert.deepEqual(obj.metadata.annotations, expected);
    assert.deepEqual(obj.spec.template.metadata.annotations, expected);
    // The controller derives the label from the object itself.
    assert.deepEqual(controllerUnseal(obj, priv()), data);
    // Schema oracles: the CRD schema, and the strict unknown-field pass.
    new SealedSecret(obj as never).validate();
    const res = await validateObject(obj as never);
    assert.deepEqual(res, { object: 'bitnami.com/v1alpha1/SealedSecret grafana-admin', checked: true, errors: [] });
  });
}

test('sealedSecret omits empty labels and type; strict has no annotations', () => {
  const obj = sealedSecret(pub(), { namespace: 'ns', name: 'n', data: { k: 'v' } });
  assert.deepEqual(obj.metadata, { name: 'n', namespace: 'ns' });
  assert.deepEqual(obj.spec.template, { metadata: { name: 'n', namespace: 'ns' } });
  new SealedSecret(obj as never).validate();
  assert.throws(() => sealedSecret(pub(), { namespace: 'ns', name: 'n', data: { 'bad/key': 'v' } }), /invalid key "bad\/key"/);
  assert.throws(() => sealedSecret(pub(), { namespace: 'ns', name: 'n', data: { '..': 'v' } }), /invalid key/);
});

test('cross-check: @linode/kubeseal-encrypt output unseals with unsealValue (namespace-wide)', async () => {
  // kubeseal-encrypt takes the public key as an SPKI PEM (not the certificate)
  // and always uses the namespace as the OAEP label, i.e. namespace-wide scope.
  const spkiPem = pub().export({ type: 'spki', format: 'pem' }) as string;
  for (const value of ['s3cr3t', 'uni ☃ 😀\nline two', 'y'.repeat(5000)]) {
    const theirs = await encryptSecretItem(spkiPem, 'hearth-apps', value);
    const opened = unsealValue(priv(), theirs, { namespace: 'hearth-apps', name: 'anything', scope: 'namespace-wide' });
    assert.equal(opened.toString('utf8'), value);
    assert.throws(() => unsealValue(priv(), theirs, { namespace: 'hearth-apps', name: 'anything', scope: 'strict' }), /cannot decrypt/);
    assert.throws(() => unsealValue(priv(), theirs, { namespace: 'other', name: 'anything', scope: 'namespace-wide' }), /cannot decrypt/);
    // Same layout as ours: same prefix, same total length.
    const ours = Buffer.from(sealValue(pub(), value, target('namespace-wide')), 'base64');
    const t = Buffer.from(theirs, 'base64');
    assert.equal(t.length, ours.length);
    assert.equal(t.readUInt16BE(0), ours.readUInt16BE(0));
  }
});

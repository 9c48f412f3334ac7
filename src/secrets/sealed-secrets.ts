/**
 * Bitnami Sealed Secrets encryption in pure TypeScript (node:crypto only).
 *
 * Format, as in bitnami-labs/sealed-secrets `pkg/crypto/crypto.go`
 * (`HybridEncrypt` / `HybridDecrypt`):
 *
 *   value = uint16be(len(rsaCiphertext)) || rsaCiphertext || aesGcm(plaintext) || tag
 *
 * - a fresh random 32-byte session key (AES-256);
 * - the session key encrypted with RSA-OAEP, SHA-256 (hash and MGF1), using
 *   the scope label as the OAEP label;
 * - the plaintext sealed with AES-256-GCM under the session key, an all-zero
 *   12-byte nonce (safe: the key is used once) and no additional data; the
 *   16-byte tag follows the ciphertext (Go's `aead.Seal`);
 * - base64 (standard, padded) in `spec.encryptedData[key]`.
 *
 * The label comes from `EncryptionLabel` in
 * `pkg/apis/sealedsecrets/v1alpha1/sealedsecret_expansion.go`:
 * strict = `<namespace>/<name>`, namespace-wide = `<namespace>`,
 * cluster-wide = empty. The controller (`SealedSecret.Unseal`) derives the
 * label from the SealedSecret's OWN metadata (name, namespace and the
 * `sealedsecrets.bitnami.com/{namespace,cluster}-wide: "true"` annotations),
 * so the annotations must sit on `metadata.annotations`; like kubeseal, we
 * also copy them into `spec.template.metadata.annotations`.
 *
 * Encryption is randomized (session key and OAEP seed): sealing the same
 * value twice gives different output. A renderer that wants deterministic
 * output must keep already-sealed values (e.g. reuse the previous
 * ciphertext when `unsealValue`/a stored plaintext hash says it is still the
 * same value) rather than re-seal on every run.
 */
import crypto from 'node:crypto';

export type SealScope = 'strict' | 'namespace-wide' | 'cluster-wide';

export const SEAL_SCOPES: readonly SealScope[] = ['strict', 'namespace-wide', 'cluster-wide'];

/** Annotation keys (`types.go`: `SealedSecretNamespaceWideAnnotation`, `SealedSecretClusterWideAnnotation`). */
export const NAMESPACE_WIDE_ANNOTATION = 'sealedsecrets.bitnami.com/namespace-wide';
export const CLUSTER_WIDE_ANNOTATION = 'sealedsecrets.bitnami.com/cluster-wide';

const SESSION_KEY_BYTES = 32;
const GCM_NONCE_BYTES = 12;
const GCM_TAG_BYTES = 16;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

export interface SealingCertificate {
  publicKey: crypto.KeyObject;
  /** `SHA256:<unpadded base64>` of the SSH wire form of the RSA key, as the controller's `crypto.PublicKeyFingerprint`. */
  fingerprint: string;
  /** The certificate's notAfter; kubeseal refuses to seal with an expired certificate. */
  notAfter?: Date;
}

export interface SealTarget {
  namespace: string;
  name: string;
  /** Default `strict`, as upstream (`DefaultScope = StrictScope`). */
  scope?: SealScope;
}

/**
 * Reads the controller's sealing certificate (`kubeseal --fetch-cert`).
 * Like kubeseal's `ParseKey`, uses the first certificate of the PEM and
 * requires an RSA key. Does not check expiry (that would make this impure):
 * compare `notAfter` with the clock where that matters.
 */
export function parseSealingCertificate(pem: string): SealingCertificate {
  if (typeof pem !== 'string' || pem.trim() === '') {
    throw new Error('sealing certificate: empty input; expected a PEM "CERTIFICATE" block (kubeseal --fetch-cert)');
  }
  const block = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(pem);
  if (!block) {
    const other = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(pem);
    throw new Error(
      other
        ? `sealing certificate: found a PEM "${other[1]}" block, expected a "CERTIFICATE" (kubeseal --fetch-cert prints one)`
        : 'sealing certificate: no PEM "CERTIFICATE" block found (expected -----BEGIN CERTIFICATE-----, as printed by kubeseal --fetch-cert)',
    );
  }
  let cert: crypto.X509Certificate;
  try {
    cert = new crypto.X509Certificate(block[0]);
  } catch (e) {
    throw new Error(`sealing certificate: the CERTIFICATE block does not parse as X.509 (${(e as Error).message})`);
  }
  const publicKey = cert.publicKey;
  if (publicKey.asymmetricKeyType !== 'rsa') {
    throw new Error(`sealing certificate: expected an RSA public key, found ${publicKey.asymmetricKeyType ?? 'an unknown key type'}`);
  }
  const notAfter = new Date(cert.validTo);
  return {
    publicKey,
    fingerprint: publicKeyFingerprint(publicKey),
    ...(Number.isNaN(notAfter.getTime()) ? {} : { notAfter }),
  };
}

/**
 * `SHA256:` + unpadded base64 of sha256 over the SSH `ssh-rsa` wire encoding
 * (string "ssh-rsa", mpint e, mpint n): Go's `ssh.FingerprintSHA256`, which
 * the controller uses to name its keys; equals `ssh-keygen -l`'s output.
 */
export function publicKeyFingerprint(publicKey: crypto.KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e) throw new Error('fingerprint: expected an RSA public key');
  const sshString = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    return Buffer.concat([len, b]);
  };
  const mpint = (b: Buffer) => {
    let i = 0;
    while (i < b.length && b[i] === 0) i++;
    let v = b.subarray(i);
    if (v.length > 0 && v[0] & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
    return sshString(v);
  };
  const wire = Buffer.concat([
    sshString(Buffer.from('ssh-rsa')),
    mpint(Buffer.from(jwk.e, 'base64url')),
    mpint(Buffer.from(jwk.n, 'base64url')),
  ]);
  return 'SHA256:' + crypto.createHash('sha256').update(wire).digest('base64').replace(/=+$/, '');
}

/** The OAEP label for a scope (`EncryptionLabel`). */
export function encryptionLabel(target: SealTarget): Buffer {
  const scope = target.scope ?? 'strict';
  switch (scope) {
    case 'cluster-wide':
      return Buffer.alloc(0);
    case 'namespace-wide':
      return Buffer.from(target.namespace, 'utf8');
    case 'strict':
      return Buffer.from(`${target.namespace}/${target.name}`, 'utf8');
    default:
      throw new Error(`sealed secret: unknown scope ${JSON.stringify(scope)}; must be one of: ${SEAL_SCOPES.join(', ')}`);
  }
}

/** Scope annotations (`UpdateScopeAnnotations`): none for strict. */
export function scopeAnnotations(scope: SealScope = 'strict'): Record<string, string> {
  if (scope === 'namespace-wide') return { [NAMESPACE_WIDE_ANNOTATION]: 'true' };
  if (scope === 'cluster-wide') return { [CLUSTER_WIDE_ANNOTATION]: 'true' };
  return {};
}

function checkTarget(target: SealTarget): void {
  const scope = target.scope ?? 'strict';
  if (!SEAL_SCOPES.includes(scope)) {
    throw new Error(`sealed secret: unknown scope ${JSON.stringify(scope)}; must be one of: ${SEAL_SCOPES.join(', ')}`);
  }
  // NewSealedSecret: "secret must declare a namespace" unless cluster-wide.
  if (scope !== 'cluster-wide' && !target.namespace) throw new Error(`sealed secret: a ${scope} secret must declare a namespace`);
  if (scope === 'strict' && !target.name) throw new Error('sealed secret: a strict secret must declare a name');
}

function requireRsa(key: crypto.KeyObject, kind: 'public' | 'private'): void {
  if (!(key instanceof crypto.KeyObject) || key.asymmetricKeyType !== 'rsa' || key.type !== kind) {
    throw new Error(`sealed secret: expected an RSA ${kind} KeyObject`);
  }
}

/** `HybridEncrypt`, base64-encoded: the value of one `spec.encryptedData` entry. Randomized. */
export function sealValue(publicKey: crypto.KeyObject, value: string | Buffer, opts: SealTarget): string {
  requireRsa(publicKey, 'public');
  checkTarget(opts);
  const label = encryptionLabel(opts);
  const plaintext = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;

  const sessionKey = crypto.randomBytes(SESSION_KEY_BYTES);
  const rsaCiphertext = crypto.publicEncrypt(
    { key: publicKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label },
    sessionKey,
  );
  if (rsaCiphertext.length > 0xffff) throw new Error('sealed secret: RSA key too large for the 2-byte length prefix');

  const cipher = crypto.createCipheriv('aes-256-gcm', sessionKey, Buffer.alloc(GCM_NONCE_BYTES), { authTagLength: GCM_TAG_BYTES });
  const aesCiphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);

  const len = Buffer.alloc(2);
  len.writeUInt16BE(rsaCiphertext.length);
  return Buffer.concat([len, rsaCiphertext, aesCiphertext]).toString('base64');
}

/**
 * `HybridDecrypt`: what the controller does with one `encryptedData` value.
 * Throws if the label (namespace/name/scope) or the key does not match.
 */
export function unsealValue(privateKey: crypto.KeyObject, b64: string, opts: SealTarget): Buffer {
  requireRsa(privateKey, 'private');
  const label = encryptionLabel(opts);
  const data = Buffer.from(b64, 'base64');
  if (data.length < 2) throw new Error('sealed secret: SealedSecret data is too short');
  const rsaLen = data.readUInt16BE(0);
  if (data.length < rsaLen + 2) throw new Error('sealed secret: SealedSecret data is too short');
  const aesPart = data.subarray(2 + rsaLen);
  if (aesPart.length < GCM_TAG_BYTES) throw new Error('sealed secret: SealedSecret data is too short');

  let sessionKey: Buffer;
  try {
    sessionKey = crypto.privateDecrypt(
      { key: privateKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label },
      data.subarray(2, 2 + rsaLen),
    );
  } catch (e) {
    throw new Error(`sealed secret: cannot decrypt the session key (wrong key, or wrong namespace/name/scope): ${(e as Error).message}`);
  }
  if (sessionKey.length !== 16 && sessionKey.length !== 24 && sessionKey.length !== SESSION_KEY_BYTES) {
    throw new Error(`sealed secret: bad session key length ${sessionKey.length}`);
  }
  try {
    const decipher = crypto.createDecipheriv(`aes-${sessionKey.length * 8}-gcm` as crypto.CipherGCMTypes, sessionKey, Buffer.alloc(GCM_NONCE_BYTES), {
      authTagLength: GCM_TAG_BYTES,
    });
    decipher.setAuthTag(aesPart.subarray(aesPart.length - GCM_TAG_BYTES));
    return Buffer.concat([decipher.update(aesPart.subarray(0, aesPart.length - GCM_TAG_BYTES)), decipher.final()]);
  } catch (e) {
    throw new Error(`sealed secret: AES-GCM authentication failed: ${(e as Error).message}`);
  }
}

export interface SealedSecretOptions extends SealTarget {
  /** Plaintext values (UTF-8 strings), like a Secret's `stringData`. */
  data: Record<string, string>;
  /** Labels for the Secret the controller creates (`spec.template.metadata.labels`). */
  labels?: Record<string, string>;
  /** Secret type (`spec.template.type`); omitted means the API server's default, `Opaque`. */
  type?: string;
}

export interface SealedSecretObject {
  apiVersion: 'bitnami.com/v1alpha1';
  kind: 'SealedSecret';
  metadata: { name: string; namespace: string; annotations?: Record<string, string> };
  spec: {
    encryptedData: Record<string, string>;
    template: {
      metadata: { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string> };
      type?: string;
    };
  };
}

/**
 * A `bitnami.com/v1alpha1` SealedSecret, as `kubeseal` builds it
 * (`NewSealedSecret`): one sealed value per key (sorted), template metadata
 * for the Secret, scope annotations on the object and its template.
 */
export function sealedSecret(publicKey: crypto.KeyObject, opts: SealedSecretOptions): SealedSecretObject {
  checkTarget(opts);
  for (const key of Object.keys(opts.data)) {
    // A Secret's data keys (apimachinery IsConfigMapKey).
    if (!SECRET_KEY.test(key) || key.length > 253 || key === '.' || key === '..') {
      throw new Error(`sealed secret ${opts.namespace}/${opts.name}: invalid key ${JSON.stringify(key)} (a Secret key is 1-253 of [-._a-zA-Z0-9], not "." or "..")`);
    }
  }
  const target: SealTarget = { namespace: opts.namespace, name: opts.name, scope: opts.scope ?? 'strict' };
  const encryptedData: Record<string, string> = {};
  for (const key of Object.keys(opts.data).sort()) encryptedData[key] = sealValue(publicKey, opts.data[key], target);
  const annotations = scopeAnnotations(target.scope);
  const hasAnnotations = Object.keys(annotations).length > 0;
  const labels = opts.labels && Object.keys(opts.labels).length > 0 ? sortRecord(opts.labels) : undefined;
  return {
    apiVersion: 'bitnami.com/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name: opts.name, namespace: opts.namespace, ...(hasAnnotations ? { annotations } : {}) },
    spec: {
      encryptedData,
      template: {
        metadata: {
          name: opts.name,
          namespace: opts.namespace,
          ...(labels ? { labels } : {}),
          ...(hasAnnotations ? { annotations: { ...annotations } } : {}),
        },
        ...(opts.type ? { type: opts.type } : {}),
      },
    },
  };
}

function sortRecord(r: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k];
  return out;
}

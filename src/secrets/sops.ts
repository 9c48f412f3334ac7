/**
 * SOPS encryption of YAML documents (Kubernetes Secrets) to age recipients,
 * in pure TypeScript: node:crypto for AES-GCM and SHA-512, `age-encryption`
 * for the age envelope, `yaml` for the text. No `sops` binary is needed.
 *
 * The format, as read in getsops/sops (v3):
 *
 * - `aes/cipher.go` (`Cipher.Encrypt` / `Cipher.Decrypt`): every encrypted
 *   leaf becomes
 *     `ENC[AES256_GCM,data:<b64>,iv:<b64>,tag:<b64>,type:<str|int|float|bool|bytes>]`
 *   with AES-256-GCM under the 32-byte data key, a fresh random 32-byte
 *   (`nonceSize`) IV, the 16-byte tag split off the end of `gcm.Seal`,
 *   standard padded base64. An empty string is left as `""` (`isEmpty`).
 *   Plaintext bytes: strings as is, ints `strconv.Itoa`, floats
 *   `FormatFloat(v, 'f', -1, 64)`, booleans `True`/`False`.
 * - `sops.go` (`Tree.Encrypt` / `Tree.Decrypt` / `walkBranch` / `walkSlice`):
 *   the additional data of a leaf is its path of map keys joined with ":"
 *   plus a trailing ":" (`strings.Join(path, ":") + ":"`); sequence indices
 *   are not part of the path; null leaves are neither encrypted nor hashed.
 *   `shouldBeEncrypted`: with `encrypted_regex` a leaf is encrypted when any
 *   key on its path matches (unanchored `regexp.Match`); with no rule at all
 *   the default is `unencrypted_suffix: _unencrypted` (`stores.go`,
 *   `Metadata.ToInternal`), and at most one rule may be set.
 * - The MAC (`Tree.Encrypt`, `ToBytes`): SHA-512 over the plaintext bytes of
 *   EVERY leaf in document order (encrypted or not, unless
 *   `mac_only_encrypted`, which prefixes sha256("sops") and hashes only the
 *   encrypted leaves), as upper-case hex (`%X`). `cmd/sops/common`
 *   (`EncryptTree` / `DecryptTree`) encrypts that hex string as a `str`
 *   value whose additional data is `lastmodified` in RFC 3339 (UTC, whole
 *   seconds), and on decryption compares it with the recomputed MAC.
 * - `age/keysource.go` (`MasterKey.Encrypt`): the data key is encrypted
 *   separately to each recipient as its own ASCII-armored age file, stored in
 *   `sops.age[].enc` beside `recipient`.
 * - `stores/stores.go` (`Metadata`) and `stores/yaml/store.go`
 *   (`EmitEncryptedFile`): the metadata is a top-level `sops:` map appended
 *   after the document's own keys, fields in the struct's order.
 *
 * Encryption is randomized (data key and IVs): encrypting the same document
 * twice gives different text. A renderer that wants stable output should keep
 * the previous file when `sopsDecryptYaml` shows the same plaintext.
 */
import crypto from 'node:crypto';
import { Decrypter, Encrypter, armor, identityToRecipient } from 'age-encryption';
import { Document, Scalar, isAlias, isMap, isNode, isScalar, isSeq, parseDocument } from 'yaml';

/** Flux's recommendation for Kubernetes Secrets: only `data` and `stringData` are encrypted. */
export const DEFAULT_ENCRYPTED_REGEX = '^(data|stringData)$';

/**
 * The `sops.version` written into files. hearth writes the metadata layout of
 * sops 3.8 (the empty `kms`/`gcp_kms`/`azure_kv`/`hc_vault`/`pgp` lists
 * included), which every sops 3.x reader accepts.
 */
export const SOPS_FORMAT_VERSION = '3.8.1';

export interface SopsOptions {
  /** age X25519 public keys (`age1...`); every one can decrypt the file. */
  recipients: string[];
  /** Default {@link DEFAULT_ENCRYPTED_REGEX}. */
  encryptedRegex?: string;
  /** Written as `sops.lastmodified` (and authenticates the MAC). Default: now. */
  now?: Date;
}

/** A problem with the input (bad recipient, identity, regex or file); never a bug. */
export class SopsError extends Error {
  override name = 'SopsError';
}

const DATA_KEY_BYTES = 32;
const NONCE_BYTES = 32; // aes/cipher.go: nonceSize
const TAG_BYTES = 16;
// age X25519 recipient: Bech32, HRP "age", 32-byte key → 52 data + 6 checksum
// characters. Excludes plugin (`age1<name>1...`), post-quantum (`age1pq1...`)
// and tag recipients, whose data part is longer or contains a second "1".
const X25519_RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;
// sops.go: MACOnlyEncryptedInitialization = sha256("sops").
const MAC_ONLY_ENCRYPTED_INIT = Buffer.from(
  '8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69',
  'hex',
);
const ENC_VALUE = /^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

type Leaf = string | number | bigint | boolean;

interface CryptRules {
  unencryptedSuffix?: string;
  encryptedSuffix?: string;
  unencryptedRegex?: RegExp;
  encryptedRegex?: RegExp;
  macOnlyEncrypted: boolean;
}

// ---------------------------------------------------------------------------
// Encryption

/**
 * Encrypts `doc` (one YAML document as plain data, e.g. a Kubernetes Secret)
 * to the given age recipients and returns the text of the SOPS file.
 */
export async function sopsEncryptYaml(doc: Record<string, unknown>, opts: SopsOptions): Promise<string> {
  if (!isPlainObject(doc)) throw new SopsError('sops: the document to encrypt must be a mapping');
  if (Object.prototype.hasOwnProperty.call(doc, 'sops')) {
    throw new SopsError('sops: the document already has a top-level "sops" key (is it already encrypted?)');
  }
  const recipients = checkRecipients(opts.recipients);
  const regexSource = opts.encryptedRegex ?? DEFAULT_ENCRYPTED_REGEX;
  const rules: CryptRules = { encryptedRegex: compileRegex(regexSource, 'encryptedRegex'), macOnlyEncrypted: false };
  const lastModified = formatLastModified(opts.now ?? new Date());

  const dataKey = crypto.randomBytes(DATA_KEY_BYTES);
  const age: { recipient: string; enc: string }[] = [];
  for (const recipient of recipients) {
    // One age file per recipient, as sops' age MasterKey.Encrypt does.
    const encrypter = new Encrypter();
    try {
      encrypter.addRecipient(recipient);
      age.push({ recipient, enc: armor.encode(await encrypter.encrypt(dataKey)) });
    } catch (err) {
      throw new SopsError(`sops: invalid age recipient ${JSON.stringify(recipient)}: ${errorMessage(err)}`);
    }
  }

  const hash = crypto.createHash('sha512');
  const encrypted = encryptValue(doc, [], { dataKey, hash, rules }) as Record<string, unknown>;
  const mac = encryptLeaf(hash.digest('hex').toUpperCase(), dataKey, lastModified);

  // Field order of stores.Metadata; omitempty fields left out.
  encrypted.sops = {
    kms: [],
    gcp_kms: [],
    azure_kv: [],
    hc_vault: [],
    age,
    lastmodified: lastModified,
    mac,
    pgp: [],
    encrypted_regex: regexSource,
    version: SOPS_FORMAT_VERSION,
  };
  // YAML 1.1 rules for choosing quotes: a string that any 1.1 or 1.2 reader
  // (sops' yaml.v3, kubectl's go-yaml) could take for a bool, number or
  // timestamp is quoted, so every reader sees the same leaf values and so the
  // same MAC. No `%YAML` directive is written.
  const out = new Document(encrypted, { aliasDuplicateObjects: false, version: '1.1' });
  const lm = out.getIn(['sops', 'lastmodified'], true);
  if (isScalar(lm)) lm.type = Scalar.QUOTE_DOUBLE; // as sops writes it
  return out.toString({ lineWidth: 0 });
}

interface EncryptContext {
  dataKey: Buffer;
  hash: crypto.Hash;
  rules: CryptRules;
}

function encryptValue(value: unknown, path: string[], ctx: EncryptContext): unknown {
  if (value === null || value === undefined) return null; // walkValue: nil is left alone
  if (Array.isArray(value)) return value.map((item) => encryptValue(item, path, ctx));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      setOwn(out, key, encryptValue(item, [...path, key], ctx));
    }
    return out;
  }
  if (isLeaf(value)) {
    const encrypt = shouldBeEncrypted(path, ctx.rules);
    ctx.hash.update(leafBytes(value));
    return encrypt ? encryptLeaf(value, ctx.dataKey, additionalData(path)) : value;
  }
  throw new SopsError(`sops: cannot encrypt the value at ${showPath(path)}: unsupported type ${describe(value)}`);
}

function encryptLeaf(value: Leaf, key: Buffer, aad: string): string {
  if (value === '') return ''; // aes/cipher.go: isEmpty → ""
  const iv = crypto.randomBytes(NONCE_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([cipher.update(leafBytes(value)), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `ENC[AES256_GCM,data:${data.toString('base64')},iv:${iv.toString('base64')},tag:${tag.toString('base64')},type:${leafType(value)}]`;
}

function leafType(value: Leaf): string {
  switch (typeof value) {
    case 'string':
      return 'str';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    default:
      return Number.isSafeInteger(value) ? 'int' : 'float';
  }
}

/** sops.go `ToBytes` (and the plaintext `Cipher.Encrypt` seals). */
function leafBytes(value: Leaf): Buffer {
  switch (typeof value) {
    case 'string':
      return Buffer.from(value, 'utf8');
    case 'boolean':
      return Buffer.from(value ? 'True' : 'False');
    case 'bigint':
      return Buffer.from(value.toString());
    default:
      return Buffer.from(Number.isSafeInteger(value) ? String(value === 0 ? 0 : value) : goFormatFloat(value));
  }
}

/**
 * Go's `strconv.FormatFloat(v, 'f', -1, 64)`: the shortest digits that
 * round-trip (as JavaScript's `String`), never in exponent form.
 */
export function goFormatFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (Object.is(value, -0)) return '-0';
  const s = String(value);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, first, rest = '', exp] = m;
  const digits = first + rest;
  const point = Number(exp) + 1; // digits before the decimal point
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function checkRecipients(recipients: unknown): string[] {
  if (!Array.isArray(recipients) || recipients.length === 0) {
    throw new SopsError('sops: at least one age recipient (age1...) is required');
  }
  return recipients.map((r) => {
    // age/keysource.go MasterKeyFromRecipient trims surrounding space.
    const recipient = typeof r === 'string' ? r.trim() : r;
    if (typeof recipient === 'string' && /^AGE-SECRET-KEY-/i.test(recipient)) {
      // Do not echo a secret key into logs.
      throw new SopsError('sops: invalid age recipient: an age secret key (AGE-SECRET-KEY-...) was given; use its public key (age1...)');
    }
    if (typeof recipient !== 'string' || !X25519_RECIPIENT.test(recipient)) {
      throw new SopsError(
        `sops: invalid age recipient ${JSON.stringify(r)}: expected an age X25519 public key ` +
          '("age1" followed by 58 lower-case Bech32 characters)',
      );
    }
    return recipient;
  });
}

// ---------------------------------------------------------------------------
// Decryption

/**
 * Decrypts a SOPS YAML file (one document) with age identities
 * (`AGE-SECRET-KEY-1...`) and verifies its MAC. Throws a {@link SopsError}
 * when no identity fits, a value fails authentication, or the MAC differs.
 */
export async function sopsDecryptYaml(text: string, identities: string[]): Promise<Record<string, unknown>> {
  const doc = parseDocument(text, { intAsBigInt: true, merge: false, uniqueKeys: true });
  if (doc.errors.length > 0) throw new SopsError(`sops: the file is not valid YAML: ${doc.errors[0].message}`);
  if (!isMap(doc.contents)) throw new SopsError('sops: the file is not a YAML mapping');
  const metaNode = doc.get('sops', true);
  if (metaNode === undefined) throw new SopsError('sops: metadata not found (no top-level "sops" key)');
  const meta = (isNode(metaNode) ? metaNode.toJS(doc) : metaNode) as unknown;
  if (!isPlainObject(meta)) throw new SopsError('sops: the "sops" metadata is not a mapping');

  const rules = readRules(meta);
  const lastModified = normalizeLastModified(meta.lastmodified);
  const dataKey = await recoverDataKey(meta, identities);

  const hash = crypto.createHash('sha512');
  if (rules.macOnlyEncrypted) hash.update(MAC_ONLY_ENCRYPTED_INIT);
  const plain = decryptNode(doc.contents, [], { dataKey, hash, rules, doc, aliases: 0 }) as Record<string, unknown>;
  const computed = hash.digest('hex').toUpperCase();

  const macText = typeof meta.mac === 'string' ? meta.mac : '';
  let fileMac: string;
  try {
    fileMac = String(decryptLeaf(macText, dataKey, lastModified, 'sops.mac').value);
  } catch (err) {
    throw new SopsError(`sops: cannot decrypt the MAC (was lastmodified or the MAC changed?): ${errorMessage(err)}`);
  }
  if (fileMac !== computed) {
    throw new SopsError(
      `sops: MAC mismatch: the file was changed after it was encrypted (file has ${fileMac || 'no MAC'}, computed ${computed})`,
    );
  }
  return plain;
}

interface DecryptContext {
  dataKey: Buffer;
  hash: crypto.Hash;
  rules: CryptRules;
  doc: Document;
  /** Alias expansions so far, bounded against alias bombs. */
  aliases: number;
}

const MAX_ALIAS_EXPANSIONS = 1000;

function decryptNode(node: unknown, path: string[], ctx: DecryptContext): unknown {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) {
    if (++ctx.aliases > MAX_ALIAS_EXPANSIONS) throw new SopsError('sops: too many YAML alias expansions');
    return decryptNode(node.resolve(ctx.doc), path, ctx);
  }
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const keyNode = pair.key;
      const key = isScalar(keyNode) ? keyNode.value : keyNode;
      if (typeof key !== 'string') {
        throw new SopsError(`sops: non-string key ${JSON.stringify(String(key))} under ${showPath(path)}`);
      }
      if (path.length === 0 && key === 'sops') continue; // the metadata, not data
      setOwn(out, key, decryptNode(pair.value, [...path, key], ctx));
    }
    return out;
  }
  if (isSeq(node)) return node.items.map((item) => decryptNode(item, path, ctx));
  if (isScalar(node)) {
    const value = node.value;
    if (value === null || value === undefined) return null;
    if (!isLeaf(value)) throw new SopsError(`sops: unsupported value at ${showPath(path)}: ${describe(value)}`);
    const encrypted = shouldBeEncrypted(path, ctx.rules);
    if (!encrypted) {
      if (!ctx.rules.macOnlyEncrypted) ctx.hash.update(leafBytes(value));
      return typeof value === 'bigint' ? toNumberIfSafe(value) : value;
    }
    if (typeof value !== 'string') {
      throw new SopsError(`sops: the value at ${showPath(path)} should be encrypted but is a ${typeof value}`);
    }
    const { value: plain, macBytes } = decryptLeaf(value, ctx.dataKey, additionalData(path), showPath(path));
    ctx.hash.update(macBytes);
    return plain;
  }
  throw new SopsError(`sops: unsupported YAML node at ${showPath(path)}`);
}

function decryptLeaf(text: string, key: Buffer, aad: string, where: string): { value: Leaf; macBytes: Buffer } {
  if (text === '') return { value: '', macBytes: Buffer.alloc(0) }; // aes/cipher.go: isEmpty
  const m = ENC_VALUE.exec(text);
  if (!m) throw new SopsError(`sops: the value at ${where} does not match sops' data format ENC[AES256_GCM,...]`);
  const [, data64, iv64, tag64, type] = m;
  const data = decodeBase64(data64, where);
  const iv = decodeBase64(iv64, where);
  const tag = decodeBase64(tag64, where);
  if (iv.length === 0 || tag.length !== TAG_BYTES) throw new SopsError(`sops: malformed encrypted value at ${where}`);
  let bytes: Buffer;
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    bytes = Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    throw new SopsError(
      `sops: could not decrypt the value at ${where}: AES-GCM authentication failed ` +
        '(the value was changed or moved to another key, or the data key is wrong)',
    );
  }
  const s = bytes.toString('utf8');
  switch (type) {
    case 'str':
    case 'bytes':
      return { value: s, macBytes: bytes };
    case 'int':
    case 'int64': {
      if (!/^[+-]?\d+$/.test(s)) throw new SopsError(`sops: invalid int at ${where}`);
      const n = BigInt(s);
      return { value: toNumberIfSafe(n), macBytes: Buffer.from(n.toString()) };
    }
    case 'float': {
      const n = parseGoFloat(s);
      if (n === undefined) throw new SopsError(`sops: invalid float at ${where}`);
      return { value: n, macBytes: Buffer.from(goFormatFloat(n)) };
    }
    case 'bool': {
      // strconv.ParseBool
      if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return { value: true, macBytes: Buffer.from('True') };
      if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return { value: false, macBytes: Buffer.from('False') };
      throw new SopsError(`sops: invalid bool at ${where}`);
    }
    default:
      throw new SopsError(`sops: unknown datatype ${JSON.stringify(type)} at ${where}`);
  }
}

async function recoverDataKey(meta: Record<string, unknown>, identities: string[]): Promise<Buffer> {
  if (!Array.isArray(identities) || identities.length === 0) {
    throw new SopsError('sops: at least one age identity (AGE-SECRET-KEY-1...) is required to decrypt');
  }
  // Public keys of the identities, to pick the matching stanzas (as sops'
  // recipientMatcher does). Never echo a secret key in an error.
  const byRecipient = new Map<string, string>();
  for (const [i, identity] of identities.entries()) {
    let recipient: string;
    try {
      recipient = await identityToRecipient(identity.trim());
    } catch {
      throw new SopsError(`sops: identity #${i + 1} is not an age X25519 secret key (AGE-SECRET-KEY-1...)`);
    }
    byRecipient.set(recipient, identity.trim());
  }

  const entries = ageEntries(meta);
  if (entries.length === 0) throw new SopsError('sops: the file has no age recipients');
  const failures: string[] = [];
  for (const entry of entries) {
    const identity = byRecipient.get(entry.recipient);
    if (identity === undefined) continue;
    try {
      const decrypter = new Decrypter();
      decrypter.addIdentity(identity);
      const key = await decrypter.decrypt(armor.decode(entry.enc));
      if (key.length !== DATA_KEY_BYTES) throw new Error(`data key has ${key.length} bytes, expected ${DATA_KEY_BYTES}`);
      return Buffer.from(key);
    } catch (err) {
      failures.push(`${entry.recipient}: ${errorMessage(err)}`);
    }
  }
  if (failures.length > 0) throw new SopsError(`sops: could not decrypt the data key: ${failures.join('; ')}`);
  throw new SopsError(
    `sops: none of the identities matches a recipient of the file (${entries.map((e) => e.recipient).join(', ')})`,
  );
}

function ageEntries(meta: Record<string, unknown>): { recipient: string; enc: string }[] {
  let list: unknown = meta.age;
  const hasTopLevelKeys = ['age', 'pgp', 'kms', 'gcp_kms', 'azure_kv', 'hc_vault'].some(
    (k) => Array.isArray(meta[k]) && (meta[k] as unknown[]).length > 0,
  );
  if (!hasTopLevelKeys && Array.isArray(meta.key_groups) && meta.key_groups.length > 0) {
    if (meta.key_groups.length > 1) {
      throw new SopsError('sops: files with several key groups (Shamir secret sharing) are not supported');
    }
    const group = meta.key_groups[0];
    list = isPlainObject(group) ? group.age : undefined;
  }
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new SopsError('sops: "sops.age" is not a list');
  return list.map((e, i) => {
    if (!isPlainObject(e) || typeof e.recipient !== 'string' || typeof e.enc !== 'string') {
      throw new SopsError(`sops: "sops.age[${i}]" needs string "recipient" and "enc"`);
    }
    return { recipient: e.recipient.trim(), enc: e.enc };
  });
}

function readRules(meta: Record<string, unknown>): CryptRules {
  for (const unsupported of ['encrypted_comment_regex', 'unencrypted_comment_regex']) {
    if (typeof meta[unsupported] === 'string' && meta[unsupported] !== '') {
      throw new SopsError(`sops: files using ${unsupported} are not supported`);
    }
  }
  const str = (k: string): string | undefined =>
    typeof meta[k] === 'string' && meta[k] !== '' ? (meta[k] as string) : undefined;
  const regexField = (k: string): RegExp | undefined => {
    const source = str(k);
    return source === undefined ? undefined : compileRegex(source, k);
  };
  const rules: CryptRules = {
    unencryptedSuffix: str('unencrypted_suffix'),
    encryptedSuffix: str('encrypted_suffix'),
    unencryptedRegex: regexField('unencrypted_regex'),
    encryptedRegex: regexField('encrypted_regex'),
    macOnlyEncrypted: meta.mac_only_encrypted === true,
  };
  const count = [rules.unencryptedSuffix, rules.encryptedSuffix, rules.unencryptedRegex, rules.encryptedRegex].filter(
    (r) => r !== undefined,
  ).length;
  if (count > 1) {
    throw new SopsError(
      'sops: cannot use more than one of encrypted_suffix, unencrypted_suffix, encrypted_regex or unencrypted_regex in the same file',
    );
  }
  if (count === 0) rules.unencryptedSuffix = '_unencrypted'; // sops.DefaultUnencryptedSuffix
  return rules;
}

// ---------------------------------------------------------------------------
// Shared

/** sops.go `Tree.shouldBeEncrypted`, without the comment rules. */
function shouldBeEncrypted(path: string[], rules: CryptRules): boolean {
  let encrypted = true;
  if (rules.unencryptedSuffix !== undefined && path.some((p) => p.endsWith(rules.unencryptedSuffix!))) {
    encrypted = false;
  }
  if (rules.encryptedSuffix !== undefined) encrypted = path.some((p) => p.endsWith(rules.encryptedSuffix!));
  if (rules.unencryptedRegex !== undefined && path.some((p) => rules.unencryptedRegex!.test(p))) encrypted = false;
  if (rules.encryptedRegex !== undefined) encrypted = path.some((p) => rules.encryptedRegex!.test(p));
  return encrypted;
}

function additionalData(path: string[]): string {
  return path.join(':') + ':';
}

/**
 * Compiles a sops regex. sops uses Go's RE2, so constructs RE2 lacks
 * (lookaround, backreferences) are refused: Go would not match them and
 * would disagree with us about which values are encrypted.
 */
function compileRegex(source: string, field: string): RegExp {
  if (typeof source !== 'string' || source === '') throw new SopsError(`sops: ${field} must be a non-empty regex`);
  if (/\(\?<?[=!]|\\[1-9]|\\k</.test(source)) {
    throw new SopsError(`sops: ${field} ${JSON.stringify(source)} uses lookaround or backreferences, which Go's regexp (sops) does not support`);
  }
  try {
    return new RegExp(source);
  } catch (err) {
    throw new SopsError(`sops: ${field} ${JSON.stringify(source)} is not a valid regex: ${errorMessage(err)}`);
  }
}

/** `time.Format(time.RFC3339)` of a UTC time: whole seconds, `Z`. */
function formatLastModified(date: Date): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new SopsError('sops: "now" is not a valid date');
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) throw new SopsError('sops: "now" is outside the years 0000-9999');
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * sops parses `lastmodified` with time.RFC3339 and formats it back for the
 * MAC's additional data: fractional seconds are dropped and a zero offset
 * becomes `Z`.
 */
function normalizeLastModified(value: unknown): string {
  const m =
    typeof value === 'string' ? /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(value) : null;
  if (!m) throw new SopsError(`sops: "sops.lastmodified" is not an RFC 3339 time: ${JSON.stringify(value)}`);
  const offset = m[2] === '+00:00' || m[2] === '-00:00' ? 'Z' : m[2];
  return m[1] + offset;
}

function parseGoFloat(s: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(s)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
  return Number(s);
}

function decodeBase64(s: string, where: string): Buffer {
  if (!BASE64.test(s)) throw new SopsError(`sops: invalid base64 in the encrypted value at ${where}`);
  return Buffer.from(s, 'base64');
}

function toNumberIfSafe(n: bigint): number | bigint {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

function isLeaf(value: unknown): value is Leaf {
  const t = typeof value;
  return t === 'string' || t === 'number' || t === 'bigint' || t === 'boolean';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function showPath(path: string[]): string {
  return path.length === 0 ? '(document root)' : path.map((p) => (/^[A-Za-z_][\w-]*$/.test(p) ? p : JSON.stringify(p))).join('.');
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The secrets stage: turns the Secrets modules request (`ModuleOutput.secrets`)
 * and the spec declares (`secrets.values`) into objects safe for git, with the
 * lab's mechanism:
 *
 * - sealed-secrets: SealedSecret objects sealed to the controller's certificate;
 * - sops: Secrets encrypted with age (the SOPS format Flux decrypts);
 * - none: nothing rendered; a warning lists the Secrets to create by hand.
 *
 * Values come from the environment, files outside the repository, or are
 * generated once. Sealing and SOPS are randomised, so `hearth.secrets.lock`
 * (beside the spec, committed) keeps each ciphertext with a salted scrypt
 * hash of its plaintext: a rebuild reuses the ciphertext while the value is
 * unchanged, which keeps output byte-identical. Generated values are kept in
 * the lock encrypted with age to the operator's keeper identity (a file
 * outside the repository), so they survive certificate rotation.
 *
 * No plaintext value is ever written: test/secrets/no-plaintext.test.ts scans
 * every rendered byte of every mechanism for the values it feeds in.
 */
import crypto from 'node:crypto';
import { parse } from 'yaml';
import { Decrypter, Encrypter, armor } from 'age-encryption';
import { issue, type Issue, type SpecPath } from '../spec/issues.js';
import type { LabModel } from '../model/types.js';
import type { Manifest } from '../catalog/types.js';
import type { RenderedComponent } from '../render/components.js';
import type { RenderedFile } from '../render/files.js';
import { standardLabels } from '../lib/k8s.js';
import { parseSealingCertificate, sealValue, scopeAnnotations, type SealScope } from './sealed-secrets.js';
import { sopsEncryptYaml } from './sops.js';
import { externalSecrets } from './external.js';

export const LOCK_FILE = 'hearth.secrets.lock';

export interface SealedEntry {
  certificate: string;
  scope: SealScope;
  check: string;
  value: string;
}

export interface SopsEntry {
  recipients: string[];
  check: string;
  document: string;
}

export interface SecretsLock {
  version: 1;
  /** age recipient of the keeper identity the generated values are encrypted to. */
  keeper?: string;
  /** `<namespace>/<name>/<key>` → armored age ciphertext of a generated value. */
  generated: Record<string, string>;
  sealed: Record<string, SealedEntry>;
  sops: Record<string, SopsEntry>;
}

export function emptyLock(): SecretsLock {
  return { version: 1, generated: {}, sealed: {}, sops: {} };
}

/** What the stage may read from the world; the pipeline supplies it, tests replace it. */
export interface SecretsIo {
  env: Record<string, string | undefined>;
  /** A file's text, relative to the spec's directory (~ expanded); undefined when it cannot be read. */
  readFile(path: string): string | undefined;
  /** The keeper identity (loaded, or created on first use). */
  keeper(): Promise<{ identity: string; recipient: string }>;
}

export interface SecretsResult {
  /** Component id → the encrypted objects to add to it. */
  byComponent: Map<string, Manifest[]>;
  /** Files beside the manifests (the store checklist of external-secrets and vault). */
  files: RenderedFile[];
  lock: SecretsLock;
  issues: Issue[];
}

export type Source =
  | { remote: { key: string; property?: string } }
  | { env: string }
  | { file: string }
  | { generate: { length: number; charset?: 'alphanumeric' | 'hex' } }
  | { sameAs: { namespace: string; name: string; key: string } }
  | { plain: string };

export interface Plan {
  owner: string;
  namespace: string;
  name: string;
  type?: string;
  keys: Record<string, Source>;
  /** Spec path of each key, for issues. */
  paths: Record<string, SpecPath>;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomValue(length: number, charset: 'alphanumeric' | 'hex' = 'alphanumeric'): string {
  if (charset === 'hex') return crypto.randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length);
  let out = '';
  while (out.length < length) {
    for (const b of crypto.randomBytes(length * 2)) {
      // Rejection sampling keeps every character equally likely.
      if (b < 248 && out.length < length) out += ALPHANUMERIC[b % 62];
    }
  }
  return out;
}

/** Salted scrypt hash: lets a rebuild recognise an unchanged value without storing it. */
function check(plaintext: string): string {
  const salt = crypto.randomBytes(16);
  return `scrypt$${salt.toString('base64')}$${crypto.scryptSync(plaintext, salt, 32, { N: 1 << 14 }).toString('base64')}`;
}

function verify(stored: string, plaintext: string): boolean {
  const [kind, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = crypto.scryptSync(plaintext, Buffer.from(salt, 'base64'), expected.length, { N: 1 << 14 });
  return expected.length === actual.length && crypto.timingSafeEqual(expected, actual);
}

function plans(model: LabModel, components: readonly RenderedComponent[]): Plan[] {
  const out: Plan[] = [];
  for (const rc of components) {
    for (const r of rc.secrets) {
      const keys: Record<string, Source> = { ...(r.keys as Record<string, Source>) };
      for (const [k, v] of Object.entries(r.plain ?? {})) keys[k] = { plain: v };
      const path: SpecPath = rc.instance.app ? ['apps', rc.instance.app.index] : ['components', rc.instance.id];
      out.push({ owner: rc.instance.id, namespace: r.namespace, name: r.name, keys, paths: Object.fromEntries(Object.keys(keys).map((k) => [k, path])) });
    }
  }
  const owner = components.find((c) => c.instance.module.name === 'lab-secrets')?.instance.id;
  model.spec.secrets.values.forEach((v, i) => {
    out.push({
      owner: owner ?? 'lab-secrets',
      namespace: v.namespace,
      name: v.name,
      type: v.type,
      keys: v.data as Record<string, Source>,
      paths: Object.fromEntries(Object.keys(v.data).map((k) => [k, ['secrets', 'values', i, 'data', k]])),
    });
  });
  return out.sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}

async function decryptAge(armored: string, identity: string): Promise<string> {
  const d = new Decrypter();
  d.addIdentity(identity);
  return await d.decrypt(armor.decode(armored), 'text');
}

async function encryptAge(plaintext: string, recipient: string): Promise<string> {
  const e = new Encrypter();
  e.addRecipient(recipient);
  return armor.encode(await e.encrypt(plaintext));
}

export async function materializeSecrets(model: LabModel, components: readonly RenderedComponent[], previous: SecretsLock, io: SecretsIo): Promise<SecretsResult> {
  const issues: Issue[] = [];
  const mechanism = model.spec.secrets.mechanism;
  const all = plans(model, components);
  const result: SecretsResult = { byComponent: new Map(), files: [], lock: emptyLock(), issues };
  if (all.length === 0) return result;
  if (mechanism === 'none') {
    const names = all.map((p) => `${p.namespace}/${p.name}`);
    issues.push(
      issue('missing-dependency', ['secrets', 'mechanism'], `${names.length} Secret${names.length === 1 ? '' : 's'} the apps read must be created by hand: ${names.join(', ')}`, {
        severity: 'warning',
        hint: 'set secrets.mechanism to sealed-secrets or sops and hearth renders them encrypted',
      }),
    );
    return result;
  }

  if (mechanism === 'external-secrets' || mechanism === 'vault') {
    externalSecrets(model, all, result);
    return result;
  }

  // Plaintexts: direct sources first, then values shared with another key.
  const values = new Map<string, string>();
  const id = (p: { namespace: string; name: string }, key: string) => `${p.namespace}/${p.name}/${key}`;
  let keeper: { identity: string; recipient: string } | undefined;
  const getKeeper = async (path: SpecPath) => {
    if (!keeper) {
      keeper = await io.keeper();
      if (previous.keeper && previous.keeper !== keeper.recipient) {
        issues.push(
          issue('invalid-value', path, `the generated values in ${LOCK_FILE} are kept for another keeper identity (${previous.keeper})`, {
            hint: 'point HEARTH_KEEPER_IDENTITY at the identity file used before (the age key that recipient belongs to)',
          }),
        );
        return undefined;
      }
    }
    return keeper;
  };
  for (const p of all) {
    for (const [key, src] of Object.entries(p.keys)) {
      const k = id(p, key);
      const path = p.paths[key];
      if ('plain' in src) values.set(k, src.plain);
      else if ('remote' in src) issues.push(issue('invalid-combination', path, `a remote value needs a secret store, and secrets.mechanism is ${mechanism}`, { hint: 'use mechanism external-secrets or vault, or give the value as env, file or generate' }));
      else if ('env' in src) {
        const v = io.env[src.env];
        if (v === undefined || v === '') issues.push(issue('missing-dependency', path, `environment variable ${src.env} is not set`, { hint: `export ${src.env}=... before hearth build` }));
        else values.set(k, v);
      } else if ('file' in src) {
        const v = io.readFile(src.file);
        if (v === undefined) issues.push(issue('missing-dependency', path, `cannot read ${src.file}`, { hint: 'the file holds the value; keep it outside the repository' }));
        else values.set(k, v.endsWith('\n') ? v.slice(0, -1) : v);
      } else if ('generate' in src) {
        const kp = await getKeeper(path);
        if (!kp) continue;
        const kept = previous.generated[k];
        let v: string | undefined;
        if (kept) {
          try {
            v = await decryptAge(kept, kp.identity);
          } catch {
            issues.push(issue('invalid-value', path, `the kept value of ${k} cannot be decrypted with the keeper identity`, { hint: 'use the keeper identity the lock was written with (HEARTH_KEEPER_IDENTITY)' }));
            continue;
          }
          result.lock.generated[k] = kept;
        } else {
          v = randomValue(src.generate.length, src.generate.charset);
          result.lock.generated[k] = await encryptAge(v, kp.recipient);
        }
        values.set(k, v);
      }
    }
  }
  for (const p of all) {
    for (const [key, src] of Object.entries(p.keys)) {
      if (!('sameAs' in src)) continue;
      const v = values.get(id(src.sameAs, src.sameAs.key));
      if (v !== undefined) values.set(id(p, key), v);
    }
  }
  if (keeper) result.lock.keeper = keeper.recipient;
  if (issues.some((i) => i.severity === 'error')) return result;

  const labels = (p: Plan) => standardLabels(model.name, 'secret', p.owner, 'secret');
  const add = (owner: string, m: Manifest) => (result.byComponent.get(owner) ?? result.byComponent.set(owner, []).get(owner)!).push(m);

  if (mechanism === 'sealed-secrets') {
    const conf = model.spec.secrets.sealedSecrets!;
    const pem = io.readFile(conf.certificate);
    if (pem === undefined) {
      issues.push(issue('missing-dependency', ['secrets', 'sealedSecrets', 'certificate'], `cannot read the sealing certificate ${conf.certificate}`, { hint: 'kubeseal --fetch-cert > sealed-secrets.pem (hearth never falls back to plaintext)' }));
      return result;
    }
    let cert;
    try {
      cert = parseSealingCertificate(pem);
    } catch (e) {
      issues.push(issue('invalid-value', ['secrets', 'sealedSecrets', 'certificate'], (e as Error).message, { hint: 'use the PEM certificate kubeseal --fetch-cert prints' }));
      return result;
    }
    for (const p of all) {
      const target = { namespace: p.namespace, name: p.name, scope: conf.scope };
      const encryptedData: Record<string, string> = {};
      for (const key of Object.keys(p.keys).sort()) {
        const k = id(p, key);
        const plaintext = values.get(k)!;
        const prev = previous.sealed[k];
        const entry =
          prev && prev.certificate === cert.fingerprint && prev.scope === conf.scope && verify(prev.check, plaintext)
            ? prev
            : { certificate: cert.fingerprint, scope: conf.scope, check: check(plaintext), value: sealValue(cert.publicKey, plaintext, target) };
        result.lock.sealed[k] = entry;
        encryptedData[key] = entry.value;
      }
      const annotations = scopeAnnotations(conf.scope);
      const hasAnn = Object.keys(annotations).length > 0;
      add(p.owner, {
        file: 'secrets',
        object: {
          apiVersion: 'bitnami.com/v1alpha1',
          kind: 'SealedSecret',
          metadata: { name: p.name, namespace: p.namespace, labels: labels(p), ...(hasAnn ? { annotations } : {}) },
          spec: {
            encryptedData,
            template: {
              metadata: { name: p.name, namespace: p.namespace, labels: labels(p), ...(hasAnn ? { annotations } : {}) },
              ...(p.type ? { type: p.type } : {}),
            },
          },
        },
      });
    }
  } else {
    const recipients = [...model.spec.secrets.sops!.recipients].sort();
    for (const p of all) {
      const stringData = Object.fromEntries(Object.keys(p.keys).sort().map((key) => [key, values.get(id(p, key))!]));
      const canonical = JSON.stringify(stringData);
      const k = `${p.namespace}/${p.name}`;
      const prev = previous.sops[k];
      let entry: SopsEntry;
      if (prev && prev.recipients.join(',') === recipients.join(',') && verify(prev.check, canonical)) entry = prev;
      else {
        const document = await sopsEncryptYaml(
          { apiVersion: 'v1', kind: 'Secret', metadata: { name: p.name, namespace: p.namespace, labels: labels(p) }, ...(p.type ? { type: p.type } : {}), stringData },
          { recipients },
        );
        entry = { recipients, check: check(canonical), document };
      }
      result.lock.sops[k] = entry;
      add(p.owner, { file: 'secrets', object: parse(entry.document) });
    }
  }
  return result;
}

/**
 * Inject the stage's objects into the rendered components (before the layout
 * runs). Custom resources (SealedSecret, ExternalSecret) of a component in the
 * controller's own layer go to its config step: the CRDs exist only once that
 * layer's charts are installed.
 */
export function withSecrets(components: RenderedComponent[], byComponent: Map<string, Manifest[]>): RenderedComponent[] {
  return components.map((rc) => {
    const extra = byComponent.get(rc.instance.id);
    if (!extra) return rc;
    const late = rc.instance.layer === 'crds' ? extra.filter((m) => m.object.apiVersion !== 'v1') : [];
    const now = extra.filter((m) => !late.includes(m));
    return { ...rc, manifests: [...now, ...rc.manifests], config: [...late.map((m) => ({ ...m, needsCrds: true })), ...rc.config] };
  });
}


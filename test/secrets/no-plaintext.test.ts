/**
 * Every example and fixture lab × every mechanism: known values go in through
 * the environment and a file, modules generate the rest; every Secret is
 * opened with the right key to learn its plaintext, and then no rendered
 * byte, nor the lock, may contain any of those plaintexts in any encoding.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { buildLab, loadLab } from '../../src/pipeline.js';
import { renderComponents } from '../../src/render/components.js';
import { toYaml, type JsonValue } from '../../src/lib/yaml-emit.js';
import { unsealValue } from '../../src/secrets/sealed-secrets.js';
import { sopsDecryptYaml } from '../../src/secrets/sops.js';
import { labDirs, ROOT } from '../helpers/labs.js';

const CERT = fs.readFileSync(path.join(ROOT, 'test/fixtures/secrets/throwaway-sealing.crt'), 'utf8');
const KEY = crypto.createPrivateKey(fs.readFileSync(path.join(ROOT, 'test/fixtures/secrets/throwaway-sealing.key'), 'utf8'));
const KNOWN = ['known-env-5d1c7a93-needle', 'known-file-8e2f4b60-needle'];

function encodings(v: string): string[] {
  return [v, Buffer.from(v).toString('base64'), Buffer.from(v).toString('base64url'), Buffer.from(v).toString('hex')];
}

for (const lab of labDirs().filter((l) => l.cluster)) {
  for (const mechanism of ['sealed-secrets', 'sops'] as const) {
    test(`${lab.name} × ${mechanism}: no plaintext in the output or the lock`, async (t) => {
      const spec = parse(fs.readFileSync(path.join(lab.dir, 'hearth.yaml'), 'utf8')) as Record<string, any>;
      if (mechanism === 'sops' && spec.gitops?.engine === 'argocd') {
        t.diagnostic('sops with Argo CD is refused by validation (no native decryption)');
        return;
      }
      if (mechanism === 'sealed-secrets') spec.apps = (spec.apps ?? []).filter((a: any) => (a.module ?? a.name) !== 'sealed-secrets');
      const identity = await generateIdentity();
      const recipient = await identityToRecipient(identity);
      const ns = spec.namespaces[0].name;
      spec.secrets = {
        mechanism,
        ...(mechanism === 'sealed-secrets' ? { sealedSecrets: { certificate: 'sealed.pem' } } : { sops: { recipients: [recipient] } }),
        values: [{ name: 'known', namespace: ns, data: { A: { env: 'KNOWN_A' }, B: { file: 'known.txt' }, C: { generate: { length: 24 } } } }],
      };
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-noplain-'));
      t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
      fs.writeFileSync(path.join(dir, 'hearth.yaml'), toYaml(spec as JsonValue));
      const keeper = await generateIdentity();
      const r = await buildLab(dir, path.join(dir, 'out'), {
        io: {
          env: { KNOWN_A: KNOWN[0] },
          readFile: (p) => (p === 'sealed.pem' ? CERT : p === 'known.txt' ? KNOWN[1] : undefined),
          keeper: async () => ({ identity: keeper, recipient: await identityToRecipient(keeper) }),
        },
      });
      assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
      // Learn every plaintext by opening every Secret with the right key.
      const plaintexts = new Set<string>(KNOWN);
      let opened = 0;
      for (const f of r.files!.filter((x) => x.path.endsWith('.yaml'))) {
        for (const d of f.contents.replace(/^#.*\n/, '').split(/^---\n/m)) {
          const o = parse(d) as any;
          if (o?.kind === 'SealedSecret') {
            for (const v of Object.values(o.spec.encryptedData)) {
              plaintexts.add(unsealValue(KEY, v as string, { namespace: o.metadata.namespace, name: o.metadata.name, scope: 'strict' }).toString());
              opened++;
            }
          } else if (o?.kind === 'Secret' && o.sops) {
            const plain = (await sopsDecryptYaml(d, [identity])) as any;
            for (const v of Object.values(plain.stringData ?? {})) {
              plaintexts.add(String(v));
              opened++;
            }
          }
        }
      }
      assert.ok(opened >= 3, 'the known Secret and its keys were rendered encrypted');
      assert.ok([...KNOWN].every((k) => plaintexts.has(k)), 'the known values came back out with the key');
      // Plain keys modules store beside the secrets (a username, a host) are not secret.
      const loaded = await loadLab(dir);
      const plainValues = new Set(renderComponents(loaded.model!).flatMap((rc) => rc.secrets.flatMap((req) => Object.values(req.plain ?? {}))));
      const secretValues = [...plaintexts].filter((v) => v.length >= 12 && !plainValues.has(v));
      const text = r.files!.map((f) => f.contents).join('\n') + fs.readFileSync(path.join(dir, 'hearth.secrets.lock'), 'utf8');
      const found = secretValues.flatMap(encodings).filter((e) => text.includes(e));
      assert.deepEqual(found, []);
    });
  }
  for (const mechanism of ['external-secrets', 'vault'] as const) {
    test(`${lab.name} × ${mechanism}: every Secret is an ExternalSecret; no value is read, so none is written`, async (t) => {
      const spec = parse(fs.readFileSync(path.join(lab.dir, 'hearth.yaml'), 'utf8')) as Record<string, any>;
      spec.apps = (spec.apps ?? []).filter((a: any) => (a.module ?? a.name) !== 'external-secrets');
      const ns = spec.namespaces[0].name;
      const server = 'http://vault.example.internal:8200';
      spec.secrets = {
        mechanism,
        ...(mechanism === 'vault'
          ? { vault: { server, auth: { method: 'kubernetes', role: 'external-secrets' } } }
          : { externalSecrets: { store: { type: 'vault', server, auth: { method: 'kubernetes', role: 'external-secrets' } } } }),
        values: [{ name: 'known', namespace: ns, data: { A: { env: 'KNOWN_A' }, B: { file: 'known.txt' }, C: { generate: { length: 24 } } } }],
      };
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-noplain-'));
      t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
      fs.writeFileSync(path.join(dir, 'hearth.yaml'), toYaml(spec as JsonValue));
      const r = await buildLab(dir, path.join(dir, 'out'), {
        io: { env: { KNOWN_A: KNOWN[0] }, readFile: (p) => (p === 'known.txt' ? KNOWN[1] : undefined), keeper: async () => assert.fail('nothing is generated') },
      });
      assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
      const loaded = await loadLab(dir);
      const requested = renderComponents(loaded.model!).flatMap((rc) => rc.secrets.map((s) => `${s.namespace}/${s.name}`));
      const rendered: string[] = [];
      for (const f of r.files!.filter((x) => x.path.endsWith('.yaml'))) {
        for (const d of f.contents.replace(/^#.*\n/, '').split(/^---\n/m)) {
          const o = parse(d) as any;
          assert.ok(o?.kind !== 'Secret' && o?.kind !== 'SealedSecret', `${f.path}: no Secret objects`);
          if (o?.kind === 'ExternalSecret') rendered.push(`${o.metadata.namespace}/${o.metadata.name}`);
        }
      }
      assert.deepEqual(rendered.sort(), [...requested, `${ns}/known`].sort());
      assert.ok(!fs.existsSync(path.join(dir, 'hearth.secrets.lock')), 'nothing to keep: no lock');
      const text = r.files!.map((f) => f.contents).join('\n');
      assert.deepEqual(KNOWN.flatMap(encodings).filter((e) => text.includes(e)), []);
    });
  }
}

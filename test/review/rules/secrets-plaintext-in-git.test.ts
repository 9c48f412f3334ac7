import rule from '../../../src/review/rules/secrets-plaintext-in-git.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const secret = (extra: string) => `apiVersion: v1\nkind: Secret\nmetadata: { name: db, namespace: apps }\n${extra}`;

ruleTable(rule, {
  valid: [
    { name: 'a SOPS-encrypted Secret', repo: { 'db.sops.yaml': secret('stringData:\n  password: ENC[AES256_GCM,data:abc,iv:x,tag:y,type:str]\nsops:\n  mac: ENC[AES256_GCM,data:m]\n  version: 3.9.0\n') } },
    { name: 'a SealedSecret', repo: { 'db.yaml': 'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: { name: db, namespace: apps }\nspec: { encryptedData: { password: AgB... } }\n' } },
    { name: 'an ExternalSecret', repo: { 'db.yaml': 'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: { name: db, namespace: apps }\nspec: { data: [{ secretKey: password, remoteRef: { key: db } }] }\n' } },
    { name: 'a Secret with no values (filled in at runtime)', repo: { 'db.yaml': secret('type: Opaque\n') } },
    { name: 'a hearth spec with sealed secrets', lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }]) },
    { name: '1Password references filled in at bootstrap (op inject)', repo: { 'db.yaml': secret("stringData:\n  token: op://Automation/connect/token\n  creds: 'op://Automation/connect/credentials'\n") } },
    { name: 'Flux substitution placeholders', repo: { 'db.yaml': secret('stringData:\n  password: ${DB_PASSWORD}\n') } },
  ],
  invalid: [
    { name: 'a plain Secret with data', repo: { 'db.yaml': secret('data:\n  password: aHVudGVyMg==\n') }, message: /apps\/db holds 1 value in plaintext \(password\)/, count: 1 },
    { name: 'a reference beside a real value', repo: { 'db.yaml': secret('stringData:\n  token: op://vault/item/token\n  password: hunter2\n') }, count: 1 },
    { name: 'stringData in a multi-document file', repo: { 'all.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: apps }\n---\n' + secret('stringData:\n  token: abc\n  key: def\n') }, message: /2 values/ },
  ],
});

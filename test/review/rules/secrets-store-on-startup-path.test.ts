import rule from '../../../src/review/rules/secrets-store-on-startup-path.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const apps = [{ name: 'vaultwarden', namespace: 'apps' }];
const es = (name: string, ns: string) => `apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: { name: ${name}, namespace: ${ns} }\nspec: { secretStoreRef: { kind: ClusterSecretStore, name: onepassword }, data: [{ secretKey: password, remoteRef: { key: ${name} } }] }\n`;
const sealed = 'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: { name: db, namespace: apps }\nspec: { encryptedData: { password: AgBy3i4OJSWK } }\n';
const sops = 'apiVersion: v1\nkind: Secret\nmetadata: { name: db, namespace: apps }\nstringData:\n  password: ENC[AES256_GCM,data:abc,iv:x,tag:y,type:str]\nsops:\n  mac: ENC[AES256_GCM,data:m]\n  version: 3.9.0\n';

ruleTable(rule, {
  valid: [
    { name: 'a lab with secrets made by hand (no store, nothing encrypted)', lab: testLab(apps) },
    { name: 'a repository with plain workloads only', repo: { 'd.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: apps }\nspec: { template: { spec: { containers: [{ name: web, image: "nginx:1.29" }] } } }\n' } },
    { name: 'the sealed-secrets app without the mechanism (hearth renders no SealedSecret)', lab: testLab([...apps, { name: 'sealed-secrets', namespace: 'apps' }]) },
  ],
  invalid: [
    {
      name: 'ExternalSecrets in two namespaces',
      repo: { 'a.yaml': es('wiki', 'apps'), 'b.yaml': es('sonarr', 'media'), 'c.yaml': es('radarr', 'media') },
      message: /^3 ExternalSecrets in 2 namespaces \(radarr, sonarr, wiki\) take their values from the secret store/,
      count: 1,
      subjects: ['external-secrets', 'wiki'],
    },
    {
      name: 'ExternalSecrets beside SOPS files: the store is the dependency',
      repo: { 'a.yaml': es('wiki', 'apps'), 'db.sops.yaml': sops },
      message: /^1 ExternalSecret in namespace apps \(wiki\) takes its values/,
      count: 1,
    },
    {
      name: 'ExternalSecrets whose namespace the Flux Kustomization sets',
      repo: { 'a.yaml': es('wiki', 'apps').replace(', namespace: apps', ''), 'b.yaml': 'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: { name: "${APP}-key" }\nspec: { data: [{ secretKey: key, remoteRef: { key: "${APP}" } }] }\n' },
      message: /^2 ExternalSecrets \(wiki\) take their values from the secret store/,
      count: 1,
    },
    {
      name: 'a lab whose mechanism is external-secrets',
      lab: testLab(apps, { secrets: { mechanism: 'external-secrets', values: [], externalSecrets: { store: { type: 'vault', name: 'vault', server: 'http://vault.security.svc.cluster.local:8200', path: 'secret', version: 'v2', auth: { method: 'kubernetes', mountPath: 'kubernetes', role: 'eso' } }, refreshInterval: '1h', remoteKey: '{namespace}-{name}' } } }),
      message: /every Secret hearth renders for the apps is an ExternalSecret/,
      count: 1,
    },
    { name: 'SealedSecrets in a repository', repo: { 'db.yaml': sealed }, risk: 'info', message: /SealedSecrets \(1\).*controller's private key/, subjects: ['sealed-secrets'] },
    { name: 'a lab whose mechanism is sealed-secrets', lab: testLab(apps, { secrets: { mechanism: 'sealed-secrets', values: [], sealedSecrets: { certificate: 'sealed.pem', scope: 'strict' } } }), risk: 'info', message: /SealedSecrets, decrypted by the in-cluster controller/, count: 1 },
    { name: 'SOPS-encrypted Secrets', repo: { 'db.sops.yaml': sops }, risk: 'info', message: /SOPS-encrypted \(1\)/, subjects: ['sops'] },
  ],
});

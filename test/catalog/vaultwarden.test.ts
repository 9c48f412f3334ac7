import { test } from 'node:test';
import assert from 'node:assert/strict';
import vaultwarden, { VAULTWARDEN_IMAGE } from '../../src/catalog/apps/vaultwarden.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll } from '../helpers/module-harness.js';

const lab = testLab([
  {
    name: 'vault',
    module: 'vaultwarden',
    namespace: 'apps',
    config: {
      timezone: 'Europe/Berlin',
      adminTokenSecret: { name: 'vault-admin' },
      databaseUrlSecret: { name: 'vault-db', key: 'uri' },
      smtp: { host: 'smtp.example.com', from: 'vault@example.com', username: 'vault@example.com', passwordSecret: { name: 'vault-smtp' } },
    },
  },
]);

test('vaultwarden: renders production-shaped objects that pass the oracles', async () => {
  const r = renderWith([vaultwarden], lab);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);

  const dep = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'vault-server')!;
  assert.equal(dep.spec.strategy.type, 'Recreate');
  const pod = dep.spec.template.spec;
  assert.equal(pod.securityContext.fsGroup, 1000);
  assert.match(dep.spec.template.metadata.annotations['checksum/config'], /^[0-9a-f]{64}$/);
  const c = pod.containers[0];
  assert.equal(c.image, 'vaultwarden/server:1.37.0');
  assert.equal(c.image, VAULTWARDEN_IMAGE);
  assert.deepEqual(c.ports, [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
  assert.equal(c.securityContext.runAsNonRoot, true);
  assert.equal(c.securityContext.runAsUser, 1000);
  assert.deepEqual(c.securityContext.capabilities, { drop: ['ALL'] });
  assert.equal(c.securityContext.allowPrivilegeEscalation, false);
  assert.deepEqual(c.readinessProbe.httpGet, { path: '/alive', port: 'http' });
  assert.deepEqual(c.livenessProbe.httpGet, { path: '/alive', port: 'http' });
  assert.deepEqual(c.resources, { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } });
  assert.deepEqual(c.volumeMounts, [{ name: 'data', mountPath: '/data' }]);

  // Secrets by reference only.
  assert.deepEqual(c.env, [
    { name: 'ADMIN_TOKEN', valueFrom: { secretKeyRef: { name: 'vault-admin', key: 'ADMIN_TOKEN' } } },
    { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'vault-db', key: 'uri' } } },
    { name: 'SMTP_PASSWORD', valueFrom: { secretKeyRef: { name: 'vault-smtp', key: 'SMTP_PASSWORD' } } },
  ]);
  assert.deepEqual(c.envFrom, [{ configMapRef: { name: 'vault-config' } }]);
  const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'vault-config')!;
  assert.equal(cm.data.DOMAIN, 'https://vault.lab.example.com', 'DOMAIN follows the ingress host');
  assert.equal(cm.data.SIGNUPS_ALLOWED, 'false');
  assert.equal(cm.data.INVITATIONS_ALLOWED, 'true');
  assert.equal(cm.data.ROCKET_PORT, '8080');
  assert.equal(cm.data.TZ, 'Europe/Berlin');
  assert.equal(cm.data.SMTP_HOST, 'smtp.example.com');
  assert.equal(cm.data.SMTP_PORT, '587');
  assert.equal(cm.data.SMTP_SECURITY, 'starttls');
  for (const k of Object.keys(cm.data)) assert.doesNotMatch(k, /TOKEN|PASSWORD|DATABASE_URL/, `${k} must not be a plain value`);

  const pvc = objs.find((o) => o.kind === 'PersistentVolumeClaim')!;
  assert.deepEqual([pvc.metadata.name, pvc.spec.storageClassName, pvc.spec.resources.requests.storage], ['vault-data', 'nfs', '2Gi']);
  const ing = objs.find((o) => o.kind === 'Ingress')!;
  assert.equal(ing.spec.rules[0].host, 'vault.lab.example.com');
  assert.equal(ing.spec.rules[0].http.paths[0].backend.service.port.number, 8080);
  assert.equal(r.model!.apps[0].expose, 'public', 'public by default');
});

test('vaultwarden: settings reach the ConfigMap; no optional secret, no env', () => {
  const r = renderWith([vaultwarden], testLab([{ name: 'vaultwarden', namespace: 'apps', expose: 'lan', config: { signupsAllowed: true, domain: 'https://vault.example.org' } }]));
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  const objs = objects(r.files);
  const cm = objs.find((o) => o.kind === 'ConfigMap')!;
  assert.equal(cm.data.SIGNUPS_ALLOWED, 'true');
  assert.equal(cm.data.DOMAIN, 'https://vault.example.org');
  assert.equal(cm.data.SMTP_HOST, undefined);
  const c = objs.find((o) => o.kind === 'Deployment')!.spec.template.spec.containers[0];
  assert.equal(c.env, undefined, 'admin page disabled, SQLite, no SMTP password');
});

test('vaultwarden: a literal admin token is refused; bad values are reported at their paths', () => {
  const r = renderWith([vaultwarden], testLab([{ name: 'vaultwarden', namespace: 'apps', config: { adminToken: 'hunter2' } }]));
  const codes = r.issues.filter((i) => i.severity === 'error').map((i) => `${i.code} ${i.path.join('.')}`);
  assert.ok(codes.includes('unknown-key apps.0.config.adminToken'), codes.join('\n'));
  const r2 = renderWith([vaultwarden], testLab([{ name: 'vaultwarden', namespace: 'apps', config: { signupsAllowed: 'yes' } }]));
  const paths = r2.issues.filter((i) => i.severity === 'error').map((i) => i.path.join('.'));
  assert.ok(paths.includes('apps.0.config.signupsAllowed'), paths.join('\n'));
});

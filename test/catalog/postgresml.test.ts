import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SecretRequest } from '../../src/catalog/types.js';
import postgresml, { PG_HBA, SEED_SCRIPT, serveScript, startScript } from '../../src/catalog/apps/postgresml.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll, type ModuleLab } from '../helpers/module-harness.js';

const modules = [postgresml];

function secretsOf(r: ModuleLab, id: string): SecretRequest[] {
  const comp = r.model!.components.find((c) => c.id === id)!;
  return comp.module.render({ lab: r.model!, component: comp, config: comp.app!.config }).secrets ?? [];
}

const errors = (r: ModuleLab) => r.issues.filter((i) => i.severity === 'error').map((i) => `${i.code} ${i.path.join('.')}`);

test('postgresml: the summary tells hearth users it is unmaintained upstream', () => {
  assert.match(postgresml.summary, /UNMAINTAINED UPSTREAM/);
  assert.match(postgresml.summary, /2\.10\.0/);
});

test('postgresml: StatefulSet with the pinned image, seeded data volume, hearth pg_hba, password from a Secret, pgml enabled', async () => {
  const r = renderWith(modules, testLab([{ name: 'pgml', module: 'postgresml', namespace: 'data' }]));
  assert.deepEqual(errors(r), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);

  const sts = objs.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'pgml')!;
  assert.match(sts.metadata.annotations['hearth.dev/upstream-status'], /^UNMAINTAINED UPSTREAM/);
  assert.equal(sts.spec.replicas, 1);
  assert.equal(sts.spec.serviceName, 'pgml-headless');
  const pod = sts.spec.template.spec;
  assert.deepEqual(pod.securityContext, { seccompProfile: { type: 'RuntimeDefault' } }, 'the entrypoint needs root');
  assert.ok(sts.spec.template.metadata.annotations['hearth.dev/config-checksum']);
  const c = pod.containers[0];
  assert.equal(c.image, 'ghcr.io/postgresml/postgresml:2.10.0');
  assert.deepEqual(c.command, ['bash', '/etc/hearth/start.sh']);
  assert.deepEqual(c.ports, [{ name: 'postgres', containerPort: 5432, protocol: 'TCP' }], 'no dashboard port by default');
  assert.deepEqual(c.env, [{ name: 'POSTGRESML_PASSWORD', valueFrom: { secretKeyRef: { name: 'pgml-superuser', key: 'password' } } }]);
  assert.deepEqual(c.securityContext, { allowPrivilegeEscalation: false, capabilities: { drop: ['NET_RAW'] } });
  assert.match(c.readinessProbe.exec.command[2], /hearth-ready && pg_isready/);
  assert.equal(c.startupProbe.failureThreshold, 90);
  assert.deepEqual(c.livenessProbe.exec.command, ['pg_isready', '-q', '-h', '127.0.0.1', '-p', '5432']);
  assert.deepEqual(c.resources, { requests: { cpu: '500m', memory: '2Gi' }, limits: { memory: '8Gi' } });
  assert.deepEqual(c.volumeMounts.map((m: any) => m.mountPath), ['/var/lib/postgresql', '/etc/hearth', '/dev/shm']);
  const seed = pod.initContainers[0];
  assert.equal(seed.image, c.image);
  assert.deepEqual(seed.volumeMounts, [{ name: 'data', mountPath: '/seed' }]);
  assert.match(seed.command[2], /cp -a \/var\/lib\/postgresql\/\. \/seed\//);
  assert.deepEqual(pod.volumes[0], { name: 'data', persistentVolumeClaim: { claimName: 'pgml-data' } });
  assert.equal(objs.find((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'pgml-data')!.spec.resources.requests.storage, '50Gi');

  const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'pgml-config')!;
  const hba: string = cm.data['pg_hba.conf'];
  assert.match(hba, /^host\s+all\s+all\s+0\.0\.0\.0\/0\s+scram-sha-256$/m);
  assert.doesNotMatch(hba, /0\.0\.0\.0\/0\s+trust/, 'the image default (trust from everywhere) is replaced');
  assert.match(cm.data['start.sh'], /for f in \/etc\/postgresql\/\*\/main\/pg_hba\.conf/);
  assert.match(cm.data['start.sh'], /> \/app\/dashboard\.sh/, 'the dashboard is kept from starting');
  assert.match(cm.data['start.sh'], /exec bash \/app\/entrypoint\.sh bash \/etc\/hearth\/serve\.sh\n$/);
  const serve: string = cm.data['serve.sh'];
  assert.match(serve, /\\getenv superuser_password POSTGRESML_PASSWORD\nALTER ROLE postgresml WITH PASSWORD :'superuser_password';/);
  assert.match(serve, /CREATE EXTENSION IF NOT EXISTS pgml;\nCREATE EXTENSION IF NOT EXISTS vector;/);
  assert.match(serve, /trap stop TERM INT/);
  assert.doesNotMatch(serve, /PASSWORD\s+'/, 'no literal password');

  const svc = objs.find((o) => o.kind === 'Service' && o.metadata.name === 'pgml')!;
  assert.deepEqual(svc.spec.ports, [{ name: 'postgres', port: 5432, targetPort: 'postgres', protocol: 'TCP' }]);
  assert.equal(svc.spec.selector['app.kubernetes.io/component'], 'server');
  assert.equal(objs.find((o) => o.kind === 'Service' && o.metadata.name === 'pgml-headless')!.spec.clusterIP, 'None');

  // Model downloads from Hugging Face under default-deny.
  const pol = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'pgml-network')!;
  assert.ok(pol.spec.egress.some((e: any) => e.to[0].ipBlock?.cidr === '0.0.0.0/0'));

  assert.deepEqual(secretsOf(r, 'pgml'), [
    { namespace: 'data', name: 'pgml-superuser', keys: { password: { generate: { length: 32 } } }, plain: { username: 'postgresml' } },
  ]);
  for (const f of r.files) assert.doesNotMatch(f.contents, /postgresml:postgresml@|PASSWORD 'postgresml'/, `${f.path}: the image's default password is never written`);
});

test('postgresml: dashboard on request, exposed through the ingress; GPU on an NVIDIA node; no vector on request', async () => {
  const r = renderWith(modules, testLab([{ name: 'pgml', module: 'postgresml', namespace: 'data', expose: 'lan', gpu: true, config: { dashboard: true, pgvector: false, egressInternet: false } }]));
  assert.deepEqual(errors(r), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);
  const pod = objs.find((o) => o.kind === 'StatefulSet')!.spec.template.spec;
  const c = pod.containers[0];
  assert.deepEqual(c.ports.map((p: any) => p.containerPort), [5432, 8000]);
  assert.equal(c.resources.limits['nvidia.com/gpu'], '1');
  assert.equal(pod.runtimeClassName, 'nvidia');
  assert.deepEqual(pod.nodeSelector, { 'hearth.dev/gpu': 'true' });
  const svc = objs.find((o) => o.kind === 'Service' && o.metadata.name === 'pgml')!;
  assert.deepEqual(svc.spec.ports.map((p: any) => p.name), ['postgres', 'dashboard']);
  assert.deepEqual(objs.find((o) => o.kind === 'Service' && o.metadata.name === 'pgml-headless')!.spec.ports.map((p: any) => p.name), ['postgres']);
  const ing = objs.find((o) => o.kind === 'Ingress' && o.metadata.name === 'pgml-ingress')!;
  assert.deepEqual(ing.spec.rules[0].http.paths[0].backend.service, { name: 'pgml', port: { number: 8000 } });
  const cm = objs.find((o) => o.kind === 'ConfigMap')!;
  assert.doesNotMatch(cm.data['start.sh'], /dashboard\.sh/);
  assert.doesNotMatch(cm.data['serve.sh'], /vector/);
  const pol = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'pgml-network')!;
  assert.ok(!(pol.spec.egress ?? []).some((e: any) => e.to[0].ipBlock), 'no internet when turned off');
});

test('postgresml: without the dashboard there is nothing to expose; bad settings are reported at their paths', () => {
  const exposed = errors(renderWith(modules, testLab([{ name: 'pgml', module: 'postgresml', namespace: 'data', expose: 'lan' }])));
  assert.deepEqual(exposed, ['invalid-value apps.0.expose']);
  const codes = errors(renderWith(modules, testLab([{ name: 'pgml', module: 'postgresml', namespace: 'data', config: { image: 'ghcr.io/postgresml/postgresml:latest', version: 17 } }])));
  assert.ok(codes.some((c) => c.endsWith('apps.0.config.image')), codes.join('\n'));
  assert.ok(codes.some((c) => c.endsWith('apps.0.config.version') || c.endsWith('apps.0.config')), codes.join('\n'));
});

test('postgresml: the scripts are valid bash (bash -n, shellcheck)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-pgml-'));
  try {
    const scripts = {
      'start.sh': startScript({ dashboard: false }),
      'start-dashboard.sh': startScript({ dashboard: true }),
      'serve.sh': serveScript({ pgvector: true }),
      'seed.sh': '#!/bin/bash\nset -e\n' + SEED_SCRIPT + '\n',
    };
    for (const [name, text] of Object.entries(scripts)) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      execFileSync('bash', ['-n', file]);
      const r = spawnSync('shellcheck', ['-s', 'bash', '-S', 'style', file], { encoding: 'utf8' });
      assert.equal(r.status, 0, `shellcheck ${name}:\n${r.stdout}${r.stderr}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(PG_HBA.endsWith('\n'));
});

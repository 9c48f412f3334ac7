import { test } from 'node:test';
import assert from 'node:assert/strict';
import velero, { VELERO_CHART, VELERO_AWS_PLUGIN } from '../../src/catalog/apps/velero.js';
import { cronScheduleError } from '../../src/lib/cron.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll, type ModuleLab } from '../helpers/module-harness.js';

const namespaces = [{ name: 'apps' }, { name: 'backup' }];

function release(r: ModuleLab, name = 'velero') {
  return objects(r.files).find((o) => o.kind === 'HelmRelease' && o.metadata.name === name)!;
}

function codes(r: ModuleLab, severity: 'error' | 'warning' = 'error') {
  return r.issues.filter((i) => i.severity === severity).map((i) => `${i.code} ${i.path.join('.')}`);
}

test('velero: AWS S3 bucket, node agent, schedules; passes the oracles', async () => {
  const lab = testLab(
    [
      {
        name: 'velero',
        module: 'velero',
        namespace: 'backup',
        config: {
          bucket: 'homelab-backups',
          prefix: 'test-lab',
          credentials: { secret: 's3-creds', key: 'cloud' },
          schedules: [
            { name: 'daily', schedule: '0 3 * * *' },
            { name: 'apps-hourly', schedule: '15 * * * *', ttl: '168h', includedNamespaces: ['apps', 'data'] },
          ],
        },
      },
    ],
    { namespaces },
  );
  const r = renderWith([velero], lab);
  assert.deepEqual(codes(r), []);
  assert.deepEqual(codes(r, 'warning'), [], 'AWS S3 is off-site: no warning');
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const objs = objects(r.files);
  assert.equal(objs.find((o) => o.kind === 'HelmRepository' && o.metadata.name === 'vmware-tanzu')!.spec.url, 'https://vmware-tanzu.github.io/helm-charts');
  const hr = release(r);
  assert.equal(hr.spec.chart.spec.chart, 'velero');
  assert.equal(hr.spec.chart.spec.version, '12.2.0');
  assert.equal(VELERO_CHART.version, '12.2.0');
  const v = hr.spec.values;
  assert.equal(v.fullnameOverride, 'velero');
  assert.equal(v.upgradeCRDs, false);
  assert.deepEqual(v.initContainers.map((i: any) => [i.name, i.image, i.volumeMounts]), [
    ['velero-plugin-for-aws', 'velero/velero-plugin-for-aws:v1.14.3', [{ mountPath: '/target', name: 'plugins' }]],
  ]);
  assert.equal(VELERO_AWS_PLUGIN, 'velero/velero-plugin-for-aws:v1.14.3');
  assert.equal(v.initContainers[0].securityContext.runAsUser, 65532);
  assert.equal(v.initContainers[0].securityContext.readOnlyRootFilesystem, true);
  assert.deepEqual(v.configuration.backupStorageLocation, [
    {
      name: 'default',
      provider: 'aws',
      bucket: 'homelab-backups',
      prefix: 'test-lab',
      default: true,
      credential: { name: 's3-creds', key: 'cloud' },
      config: { region: 'us-east-1' },
    },
  ]);
  assert.deepEqual(v.configuration.volumeSnapshotLocation, []);
  assert.equal(v.configuration.uploaderType, 'kopia');
  assert.equal(v.configuration.defaultVolumesToFsBackup, true);
  assert.deepEqual(v.credentials, { useSecret: true, existingSecret: 's3-creds' });
  assert.equal(v.snapshotsEnabled, false);
  assert.equal(v.backupsEnabled, true);
  assert.equal(v.deployNodeAgent, true);
  assert.deepEqual(v.nodeAgent.tolerations, [{ operator: 'Exists' }]);
  assert.deepEqual(v.nodeAgent.resources, { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '1Gi' } });
  assert.deepEqual(v.schedules, {
    daily: {
      disabled: false,
      schedule: '0 3 * * *',
      useOwnerReferencesInBackup: false,
      template: { ttl: '720h0m0s', storageLocation: 'default', includedNamespaces: ['*'], defaultVolumesToFsBackup: true },
    },
    'apps-hourly': {
      disabled: false,
      schedule: '15 * * * *',
      useOwnerReferencesInBackup: false,
      template: { ttl: '168h', storageLocation: 'default', includedNamespaces: ['apps', 'data'], defaultVolumesToFsBackup: true },
    },
  });
  assert.deepEqual(v.metrics, { enabled: true, serviceMonitor: { enabled: true }, nodeAgentPodMonitor: { enabled: true } });
  assert.deepEqual(v.resources, { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } });
  assert.deepEqual(v.podSecurityContext, { seccompProfile: { type: 'RuntimeDefault' } });
  assert.deepEqual(v.containerSecurityContext, { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  assert.equal(v.nodeSelector, undefined, 'no selector unless the app sets one');
  assert.ok(!objs.some((o) => o.kind === 'Secret'), 'the credentials stay in their Secret');

  // Default-deny: the API for the server and node agent; internet egress from hearth's own policy.
  const cp = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'velero-control-plane')!;
  assert.deepEqual(cp.spec.podSelector, { matchLabels: { 'app.kubernetes.io/instance': 'velero' } });
  assert.deepEqual(cp.spec.policyTypes, ['Egress']);
  assert.deepEqual(cp.spec.egress, [{ to: [{ ipBlock: { cidr: '192.168.1.20/32' } }], ports: [{ protocol: 'TCP', port: 6443 }] }]);
  const own = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'velero-network')!;
  assert.deepEqual(own.spec.egress, [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }] }]);
  assert.equal(objs.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'backup').length, 4, 'default-deny, allow-dns, control-plane, network');
});

test('velero: Backblaze B2 endpoint sets path style and turns checksums off; no warning for an off-site store', () => {
  const lab = testLab(
    [
      {
        name: 'backups',
        module: 'velero',
        namespace: 'backup',
        nodeSelector: { 'kubernetes.io/hostname': 'k3s-1' },
        config: { bucket: 'lab-velero', region: 'us-west-004', s3Url: 'https://s3.us-west-004.backblazeb2.com', credentials: { secret: 'b2', key: 'credentials' } },
      },
    ],
    { namespaces },
  );
  const r = renderWith([velero], lab);
  assert.deepEqual(codes(r), []);
  assert.deepEqual(codes(r, 'warning'), []);
  const v = release(r, 'backups').spec.values;
  assert.equal(v.fullnameOverride, 'backups');
  const bsl = v.configuration.backupStorageLocation[0];
  assert.deepEqual(bsl.config, { region: 'us-west-004', s3Url: 'https://s3.us-west-004.backblazeb2.com', s3ForcePathStyle: 'true', checksumAlgorithm: '' });
  assert.equal(bsl.prefix, undefined);
  assert.deepEqual(bsl.credential, { name: 'b2', key: 'credentials' });
  assert.equal(v.credentials.existingSecret, 'b2');
  assert.deepEqual(v.schedules, {});
  assert.deepEqual(v.nodeSelector, { 'kubernetes.io/hostname': 'k3s-1' }, 'the server follows the app selector');
  assert.equal(v.nodeAgent.nodeSelector, undefined, 'the node agent runs on every node');
  const cp = objects(r.files).find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'backups-control-plane')!;
  assert.equal(cp.spec.egress.length, 1, 'a public endpoint needs no extra rule: internet egress covers it');
});

test('velero: a MinIO on the LAN gets an egress rule and a same-failure-domain warning', () => {
  const lab = testLab(
    [{ name: 'velero', module: 'velero', namespace: 'backup', config: { bucket: 'velero', region: 'minio', s3Url: 'http://192.168.1.30:9000' } }],
    { namespaces },
  );
  const r = renderWith([velero], lab);
  assert.deepEqual(codes(r), []);
  assert.deepEqual(codes(r, 'warning'), ['module-config apps.0.config.s3Url']);
  assert.match(r.issues.find((i) => i.severity === 'warning')!.message, /192\.168\.1\.0\/24/);
  const cp = objects(r.files).find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'velero-control-plane')!;
  assert.deepEqual(cp.spec.egress[1], { to: [{ ipBlock: { cidr: '192.168.1.30/32' } }], ports: [{ protocol: 'TCP', port: 9000 }] });
  const v = release(r).spec.values;
  assert.deepEqual(v.credentials, { useSecret: true, existingSecret: 'velero-credentials' }, 'default Secret');
  assert.deepEqual(v.configuration.backupStorageLocation[0].credential, { name: 'velero-credentials', key: 'cloud' });
});

test('velero: a store on another network is not warned about; an in-cluster one is', () => {
  const offsite = renderWith([velero], testLab([{ name: 'velero', module: 'velero', namespace: 'backup', config: { bucket: 'velero', s3Url: 'http://10.20.0.5:9000' } }], { namespaces }));
  assert.deepEqual(codes(offsite, 'warning'), []);
  const cp = objects(offsite.files).find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'velero-control-plane')!;
  assert.deepEqual(cp.spec.egress[1].to, [{ ipBlock: { cidr: '10.20.0.5/32' } }]);

  const inCluster = renderWith([velero], testLab([{ name: 'velero', module: 'velero', namespace: 'backup', config: { bucket: 'velero', s3Url: 'http://minio.storage.svc.cluster.local:9000' } }], { namespaces }));
  assert.deepEqual(codes(inCluster, 'warning'), ['module-config apps.0.config.s3Url']);
  const icp = objects(inCluster.files).find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'velero-control-plane')!;
  assert.deepEqual(icp.spec.egress[1], { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'storage' } } }] });
  assert.match(inCluster.issues.find((i) => i.severity === 'warning')!.message, /inside the cluster/);
});

test('velero: fsBackup false drops the node agent and fs-backup defaults', () => {
  const lab = testLab(
    [{ name: 'velero', module: 'velero', namespace: 'backup', config: { bucket: 'velero', fsBackup: false, schedules: [{ name: 'nightly', schedule: '@daily', ttl: '72h' }] } }],
    { namespaces },
  );
  const r = renderWith([velero], lab);
  assert.deepEqual(codes(r), []);
  const v = release(r).spec.values;
  assert.equal(v.deployNodeAgent, false);
  assert.equal(v.nodeAgent, undefined);
  assert.equal(v.configuration.defaultVolumesToFsBackup, false);
  assert.equal(v.schedules.nightly.template.defaultVolumesToFsBackup, false);
  assert.equal(v.metrics.nodeAgentPodMonitor.enabled, false);
});

test('velero: without metrics no ServiceMonitor; without default-deny no policies', () => {
  const lab = testLab([{ name: 'velero', module: 'velero', namespace: 'backup', config: { bucket: 'velero', s3Url: 'http://10.20.0.5:9000' } }], {
    namespaces: [{ name: 'apps' }, { name: 'backup', networkPolicy: 'allow-all' }],
  });
  const r = renderWith([velero], lab);
  assert.deepEqual(codes(r), []);
  assert.ok(!objects(r.files).some((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'backup'));
  assert.equal(release(r).spec.values.metrics.serviceMonitor.enabled, true, 'the test lab runs metrics');

  const bare = testLab([{ name: 'velero', module: 'velero', namespace: 'backup', config: { bucket: 'velero' } }], { namespaces, observability: { metrics: { enabled: false } } });
  const rb = renderWith([velero], bare);
  assert.deepEqual(codes(rb), []);
  assert.deepEqual(release(rb).spec.values.metrics, { enabled: true, serviceMonitor: { enabled: false }, nodeAgentPodMonitor: { enabled: false } });
});

test('velero: invalid settings are reported at their paths', () => {
  const bad = (config: Record<string, unknown>) => codes(renderWith([velero], testLab([{ name: 'velero', module: 'velero', namespace: 'backup', config }], { namespaces })));
  assert.deepEqual(bad({}), ['missing-key apps.0.config.bucket']);
  assert.deepEqual(bad({ bucket: 'velero', schedules: [{ name: 'daily', schedule: '0 0 3 * * *' }] }), ['invalid-value apps.0.config.schedules.0.schedule'], 'six-field cron');
  assert.deepEqual(bad({ bucket: 'velero', schedules: [{ name: 'daily', schedule: '0 24 * * *' }] }), ['invalid-value apps.0.config.schedules.0.schedule'], 'hour 24');
  assert.deepEqual(bad({ bucket: 'velero', schedules: [{ name: 'd', schedule: '0 3 * * *' }, { name: 'd', schedule: '0 4 * * *' }] }), ['invalid-value apps.0.config.schedules.1.name']);
  assert.deepEqual(bad({ bucket: 'velero', schedules: [{ name: 'd', schedule: '0 3 * * *', ttl: '30d' }] }), ['invalid-format apps.0.config.schedules.0.ttl']);
  assert.deepEqual(bad({ bucket: 'velero', s3Url: 'ftp://nas:21' }), ['invalid-format apps.0.config.s3Url']);
  assert.deepEqual(bad({ bucket: 'velero', s3Url: 'https://key:secret@s3.example.com' }), ['invalid-value apps.0.config.s3Url']);
  assert.deepEqual(bad({ bucket: 'velero', prefix: '/lab/' }), ['invalid-format apps.0.config.prefix']);
  assert.deepEqual(bad({ bucket: 'velero', accessKey: 'AKIA' }), ['unknown-key apps.0.config.accessKey'], 'no keys in the spec');
});

test('velero: cron expressions', () => {
  for (const ok of ['0 3 * * *', '*/15 * * * *', '0 2 * * SUN', '30 1 1,15 * *', '0 0 * JAN-MAR MON-FRI', '@daily', '@every 6h', '0 4 * * 0-6']) {
    assert.equal(cronScheduleError(ok, { every: true }), undefined, ok);
  }
  for (const bad of ['0 0 3 * * *', '0 3 * *', '60 * * * *', '0 3 * * 7', '0 3 32 * *', '0 3 * * FOO', '*/0 * * * *', '5-1 * * * *', '@often']) {
    assert.ok(cronScheduleError(bad, { every: true }), bad);
  }
});

test('velero: one Schedule per backup tier holding cluster data, over the tier\'s namespaces, kept as long as the tier keeps copies', async () => {
  const lab = testLab(
    [
      { name: 'velero', module: 'velero', namespace: 'backup', config: { bucket: 'homelab-backups', credentials: { secret: 's3-creds', key: 'cloud' }, schedules: [{ name: 'daily', schedule: '0 3 * * *' }] } },
      { name: 'vaultwarden', namespace: 'apps' },
    ],
    {
      namespaces,
      backups: {
        targets: [{ name: 'nas', type: 'restic', repository: 'rest:http://192.168.1.5:8000/', password: { secret: 'restic', key: 'password' } }],
        tiers: [
          { name: 'critical', schedule: '0 * * * *', retention: { hourly: 24, daily: 14 }, targets: ['nas'] },
          { name: 'unused', schedule: '0 4 * * *', targets: ['nas'] },
        ],
        assign: [{ app: 'vaultwarden', tier: 'critical' }],
      },
    },
  );
  const r = renderWith([velero], lab);
  assert.deepEqual(codes(r), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  const s = release(r).spec.values.schedules;
  assert.deepEqual(Object.keys(s).sort(), ['daily', 'tier-critical'], 'a tier without cluster data gets no schedule');
  assert.deepEqual(s['tier-critical'], {
    disabled: false,
    schedule: '0 * * * *',
    useOwnerReferencesInBackup: false,
    template: { ttl: '336h0m0s', storageLocation: 'default', includedNamespaces: ['apps'], snapshotVolumes: false, defaultVolumesToFsBackup: false },
  });
});

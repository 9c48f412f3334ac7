import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll } from '../helpers/module-harness.js';
import { shellcheck } from '../helpers/infra-oracles.js';
import { renderComponents } from '../../src/render/components.js';
import { NEVER, RESTIC_IMAGE } from '../../src/catalog/platform/backup-jobs.js';
import { POSTGRES_IMAGE } from '../../src/catalog/apps/postgresql.js';
import { filesBackupScript, postgresBackupScript, postgresRestoreScript, filesRestoreScript } from '../../src/lib/backup-scripts.js';
import type { LabInput } from '../../src/spec/schema.js';

const backups: LabInput['backups'] = {
  targets: [
    { name: 'nas', type: 'restic', repository: 'rest:http://192.168.1.5:8000/lab', password: { secret: 'restic', key: 'password' } },
    { name: 'b2', type: 's3', endpoint: 'https://s3.us-west-004.backblazeb2.com', bucket: 'lab-backups', prefix: 'restic', credentials: 'b2-keys', password: { secret: 'restic', key: 'password' } },
  ],
  tiers: [
    { name: 'critical', schedule: '15 * * * *', rpo: '1h', retention: { hourly: 24, daily: 7 }, targets: ['nas', 'b2'] },
    { name: 'bulk', schedule: '0 3 * * *', retention: { daily: 7, weekly: 4 }, targets: ['nas'] },
  ],
  assign: [
    { app: 'paperless', tier: 'critical' },
    { app: 'vaultwarden', tier: 'critical' },
    { app: 'paperless', volume: 'media', tier: 'bulk' },
  ],
};

function lab(extra: Partial<LabInput> = {}): LabInput {
  return testLab(
    [
      { name: 'postgresql', namespace: 'data' },
      { name: 'redis', namespace: 'apps' },
      { name: 'paperless', namespace: 'apps', storage: 'nfs', config: { database: 'postgres' } },
      { name: 'vaultwarden', namespace: 'apps', storage: 'local-path' },
    ],
    {
      backups,
      secrets: {
        mechanism: 'sops',
        sops: { recipients: ['age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p'] },
        values: [{ name: 'b2-keys', namespace: 'data', data: { AWS_ACCESS_KEY_ID: { env: 'B2_KEY_ID' }, AWS_SECRET_ACCESS_KEY: { env: 'B2_KEY' } } }],
      },
      ...extra,
    },
  );
}

const cronJobs = (files: ReturnType<typeof renderWith>['files']) => objects(files).filter((o) => o.kind === 'CronJob' && o.metadata.labels['app.kubernetes.io/name'] === 'backup-jobs');
const envOf = (c: any) => Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? `secret:${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`]));

test('backup-jobs: a CronJob per data set of a tier with restic or S3 targets, and a suspended restore beside it; passes the oracles', async () => {
  const r = renderWith([], lab());
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const jobs = cronJobs(r.files);
  const names = jobs.map((j) => `${j.metadata.namespace}/${j.metadata.name}`).sort();
  // paperless' own data and media, vaultwarden's data, paperless' database on the shared PostgreSQL; the caches are left out.
  assert.ok(names.includes('data/backup-postgresql-paperless') && names.includes('data/restore-postgresql-paperless'), names.join(' '));
  assert.ok(names.includes('apps/backup-vaultwarden-data') && names.includes('apps/backup-paperless-media'), names.join(' '));
  assert.ok(!names.some((n) => /redis|cache/.test(n)), names.join(' '));
  for (const j of jobs) {
    assert.equal(j.spec.timeZone, 'Etc/UTC');
    assert.equal(j.spec.concurrencyPolicy, 'Forbid');
    if (j.metadata.name.startsWith('restore-')) {
      assert.equal(j.spec.suspend, true);
      assert.equal(j.spec.schedule, NEVER);
      assert.ok(j.metadata.annotations['hearth.dev/restore-of']);
    } else assert.ok(j.metadata.annotations['hearth.dev/backup-data']);
  }
  const media = jobs.find((j) => j.metadata.name === 'backup-paperless-media')!;
  assert.equal(media.spec.schedule, '0 3 * * *', 'the volume assignment beats the app assignment');
  assert.equal(media.metadata.labels['hearth.dev/backup-tier'], 'bulk');
  const mediaEnv = envOf(media.spec.jobTemplate.spec.template.spec.containers[0]);
  assert.equal(mediaEnv.RESTIC_REPOSITORIES, 'rest:http://192.168.1.5:8000/lab');
  assert.equal(mediaEnv.KEEP_ARGS, '--keep-daily 7 --keep-weekly 4');
  assert.equal(mediaEnv.AWS_ACCESS_KEY_ID, undefined, 'no S3 keys where no S3 target');

  const vw = jobs.find((j) => j.metadata.name === 'backup-vaultwarden-data')!.spec.jobTemplate.spec.template.spec;
  assert.equal(vw.containers[0].image, RESTIC_IMAGE);
  assert.equal(vw.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels['app.kubernetes.io/instance'], 'vaultwarden', 'a ReadWriteOnce claim is read beside the app');
  assert.equal(vw.volumes.find((v: any) => v.name === 'data').persistentVolumeClaim.readOnly, true);
  const vwEnv = envOf(vw.containers[0]);
  assert.equal(vwEnv.RESTIC_REPOSITORIES, 'rest:http://192.168.1.5:8000/lab s3:https://s3.us-west-004.backblazeb2.com/lab-backups/restic');
  assert.equal(vwEnv.KEEP_ARGS, '--keep-hourly 24 --keep-daily 7');
  assert.equal(vwEnv.AWS_SECRET_ACCESS_KEY, 'secret:b2-keys/AWS_SECRET_ACCESS_KEY');

  // The database: pg_dump in the server's image without the restic secrets, restic without the database password.
  const pg = jobs.find((j) => j.metadata.name === 'backup-postgresql-paperless')!.spec.jobTemplate.spec.template.spec;
  const dump = pg.initContainers[0];
  const upload = pg.containers[0];
  assert.equal(dump.image, POSTGRES_IMAGE);
  assert.equal(upload.image, RESTIC_IMAGE);
  assert.equal(envOf(dump).RESTIC_PASSWORD, undefined);
  assert.equal(envOf(dump).PGPASSWORD, 'secret:postgresql-superuser/password');
  assert.equal(envOf(upload).PGPASSWORD, undefined);
  assert.equal(envOf(upload).PGDATABASE, 'paperless');

  // The scripts in the ConfigMaps are the drill's, and shellcheck passes them as POSIX sh.
  const cms = objects(r.files).filter((o) => o.kind === 'ConfigMap' && o.metadata.name === 'hearth-backup-scripts');
  assert.deepEqual(cms.map((c) => c.metadata.namespace).sort(), ['apps', 'data']);
  assert.equal(cms.find((c) => c.metadata.namespace === 'data')!.data['backup-postgres.sh'], postgresBackupScript());
  assert.equal(cms.find((c) => c.metadata.namespace === 'apps')!.data['backup-files.sh'], filesBackupScript());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-backup-scripts-'));
  try {
    const paths = Object.entries({ a: postgresBackupScript(), b: postgresRestoreScript(), c: filesBackupScript(), d: filesRestoreScript() }).map(([n, t]) => {
      fs.writeFileSync(path.join(dir, `${n}.sh`), t);
      return path.join(dir, `${n}.sh`);
    });
    shellcheck(paths);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('backup-jobs: the password is generated once and shared into every namespace; declared S3 keys are copied where the jobs run', () => {
  const r = renderWith([], lab());
  const rc = renderComponents(r.model!).find((c) => c.instance.id === 'backup-jobs')!;
  const byName = (n: string) => rc.secrets.filter((s) => s.name === n).map((s) => ({ ns: s.namespace, keys: s.keys }));
  assert.deepEqual(byName('restic'), [
    { ns: 'apps', keys: { password: { generate: { length: 48 } } } },
    { ns: 'data', keys: { password: { sameAs: { namespace: 'apps', name: 'restic', key: 'password' } } } },
  ]);
  // Declared in data: only apps needs a copy.
  assert.deepEqual(byName('b2-keys'), [
    {
      ns: 'apps',
      keys: {
        AWS_ACCESS_KEY_ID: { sameAs: { namespace: 'data', name: 'b2-keys', key: 'AWS_ACCESS_KEY_ID' } },
        AWS_SECRET_ACCESS_KEY: { sameAs: { namespace: 'data', name: 'b2-keys', key: 'AWS_SECRET_ACCESS_KEY' } },
      },
    },
  ]);
});

test('backup-jobs: under default-deny the jobs reach the PostgreSQL server and the repositories, and nothing else', () => {
  const r = renderWith([], lab());
  const pols = objects(r.files).filter((o) => o.kind === 'NetworkPolicy' && o.metadata.labels['app.kubernetes.io/name'] === 'backup-jobs');
  const egress = pols.find((p) => p.metadata.name === 'backup-postgresql-paperless-egress')!;
  assert.deepEqual(egress.spec.podSelector, { matchLabels: { 'hearth.dev/backup-set': 'postgresql-paperless' } });
  const rules = JSON.stringify(egress.spec.egress);
  assert.match(rules, /"cidr":"192\.168\.1\.5\/32"\}\}\],"ports":\[\{"protocol":"TCP","port":8000\}\]/);
  assert.match(rules, /"cidr":"0\.0\.0\.0\/0","except":\[/, 'the B2 endpoint is on the internet');
  assert.match(rules, /"port":5432/);
  const ingress = pols.find((p) => p.metadata.name === 'backup-postgresql-paperless-to-postgres')!;
  assert.deepEqual(ingress.spec.ingress[0].from, [{ podSelector: { matchLabels: { 'hearth.dev/backup-set': 'postgresql-paperless' } } }]);
});

test('backup-jobs: the rendered containers run their halves on this machine (stub pg_dump and restic): the dump reaches restic intact', () => {
  const r = renderWith([], lab());
  const job = cronJobs(r.files).find((j) => j.metadata.name === 'backup-postgresql-paperless')!.spec.jobTemplate.spec.template.spec;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-backup-run-'));
  try {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.mkdirSync(path.join(dir, 'work'));
    fs.mkdirSync(path.join(dir, 'scripts'));
    fs.writeFileSync(path.join(dir, 'scripts', 'backup-postgres.sh'), postgresBackupScript());
    // pg_dump: writes a dump naming the database and the user it ran as; restic: records what it was asked.
    fs.writeFileSync(path.join(bin, 'pg_dump'), '#!/bin/sh\nfor a in "$@"; do case "$a" in --file=*) f="${a#--file=}";; esac; done\nprintf "dump of %s by %s via %s\\n" "$PGDATABASE" "$PGUSER" "$PGHOST" > "$f"\n', { mode: 0o755 });
    fs.writeFileSync(path.join(bin, 'restic'), `#!/bin/sh\necho "$*" >> ${dir}/restic.log\ncase "$*" in *"backup --stdin"*) cat > ${dir}/uploaded-$(echo "$2" | tr -c 'a-z0-9' _);; esac\nexit 0\n`, { mode: 0o755 });
    const run = (c: any) => {
      const env: Record<string, string> = { PATH: `${bin}:/usr/bin:/bin`, TMPDIR: dir };
      for (const e of c.env) env[e.name] = e.value !== undefined ? String(e.value).replace(/^\/work\//, `${dir}/work/`) : `value-of-${e.valueFrom.secretKeyRef.name}`;
      const script = c.command[1].replace('/scripts/', `${dir}/scripts/`);
      return execFileSync('/bin/sh', [script], { env, encoding: 'utf8' });
    };
    assert.match(run(job.initContainers[0]), /dumped paperless/);
    assert.equal(fs.existsSync(path.join(dir, 'restic.log')), false, 'the dump half runs no restic');
    run(job.containers[0]);
    const log = fs.readFileSync(path.join(dir, 'restic.log'), 'utf8');
    assert.match(log, /--repo rest:http:\/\/192\.168\.1\.5:8000\/lab backup --stdin --stdin-filename paperless\.dump --tag pg:paperless --tag lab:test-lab --tag tier:critical --tag set:postgresql-paperless/);
    assert.match(log, /--repo s3:https:\/\/s3\.us-west-004\.backblazeb2\.com\/lab-backups\/restic backup --stdin/);
    assert.match(log, /forget --tag pg:paperless --group-by paths,tags --prune --keep-hourly 24 --keep-daily 7/);
    const uploaded = fs.readdirSync(dir).filter((f) => f.startsWith('uploaded-'));
    assert.equal(uploaded.length, 2, 'both repositories got the dump');
    for (const f of uploaded) assert.equal(fs.readFileSync(path.join(dir, f), 'utf8'), 'dump of paperless by postgres via postgresql\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('backup-jobs: invalid table', () => {
  const cases: [string, LabInput, string][] = [
    [
      'a path repository cannot be reached from the cluster',
      lab({ backups: { ...backups, targets: [{ name: 'nas', type: 'restic', repository: '/mnt/backups', password: { secret: 'restic', key: 'password' } }, backups!.targets![1]] } }),
      'invalid-value backups.targets.0.repository',
    ],
    [
      'sftp without an SSH key',
      lab({ backups: { ...backups, targets: [{ name: 'nas', type: 'restic', repository: 'sftp:backup@192.168.1.5:/restic', password: { secret: 'restic', key: 'password' } }, backups!.targets![1]] } }),
      'missing-dependency backups.targets.0.ssh',
    ],
    [
      'app data in a tier that only has Proxmox Backup Server',
      lab({ backups: { targets: [{ name: 'pbs', type: 'pbs', server: '192.168.1.9', datastore: 'tank' }], tiers: [{ name: 'vm', schedule: '0 1 * * *', targets: ['pbs'] }], assign: [{ app: 'vaultwarden', tier: 'vm' }] } }),
      'invalid-combination backups.assign.0.tier',
    ],
  ];
  for (const [what, input, expected] of cases) {
    const r = renderWith([], input);
    assert.ok(r.issues.some((i) => `${i.code} ${i.path.join('.')}` === expected), `${what}: ${r.issues.map((i) => `${i.code} ${i.path.join('.')}`).join(', ')}`);
  }
  // S3 keys not declared under a mechanism that renders Secrets: a warning naming where they are read.
  const undeclared = renderWith([], lab({ secrets: { mechanism: 'sops', sops: { recipients: ['age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p'] }, values: [] } }));
  const w = undeclared.issues.find((i) => i.path.join('.') === 'backups.targets.1.credentials');
  assert.equal(w?.severity, 'warning');
  assert.match(w!.message, /Secret b2-keys in apps, data/);
});

test('backup-jobs: Longhorn volumes of a tier join its recurring snapshot group (RecurringJob on the tier schedule, PVC labels)', async () => {
  const input = lab();
  input.storage = { default: 'nfs', classes: [...input.storage!.classes!, { name: 'longhorn', type: 'longhorn', replicas: 2 }] };
  input.apps = input.apps!.map((a) => (a.name === 'vaultwarden' ? { ...a, storage: 'longhorn' } : a));
  const r = renderWith([], input);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  assert.deepEqual(await schemaErrors(r.files), []);
  const rj = objects(r.files).filter((o) => o.kind === 'RecurringJob');
  assert.deepEqual(
    rj.map((o) => [o.apiVersion, o.metadata.namespace, o.metadata.name, o.spec.task, o.spec.cron, o.spec.groups, o.spec.retain]),
    [['longhorn.io/v1beta2', 'longhorn-system', 'hearth-critical', 'snapshot', '15 * * * *', ['hearth-critical'], 24]],
    'only the tier holding a Longhorn volume; retain is its largest keep count',
  );
  const pvc = objects(r.files).find((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'vaultwarden-data')!;
  assert.equal(pvc.metadata.labels['recurring-job.longhorn.io/source'], 'enabled');
  assert.equal(pvc.metadata.labels['recurring-job-group.longhorn.io/hearth-critical'], 'enabled');
  const nfsPvc = objects(r.files).find((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'paperless-media')!;
  assert.equal(nfsPvc.metadata.labels['recurring-job.longhorn.io/source'], undefined, 'NFS claims get no Longhorn labels');
});

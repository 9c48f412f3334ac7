import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { backupPlan, formatPlan } from '../../src/backup/plan.js';
import { checkLabText } from '../../src/pipeline.js';
import { formatPath } from '../../src/spec/issues.js';
import { toYaml, type JsonValue } from '../../src/lib/yaml-emit.js';
import { testLab, renderWith } from '../helpers/module-harness.js';
import { hearth } from '../helpers/cli.js';
import { ROOT } from '../helpers/labs.js';

const targets = [
  { name: 'nas', type: 'restic', repository: 'sftp:backup@192.168.1.5:/volume1/restic', password: { secret: 'restic', key: 'password' }, ssh: 'restic-ssh' },
  { name: 'b2', type: 's3', endpoint: 'https://s3.us-west-004.backblazeb2.com', bucket: 'lab', credentials: 'b2', password: { secret: 'restic', key: 'password' } },
];

function lab(backups: unknown, apps = [{ name: 'postgresql', namespace: 'data' }, { name: 'paperless', namespace: 'apps', config: { database: 'postgres' } }, { name: 'redis', namespace: 'data' }, { name: 'vaultwarden', namespace: 'apps' }, { name: 'ollama', namespace: 'ai' }]) {
  const input = testLab(apps, {
    hosts: [
      { name: 'pve', role: 'hypervisor', cpu: 16, memory: '64Gi', ip: '192.168.1.2' },
      { name: 'nas', role: 'nas', cpu: 4, memory: '8Gi', ip: '192.168.1.5' },
    ],
    backups,
  } as never);
  const r = renderWith([], input);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
  return r.model!;
}

test('plan: databases of the shared PostgreSQL one by one, volumes, no caches; RPO, 3-2-1 and failure domains judged', () => {
  const p = backupPlan(
    lab({
      targets,
      tiers: [
        { name: 'critical', schedule: '0 * * * *', rpo: '1h', targets: ['nas', 'b2'] },
        { name: 'bulk', schedule: '0 3 * * 0', targets: ['nas'] },
      ],
      assign: [{ app: 'postgresql', tier: 'critical' }, { app: 'vaultwarden', tier: 'critical' }, { app: 'paperless', volume: 'media', tier: 'bulk' }],
    }),
  );
  const by = new Map(p.rows.map((r) => [r.dataSet, r]));
  assert.deepEqual([...by.keys()].filter((k) => !k.startsWith('cluster')).sort(), ['paperless/consume', 'paperless/data', 'paperless/export', 'paperless/media', 'postgresql/paperless', 'redis/data', 'vaultwarden/data'].filter((k) => k !== 'redis/data').sort(), 'no cache (redis, ollama models); one row per database');
  const db = by.get('postgresql/paperless')!;
  assert.deepEqual([db.kind, db.tier, db.rpoHolds, db.threeTwoOne, db.gapMinutes], ['database', 'critical', true, true, 60]);
  assert.deepEqual(db.targets.map((t) => `${t.name}:${t.offsite}:${t.place}`), ['nas:false:host nas', 'b2:true:s3.us-west-004.backblazeb2.com']);
  assert.deepEqual(db.domains, ['NAS nas'], 'the test lab keeps data on the NFS class served by the NAS');
  const media = by.get('paperless/media')!;
  assert.equal(media.threeTwoOne, false);
  assert.ok(media.problems.some((x) => /2 copies/.test(x)));
  assert.ok(media.problems.some((x) => /every copy sits where the data lives \(host nas\)/.test(x)), media.problems.join('; '));
  assert.ok(by.get('paperless/data')!.problems.some((x) => /no backup/.test(x)), 'unassigned data is reported');
  assert.equal(p.ok, false);
  assert.match(formatPlan(p), /\| postgresql\/paperless \(database\) \| critical \| `0 \* \* \* \*` \(1 h\) \| nas: host nas; b2: s3\.us-west-004\.backblazeb2\.com, off site \| NAS nas \| 1h: holds \| holds \|/);
});

test('plan: everything in a tier with an off-site copy holds', () => {
  const p = backupPlan(lab({ targets, tiers: [{ name: 'daily', schedule: '0 2 * * *', rpo: '24h', targets: ['nas', 'b2'] }], default: 'daily' }));
  // Every app data set holds; the cluster state (K3s' own etcd snapshots on the server's disk) is judged apart and falls short.
  assert.deepEqual(p.rows.filter((r) => r.problems.length).map((r) => r.dataSet), ['cluster state (etcd)']);
  assert.match(p.rows.find((r) => r.kind === 'cluster-state')!.targets[0].place, /each server's disk/);
  assert.equal(p.ok, false);
});

test('backups block: references, an RPO the schedule cannot meet, assignments — errors with paths', () => {
  const base = testLab([{ name: 'vaultwarden', namespace: 'apps' }]) as Record<string, unknown>;
  const text = toYaml({
    ...base,
    backups: {
      targets,
      tiers: [{ name: 'daily', schedule: '0 2 * * *', rpo: '1h', targets: ['nas', 'tape'] }],
      assign: [{ app: 'vaultwardn', tier: 'daily' }, { node: 'k3s-1', app: 'vaultwarden', tier: 'weekly' }],
      default: 'hourly',
    },
  } as unknown as JsonValue);
  const got = checkLabText(text).issues.map((i) => `${i.code} ${formatPath(i.path)}`).sort();
  assert.deepEqual(got, [
    'invalid-combination backups.assign[1]',
    'invalid-combination backups.tiers[0].rpo',
    'unresolved-reference backups.assign[0].app',
    'unresolved-reference backups.assign[1].tier',
    'unresolved-reference backups.default',
    'unresolved-reference backups.tiers[0].targets[1]',
  ]);
});

test('hearth backup plan: example 002 (restic to the RAID tier and B2) holds; a lab without backups falls short (exit 1)', async () => {
  const ok = await hearth(['backup', 'plan', path.join(ROOT, 'examples/002-proxmox-lxc')]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /\| node postgres \(lxc\) \| daily \| `30 2 \* \* \*` \(1 d\) \| raid: host pve \(\/mnt\/backups\/restic\); b2: .*off site \| host pve \| 24h: holds \| holds \|/);
  const none = await hearth(['backup', 'plan', path.join(ROOT, 'examples/003-lima-k3s-argocd'), '--json']);
  assert.equal(none.status, 1);
  const p = JSON.parse(none.stdout);
  assert.ok(p.rows.some((r: { dataSet: string; problems: string[] }) => r.dataSet === 'vaultwarden/data' && r.problems.some((x) => /no backup/.test(x))));
  assert.ok(p.rows.some((r: { kind: string }) => r.kind === 'cluster-state'), 'K3s etcd snapshots are a data set');
});

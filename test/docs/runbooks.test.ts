/**
 * Runbooks over the five examples: seed 001's naming, which runbooks each
 * lab gets, every backed-up data set in a restore runbook, namespaces that
 * exist, sh blocks that pass `shellcheck -s sh`, no placeholders and no
 * secret values, determinism; and the backup CronJobs and restore Jobs used
 * when the rendered files hold them (fed in here, as their renderer is not
 * in this tree yet).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runbooks, runbookEntries, guestRunbookId } from '../../src/docs/runbooks.js';
import { DOC_PATHS, type DocsInput, type DocFile } from '../../src/docs/types.js';
import { exampleDocsInput, EXAMPLES } from '../helpers/docs-input.js';

const NAME = /^runbooks\/[a-z0-9-]+-(backup|restore|upgrade|troubleshooting|recovery)\.md$/;

function shBlocks(md: string): string[] {
  return [...md.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
}

function page(files: DocFile[], p: string): string {
  const f = files.find((x) => x.path === p);
  assert.ok(f, `${p} is written`);
  return f.contents;
}

test('names follow {component}-{operation}.md; the index links every runbook', async () => {
  for (const ex of EXAMPLES) {
    const input = await exampleDocsInput(ex);
    const files = runbooks(input);
    const index = page(files, DOC_PATHS.runbooksIndex);
    const pages = files.filter((f) => f.path !== DOC_PATHS.runbooksIndex);
    assert.ok(pages.length > 0, ex);
    assert.equal(new Set(files.map((f) => f.path)).size, files.length, `${ex}: unique paths`);
    for (const f of pages) {
      assert.match(f.path, NAME, `${ex}: ${f.path}`);
      assert.ok(index.includes(`](${path.posix.basename(f.path)})`), `${ex}: index links ${f.path}`);
    }
    assert.deepEqual(runbookEntries(input).map((e) => e.path), pages.map((f) => f.path));
  }
});

test('every component gets troubleshooting, every chart an upgrade, a cluster backup and recovery', async () => {
  for (const ex of EXAMPLES) {
    const input = await exampleDocsInput(ex);
    const paths = new Set(runbooks(input).map((f) => f.path));
    for (const c of input.model.components) {
      assert.ok(paths.has(DOC_PATHS.runbook(c.id, 'troubleshooting')), `${ex}: ${c.id} troubleshooting`);
      assert.equal(paths.has(DOC_PATHS.runbook(c.id, 'upgrade')), !!c.chart, `${ex}: ${c.id} upgrade iff chart`);
    }
    assert.equal(paths.has('runbooks/cluster-recovery.md'), !!input.model.cluster, ex);
    assert.equal(paths.has('runbooks/cluster-backup.md'), !!input.model.cluster, ex);
  }
});

test('every data set of the backup plan is in a restore runbook (the cluster state in cluster-recovery)', async () => {
  for (const ex of EXAMPLES) {
    const input = await exampleDocsInput(ex);
    const files = runbooks(input);
    const restores = files.filter((f) => /-(restore|recovery)\.md$/.test(f.path));
    for (const row of input.plan.rows) {
      const where = restores.filter((f) => f.contents.includes(row.dataSet)).map((f) => f.path);
      assert.ok(where.length > 0, `${ex}: ${row.dataSet} in a restore runbook`);
      const own =
        row.kind === 'guest'
          ? DOC_PATHS.runbook(guestRunbookId(input.model, row.dataSet.slice('node '.length)), 'restore')
          : row.kind === 'cluster-state'
            ? 'runbooks/cluster-recovery.md'
            : DOC_PATHS.runbook(row.dataSet.split('/')[0], 'restore');
      assert.ok(where.includes(own), `${ex}: ${row.dataSet} in ${own}`);
      // Data nothing backs up says so rather than giving steps.
      if (!row.schedule) {
        const text = page(files, own);
        const section = text.slice(text.indexOf(`## ${row.dataSet}`));
        assert.match(section.slice(0, section.indexOf('\n## ', 4) > 0 ? section.indexOf('\n## ', 4) : undefined), /nothing backs this data up/, `${ex}: ${row.dataSet}`);
      }
    }
  }
});

test('every namespace a command names exists in the lab', async () => {
  for (const ex of EXAMPLES) {
    const input = await exampleDocsInput(ex);
    const m = input.model;
    const known = new Set([...m.namespaces.map((n) => n.name), ...m.components.map((c) => c.namespace), 'kube-system']);
    if (m.gitops.engine === 'flux') known.add('flux-system');
    if (m.gitops.engine === 'argocd') known.add('argocd');
    let seen = 0;
    for (const f of runbooks(input)) {
      for (const block of shBlocks(f.contents)) {
        for (const [, ns] of block.matchAll(/(?:kubectl|helm|flux [a-z]+ [a-z]+(?: \S+)?) -n (\S+)/g)) {
          seen++;
          assert.ok(known.has(ns), `${ex} ${f.path}: namespace ${ns}`);
        }
        for (const [, ns] of block.matchAll(/--namespace[= ](\S+)/g)) assert.ok(known.has(ns), `${ex} ${f.path}: namespace ${ns}`);
      }
    }
    if (m.cluster) assert.ok(seen > 0, ex);
  }
});

const shellcheck = spawnSync('shellcheck', ['--version']).status === 0;

test('sh blocks pass shellcheck -s sh', { skip: shellcheck ? false : 'shellcheck is not installed (apt-get install -y shellcheck)' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-runbooks-'));
  try {
    for (const ex of EXAMPLES) {
      const input = await exampleDocsInput(ex);
      for (const f of runbooks(input)) {
        const blocks = shBlocks(f.contents);
        if (!blocks.length) continue;
        // One file per runbook: later blocks use variables earlier ones set, as a reader runs them in order.
        const file = path.join(dir, `${ex}-${path.posix.basename(f.path, '.md')}.sh`);
        fs.writeFileSync(file, `#!/bin/sh\n${blocks.join('\n')}`);
        const r = spawnSync('shellcheck', ['-s', 'sh', '-f', 'gcc', file], { encoding: 'utf8' });
        assert.equal(r.status, 0, `${ex} ${f.path}:\n${r.stdout}${r.stderr}`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('no placeholders where the lab has the value; deterministic', async () => {
  for (const ex of EXAMPLES) {
    const input = await exampleDocsInput(ex);
    const a = runbooks(input);
    // A copy of the files (the parsed-object cache is per array) renders the same bytes.
    const b = runbooks({ ...input, files: input.files.map((f) => ({ ...f })) });
    assert.deepEqual(b, a, ex);
    for (const f of a) {
      const text = f.contents.replace(/<!--[\s\S]*?-->/g, '');
      assert.doesNotMatch(text, /<[a-z][a-z _-]*>/i, `${ex} ${f.path}: placeholder`);
      assert.doesNotMatch(text, /undefined|\[object Object\]|NaN/, `${ex} ${f.path}`);
    }
  }
});

test('real names: hosts, nodes, snapshots, engine commands', async () => {
  const helm = runbooks(await exampleDocsInput('001-k3s-synology'));
  const rec = page(helm, 'runbooks/cluster-recovery.md');
  assert.match(rec, /sudo k3s server --cluster-reset --cluster-reset-restore-path="\$snapshot"/);
  assert.match(rec, /\/mnt\/k3s-snapshots/);
  assert.match(rec, /ssh tom@192\.168\.2\.20/);
  assert.match(rec, /scripts\/deploy-all\.sh/);
  assert.match(page(helm, 'runbooks/cluster-backup.md'), /0 \*\/12 \* \* \*[\s\S]*keeps 14/);
  const kps = page(helm, 'runbooks/kube-prometheus-stack-upgrade.md');
  const deploy = (await exampleDocsInput('001-k3s-synology')).files.find((f) => f.path === 'scripts/deploy-all.sh')!.contents;
  const block = shBlocks(kps).find((b) => b.includes('helm upgrade')) ?? '';
  const step = block.slice(block.indexOf('helm upgrade')).trimEnd().split('\n');
  assert.ok(step.length >= 3 && deploy.includes(step.join('\n')), `the upgrade step is deploy-all.sh's:\n${step.join('\n')}`);
  assert.match(page(helm, 'runbooks/paperless-troubleshooting.md'), /curl -sSI https:\/\/paperless\.home\.jetzinger\.com\//);
  assert.match(page(helm, 'runbooks/paperless-troubleshooting.md'), /kubectl -n docs get pods -l app\.kubernetes\.io\/instance=paperless/);

  const flux = runbooks(await exampleDocsInput('000-proxmox-sdn-k3s'));
  assert.match(page(flux, 'runbooks/kube-prometheus-stack-upgrade.md'), /flux reconcile kustomization infra-observability --with-source/);
  assert.match(page(flux, 'runbooks/kube-prometheus-stack-troubleshooting.md'), /flux get helmreleases -n monitoring/);
  const fluxRec = page(flux, 'runbooks/cluster-recovery.md');
  assert.match(fluxRec, /10\.10\.10\.20:5432/);
  assert.match(fluxRec, /--url https:\/\/github\.com\/example\/sdn-lab --branch main/);
  assert.match(fluxRec, /\[pgdb-restore\.md\]\(pgdb-restore\.md\)/);

  const argo = runbooks(await exampleDocsInput('003-lima-k3s-argocd'));
  assert.match(page(argo, 'runbooks/open-webui-upgrade.md'), /argocd app sync open-webui\n/);
  assert.match(page(argo, 'runbooks/vaultwarden-troubleshooting.md'), /kubectl -n security rollout status deployment\/vaultwarden-server/);
  assert.match(page(argo, 'runbooks/lm-studio-troubleshooting.md'), /points outside the cluster, at `host\.lima\.internal` \(port 1234\)/);

  const talos = runbooks(await exampleDocsInput('004-proxmox-talos-longhorn'));
  const trec = page(talos, 'runbooks/cluster-recovery.md');
  assert.match(trec, /talosctl -n 192\.168\.20\.11 bootstrap --recover-from=\.\/db\.snapshot/);
  assert.match(trec, /talosctl -n 192\.168\.20\.11 etcd snapshot/);
  assert.match(trec, /hearth bootstrap --context admin@layered/);
  const pg = page(talos, 'runbooks/postgres-restore.md');
  assert.match(pg, /ssh root@192\.168\.20\.2/);
  assert.match(pg, /qmrestore "\$archive" 332 --force 1/);
  assert.match(page(talos, 'runbooks/ollama-restore.md'), /s == "192\.168\.20\.33" && d == "tank"/);
  assert.match(page(talos, 'runbooks/ollama-vm-troubleshooting.md'), /points outside the cluster, at `192\.168\.20\.31` \(port 11434\)/);

  const lxc = runbooks(await exampleDocsInput('002-proxmox-lxc'));
  assert.match(page(lxc, 'runbooks/vaultwarden-restore.md'), /pct restore 124 "\$archive" --force 1 --storage local-lvm/);
  assert.match(page(lxc, 'runbooks/vaultwarden-backup.md'), /restic --repo \/mnt\/backups\/restic backup "\$dumpdir" --tag guest:vaultwarden --tag lab:lxc-lab --tag tier:daily/);
});

/** Example 001's rendered files, with the backup-jobs objects of one data set changed by `edit` (each YAML document in turn). */
async function example001With(edit: (doc: string, file: string) => string): Promise<DocsInput> {
  const input = await exampleDocsInput('001-k3s-synology');
  return {
    ...input,
    files: input.files.map((f) => (f.path.startsWith('applications/backups/') ? { ...f, contents: f.contents.split(/^---$/m).map((d) => edit(d, f.path)).join('---') } : f)),
  };
}

test('the rendered backup and restore CronJobs are what the runbooks run', async () => {
  const input = await exampleDocsInput('001-k3s-synology');
  const row = input.plan.rows.find((r) => r.kind === 'database' && r.tier);
  assert.ok(row, 'example 001 backs up a database in a tier');
  const files = runbooks(input);
  const backup = page(files, 'runbooks/postgresql-backup.md');
  assert.match(backup, /kubectl -n data create job --from=cronjob\/backup-postgresql-postgres "\$job"/);
  assert.match(backup, /job="backup-postgresql-postgres-manual-\$\(date \+%s\)"/);
  assert.match(backup, /snapshots --tag pg:postgres/);
  assert.match(backup, /logs -l hearth\.dev\/backup-set=postgresql-postgres/);
  assert.doesNotMatch(backup, /\*\*Manual\.\*\*/);
  const restore = page(files, 'runbooks/postgresql-restore.md');
  assert.match(restore, /kubectl -n data create job --from=cronjob\/restore-postgresql-postgres "\$job"/);
  assert.doesNotMatch(restore, /\*\*Manual\.\*\*/);
  // Every CronJob a runbook starts is rendered, in the namespace the runbook names.
  const cronjobs = new Set(input.files.flatMap((f) => [...f.contents.matchAll(/kind: CronJob\nmetadata:\n  name: (\S+)\n  namespace: (\S+)/g)].map((m) => `${m[2]}/${m[1]}`)));
  for (const f of files) for (const m of f.contents.matchAll(/kubectl -n (\S+) create job --from=cronjob\/(\S+)/g)) assert.ok(cronjobs.has(`${m[1]}/${m[2]}`), `${f.path}: ${m[1]}/${m[2]}`);

  // A volume of a chart-made claim (Vault's): the app is stopped around the restore, and Argo CD paused.
  const talos = runbooks(await exampleDocsInput('004-proxmox-talos-longhorn'));
  const vault = page(talos, 'runbooks/vault-restore.md');
  assert.match(vault, /argocd app set root --sync-policy none[\s\S]*--replicas=0[\s\S]*create job --from=cronjob\/restore-vault-data[\s\S]*argocd app set root --sync-policy automated/);
});

test('restore without a restore CronJob: a restore Job file, or manual steps', async () => {
  const noRestore = (d: string) => (/hearth\.dev\/restore-of:/.test(d) ? '' : d);
  const manual = page(runbooks(await example001With(noRestore)), 'runbooks/postgresql-restore.md');
  assert.match(manual, /\*\*Manual\.\*\* The rendered files hold backup CronJob `backup-postgresql-postgres` but no restore Job/);
  assert.match(manual, /restic --repo sftp:backup@192\.168\.2\.5:\/volume1\/backups\/restic dump --tag pg:postgres latest \/postgres\.dump/);
  assert.match(manual, /kubectl -n data exec -i statefulset\/postgresql -c postgres -- pg_restore -U postgres --clean --if-exists --no-owner --no-privileges --dbname=postgres < "\$dump"/);

  const jobFile = await example001With(noRestore);
  jobFile.files = [
    ...jobFile.files,
    {
      path: 'applications/backups/restore/restore-postgresql-postgres.yaml',
      contents: 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: restore-postgresql-postgres\n  namespace: data\n  annotations: { hearth.dev/backup-data: postgresql/postgres }\nspec: {}\n',
    },
  ];
  const byFile = page(runbooks(jobFile), 'runbooks/postgresql-restore.md');
  assert.match(byFile, /kubectl -n data delete job restore-postgresql-postgres --ignore-not-found\nkubectl create -f applications\/backups\/restore\/restore-postgresql-postgres\.yaml/);

  const none = await example001With((d) => (/kind: CronJob/.test(d) ? '' : d));
  const b = page(runbooks(none), 'runbooks/postgresql-backup.md');
  assert.match(b, /\*\*Manual\.\*\* hearth renders no backup job for this data set/);
  assert.match(b, /restic --repo \S+ backup --stdin-from-command --stdin-filename postgres\.dump --tag pg:postgres --tag lab:home-lab --tag tier:daily -- kubectl -n data exec statefulset\/postgresql -c postgres -- pg_dump/);
  assert.match(page(runbooks(none), 'runbooks/postgresql-restore.md'), /\*\*Manual\.\*\* hearth renders no backup or restore job for this data set/);
});

test('no secret values: Secret data in the rendered files and the spec\'s secrets.values never appear', async () => {
  for (const ex of EXAMPLES) {
    const base = await exampleDocsInput(ex);
    const secretValue = `s3cr3t-${ex}-do-not-print`;
    const sourceValue = `SOURCE_${ex.replace(/-/g, '_').toUpperCase()}_VALUE`;
    const spec = {
      ...base.model.spec,
      secrets: { ...base.model.spec.secrets, values: [...base.model.spec.secrets.values, { name: 'leak-check', namespace: base.model.namespaces[0]?.name ?? 'default', data: { token: { env: sourceValue } } }] },
    };
    const input: DocsInput = {
      ...base,
      model: { ...base.model, spec },
      files: [
        ...base.files,
        {
          path: 'applications/leak/secret.yaml',
          contents: `apiVersion: v1\nkind: Secret\nmetadata: { name: restic, namespace: data }\nstringData: { password: ${secretValue} }\ndata: { other: ${Buffer.from(secretValue).toString('base64')} }\n`,
        },
      ],
    };
    const all = runbooks(input).map((f) => f.contents).join('\n');
    assert.ok(!all.includes(secretValue), `${ex}: secret value`);
    assert.ok(!all.includes(Buffer.from(secretValue).toString('base64')), `${ex}: base64 secret value`);
    assert.ok(!all.includes(sourceValue), `${ex}: secrets.values source`);
    // Credentials are read from Secrets at run time, by name.
    for (const m of all.matchAll(/RESTIC_PASSWORD=(.*)/g)) assert.match(m[1], /^\$\(kubectl -n \S+ get secret \S+ -o jsonpath='\{\.data\.[^}]+\}' \| base64 -d\)$/, `${ex}: ${m[1]}`);
  }
});

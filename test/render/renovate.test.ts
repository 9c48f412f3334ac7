/**
 * Renovate must see every pin: the regex manager of the plain-Helm layout
 * matches each `helm upgrade --install` in deploy-all.sh with its chart and
 * version, and the manager file patterns of the GitOps layouts cover every
 * file holding a HelmRelease, an Application or a container image.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadLab } from '../../src/pipeline.js';
import { renderLab } from '../../src/render/index.js';
import { labDirs } from '../helpers/labs.js';

/** Renovate's `/regex/` pattern syntax → RegExp. */
function pattern(p: string): RegExp {
  const m = /^\/(.*)\/$/.exec(p);
  assert.ok(m, `${p} is a /regex/ pattern`);
  return new RegExp(m[1]);
}

for (const lab of labDirs()) {
  test(`${lab.name}: renovate.json covers every pinned chart and image`, async () => {
    const r = await loadLab(lab.dir);
    const files = renderLab(r.model!);
    const config = JSON.parse(files.find((f) => f.path === 'renovate.json')!.contents);
    const prefix = r.model!.gitops.repo?.path ? `${r.model!.gitops.repo.path}/` : '';
    const covered = (manager: string, path: string) => (config[manager]?.managerFilePatterns ?? []).map(pattern).some((re: RegExp) => re.test(prefix + path));
    const charts = r.model!.components.filter((c) => c.chart && c.chart !== undefined);
    if (r.model!.gitops.engine === 'none' && lab.cluster) {
      const script = files.find((f) => f.path === 'scripts/deploy-all.sh')!.contents;
      const re = new RegExp(config.customManagers[0].matchStrings[0], 'g');
      const found = [...script.matchAll(re)].map((m) => `${m.groups!.depName}@${m.groups!.currentValue} ${m.groups!.registryUrl}`);
      const installs = (script.match(/helm upgrade --install/g) ?? []).length;
      assert.equal(found.length, installs, 'one match per helm upgrade --install');
      for (const c of charts) if (c.chart) assert.ok(found.includes(`${c.chart.chart}@${c.chart.version} ${c.chart.repo}`), `${c.id} is tracked`);
    }
    for (const f of files.filter((x) => x.path.endsWith('/cni/install-cni.sh'))) {
      const m = config.customManagers.find((c: { managerFilePatterns: string[] }) => c.managerFilePatterns.some((p) => pattern(p).test(prefix + f.path)));
      assert.ok(m, `${f.path} is read by a regex manager`);
      const found = [...f.contents.matchAll(new RegExp(m.matchStrings[0], 'g'))];
      assert.equal(found.length, (f.contents.match(/^\s*(h|helm) upgrade --install/gm) ?? []).length, 'every chart install is tracked');
      assert.ok(found.length > 0);
    }
    for (const f of files) {
      if (/kind: (HelmRelease|HelmRepository)\n/.test(f.contents)) assert.ok(covered('flux', f.path), `${f.path} is read by the flux manager`);
      if (/kind: Application\n/.test(f.contents)) assert.ok(covered('argocd', f.path), `${f.path} is read by the argocd manager`);
      if (/^\s+image: /m.test(f.contents)) assert.ok(covered('kubernetes', f.path), `${f.path} is read by the kubernetes manager`);
    }
  });
}

/**
 * The CNI bootstrap: `<root>/cni/values.yaml` and `<root>/cni/install-cni.sh`.
 *
 * Oracles: shellcheck and `bash -n` on every variant of the script (Talos/K3s
 * x Cilium/Calico x Flux/Argo CD/plain Helm); the script runs for real against
 * stand-in `kubectl` and `helm` that record each call, so the tests see the
 * exact Helm commands (chart, --version, --namespace, --values, --wait), the
 * context they target and that a second run repeats the same upgrade; the
 * values file is parsed back and compared with the GitOps release's values
 * minus the documented GitOps-only keys.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import cilium, { CILIUM_GITOPS_ONLY, cniValues as ciliumValues } from '../../src/catalog/platform/cilium.js';
import calico, { calicoCrds, cniValues as calicoValues } from '../../src/catalog/platform/calico.js';
import { renderCni } from '../../src/render/infra/cni.js';
import { infraRoot } from '../../src/render/infra/index.js';
import type { RenderedFile } from '../../src/render/files.js';
import type { LabInput } from '../../src/spec/schema.js';
import type { LabModel } from '../../src/model/types.js';
import { testLab, renderWith, objects } from '../helpers/module-harness.js';
import { writeFiles, shellcheck, bashN } from '../helpers/infra-oracles.js';

type Engine = 'flux' | 'argocd' | 'none';

function gitops(engine: Engine): LabInput['gitops'] {
  return engine === 'none' ? { engine } : { engine, repo: { url: 'https://github.com/example/test-lab' } };
}

function talosInput(cni: 'cilium' | 'calico' | 'flannel', engine: Engine = 'flux'): LabInput {
  return testLab([], {
    hosts: [{ name: 'pve', role: 'hypervisor', platform: 'proxmox', cpu: 16, memory: '64Gi', ip: '192.168.1.2', proxmox: { datastore: 'local-zfs', snippets: 'local', bridge: 'vmbr0' } }],
    nodes: [
      { name: 'talos-cp-1', kind: 'vm', host: 'pve', cpu: 4, memory: '8Gi', disk: '64Gi', ip: '192.168.1.21', vm: { id: 201 } },
      { name: 'talos-worker-1', kind: 'vm', host: 'pve', cpu: 8, memory: '24Gi', disk: '64Gi', ip: '192.168.1.22', vm: { id: 202 } },
    ],
    cluster: { name: 'homelab', distribution: 'talos', controlPlane: ['talos-cp-1'], workers: ['talos-worker-1'], cni, vip: '192.168.1.20' },
    gitops: gitops(engine),
  });
}

function k3sInput(cni: 'cilium' | 'calico' | 'flannel', engine: Engine = 'flux'): LabInput {
  return testLab([], {
    cluster: { name: 'test', distribution: 'k3s', controlPlane: ['k3s-1'], workers: ['gpu-1'], cni },
    gitops: gitops(engine),
  });
}

interface Rendered {
  model: LabModel;
  root: string;
  cni: RenderedFile[];
  all: RenderedFile[];
}

function render(input: LabInput): Rendered {
  const r = renderWith([cilium, calico, calicoCrds], input);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), [], 'the test lab is valid');
  const root = infraRoot(r.model!);
  return { model: r.model!, root, cni: renderCni(r.model!, root), all: r.files };
}

function file(files: RenderedFile[], p: string): RenderedFile {
  const f = files.find((x) => x.path === p);
  assert.ok(f, `${p} is rendered (have: ${files.map((x) => x.path).join(', ')})`);
  return f;
}

function valuesOf(files: RenderedFile[], root: string): any {
  const docs = parseAllDocuments(file(files, `${root}/cni/values.yaml`).contents);
  assert.equal(docs.length, 1);
  assert.deepEqual(docs[0].errors, []);
  return docs[0].toJS();
}

/** A copy of `values` without the given key paths; parents left empty by a removal go too. */
function without(values: any, paths: readonly (readonly string[])[]): any {
  const out = structuredClone(values);
  for (const p of paths) {
    const parents: any[] = [out];
    for (const k of p.slice(0, -1)) parents.push(parents[parents.length - 1]?.[k]);
    const last = parents[parents.length - 1];
    if (!last) continue;
    delete last[p[p.length - 1]];
    for (let i = p.length - 1; i > 0; i--) {
      if (Object.keys(parents[i]).length === 0) delete parents[i - 1][p[i - 1]];
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Stand-ins for kubectl and helm: each call is appended to $FAKE_LOG as one line
// (`kubectl|helm <args>`, with KUBECONFIG when set). kubectl answers the calls the
// script makes: contexts from $FAKE_CONTEXTS, node lookups fail when $FAKE_NO_NODE
// is set, and a namespace exists once `create namespace` ran ($FAKE_STATE).
const FAKE_KUBECTL = `#!/usr/bin/env bash
printf 'kubectl %s%s\\n' "$*" "\${KUBECONFIG:+ [KUBECONFIG=$KUBECONFIG]}" >>"$FAKE_LOG"
args=" $* "
case "$args" in
  *" config get-contexts -o name "*) printf '%s\\n' $FAKE_CONTEXTS ;;
  *" config current-context "*) echo current ;;
  *" get node "*) [ -z "\${FAKE_NO_NODE:-}" ] ;;
  *" get namespace "*) [ -e "$FAKE_STATE/ns-\${*: -1}" ] ;;
  *" create namespace "*) touch "$FAKE_STATE/ns-\${*: -1}" ;;
esac
`;
const FAKE_HELM = `#!/usr/bin/env bash
printf 'helm %s\\n' "$*" >>"$FAKE_LOG"
`;

interface Run {
  status: number;
  stdout: string;
  stderr: string;
  calls: string[];
}

/** Write the files and the stand-ins; return a function running install-cni.sh (possibly several times). */
function harness(files: RenderedFile[], root: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-cni-'));
  writeFiles(files, path.join(dir, 'repo'));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'kubectl'), FAKE_KUBECTL, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'helm'), FAKE_HELM, { mode: 0o755 });
  const home = path.join(dir, 'home');
  const state = path.join(dir, 'state');
  fs.mkdirSync(home);
  fs.mkdirSync(state);
  const script = path.join(dir, 'repo', root, 'cni', 'install-cni.sh');
  const run = (env: Record<string, string> = {}): Run => {
    const log = path.join(dir, `log-${Math.random().toString(36).slice(2)}`);
    fs.writeFileSync(log, '');
    const base: Record<string, string> = { PATH: `${bin}:${process.env.PATH}`, HOME: home, FAKE_LOG: log, FAKE_STATE: state, FAKE_CONTEXTS: '' };
    const r = spawnSync('bash', [script], { env: { ...base, ...env }, encoding: 'utf8', timeout: 30_000 });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, calls: fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) };
  };
  return { dir, script, home, run, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

// ---------------------------------------------------------------------------

test('no bootstrap files without a CNI to install (Flannel comes with K3s and Talos)', () => {
  assert.deepEqual(render(k3sInput('flannel')).cni, []);
  assert.deepEqual(render(talosInput('flannel')).cni, []);
});

test('Cilium on Talos: values.yaml = the GitOps values minus the ServiceMonitors; the script installs kube-system/cilium', () => {
  const { model, root, cni, all } = render(talosInput('cilium'));
  assert.equal(root, 'infra');
  assert.deepEqual(cni.map((f) => [f.path, f.executable ?? false]), [
    ['infra/cni/install-cni.sh', true],
    ['infra/cni/values.yaml', false],
  ]);
  const values = valuesOf(cni, root);
  assert.deepEqual(values, ciliumValues(model));
  assert.equal(JSON.stringify(values).includes('serviceMonitor'), false, 'no ServiceMonitor before its CRD exists');
  const hr = objects(all).find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'cilium')!;
  assert.deepEqual(CILIUM_GITOPS_ONLY, [['prometheus', 'serviceMonitor'], ['operator', 'prometheus', 'serviceMonitor']]);
  assert.notDeepEqual(hr.spec.values, values, 'GitOps adds the ServiceMonitors');
  assert.deepEqual(without(hr.spec.values, CILIUM_GITOPS_ONLY), values);
  assert.equal(values.kubeProxyReplacement, true);
  assert.equal(values.k8sServicePort, 7445);

  const sh = file(cni, 'infra/cni/install-cni.sh').contents;
  assert.ok(sh.startsWith('#!/usr/bin/env bash\n# Generated by hearth. Do not edit'));
  assert.match(sh, /^set -euo pipefail$/m);
  assert.match(sh, /talhelper gencommand bootstrap \| bash/);
  assert.match(sh, /infrastructure\/networking\/cilium\/helmrelease\.yaml/, 'says which HelmRelease takes over');
  assert.match(sh, /# renovate: datasource=helm depName=cilium registryUrl=https:\/\/helm\.cilium\.io\//);
});

test('Calico on K3s: values.yaml = the GitOps values exactly; CRD chart, then the operator', () => {
  const { model, root, cni, all } = render(k3sInput('calico'));
  const values = valuesOf(cni, root);
  assert.equal(values.installation.calicoNetwork.ipPools[0].cidr, '10.42.0.0/16');
  assert.deepEqual(values, calicoValues(model));
  const hr = objects(all).find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'calico')!;
  assert.deepEqual(hr.spec.values, values);
  const sh = file(cni, 'infra/cni/install-cni.sh').contents;
  assert.match(sh, /install-master\.sh and \.\.\/k3s\/kubeconfig-setup\.sh/);
  assert.match(sh, /infrastructure\/crds\/calico-crds\/helmrelease\.yaml/);
  assert.match(sh, /infrastructure\/networking\/calico\/helmrelease\.yaml/);
});

test('every variant passes bash -n and shellcheck', () => {
  const variants: [string, LabInput][] = [];
  for (const engine of ['flux', 'argocd', 'none'] as const) {
    for (const cni of ['cilium', 'calico'] as const) {
      variants.push([`talos-${cni}-${engine}`, talosInput(cni, engine)], [`k3s-${cni}-${engine}`, k3sInput(cni, engine)]);
    }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-cni-lint-'));
  try {
    const scripts: string[] = [];
    for (const [name, input] of variants) {
      const { cni } = render(input);
      writeFiles(cni, path.join(dir, name));
      const s = cni.find((f) => f.path.endsWith('install-cni.sh'))!;
      const p = path.join(dir, name, s.path);
      assert.equal(fs.statSync(p).mode & 0o111, 0o111, `${name}: executable`);
      bashN(p);
      scripts.push(p);
    }
    assert.equal(scripts.length, 12);
    shellcheck(scripts);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the takeover note names each engine\'s file', () => {
  const argo = file(render(talosInput('cilium', 'argocd')).cni, 'infra/cni/install-cni.sh').contents;
  assert.match(argo, /Argo CD takes over afterwards/);
  assert.match(argo, /kube-system\/cilium: argocd\/apps\/cilium\.yaml/);
  const helm = render(k3sInput('calico', 'none'));
  assert.equal(helm.root, 'infrastructure');
  const sh = file(helm.cni, 'infrastructure/cni/install-cni.sh').contents;
  assert.match(sh, /scripts\/deploy-all\.sh upgrades the same releases afterwards/);
  assert.match(sh, /tigera-operator\/calico: infrastructure\/calico\/values-homelab\.yaml/);
  assert.ok(helm.all.some((f) => f.path === 'infrastructure/calico/values-homelab.yaml'), 'the path the note names exists');
  assert.match(sh, /Next: \.\.\/k3s\/install-worker\.sh \(agents get the CNI from its DaemonSet\), then scripts\/deploy-all\.sh\./);
});

test('install-cni.sh (Cilium, Talos) runs: waits for the API and the first node, helm upgrade --install with the pinned chart, waits for Ready nodes; a second run does the same', () => {
  const { root, cni } = render(talosInput('cilium'));
  const h = harness(cni, root);
  try {
    const values = path.join(h.dir, 'repo', root, 'cni', 'values.yaml');
    const first = h.run({ FAKE_CONTEXTS: 'kind-other admin@homelab' });
    assert.equal(first.status, 0, first.stderr);
    const expected = [
      'kubectl config get-contexts -o name',
      'kubectl --context admin@homelab get --raw=/readyz',
      'kubectl --context admin@homelab get node talos-cp-1',
      'helm repo add --force-update cilium https://helm.cilium.io/',
      `helm --kube-context admin@homelab upgrade --install cilium cilium/cilium --version 1.20.2 --namespace kube-system --values ${values} --wait --timeout 15m`,
      'kubectl --context admin@homelab wait --for=condition=Ready nodes --all --timeout=15m',
      'kubectl --context admin@homelab get nodes -o wide',
    ];
    assert.deepEqual(first.calls, expected);
    assert.match(first.stdout, /==> Cluster homelab, context admin@homelab/);
    assert.match(first.stdout, /==> Cilium: helm upgrade --install cilium cilium\/cilium --namespace kube-system/);
    assert.match(first.stdout, /Cilium is running\. Next: bootstrap the GitOps engine\./);
    // Idempotent: the second run is the same upgrade with the same values.
    const second = h.run({ FAKE_CONTEXTS: 'kind-other admin@homelab' });
    assert.equal(second.status, 0, second.stderr);
    assert.deepEqual(second.calls, expected);

    // KUBE_CONTEXT wins over the default context name.
    const chosen = h.run({ FAKE_CONTEXTS: 'admin@homelab', KUBE_CONTEXT: 'lab' });
    assert.equal(chosen.status, 0, chosen.stderr);
    assert.ok(chosen.calls.includes(`helm --kube-context lab upgrade --install cilium cilium/cilium --version 1.20.2 --namespace kube-system --values ${values} --wait --timeout 15m`));
    // Without the context in the kubeconfig: the current context, no --context flag.
    const current = h.run();
    assert.equal(current.status, 0, current.stderr);
    assert.ok(current.calls.includes('kubectl get node talos-cp-1'));
    assert.match(current.stdout, /context current/);
  } finally {
    h.cleanup();
  }
});

test('install-cni.sh stops before Helm when the first node is not in the cluster (wrong context)', () => {
  const { root, cni } = render(talosInput('cilium'));
  const h = harness(cni, root);
  try {
    const r = h.run({ FAKE_NO_NODE: '1', CNI_WAIT_ATTEMPTS: '1' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /node talos-cp-1 is not in this cluster/);
    assert.equal(r.calls.some((c) => c.startsWith('helm')), false, 'nothing installed');
  } finally {
    h.cleanup();
  }
});

test('install-cni.sh (Calico, K3s) runs: the K3s kubeconfig, the privileged namespace once, the CRD release then the operator release', () => {
  const { root, cni } = render(k3sInput('calico'));
  const h = harness(cni, root);
  try {
    const kubeconfig = path.join(h.home, '.kube', 'test.yaml');
    fs.mkdirSync(path.dirname(kubeconfig));
    fs.writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n');
    const values = path.join(h.dir, 'repo', root, 'cni', 'values.yaml');
    const k = (args: string) => `kubectl --context test ${args} [KUBECONFIG=${kubeconfig}]`;
    const helmInstalls = [
      'helm --kube-context test upgrade --install calico-crds projectcalico/crd.projectcalico.org.v1 --version v3.33.1 --namespace tigera-operator --wait --timeout 15m',
      `helm --kube-context test upgrade --install calico projectcalico/tigera-operator --version v3.33.1 --namespace tigera-operator --values ${values} --wait --timeout 15m`,
    ];
    const first = h.run({ FAKE_CONTEXTS: 'test' });
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual(first.calls, [
      `kubectl config get-contexts -o name [KUBECONFIG=${kubeconfig}]`,
      k('get --raw=/readyz'),
      k('get node k3s-1'),
      'helm repo add --force-update projectcalico https://docs.tigera.io/calico/charts',
      k('get namespace tigera-operator'),
      k('create namespace tigera-operator'),
      k('label namespace tigera-operator pod-security.kubernetes.io/enforce=privileged --overwrite'),
      ...helmInstalls,
      k('wait --for=condition=Ready nodes --all --timeout=15m'),
      k('get nodes -o wide'),
    ]);
    // Second run: the namespace exists, so it is only labelled again; the same upgrades follow.
    const second = h.run({ FAKE_CONTEXTS: 'test' });
    assert.equal(second.status, 0, second.stderr);
    assert.equal(second.calls.some((c) => c.includes('create namespace')), false);
    assert.ok(second.calls.includes(k('label namespace tigera-operator pod-security.kubernetes.io/enforce=privileged --overwrite')));
    assert.deepEqual(second.calls.filter((c) => c.includes('upgrade --install')), helmInstalls);
    // An explicit KUBECONFIG is kept.
    const own = h.run({ FAKE_CONTEXTS: 'test', KUBECONFIG: '/elsewhere/config' });
    assert.ok(own.calls.every((c) => !c.startsWith('kubectl') || c.endsWith('[KUBECONFIG=/elsewhere/config]')), own.calls.join('\n'));
  } finally {
    h.cleanup();
  }
});

test('the values file is what the module computes, for every CNI and distribution', () => {
  for (const [input, fn] of [
    [talosInput('cilium'), ciliumValues],
    [k3sInput('cilium'), ciliumValues],
    [talosInput('calico'), calicoValues],
    [k3sInput('calico'), calicoValues],
  ] as const) {
    const { model, root, cni } = render(input);
    const text = file(cni, `${root}/cni/values.yaml`).contents;
    assert.ok(text.startsWith('# Generated by hearth. Do not edit'));
    assert.deepEqual(parse(text), fn(model));
  }
});

test('the kubectl and helm stand-ins are valid bash (a failing run is the script\'s fault)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-cni-fakes-'));
  try {
    fs.writeFileSync(path.join(dir, 'kubectl'), FAKE_KUBECTL);
    fs.writeFileSync(path.join(dir, 'helm'), FAKE_HELM);
    for (const f of ['kubectl', 'helm']) execFileSync('bash', ['-n', path.join(dir, f)]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

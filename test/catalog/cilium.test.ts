/**
 * The cilium platform module: deployed when cluster.cni is cilium, with the
 * Talos values of Talos' Cilium guide (kube-proxy replacement through
 * KubePrism, capabilities without SYS_MODULE, Talos' own cgroup mount) or the
 * K3s values (kube-proxy kept, cluster-pool IPAM on the K3s pod CIDR).
 * Oracles: the schema + strict pass over every rendered object and
 * `kubectl kustomize` over every kustomization; the Talos renderer's patch is
 * cross-checked (no kube-proxy exactly when Cilium replaces it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import cilium, {
  CILIUM_CHART,
  DEFAULT_POD_CIDR,
  TALOS_CAPABILITIES,
  cniValues,
  gitopsOnlyValues,
  podCidrOf,
} from '../../src/catalog/platform/cilium.js';
import { TALOS_POD_CIDR, renderTalos } from '../../src/render/infra/talos.js';
import { infraRoot } from '../../src/render/infra/index.js';
import type { LabInput } from '../../src/spec/schema.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll, type ModuleLab } from '../helpers/module-harness.js';

/** Seed 004's shape: Talos on Proxmox VMs, a control plane and a worker, Cilium. */
function talosLab(extra: Partial<LabInput> = {}, cluster: Record<string, unknown> = {}): LabInput {
  return testLab([], {
    hosts: [
      {
        name: 'pve', role: 'hypervisor', platform: 'proxmox', cpu: 16, memory: '64Gi', ip: '192.168.1.2',
        proxmox: { datastore: 'local-zfs', snippets: 'local', bridge: 'vmbr0' },
      },
    ],
    nodes: [
      { name: 'talos-cp-1', kind: 'vm', host: 'pve', cpu: 4, memory: '8Gi', disk: '64Gi', ip: '192.168.1.21', vm: { id: 201 } },
      { name: 'talos-worker-1', kind: 'vm', host: 'pve', cpu: 8, memory: '24Gi', disk: '64Gi', ip: '192.168.1.22', vm: { id: 202 } },
    ],
    cluster: {
      name: 'homelab', distribution: 'talos', controlPlane: ['talos-cp-1'], workers: ['talos-worker-1'], cni: 'cilium', vip: '192.168.1.20',
      ...cluster,
    } as LabInput['cluster'],
    ...extra,
  });
}

/** The test harness's K3s lab (a server and a GPU agent) with Cilium. */
function k3sLab(cluster: Record<string, unknown> = {}, extra: Partial<LabInput> = {}): LabInput {
  return testLab([], {
    cluster: { name: 'test', distribution: 'k3s', controlPlane: ['k3s-1'], workers: ['gpu-1'], cni: 'cilium', ...cluster } as LabInput['cluster'],
    ...extra,
  });
}

function render(input: LabInput): ModuleLab {
  const r = renderWith([cilium], input);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), [], 'the test lab is valid');
  return r;
}

function release(r: ModuleLab): any {
  const hr = objects(r.files).find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'cilium');
  assert.ok(hr, 'a HelmRelease for cilium is rendered');
  return hr;
}

test('cilium on Talos (seed 004): Talos guide values, kube-system release, ServiceMonitors in GitOps; passes the oracles', async () => {
  const r = render(talosLab());
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);

  const repo = objects(r.files).find((o) => o.kind === 'HelmRepository' && o.metadata.name === 'cilium')!;
  assert.equal(repo.spec.url, 'https://helm.cilium.io/');
  const hr = release(r);
  assert.equal(hr.metadata.namespace, 'kube-system');
  assert.equal(hr.spec.releaseName, 'cilium', 'the bootstrap script installs release "cilium": GitOps must use the same name');
  assert.equal(hr.spec.chart.spec.chart, 'cilium');
  assert.equal(hr.spec.chart.spec.version, '1.20.2');
  assert.equal(CILIUM_CHART.version, '1.20.2');
  assert.deepEqual(hr.spec.dependsOn, [{ name: 'prometheus-operator-crds', namespace: 'monitoring' }]);
  assert.ok(r.files.some((f) => f.path === 'infrastructure/networking/cilium/helmrelease.yaml'), 'networking layer');

  const v = hr.spec.values;
  assert.equal(v.kubeProxyReplacement, true);
  assert.equal(v.k8sServiceHost, 'localhost');
  assert.equal(v.k8sServicePort, 7445);
  assert.deepEqual(v.ipam, { mode: 'kubernetes' });
  assert.deepEqual(v.securityContext.capabilities.ciliumAgent, [
    'CHOWN', 'KILL', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'SYS_ADMIN', 'SYS_RESOURCE', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID',
  ]);
  assert.deepEqual(v.securityContext.capabilities.cleanCiliumState, ['NET_ADMIN', 'SYS_ADMIN', 'SYS_RESOURCE']);
  for (const caps of Object.values(TALOS_CAPABILITIES)) assert.ok(!(caps as readonly string[]).includes('SYS_MODULE'), 'Talos never grants SYS_MODULE');
  assert.deepEqual(v.cgroup, { autoMount: { enabled: false }, hostRoot: '/sys/fs/cgroup' });
  assert.equal(v.operator.replicas, 2, 'two nodes: two operator replicas');
  assert.equal(v.hubble.enabled, true);
  assert.equal(v.hubble.relay.enabled, false);
  assert.equal(v.hubble.ui.enabled, false);
  assert.equal(v.hubble.tls.auto.method, 'cronJob');
  assert.deepEqual(v.prometheus, { enabled: true, serviceMonitor: { enabled: true } });
  assert.deepEqual(v.operator.prometheus, { serviceMonitor: { enabled: true } });

  // The Talos renderer drops kube-proxy exactly because Cilium replaces it.
  const talos = renderTalos(r.model!, infraRoot(r.model!));
  const patch = parse(talos.find((f) => f.path.endsWith('patches/cluster-network.yaml'))!.contents);
  assert.deepEqual(patch.cluster, { network: { cni: { name: 'none' } }, proxy: { disabled: true } });
});

test('cilium on K3s: kube-proxy kept, cluster-pool IPAM on the K3s pod CIDR, no Talos keys', async () => {
  const r = render(k3sLab());
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const v = release(r).spec.values;
  assert.equal(v.kubeProxyReplacement, false);
  assert.deepEqual(v.ipam, { mode: 'cluster-pool', operator: { clusterPoolIPv4PodCIDRList: ['10.42.0.0/16'] } });
  for (const key of ['k8sServiceHost', 'k8sServicePort', 'securityContext', 'cgroup']) assert.equal(key in v, false, `${key} is Talos-only`);
  assert.equal(v.operator.replicas, 2);

  // cluster.podCidr wins over the K3s default.
  const custom = render(k3sLab({ podCidr: '10.100.0.0/16' }));
  assert.deepEqual(release(custom).spec.values.ipam.operator.clusterPoolIPv4PodCIDRList, ['10.100.0.0/16']);
  assert.equal(podCidrOf(custom.model!), '10.100.0.0/16');
});

test('cilium: one node runs one operator replica (the operator pods refuse to share a node)', () => {
  const r = render(
    testLab([], {
      nodes: [{ name: 'k3s-1', kind: 'vm', host: 'pve', cpu: 4, memory: '16Gi', ip: '192.168.1.20' }],
      cluster: { name: 'test', distribution: 'k3s', controlPlane: ['k3s-1'], cni: 'cilium' },
    }),
  );
  assert.equal(release(r).spec.values.operator.replicas, 1);
});

test('cilium without Prometheus: no ServiceMonitors, no metrics endpoint, no CRD dependency', async () => {
  const r = render(talosLab({ observability: { metrics: { enabled: false } } } as Partial<LabInput>));
  assert.deepEqual(await schemaErrors(r.files), []);
  const hr = release(r);
  assert.deepEqual(hr.spec.values.prometheus, { enabled: false });
  assert.equal(hr.spec.values.operator.prometheus, undefined);
  assert.equal(hr.spec.dependsOn, undefined);
  assert.deepEqual(gitopsOnlyValues(r.model!), {});
  assert.equal(JSON.stringify(hr.spec.values).includes('serviceMonitor'), false);
});

test('cilium is deployed only when cluster.cni is cilium', () => {
  for (const cni of ['flannel', 'calico', undefined] as const) {
    const r = render(k3sLab({ cni }));
    assert.equal(objects(r.files).some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'cilium'), false, `cni ${cni}`);
    assert.equal(r.model!.components.some((c) => c.id === 'cilium'), false, `cni ${cni}`);
  }
});

test('cilium: the bootstrap values are the GitOps values without the ServiceMonitors', () => {
  const r = render(talosLab());
  const boot = cniValues(r.model!);
  assert.equal(JSON.stringify(boot).includes('serviceMonitor'), false, 'no ServiceMonitor at bootstrap: its CRD does not exist yet');
  const v = release(r).spec.values;
  // Every bootstrap value is in the GitOps values, unchanged.
  const flat = (o: any, pre = ''): [string, unknown][] =>
    Object.entries(o).flatMap(([k, x]) => (x && typeof x === 'object' && !Array.isArray(x) ? flat(x, `${pre}${k}.`) : [[`${pre}${k}`, x]]));
  const gitops = new Map(flat(v));
  for (const [k, x] of flat(boot)) assert.deepEqual(gitops.get(k), x, k);
  // ...and the GitOps values add exactly the two ServiceMonitor switches.
  const added = [...gitops.keys()].filter((k) => !flat(boot).some(([b]) => b === k));
  assert.deepEqual(added.sort(), ['operator.prometheus.serviceMonitor.enabled', 'prometheus.serviceMonitor.enabled']);
});

test('cilium: Argo CD and plain Helm keep the same release name and namespace', () => {
  const argo = render(talosLab({ gitops: { engine: 'argocd', repo: { url: 'https://github.com/example/test-lab' } } }));
  const app = objects(argo.files).find((o) => o.kind === 'Application' && o.metadata.name === 'cilium')!;
  assert.equal(app.spec.source.helm.releaseName, 'cilium');
  assert.equal(app.spec.source.chart, 'cilium');
  assert.equal(app.spec.source.targetRevision, '1.20.2');
  assert.equal(app.spec.destination.namespace, 'kube-system');

  const helm = render(talosLab({ gitops: { engine: 'none' } }));
  const deploy = helm.files.find((f) => f.path === 'scripts/deploy-all.sh')!.contents;
  assert.match(deploy, /helm upgrade --install cilium cilium\/cilium \\\n {2}--version 1\.20\.2 \\\n {2}--namespace kube-system \\\n {2}-f infrastructure\/cilium\/values-homelab\.yaml/);
});

test('cilium: default pod CIDRs match the distributions (and the Talos renderer)', () => {
  assert.equal(DEFAULT_POD_CIDR.talos, TALOS_POD_CIDR);
  assert.equal(DEFAULT_POD_CIDR.k3s, '10.42.0.0/16');
  assert.equal(podCidrOf(render(talosLab()).model!), '10.244.0.0/16');
});

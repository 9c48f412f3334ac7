/**
 * The calico and calico-crds platform modules: deployed when cluster.cni is
 * calico, as the two releases of Calico's Helm guide since v3.32 (the CRD
 * chart in the crds layer, the Tigera operator chart in the networking layer),
 * with an IPv4 pool on the cluster's pod CIDR, VXLAN across subnets only, NAT
 * for outgoing traffic and no BGP from Calico (MetalLB peers over BGP in seed 000).
 * Oracles: the schema + strict pass over every rendered object and
 * `kubectl kustomize` over every kustomization.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import calico, {
  calicoCrds,
  CALICO_CHART,
  CALICO_CRDS_CHART,
  CALICO_VERSION,
  CALICO_GITOPS_ONLY,
  cniValues,
} from '../../src/catalog/platform/calico.js';
import type { LabInput } from '../../src/spec/schema.js';
import { testLab, renderWith, objects, schemaErrors, kustomizeAll, type ModuleLab } from '../helpers/module-harness.js';

/** Seed 000's shape: K3s, MetalLB announcing the pool over BGP, Calico. */
function k3sLab(cluster: Record<string, unknown> = {}, extra: Partial<LabInput> = {}): LabInput {
  return testLab([], {
    cluster: { name: 'test', distribution: 'k3s', controlPlane: ['k3s-1'], workers: ['gpu-1'], cni: 'calico', ...cluster } as LabInput['cluster'],
    network: {
      cidr: '192.168.1.0/24', gateway: '192.168.1.1', policy: 'default-deny',
      loadBalancer: { mode: 'bgp', pool: '192.168.1.200-192.168.1.220', bgp: { myAsn: 65010, peers: [{ address: '192.168.1.1', asn: 65000 }] } },
    },
    ...extra,
  });
}

function talosLab(cluster: Record<string, unknown> = {}): LabInput {
  return testLab([], {
    hosts: [{ name: 'pve', role: 'hypervisor', platform: 'proxmox', cpu: 16, memory: '64Gi', ip: '192.168.1.2', proxmox: { datastore: 'local-zfs', snippets: 'local', bridge: 'vmbr0' } }],
    nodes: [{ name: 'talos-cp-1', kind: 'vm', host: 'pve', cpu: 4, memory: '8Gi', disk: '64Gi', ip: '192.168.1.21', vm: { id: 201 } }],
    cluster: { name: 'homelab', distribution: 'talos', controlPlane: ['talos-cp-1'], cni: 'calico', ...cluster } as LabInput['cluster'],
  });
}

function render(input: LabInput): ModuleLab {
  const r = renderWith([calico, calicoCrds], input);
  assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), [], 'the test lab is valid');
  return r;
}

function release(r: ModuleLab, name: string): any {
  const hr = objects(r.files).find((o) => o.kind === 'HelmRelease' && o.metadata.name === name);
  assert.ok(hr, `a HelmRelease ${name} is rendered`);
  return hr;
}

test('calico on K3s (seed 000): CRD chart first, then the Tigera operator with the pool; passes the oracles', async () => {
  const r = render(k3sLab());
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);

  const repo = objects(r.files).find((o) => o.kind === 'HelmRepository' && o.metadata.name === 'projectcalico')!;
  assert.equal(repo.spec.url, 'https://docs.tigera.io/calico/charts');

  const crds = release(r, 'calico-crds');
  assert.equal(crds.metadata.namespace, 'tigera-operator');
  assert.equal(crds.spec.releaseName, 'calico-crds');
  assert.equal(crds.spec.chart.spec.chart, 'crd.projectcalico.org.v1');
  assert.equal(crds.spec.chart.spec.version, 'v3.33.1');
  assert.ok(r.files.some((f) => f.path === 'infrastructure/crds/calico-crds/helmrelease.yaml'), 'crds layer');

  const op = release(r, 'calico');
  assert.equal(op.metadata.namespace, 'tigera-operator');
  assert.equal(op.spec.releaseName, 'calico');
  assert.equal(op.spec.chart.spec.chart, 'tigera-operator');
  assert.equal(op.spec.chart.spec.version, 'v3.33.1');
  assert.deepEqual(op.spec.dependsOn, [{ name: 'calico-crds', namespace: 'tigera-operator' }]);
  assert.ok(r.files.some((f) => f.path === 'infrastructure/networking/calico/helmrelease.yaml'), 'networking layer');
  // The Flux Kustomization of the networking layer waits for the crds layer.
  const ks = objects(r.files).filter((o) => o.kind === 'Kustomization' && o.apiVersion.startsWith('kustomize.toolkit'));
  const names = ks.map((k) => k.metadata.name);
  assert.ok(names.indexOf('infra-crds') >= 0 && names.indexOf('infra-crds') < names.indexOf('infra-networking'), names.join(', '));

  // The operator's namespace exists before either release.
  const ns = objects(r.files).find((o) => o.kind === 'Namespace' && o.metadata.name === 'tigera-operator');
  assert.ok(ns, 'the tigera-operator namespace is rendered');

  const v = op.spec.values;
  assert.deepEqual(v.installation.calicoNetwork, {
    bgp: 'Disabled',
    linuxDataplane: 'Iptables',
    containerIPForwarding: 'Enabled',
    ipPools: [
      { name: 'default-ipv4-ippool', cidr: '10.42.0.0/16', blockSize: 26, encapsulation: 'VXLANCrossSubnet', natOutgoing: 'Enabled', nodeSelector: 'all()' },
    ],
  });
  assert.equal('kubernetesProvider' in v.installation, false, 'K3s is not a provider value: let the operator detect');
  assert.equal(v.installation.kubeletVolumePluginPath, 'None');
  assert.equal(v.installation.controlPlaneReplicas, 2);
  assert.deepEqual([v.apiServer.enabled, v.goldmane.enabled, v.whisker.enabled], [false, false, false]);
  assert.equal(JSON.stringify(v).includes('serviceMonitor'), false);
  assert.deepEqual(v, cniValues(r.model!), 'GitOps values = bootstrap values');
  assert.deepEqual(CALICO_GITOPS_ONLY, []);

  // MetalLB still does the BGP peering.
  const peer = objects(r.files).find((o) => o.kind === 'BGPPeer');
  assert.equal(peer?.spec.peerASN, 65000);
});

test('calico on K3s: cluster.podCidr is the pool', () => {
  const r = render(k3sLab({ podCidr: '10.100.0.0/16' }));
  assert.equal(release(r, 'calico').spec.values.installation.calicoNetwork.ipPools[0].cidr, '10.100.0.0/16');
});

test('calico on Talos: the Talos pod CIDR, no K3s-only IP forwarding, one control-plane replica on one node', async () => {
  const r = render(talosLab());
  assert.deepEqual(await schemaErrors(r.files), []);
  kustomizeAll(r.files);
  const inst = release(r, 'calico').spec.values.installation;
  assert.equal(inst.calicoNetwork.ipPools[0].cidr, '10.244.0.0/16');
  assert.equal(inst.calicoNetwork.ipPools[0].encapsulation, 'VXLANCrossSubnet');
  assert.equal(inst.calicoNetwork.bgp, 'Disabled');
  assert.equal('containerIPForwarding' in inst.calicoNetwork, false);
  assert.equal(inst.controlPlaneReplicas, 1);
});

test('calico: both charts are pinned to the same Calico release', () => {
  assert.equal(CALICO_VERSION, 'v3.33.1');
  assert.equal(CALICO_CHART.version, CALICO_CRDS_CHART.version);
  assert.equal(CALICO_CHART.repo, CALICO_CRDS_CHART.repo);
  assert.match(CALICO_CHART.version, /^v3\.\d+\.\d+$/, 'Calico chart versions carry the v');
});

test('calico is deployed only when cluster.cni is calico', () => {
  for (const cni of ['flannel', 'cilium', undefined] as const) {
    const r = render(k3sLab({ cni }));
    const ids = r.model!.components.map((c) => c.id);
    assert.equal(ids.includes('calico') || ids.includes('calico-crds'), false, `cni ${cni}`);
    assert.equal(objects(r.files).some((o) => o.kind === 'Namespace' && o.metadata.name === 'tigera-operator'), false, `cni ${cni}`);
  }
});

test('calico: Argo CD and plain Helm keep the release names; the CRDs come first', () => {
  const argo = render(k3sLab({}, { gitops: { engine: 'argocd', repo: { url: 'https://github.com/example/test-lab' } } }));
  const apps = objects(argo.files).filter((o) => o.kind === 'Application');
  const crds = apps.find((a) => a.metadata.name === 'calico-crds')!;
  const op = apps.find((a) => a.metadata.name === 'calico')!;
  assert.equal(crds.spec.source.helm.releaseName, 'calico-crds');
  assert.equal(op.spec.source.helm.releaseName, 'calico');
  assert.equal(op.spec.destination.namespace, 'tigera-operator');
  assert.ok(Number(crds.metadata.annotations['argocd.argoproj.io/sync-wave']) < Number(op.metadata.annotations['argocd.argoproj.io/sync-wave']));

  const helm = render(k3sLab({}, { gitops: { engine: 'none' } }));
  const deploy = helm.files.find((f) => f.path === 'scripts/deploy-all.sh')!.contents;
  const a = deploy.indexOf('helm upgrade --install calico-crds projectcalico/crd.projectcalico.org.v1');
  const b = deploy.indexOf('helm upgrade --install calico projectcalico/tigera-operator');
  assert.ok(a >= 0 && b > a, 'deploy-all.sh installs the CRDs, then the operator');
});

import rule from '../../../src/review/rules/reliability-privileged.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const ds = (ns: string, name: string, image: string, privileged = true) =>
  `apiVersion: apps/v1\nkind: DaemonSet\nmetadata: { name: ${name}, namespace: ${ns}, labels: { app.kubernetes.io/instance: ${name} } }\nspec: { template: { spec: { containers: [{ name: main, image: "${image}", securityContext: { privileged: ${privileged} } }] } } }\n`;

ruleTable(rule, {
  valid: [
    { name: 'hearth apps (none privileged)', lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }, { name: 'home-assistant', namespace: 'apps' }]) },
    { name: 'Longhorn manager', repo: { 'd.yaml': ds('longhorn-system', 'longhorn-manager', 'longhornio/longhorn-manager:v1.9.0') } },
    { name: 'a CSI node plugin outside kube-system', repo: { 'd.yaml': ds('storage', 'nfs-node', 'registry.k8s.io/sig-storage/nfsplugin:v4.11.0'), 'e.yaml': ds('democratic-csi', 'truenas', 'democraticcsi/democratic-csi:v1.9.0') } },
    { name: 'kube-system', repo: { 'd.yaml': ds('kube-system', 'kube-vip', 'ghcr.io/kube-vip/kube-vip:v0.9.0') } },
    { name: 'privileged: false', repo: { 'd.yaml': ds('home', 'home-assistant', 'ghcr.io/home-assistant/home-assistant:2026.9.2', false) } },
  ],
  invalid: [
    { name: 'a privileged app', repo: { 'd.yaml': ds('home', 'home-assistant', 'ghcr.io/home-assistant/home-assistant:2026.9.2') }, message: /^DaemonSet home\/home-assistant runs privileged container main: escaping it gives root on the node/, count: 1, subjects: ['home-assistant'] },
    {
      name: 'a spec app made privileged',
      lab: testLab([{ name: 'vaultwarden', namespace: 'apps' }]),
      edit: (f) => {
        for (const w of f.workloads) for (const c of w.containers) c.privileged = true;
      },
      message: /vaultwarden-server runs privileged container vaultwarden/,
      subjects: ['vaultwarden'],
    },
  ],
});

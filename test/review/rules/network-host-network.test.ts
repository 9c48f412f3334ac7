import rule from '../../../src/review/rules/network-host-network.js';
import { ruleTable, testLab } from '../../helpers/review.js';

const ds = (name: string, ns: string, hostNetwork: boolean) =>
  `apiVersion: apps/v1\nkind: DaemonSet\nmetadata: { name: ${name}, namespace: ${ns} }\nspec:\n  template:\n    metadata: { labels: { app.kubernetes.io/name: ${name} } }\n    spec:\n      hostNetwork: ${hostNetwork}\n      containers: [{ name: ${name}, image: "example/${name}:1.0.0" }]\n`;
const ha = (hostNetwork: boolean) => testLab([{ name: 'home-assistant', namespace: 'apps', config: { hostNetwork } }]);

ruleTable(rule, {
  valid: [
    { name: 'Home Assistant on the pod network', lab: ha(false) },
    { name: 'the CNI and kube-proxy in kube-system', repo: { 'a.yaml': ds('cilium', 'kube-system', true), 'b.yaml': ds('kube-proxy', 'kube-system', true) } },
    { name: 'a node exporter and MetalLB speaker outside kube-system', repo: { 'a.yaml': ds('prometheus-node-exporter', 'monitoring', true), 'b.yaml': ds('speaker', 'metallb-system', true) } },
    { name: 'a DaemonSet without hostNetwork', repo: { 'a.yaml': ds('log-shipper', 'monitoring', false) } },
  ],
  invalid: [
    { name: 'Home Assistant with hostNetwork for discovery', lab: ha(true), message: /^Deployment apps\/home-assistant(-server)? runs on the host network: NetworkPolicies do not apply to it/, count: 1, subjects: ['home-assistant'] },
    {
      name: 'an app DaemonSet on the host network beside the CNI',
      repo: { 'a.yaml': ds('cilium', 'kube-system', true), 'b.yaml': ds('scrypted', 'home', true) },
      message: /^DaemonSet home\/scrypted runs on the host network/,
      count: 1,
      subjects: ['scrypted'],
    },
  ],
});

import { defineModule, type Manifest } from '../types.js';
import { CHARTS } from '../charts.js';
import { meta } from '../meta.js';
import { metricsOn } from './_shared.js';

/** MetalLB with the lab's address pool, announced over L2 or BGP. */
export default defineModule({
  name: 'metallb',
  kind: 'platform',
  summary: 'MetalLB load balancer with an IPAddressPool and L2 or BGP announcement',
  layer: 'networking',
  dir: 'metallb',
  namespace: 'metallb-system',
  chart: CHARTS.metallb,
  instances: (lab) => (lab.spec.network.loadBalancer ? [{}] : []),
  render: (ctx) => {
    const { lab } = ctx;
    const lb = lab.spec.network.loadBalancer!;
    const pool = 'metallb-pool';
    const manifests: Manifest[] = [
      {
        file: 'ip-pool',
        needsCrds: true,
        object: { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: meta(ctx, pool, 'pool'), spec: { addresses: [lb.pool] } },
      },
    ];
    if (lb.mode === 'l2') {
      manifests.push({
        file: 'ip-pool',
        needsCrds: true,
        object: { apiVersion: 'metallb.io/v1beta1', kind: 'L2Advertisement', metadata: meta(ctx, 'metallb-l2', 'advertisement'), spec: { ipAddressPools: [pool] } },
      });
    } else {
      lb.bgp!.peers.forEach((p, i) =>
        manifests.push({
          file: 'ip-pool',
          needsCrds: true,
          object: {
            apiVersion: 'metallb.io/v1beta2',
            kind: 'BGPPeer',
            metadata: meta(ctx, `metallb-peer-${i + 1}`, 'peer'),
            spec: { myASN: lb.bgp!.myAsn, peerASN: p.asn, peerAddress: p.address },
          },
        }),
      );
      manifests.push({
        file: 'ip-pool',
        needsCrds: true,
        object: { apiVersion: 'metallb.io/v1beta1', kind: 'BGPAdvertisement', metadata: meta(ctx, 'metallb-bgp', 'advertisement'), spec: { ipAddressPools: [pool] } },
      });
    }
    const values: Record<string, unknown> = {
      // FRR-K8s (the 0.16 default BGP backend) is only needed for BGP.
      frrk8s: { enabled: lb.mode === 'bgp' },
      controller: { resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '128Mi' } } },
      speaker: { resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '128Mi' } } },
    };
    if (metricsOn(lab)) {
      values.prometheus = {
        rbacPrometheus: true,
        serviceAccount: 'kube-prometheus-stack-prometheus',
        namespace: lab.monitoringNamespace,
        serviceMonitor: { enabled: true },
      };
    }
    return { values, manifests };
  },
});

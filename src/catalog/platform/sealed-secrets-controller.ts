import { defineModule } from '../types.js';
import { SEALED_SECRETS_CHART, CONTROLLER_NAME, controllerSecurityValues } from '../apps/sealed-secrets.js';
import { metricsOn } from './_shared.js';

/**
 * The Sealed Secrets controller when the lab's secrets mechanism is
 * sealed-secrets: installed in the first layer, in kube-system under
 * kubeseal's default name, so every later layer can carry SealedSecrets and
 * `kubeseal --fetch-cert` works without flags.
 */
export default defineModule({
  name: 'sealed-secrets-controller',
  kind: 'platform',
  summary: 'Sealed Secrets controller (implied by secrets.mechanism: sealed-secrets)',
  layer: 'crds',
  dir: 'sealed-secrets',
  namespace: 'kube-system',
  chart: SEALED_SECRETS_CHART,
  instances: (lab) => (lab.spec.secrets.mechanism === 'sealed-secrets' && lab.cluster ? [{}] : []),
  render: ({ lab }) => ({
    values: {
      fullnameOverride: CONTROLLER_NAME,
      resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } },
      ...controllerSecurityValues(),
      metrics: { serviceMonitor: { enabled: metricsOn(lab) } },
    },
    manifests: [],
  }),
});

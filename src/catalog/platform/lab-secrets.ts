import { defineModule } from '../types.js';

/**
 * The Secrets the spec declares under secrets.values. The secrets stage
 * (src/secrets/stage.ts) fills this component with the encrypted objects;
 * it sits in the first layer, after the Sealed Secrets controller.
 */
export default defineModule({
  name: 'lab-secrets',
  kind: 'platform',
  summary: 'The Secrets declared in secrets.values, encrypted for git',
  layer: 'crds',
  dir: 'secrets',
  namespace: 'kube-system',
  instances: (lab) =>
    lab.spec.secrets.mechanism !== 'none' && lab.spec.secrets.values.length > 0 ? [{ dependsOn: ['sealed-secrets-controller'] }] : [],
  render: () => ({ manifests: [] }),
});

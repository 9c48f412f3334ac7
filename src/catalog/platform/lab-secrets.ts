import { defineModule } from '../types.js';
import { CONTROLLER_ID as ESO_CONTROLLER } from './external-secrets-controller.js';

/** The component that must run before the lab's Secrets can be applied. */
function secretsController(mechanism: string): string | undefined {
  if (mechanism === 'sealed-secrets') return 'sealed-secrets-controller';
  if (mechanism === 'external-secrets' || mechanism === 'vault') return ESO_CONTROLLER;
  return undefined;
}

/**
 * The Secrets the spec declares under secrets.values. The secrets stage
 * (src/secrets/stage.ts) fills this component with the encrypted objects;
 * it sits in the first layer, after the controller its mechanism needs
 * (Sealed Secrets or the External Secrets Operator).
 */
export default defineModule({
  name: 'lab-secrets',
  kind: 'platform',
  summary: 'The Secrets declared in secrets.values, encrypted for git',
  layer: 'crds',
  dir: 'secrets',
  namespace: 'kube-system',
  instances: (lab) =>
    lab.spec.secrets.mechanism !== 'none' && lab.spec.secrets.values.length > 0 ? [{ dependsOn: [secretsController(lab.spec.secrets.mechanism)].filter((d): d is string => !!d) }] : [],
  render: () => ({ manifests: [] }),
});

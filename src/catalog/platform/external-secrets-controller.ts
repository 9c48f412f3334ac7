import { defineModule } from '../types.js';
import { EXTERNAL_SECRETS_CHART, OPERATOR_RESOURCES, renderOperator, type Store } from '../apps/external-secrets.js';
import type { LabSpec } from '../../spec/schema.js';

export const CONTROLLER_NAMESPACE = 'external-secrets';
export const CONTROLLER_ID = 'external-secrets-controller';

/**
 * The ClusterSecretStore the lab's ExternalSecrets read: secrets.externalSecrets.store
 * for the external-secrets mechanism, Vault's KV engine for the vault mechanism.
 */
export function labSecretStore(secrets: LabSpec['secrets']): Store | undefined {
  if (secrets.mechanism === 'external-secrets') return secrets.externalSecrets?.store;
  if (secrets.mechanism === 'vault' && secrets.vault) {
    const { refreshInterval: _r, remoteKey: _k, ...server } = secrets.vault;
    return { type: 'vault', name: 'vault', ...server };
  }
  return undefined;
}

/**
 * The External Secrets Operator when the lab's secrets mechanism is
 * external-secrets or vault: installed in the first layer with its
 * ClusterSecretStore in the layer's config step, so the ExternalSecrets of
 * every later layer find both the CRDs and the store.
 */
export default defineModule({
  name: CONTROLLER_ID,
  kind: 'platform',
  summary: 'External Secrets Operator and the lab\'s ClusterSecretStore (implied by secrets.mechanism: external-secrets or vault)',
  layer: 'crds',
  dir: 'external-secrets',
  namespace: CONTROLLER_NAMESPACE,
  chart: EXTERNAL_SECRETS_CHART,
  instances: (lab) => (labSecretStore(lab.spec.secrets) && lab.cluster ? [{}] : []),
  render: (ctx) =>
    renderOperator(ctx, { name: CONTROLLER_ID, namespace: ctx.component.namespace, replicas: 1, resources: OPERATOR_RESOURCES }, labSecretStore(ctx.lab.spec.secrets)),
});

/**
 * The rule registry: one file per rule, each with its doc (docs/rules/<id>.md)
 * and its valid/invalid table (test/review/rules/<id>.test.ts); a meta-test
 * fails when either is missing.
 */
import type { Rule } from '../types.js';
import backupsMissing from './backups-missing.js';
import conventionsNaming from './conventions-naming.js';
import conventionsRecommendedLabels from './conventions-recommended-labels.js';
import exposureAdminUiPublic from './exposure-admin-ui-public.js';
import exposureApiPublic from './exposure-api-public.js';
import exposureIngressWithoutTls from './exposure-ingress-without-tls.js';
import exposureIssuerUndefined from './exposure-issuer-undefined.js';
import exposurePublicWithoutAuth from './exposure-public-without-auth.js';
import exposureServiceOutsideIngress from './exposure-service-outside-ingress.js';
import networkHostNetwork from './network-host-network.js';
import networkNoDefaultDeny from './network-no-default-deny.js';
import networkNoPolicy from './network-no-policy.js';
import observabilityAppsWithoutMetrics from './observability-apps-without-metrics.js';
import observabilityNoAlertReceiver from './observability-no-alert-receiver.js';
import observabilityNoLogs from './observability-no-logs.js';
import observabilityNoMetrics from './observability-no-metrics.js';
import reliabilityMissingRequestsLimits from './reliability-missing-requests-limits.js';
import reliabilityNoProbes from './reliability-no-probes.js';
import reliabilityPdbBlocksDrain from './reliability-pdb-blocks-drain.js';
import reliabilityPrivileged from './reliability-privileged.js';
import reliabilityReplicasUnspread from './reliability-replicas-unspread.js';
import secretsLiteralEnv from './secrets-literal-env.js';
import secretsOutsideGitops from './secrets-outside-gitops.js';
import secretsPlaintextInGit from './secrets-plaintext-in-git.js';
import secretsStoreOnStartupPath from './secrets-store-on-startup-path.js';
import storageNodeLocalData from './storage-node-local-data.js';
import supplyChainNoUpdateAutomation from './supply-chain-no-update-automation.js';
import supplyChainUnpinnedChart from './supply-chain-unpinned-chart.js';
import supplyChainUnpinnedImage from './supply-chain-unpinned-image.js';

export const RULES: readonly Rule[] = [
  backupsMissing,
  conventionsNaming,
  conventionsRecommendedLabels,
  exposureAdminUiPublic,
  exposureApiPublic,
  exposureIngressWithoutTls,
  exposureIssuerUndefined,
  exposurePublicWithoutAuth,
  exposureServiceOutsideIngress,
  networkHostNetwork,
  networkNoDefaultDeny,
  networkNoPolicy,
  observabilityAppsWithoutMetrics,
  observabilityNoAlertReceiver,
  observabilityNoLogs,
  observabilityNoMetrics,
  reliabilityMissingRequestsLimits,
  reliabilityNoProbes,
  reliabilityPdbBlocksDrain,
  reliabilityPrivileged,
  reliabilityReplicasUnspread,
  secretsLiteralEnv,
  secretsOutsideGitops,
  secretsPlaintextInGit,
  secretsStoreOnStartupPath,
  storageNodeLocalData,
  supplyChainNoUpdateAutomation,
  supplyChainUnpinnedChart,
  supplyChainUnpinnedImage,
];

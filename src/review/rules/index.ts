/**
 * The rule registry: one file per rule, each with its doc (docs/rules/<id>.md)
 * and its valid/invalid table (test/review/rules/<id>.test.ts); a meta-test
 * fails when either is missing.
 */
import type { Rule } from '../types.js';
import backupsDatabaseFileCopy from './backups-database-file-copy.js';
import backupsEtcdSnapshotsMissing from './backups-etcd-snapshots-missing.js';
import backupsMissing from './backups-missing.js';
import backupsNoOffsite from './backups-no-offsite.js';
import backupsRestoreUntested from './backups-restore-untested.js';
import backupsRpoSchedule from './backups-rpo-schedule.js';
import backupsSameFailureDomain from './backups-same-failure-domain.js';
import capacityGpuWithoutNode from './capacity-gpu-without-node.js';
import capacityHostHeadroom from './capacity-host-headroom.js';
import capacityRequestsExceedNodes from './capacity-requests-exceed-nodes.js';
import conventionsNaming from './conventions-naming.js';
import conventionsRecommendedLabels from './conventions-recommended-labels.js';
import decisionsGovernsViolated from './decisions-governs-violated.js';
import decisionsRecordIntegrity from './decisions-record-integrity.js';
import exposureAdminUiPublic from './exposure-admin-ui-public.js';
import exposureApiPublic from './exposure-api-public.js';
import exposureIngressWithoutTls from './exposure-ingress-without-tls.js';
import exposureIssuerUndefined from './exposure-issuer-undefined.js';
import exposurePublicWithoutAuth from './exposure-public-without-auth.js';
import exposureServiceOutsideIngress from './exposure-service-outside-ingress.js';
import failureControlPlaneOneHost from './failure-control-plane-one-host.js';
import failureDatastoreSinglePoint from './failure-datastore-single-point.js';
import failureEtcdEvenMembers from './failure-etcd-even-members.js';
import failureHostBlastRadius from './failure-host-blast-radius.js';
import failureSharedDatabase from './failure-shared-database.js';
import failureSingleControlPlane from './failure-single-control-plane.js';
import failureSingleNas from './failure-single-nas.js';
import failureSingleTunnel from './failure-single-tunnel.js';
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
import storageDatabaseOnNfs from './storage-database-on-nfs.js';
import storageNoDefaultClass from './storage-no-default-class.js';
import storageNodeLocalData from './storage-node-local-data.js';
import storageReplicasExceedNodes from './storage-replicas-exceed-nodes.js';
import storageRwoMultiReplica from './storage-rwo-multi-replica.js';
import supplyChainNoUpdateAutomation from './supply-chain-no-update-automation.js';
import supplyChainUnpinnedChart from './supply-chain-unpinned-chart.js';
import supplyChainUnpinnedImage from './supply-chain-unpinned-image.js';

export const RULES: readonly Rule[] = [
  backupsDatabaseFileCopy,
  backupsEtcdSnapshotsMissing,
  backupsMissing,
  backupsNoOffsite,
  backupsRestoreUntested,
  backupsRpoSchedule,
  backupsSameFailureDomain,
  capacityGpuWithoutNode,
  capacityHostHeadroom,
  capacityRequestsExceedNodes,
  conventionsNaming,
  conventionsRecommendedLabels,
  decisionsGovernsViolated,
  decisionsRecordIntegrity,
  exposureAdminUiPublic,
  exposureApiPublic,
  exposureIngressWithoutTls,
  exposureIssuerUndefined,
  exposurePublicWithoutAuth,
  exposureServiceOutsideIngress,
  failureControlPlaneOneHost,
  failureDatastoreSinglePoint,
  failureEtcdEvenMembers,
  failureHostBlastRadius,
  failureSharedDatabase,
  failureSingleControlPlane,
  failureSingleNas,
  failureSingleTunnel,
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
  storageDatabaseOnNfs,
  storageNoDefaultClass,
  storageNodeLocalData,
  storageReplicasExceedNodes,
  storageRwoMultiReplica,
  supplyChainNoUpdateAutomation,
  supplyChainUnpinnedChart,
  supplyChainUnpinnedImage,
];

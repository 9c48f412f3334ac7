/**
 * The rule registry: one file per rule, each with its doc (docs/rules/<id>.md)
 * and its valid/invalid table (test/review/rules/<id>.test.ts); a meta-test
 * fails when either is missing.
 */
import type { Rule } from '../types.js';
import backupsMissing from './backups-missing.js';
import networkNoPolicy from './network-no-policy.js';
import observabilityNoAlertReceiver from './observability-no-alert-receiver.js';
import secretsOutsideGitops from './secrets-outside-gitops.js';
import secretsPlaintextInGit from './secrets-plaintext-in-git.js';
import storageNodeLocalData from './storage-node-local-data.js';

export const RULES: readonly Rule[] = [backupsMissing, networkNoPolicy, observabilityNoAlertReceiver, secretsOutsideGitops, secretsPlaintextInGit, storageNodeLocalData].sort((a, b) => a.id.localeCompare(b.id));

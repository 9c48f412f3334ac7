import { defineRule } from '../types.js';

/** With no secrets mechanism, the Secrets the apps read are made by hand, outside the declared lab. */
export default defineRule({
  id: 'secrets-outside-gitops',
  category: 'secrets',
  risk: 'medium',
  title: 'Secrets created by hand, outside git',
  inputs: ['spec'],
  why: 'Hand-made Secrets are not versioned or reproducible: a rebuilt cluster starts without them, and nothing records what they held.',
  fix: 'set secrets.mechanism to sealed-secrets, sops, external-secrets or vault; hearth then renders every Secret the apps read',
  check({ facts, report }) {
    if (facts.source !== 'spec' || facts.secretsMechanism !== 'none') return;
    const consumers = facts.apps.length;
    if (consumers === 0 || !facts.gitops) return;
    report({ message: 'no secrets mechanism: the Secrets the apps read are plain Kubernetes Secrets created by hand, not GitOps-safe', where: { specPath: ['secrets', 'mechanism'] }, subjects: ['secrets'] });
  },
});

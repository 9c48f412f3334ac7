import { defineRule } from '../types.js';

/** A Secret with values, committed as is: base64 is an encoding, not encryption. */
export default defineRule({
  id: 'secrets-plaintext-in-git',
  category: 'secrets',
  risk: 'high',
  title: 'Plaintext Secret committed to the repository',
  why: 'Secret values in git are readable by anyone with the repository, forever (history keeps them after deletion); base64 is not encryption.',
  fix: 'rotate the values, then encrypt them: SOPS (Flux decrypts), Sealed Secrets, or an ExternalSecret reading a store',
  check({ facts, report }) {
    for (const s of facts.secrets) {
      if (s.kind !== 'plain' || s.keys.length === 0 || s.referencesOnly) continue;
      report({ message: `Secret ${s.namespace ? `${s.namespace}/` : ''}${s.name} holds ${s.keys.length} value${s.keys.length === 1 ? '' : 's'} in plaintext (${s.keys.slice(0, 5).join(', ')}${s.keys.length > 5 ? ', ...' : ''})`, where: s.where, subjects: [s.name] });
    }
  },
  strength: (facts) => (facts.secrets.some((s) => s.kind !== 'plain') ? 'Secrets reach git encrypted or as references to a store (SOPS, Sealed Secrets, ExternalSecrets).' : undefined),
});

/** DocsInput of the examples, for tests of the docs stage. */
import path from 'node:path';
import { loadDocsInput } from '../../src/docs/input.js';
import type { DocsInput } from '../../src/docs/types.js';
import { ROOT } from './labs.js';

export const EXAMPLES = ['000-proxmox-sdn-k3s', '001-k3s-synology', '002-proxmox-lxc', '003-lima-k3s-argocd', '004-proxmox-talos-longhorn'] as const;

const cache = new Map<string, Promise<DocsInput>>();

/** The docs input of examples/<name> (reviewed as of a fixed day, so findings are stable). */
export function exampleDocsInput(name: string): Promise<DocsInput> {
  let p = cache.get(name);
  if (!p) {
    p = loadDocsInput(path.join(ROOT, 'examples', name), { today: '2026-11-01' }).then((r) => {
      if (!r.input) throw new Error(`examples/${name} does not load: ${r.issues.map((i) => i.message).join('; ')}`);
      return r.input;
    });
    cache.set(name, p);
  }
  return p;
}

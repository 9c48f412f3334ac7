// Bundles the CLI into one file (dist/hearth.mjs): loading one module instead
// of hundreds cuts start-up by about 70 ms (see BENCHMARKS.md).
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/src/cli/index.js'],
  outfile: 'dist/hearth.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // jiti loads hearth.config.ts on demand only; keep it a real dependency.
  external: ['jiti'],
  banner: { js: "import { createRequire as __hearthRequire } from 'node:module'; const require = __hearthRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});

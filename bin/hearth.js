#!/usr/bin/env node
// hearth CLI entry. `npm ci` / `npm run build` compile to dist/ and bundle the
// CLI into dist/hearth.mjs, which starts faster than the module tree.
import { main } from '../dist/hearth.mjs';

process.exitCode = await main(process.argv);

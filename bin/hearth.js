#!/usr/bin/env node
// hearth CLI entry: the compiled CLI lives in dist/ (built by `npm ci` / `npm run build`).
import { main } from '../dist/src/cli/index.js';

process.exitCode = await main(process.argv);

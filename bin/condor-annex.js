#!/usr/bin/env node
// Thin launcher: the compiled program lives in dist/ (built by `npm ci` through `prepare`).
import { main } from "../dist/src/cli/condor-annex.js";

main(process.argv).catch((error) => {
  process.stderr.write(`condor-annex: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

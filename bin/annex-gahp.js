#!/usr/bin/env node
// Thin launcher: the compiled helper lives in dist/ (built by `npm ci` through `prepare`).
import { main } from "../dist/src/cli/annex-gahp.js";

main();

#!/usr/bin/env node
// Thin launcher: the compiled helper lives in dist/ (built by `npm ci` through `prepare`, and
// shipped in the package). The AWS SDK's Node 20 warning is silenced as in condor-annex.js: the
// pinned SDK supports Node 20, and nothing but protocol lines may reach this program's stdout.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const { main } = await import("../dist/src/annex-gahp/main.js");

main();

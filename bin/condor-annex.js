#!/usr/bin/env node
// Thin launcher: the compiled program lives in dist/ (built by `npm ci` through `prepare`, and
// shipped in the package).
// The AWS SDK warns on Node 20 that its releases after January 2027 need Node 22. This package
// pins SDK releases that support Node 20 (package.json, npm-shrinkwrap.json), so the warning is
// noise here; it is silenced unless the user set the variable themselves.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const { main } = await import("../dist/src/cli/condor-annex.js");

main(process.argv).catch((error) => {
  process.stderr.write(`condor-annex: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

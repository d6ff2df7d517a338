#!/usr/bin/env node
// Runs a TypeScript entry file (benchmarks, tools) by bundling it with esbuild into .run-ts/
// first, so scripts outside the compiled tree need no loader. Dependencies stay external.
// Usage: node scripts/run-ts.mjs path/to/file.ts [args...]
import { spawnSync } from "node:child_process";
import { basename, resolve } from "node:path";
import { build } from "esbuild";

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write("usage: node scripts/run-ts.mjs FILE.ts [ARGS...]\n");
  process.exit(2);
}
const outfile = resolve(".run-ts", `${basename(entry, ".ts")}.mjs`);
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: "inline",
  logLevel: "warning",
});
const result = spawnSync(process.execPath, ["--enable-source-maps", outfile, ...args], { stdio: "inherit" });
process.exit(result.status ?? 1);

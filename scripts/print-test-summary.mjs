#!/usr/bin/env node
// Prints "vitest: N passed, N failed, N skipped" from vitest's JSON report (used by .ci/run).
import { readFileSync } from "node:fs";

const file = process.argv[2] ?? ".test-results/vitest.json";
let report;
try {
  report = JSON.parse(readFileSync(file, "utf8"));
} catch (error) {
  process.stderr.write(`no vitest report at ${file}: ${error.message}\n`);
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
const failed = report.numFailedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
process.stdout.write(`vitest: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);

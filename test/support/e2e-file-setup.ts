/**
 * Per-file setup of the e2e project (vitest `setupFiles`), run in each test file's worker before
 * the file itself. The e2e files run in parallel; this keeps apart what they would otherwise
 * share (see docs/emulator.md, "Parallel files"):
 *
 * - **A temporary directory of its own.** `TMPDIR` points at a fresh directory for the file and
 *   every process it starts, so checks such as "the demo left no `condor-annex-demo-*` behind"
 *   see only their own file's leftovers (test/e2e/readme-commands.test.ts runs the demo too).
 *   It lies in the run's directory (test/support/e2e-tmp-global-setup.ts); it is deleted after a
 *   green file and kept, its path printed, when a test failed and left something in it.
 * - **Turns on the HTCondor test bed.** Its suites share one Debian root (see test-lanes.ts), so
 *   they hold a lock next to it while they run, across vitest processes too.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, inject } from "vitest";
import { debianRootDir } from "./htcondor/debian-root.js";
import { type Lease, takeLease } from "./lease.js";
import { repoRoot } from "./python-env.js";
import { usesHtcondorTestbed } from "./test-lanes.js";

function runTmp(): string {
  try {
    return inject("annexE2eTmp") ?? tmpdir();
  } catch {
    return tmpdir();
  }
}

interface TaskLike {
  readonly result?: { readonly state?: string };
  readonly tasks?: readonly TaskLike[];
}

function failed(task: TaskLike): boolean {
  return task.result?.state === "fail" || (task.tasks ?? []).some(failed);
}

// Set while the setup file is imported, before the test file is: module-level mkdtemp calls of
// the test file land in the private directory too. Outside a run's global setup, under the
// system's temporary directory.
const privateTmp = mkdtempSync(join(runTmp(), "file-"));
process.env.TMPDIR = privateTmp;

/** How long an HTCondor suite may wait for its turn (the longest holds it about 4 minutes). */
const TESTBED_WAIT_MS = 1_800_000;
let testbed: Lease | undefined;

// biome-ignore lint/correctness/noEmptyPattern: vitest reads a hook's first parameter as a fixture pattern
beforeAll(async ({}, suite) => {
  if (!usesHtcondorTestbed(relative(repoRoot, suite.file.filepath).split("\\").join("/"))) return;
  testbed = await takeLease(`${debianRootDir()}.in-use`, TESTBED_WAIT_MS);
}, TESTBED_WAIT_MS + 60_000);

// biome-ignore lint/correctness/noEmptyPattern: as above
afterAll(async ({}, suite) => {
  await testbed?.release();
  if (failed(suite) && readdirSync(privateTmp).length > 0) {
    process.stderr.write(`[e2e] temporary files kept: ${privateTmp}\n`);
  } else {
    rmSync(privateTmp, { recursive: true, force: true });
  }
});

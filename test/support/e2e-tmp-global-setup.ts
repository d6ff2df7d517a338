/**
 * Vitest global setup of the e2e project: one directory for the run under the system's temporary
 * directory (`annex-e2e-XXXXXX`), provided as `annexE2eTmp`, in which every test file gets its
 * private `TMPDIR` (test/support/e2e-file-setup.ts). At the end, the directories nothing was
 * left in are removed — those of files whose tests were all skipped, which run no hooks — and
 * the run's directory too once it is empty; what a failed file left stays for a look.
 */
import { mkdtempSync, readdirSync, rmdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** The run's directory for the e2e files' private temporary directories. */
    annexE2eTmp: string;
  }
}

/** Removes `dir` if it is empty; says whether it is gone. */
function removeIfEmpty(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch {
    return false;
  }
}

export default function setup(project: TestProject): () => void {
  const runDir = mkdtempSync(join(tmpdir(), "annex-e2e-"));
  project.provide("annexE2eTmp", runDir);
  return () => {
    for (const name of readdirSync(runDir)) removeIfEmpty(join(runDir, name));
    if (!removeIfEmpty(runDir))
      process.stderr.write(`[e2e] temporary files of failed files kept in ${runDir}\n`);
  };
}

import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import { LongestFirstSequencer } from "./test/support/sequencer.js";

/**
 * Three projects, run side by side in one pool of workers:
 * - `unit`: the fast, in-process suites (`npm run test:unit`);
 * - `lint-templates`: checkov and cfn-lint over every rendered template (each builds or reuses
 *   a pinned Python virtualenv, which takes minutes on a fresh machine);
 * - `e2e`: suites that start processes, the AWS emulator (one per worker, see
 *   docs/emulator.md) or real HTCondor.
 *
 * `ANNEX_TEST_SELECTION` (comma-separated paths) narrows a run to those files. It exists for the
 * test that runs the README's own test line in a fresh clone (test/e2e/readme-commands.test.ts):
 * there the whole suite would run itself again, so that nested run is narrowed to one file.
 */
const E2E = ["test/e2e/**/*.test.ts", "test/conformance/**/*.test.ts"];
const LINT_TEMPLATES = ["test/security/checkov.test.ts", "test/templates/cfn-lint.test.ts"];
const selection = process.env.ANNEX_TEST_SELECTION?.split(",")
  .map((path) => path.trim())
  .filter((path) => path !== "");
const isE2e = (path: string) => /^test\/(e2e|conformance)\//.test(path);
const isLintTemplates = (path: string) => LINT_TEMPLATES.includes(path);

export default defineConfig({
  test: {
    // The JSON report lets .ci/run print a plain "N passed, N failed" line.
    reporters: ["default", ["json", { outputFile: ".test-results/vitest.json" }]],
    passWithNoTests: selection !== undefined,
    // Most e2e time is spent waiting (on child processes, the emulator, HTCondor), so more files
    // than CPUs run at once: two more than the CPUs (vitest's default is one less). Each worker
    // slot gets its own emulator. `--maxWorkers=N` (or VITEST_MAX_WORKERS) overrides.
    maxWorkers: availableParallelism() + 2,
    // Longest files first, whatever their project (test/support/sequencer.ts).
    sequence: { sequencer: LongestFirstSequencer },
    projects: [
      {
        test: {
          name: "unit",
          // ClassAd times print in the local zone; the parity tables are pinned (as HTCondor's
          // own reference runs) with TZ=UTC, and the oracle subprocess inherits it.
          env: { TZ: "UTC" },
          include: selection?.filter((path) => !isE2e(path) && !isLintTemplates(path)) ?? [
            "test/**/*.test.ts",
          ],
          exclude: ["test/e2e/**", "test/conformance/**", ...LINT_TEMPLATES, "node_modules/**", "dist/**"],
        },
      },
      {
        test: {
          name: "lint-templates",
          include: selection?.filter(isLintTemplates) ?? LINT_TEMPLATES,
        },
      },
      {
        test: {
          name: "e2e",
          include: selection?.filter(isE2e) ?? E2E,
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One moto server (with our extension) per worker slot, and a directory for the
          // files' private TMPDIRs; see docs/emulator.md.
          globalSetup: ["test/support/emulator-global-setup.ts", "test/support/e2e-tmp-global-setup.ts"],
          // Per file: a private TMPDIR, and the HTCondor suites take turns (see the file).
          setupFiles: ["test/support/e2e-file-setup.ts"],
        },
      },
    ],
  },
});

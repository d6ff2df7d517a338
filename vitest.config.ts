import { defineConfig } from "vitest/config";

/**
 * Two projects: `unit` holds the fast, in-process suites (`npm run test:unit`);
 * `e2e` holds suites that start processes, the AWS emulator or real HTCondor.
 *
 * `ANNEX_TEST_SELECTION` (comma-separated paths) narrows a run to those files. It exists for the
 * test that runs the README's own test line in a fresh clone (test/e2e/readme-commands.test.ts):
 * there the whole suite would run itself again, so that nested run is narrowed to one file.
 */
const E2E = ["test/e2e/**/*.test.ts", "test/conformance/**/*.test.ts"];
const selection = process.env.ANNEX_TEST_SELECTION?.split(",")
  .map((path) => path.trim())
  .filter((path) => path !== "");
const isE2e = (path: string) => /^test\/(e2e|conformance)\//.test(path);

export default defineConfig({
  test: {
    // The JSON report lets .ci/run print a plain "N passed, N failed" line.
    reporters: ["default", ["json", { outputFile: ".test-results/vitest.json" }]],
    passWithNoTests: selection !== undefined,
    projects: [
      {
        test: {
          name: "unit",
          // ClassAd times print in the local zone; the parity tables are pinned (as HTCondor's
          // own reference runs) with TZ=UTC, and the oracle subprocess inherits it.
          env: { TZ: "UTC" },
          include: selection?.filter((path) => !isE2e(path)) ?? ["test/**/*.test.ts"],
          exclude: ["test/e2e/**", "test/conformance/**", "node_modules/**", "dist/**"],
        },
      },
      {
        test: {
          name: "e2e",
          include: selection?.filter(isE2e) ?? E2E,
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One moto server (with our extension) for the run; see docs/emulator.md.
          globalSetup: ["test/support/emulator-global-setup.ts"],
        },
      },
    ],
  },
});

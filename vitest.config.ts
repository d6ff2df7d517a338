import { defineConfig } from "vitest/config";

/**
 * Two projects: `unit` holds the fast, in-process suites (`npm run test:unit`);
 * `e2e` holds suites that start processes or the AWS emulator.
 */
export default defineConfig({
  test: {
    // The JSON report lets .ci/run print a plain "N passed, N failed" line.
    reporters: ["default", ["json", { outputFile: ".test-results/vitest.json" }]],
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: ["test/e2e/**", "test/conformance/**", "node_modules/**", "dist/**"],
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts", "test/conformance/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One moto server (with our extension) for the run; see docs/emulator.md.
          globalSetup: ["test/support/emulator-global-setup.ts"],
        },
      },
    ],
  },
});

import { spawnSync } from "node:child_process";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { ensurePythonEnv, repoRoot } from "../../support/python-env.js";

describe("the moto extension's own Python tests (emulator/tests)", () => {
  it("pass under pytest with the pinned environment", async () => {
    const { python } = await ensurePythonEnv();
    const result = spawnSync(python, ["-m", "pytest", "-q", "-p", "no:cacheprovider", "emulator/tests"], {
      cwd: repoRoot,
      encoding: "utf8",
      timeout: 110_000,
      env: {
        ...process.env,
        PYTHONDONTWRITEBYTECODE: "1",
        // Lambda handlers run with the same node that runs the tests.
        ANNEX_LAMBDA_NODE: process.execPath,
        PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
      },
    });
    const output = `${result.stdout}\n${result.stderr}`;
    const summary = /(\d+) passed/.exec(output);
    expect(result.status, output).toBe(0);
    expect(Number(summary?.[1] ?? 0), output).toBeGreaterThanOrEqual(40);
    expect(output).not.toMatch(/\d+ (failed|error)/);
  }, 120_000);
});

import { describe, expect, it } from "vitest";
import { checkDemoPrerequisites } from "../../src/cli/commands/demo.js";
import { EXIT } from "../../src/cli/exit-codes.js";
import { ensurePythonEnv } from "../../src/emulator/python-env.js";

describe("the demo's prerequisites", () => {
  it("refuses a Node.js older than 20 and says what to install", async () => {
    const refusal = checkDemoPrerequisites("18.19.1");
    await expect(refusal).rejects.toThrow(
      "condor-annex needs Node.js 20 or later; this is 18.19.1. Install a current Node.js",
    );
    await expect(refusal).rejects.toMatchObject({ exitStatus: EXIT.failure });
  });

  it("takes the Python the emulator runs with, and reports its version", async () => {
    const { python } = await ensurePythonEnv();
    const before = process.env.ANNEX_PYTHON;
    process.env.ANNEX_PYTHON = python;
    try {
      const found = await checkDemoPrerequisites("20.20.2");
      expect(found.python).toBe(python);
      expect(found.version).toMatch(/^3\.\d+\.\d+/);
      expect(found.hasPins).toBe(true);
    } finally {
      if (before === undefined) delete process.env.ANNEX_PYTHON;
      else process.env.ANNEX_PYTHON = before;
    }
  });
});

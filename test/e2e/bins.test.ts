import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { VERSION } from "../../src/version.js";

const root = new URL("../../", import.meta.url).pathname;

// annex-gahp is covered by test/conformance/annex-gahp.test.ts (real process, full protocol).
describe("installed bins", () => {
  it("condor-annex --help prints usage", () => {
    const result = spawnSync("node", ["bin/condor-annex.js", "--help"], { cwd: root, encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Usage: condor-annex");
  });

  it("condor-annex --version prints the version", () => {
    const result = spawnSync("node", ["bin/condor-annex.js", "--version"], { cwd: root, encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(VERSION);
  });
});

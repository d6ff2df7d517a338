import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { gahpBanner, VERSION } from "../../src/version.js";

const root = new URL("../../", import.meta.url).pathname;

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

  it("annex-gahp prints its banner and exits on QUIT", () => {
    const result = spawnSync("node", ["bin/annex-gahp.js"], { cwd: root, input: "QUIT\n", encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stdout.split("\n")[0]).toBe(gahpBanner());
  });
});

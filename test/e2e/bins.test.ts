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

  it("condor-annex classad eval --batch prints one libclassad value per line", () => {
    const result = spawnSync("node", ["bin/condor-annex.js", "classad", "eval", "--batch"], {
      cwd: root,
      input: "7 / 2\n1.5\n{1, 1+1}\nfoo(\n",
      encoding: "utf8",
    });
    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines.slice(0, 3)).toEqual(["3", "1.500000000000000E+00", "{ 1,1 + 1 }"]);
    expect(lines[3]).toMatch(/^PARSE_ERROR /);
  });

  it("a pattern that backtracks catastrophically is answered at once, not after hours", () => {
    // V8 alone needs ~14 s at 28 a's, doubling with each more; PCRE2 (libclassad) answers false.
    const subject = "a".repeat(40);
    const started = performance.now();
    const result = spawnSync(
      "node",
      [
        "bin/condor-annex.js",
        "classad",
        "eval",
        `regexp("(a+)+b", "${subject}")`,
        `regexp("(x+x+)+y", "${"x".repeat(40)}")`,
      ],
      { cwd: root, encoding: "utf8", timeout: 60_000 },
    );
    expect(result.status).toBe(0);
    expect(result.stdout.trimEnd().split("\n")).toEqual(["false", "false"]);
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it("condor-annex classad match --batch decides symmetric matches", () => {
    const result = spawnSync("node", ["bin/condor-annex.js", "classad", "match", "--batch"], {
      cwd: root,
      input:
        "[Requirements = TARGET.Cpus >= 2]\t[Requirements = true; Cpus = 4]\n[Requirements = TARGET.Cpus >= 8]\t[Requirements = true; Cpus = 4]\n",
      encoding: "utf8",
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe("true\nfalse\n");
  });
});

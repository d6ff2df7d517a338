import { describe, expect, it } from "vitest";
import { isClassicCommandLine, translateClassic } from "../../src/cli/classic-options.js";

describe("classic condor_annex options", () => {
  it("recognises a classic command line by its first option", () => {
    expect(isClassicCommandLine(["-annex-name", "x", "-count", "2"])).toBe(true);
    expect(isClassicCommandLine(["-status"])).toBe(true);
    expect(isClassicCommandLine(["create", "--name", "x"])).toBe(false);
    expect(isClassicCommandLine(["--help"])).toBe(false);
    expect(isClassicCommandLine(["-h"])).toBe(false);
    expect(isClassicCommandLine([])).toBe(false);
  });

  it("turns -annex-name/-count into create with every option carried over", () => {
    const result = translateClassic([
      "-annex-name",
      "chem",
      "-count",
      "4",
      "-duration",
      "2",
      "-idle",
      "0.25",
      "-aws-region",
      "us-west-2",
      "-aws-on-demand-instance-type",
      "c5.xlarge",
      "-tag",
      "Project",
      "chem-42",
      "-yes",
    ]);
    expect(result).toEqual({
      ok: true,
      argv: [
        "create",
        "--name",
        "chem",
        "--count",
        "4",
        "--duration",
        "2",
        "--idle",
        "0.25",
        "--region",
        "us-west-2",
        "--instance-type",
        "c5.xlarge",
        "--tag",
        "Project=chem-42",
        "--yes",
      ],
    });
  });

  it("turns -slots into a spot create", () => {
    expect(translateClassic(["-annex-name", "s", "-slots", "8"])).toEqual({
      ok: true,
      argv: ["create", "--name", "s", "--count", "8", "--spot"],
    });
  });

  it("turns -annex-name with -duration and no count into extend (lease reset)", () => {
    expect(translateClassic(["-annex", "x", "-duration", "3"])).toEqual({
      ok: true,
      argv: ["extend", "--name", "x", "--duration", "3"],
    });
  });

  it("maps -status, -setup and -check-setup to their subcommands", () => {
    expect(translateClassic(["-status", "-annex-name", "x", "-classad"])).toEqual({
      ok: true,
      argv: ["status", "--name", "x", "--classad"],
    });
    expect(translateClassic(["-setup", "-aws-region", "eu-west-1"])).toEqual({
      ok: true,
      argv: ["setup", "--region", "eu-west-1"],
    });
    expect(translateClassic(["-check-setup"])).toEqual({ ok: true, argv: ["setup", "--check"] });
  });

  it("names the unknown option", () => {
    expect(translateClassic(["-annex-name", "x", "-bogus", "1"])).toEqual({
      ok: false,
      message: "unknown classic condor_annex option -bogus",
    });
  });

  it("explains why a classic option is not supported", () => {
    const result = translateClassic(["-aws-spot-fleet-config-file", "f.json"]);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.message).toMatch(/Spot Fleet/);
  });

  it("says which value is missing", () => {
    expect(translateClassic(["-annex-name"])).toEqual({ ok: false, message: "-annex-name needs a value" });
    expect(translateClassic(["-annex-name", "x", "-tag", "a"])).toEqual({
      ok: false,
      message: "-tag takes two values: -tag <name> <value>",
    });
  });

  it("refuses a create without a name, and conflicting actions", () => {
    expect(translateClassic(["-count", "2"]).ok).toBe(false);
    expect(translateClassic(["-status", "-setup"]).ok).toBe(false);
  });
});

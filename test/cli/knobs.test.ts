import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HTCondorKnobs, parseConfigDump, StaticKnobs } from "../../src/cli/knobs.js";

describe("parseConfigDump", () => {
  it("reads NAME = value lines and skips comments and blanks", () => {
    const knobs = parseConfigDump(
      "# Configuration from machine: ap\n\nANNEX_DEFAULT_AWS_REGION = us-west-2\nannex_gahp = /opt/a b/annex-gahp\nJUNK LINE\n",
    );
    expect(knobs.get("ANNEX_DEFAULT_AWS_REGION")).toBe("us-west-2");
    expect(knobs.get("ANNEX_GAHP")).toBe("/opt/a b/annex-gahp");
    expect(knobs.size).toBe(2);
  });

  it("keeps '=' inside values", () => {
    expect(parseConfigDump("X = a == b\n").get("X")).toBe("a == b");
  });
});

describe("HTCondorKnobs", () => {
  it("prefers _CONDOR_ environment overrides, case-insensitively", async () => {
    const knobs = new HTCondorKnobs({
      env: { _condor_ANNEX_DEFAULT_AWS_REGION: "eu-west-1" },
      run: async () => "ANNEX_DEFAULT_AWS_REGION = us-east-1\n",
    });
    expect(await knobs.get("annex_default_aws_region")).toBe("eu-west-1");
  });

  it("falls back to condor_config_val, calling it once per prefix", async () => {
    const calls: string[][] = [];
    const knobs = new HTCondorKnobs({
      env: {},
      run: async (_file, args) => {
        calls.push([...args]);
        return "ANNEX_GAHP = /usr/libexec/annex-gahp\nANNEX_GAHP_LOG = /var/log/condor/AnnexGahpLog\n";
      },
    });
    expect(await knobs.get("ANNEX_GAHP")).toBe("/usr/libexec/annex-gahp");
    expect(await knobs.get("ANNEX_GAHP_LOG")).toBe("/var/log/condor/AnnexGahpLog");
    expect(await knobs.get("ANNEX_NOT_SET")).toBeUndefined();
    expect(calls).toEqual([["-dump", "ANNEX"]]);
  });

  it("runs a real condor_config_val program and survives its absence", async () => {
    const dir = mkdtempSync(join(tmpdir(), "knobs-"));
    const fake = join(dir, "condor_config_val");
    writeFileSync(fake, '#!/bin/sh\n[ "$1" = "-dump" ] && echo "ANNEX_DEFAULT_LEASE_DURATION = 1200"\n');
    chmodSync(fake, 0o755);
    expect(await new HTCondorKnobs({ env: {}, configVal: fake }).get("ANNEX_DEFAULT_LEASE_DURATION")).toBe(
      "1200",
    );
    const missing = new HTCondorKnobs({ env: {}, configVal: join(dir, "no-such-program") });
    expect(await missing.get("ANNEX_DEFAULT_LEASE_DURATION")).toBeUndefined();
  });
});

describe("StaticKnobs", () => {
  it("answers from its table, case-insensitively", async () => {
    const knobs = new StaticKnobs({ Annex_Gahp: "x" });
    expect(await knobs.get("ANNEX_GAHP")).toBe("x");
    expect(await knobs.get("OTHER")).toBeUndefined();
  });
});

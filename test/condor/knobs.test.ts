import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HTCondorKnobs, parseConfigDump, type RunCommand, StaticKnobs } from "../../src/condor/knobs.js";

/** `condor_config_val -dump -expanded -verbose ^ANNEX` as HTCondor 25.14.1 prints it (abridged). */
const VERBOSE_DUMP = `# Configuration from machine: ap

# Parameters with names that match ^ANNEX:
ANNEX_DEFAULT_LEASE_DURATION = 3000
 # at: <Default>
 # raw: 3000
 # default: 3000
ANNEX_GAHP = /opt/condor-annex/bin/annex-gahp
 # at: /etc/condor/config.d/50-condor-annex.config, line 11
 # raw: $(CONDOR_ANNEX_HOME)/bin/annex-gahp
 # default: $(EC2_GAHP)
ANNEX_GAHP_LOG = /var/log/condor/AnnexGahpLog
 # at: /etc/condor/config.d/50-condor-annex.config, line 12
 # raw: $(LOG)/AnnexGahpLog
 # default: $(LOG)/AnnexGahpLog
ANNEX_COLLECTOR = 
 # at: <Default>
 # raw: 
ANNEX_WATCH_INTERVAL = 57
 # at: <Environment>
 # raw: $(UPDATE_INTERVAL)7
`;

const answering =
  (stdout: string, calls: string[][] = []): RunCommand =>
  async (_file, args) => {
    calls.push([...args]);
    return { ok: true, stdout };
  };

describe("parseConfigDump", () => {
  it("reads NAME = value lines with where each is set, and skips comments and blanks", () => {
    const knobs = parseConfigDump(VERBOSE_DUMP);
    expect(knobs.get("ANNEX_GAHP")).toEqual({
      value: "/opt/condor-annex/bin/annex-gahp",
      source: "/etc/condor/config.d/50-condor-annex.config, line 11",
    });
    expect(knobs.get("ANNEX_DEFAULT_LEASE_DURATION")).toEqual({ value: "3000", source: "<Default>" });
    expect(knobs.get("ANNEX_COLLECTOR")).toEqual({ value: "", source: "<Default>" });
    expect(knobs.size).toBe(5);
  });

  it("reads plain -dump output too, and keeps '=' inside values", () => {
    const knobs = parseConfigDump("X = a == b\nannex_gahp = /opt/a b/annex-gahp\nJUNK LINE\n");
    expect(knobs.get("X")).toEqual({ value: "a == b", source: undefined });
    expect(knobs.get("ANNEX_GAHP")?.value).toBe("/opt/a b/annex-gahp");
    expect(knobs.size).toBe(2);
  });
});

describe("HTCondorKnobs", () => {
  it("asks condor_config_val for expanded values, once per prefix", async () => {
    const calls: string[][] = [];
    const knobs = new HTCondorKnobs({ env: {}, run: answering(VERBOSE_DUMP, calls) });
    expect(await knobs.get("ANNEX_GAHP")).toBe("/opt/condor-annex/bin/annex-gahp");
    expect(await knobs.get("annex_gahp_log")).toBe("/var/log/condor/AnnexGahpLog");
    expect(await knobs.get("ANNEX_WATCH_INTERVAL")).toBe("57");
    expect(await knobs.get("ANNEX_NOT_SET")).toBeUndefined();
    expect(calls).toEqual([["-dump", "-expanded", "-verbose", "^ANNEX"]]);
  });

  it("ignores HTCondor's built-in defaults of ANNEX_* knobs (its own condor_annex's), not of other knobs", async () => {
    const knobs = new HTCondorKnobs({
      env: {},
      run: answering(`${VERBOSE_DUMP}LOG = /var/log/condor\n # at: <Default>\n`),
    });
    expect(await knobs.get("ANNEX_DEFAULT_LEASE_DURATION")).toBeUndefined();
    expect(await knobs.get("ANNEX_COLLECTOR")).toBeUndefined();
    expect(await knobs.get("LOG")).toBe("/var/log/condor");
  });

  it("passes its environment to condor_config_val, which applies _CONDOR_ overrides itself", async () => {
    let seen: NodeJS.ProcessEnv | undefined;
    const knobs = new HTCondorKnobs({
      env: { _CONDOR_ANNEX_WATCH_INTERVAL: "9" },
      run: async (_file, _args, env) => {
        seen = env;
        return { ok: true, stdout: "ANNEX_WATCH_INTERVAL = 9\n # at: <Environment>\n" };
      },
    });
    expect(await knobs.get("ANNEX_WATCH_INTERVAL")).toBe("9");
    expect(seen?._CONDOR_ANNEX_WATCH_INTERVAL).toBe("9");
  });

  it("without HTCondor, reads _CONDOR_ variables case-insensitively", async () => {
    const knobs = new HTCondorKnobs({
      env: { _condor_ANNEX_DEFAULT_AWS_REGION: "eu-west-1" },
      run: async () => ({ ok: false, missing: true, error: "spawn condor_config_val ENOENT" }),
    });
    expect(await knobs.get("annex_default_aws_region")).toBe("eu-west-1");
    expect(await knobs.get("ANNEX_GAHP")).toBeUndefined();
  });

  it("says once when condor_config_val is installed but fails, and falls back to the environment", async () => {
    const warnings: string[] = [];
    const knobs = new HTCondorKnobs({
      env: { _CONDOR_ANNEX_GAHP: "/x" },
      run: async () => ({ ok: false, missing: false, error: "exit 1: ERROR: can't find config" }),
      warn: (message) => warnings.push(message),
    });
    expect(await knobs.get("ANNEX_GAHP")).toBe("/x");
    expect(await knobs.get("LOG")).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("can't find config");
  });

  it("runs a real program and survives its absence", async () => {
    const dir = mkdtempSync(join(tmpdir(), "knobs-"));
    const fake = join(dir, "condor_config_val");
    writeFileSync(
      fake,
      '#!/bin/sh\n[ "$1" = "-dump" ] && [ "$2" = "-expanded" ] && printf "ANNEX_DEFAULT_LEASE_DURATION = 1200\\n # at: /etc/condor/config.d/x, line 1\\n"\n',
    );
    chmodSync(fake, 0o755);
    expect(await new HTCondorKnobs({ env: {}, configVal: fake }).get("ANNEX_DEFAULT_LEASE_DURATION")).toBe(
      "1200",
    );
    const missing = new HTCondorKnobs({
      env: { _CONDOR_ANNEX_DEFAULT_LEASE_DURATION: "60" },
      configVal: join(dir, "no-such-program"),
    });
    expect(await missing.get("ANNEX_DEFAULT_LEASE_DURATION")).toBe("60");
  });
});

describe("StaticKnobs", () => {
  it("answers from its table, case-insensitively", async () => {
    const knobs = new StaticKnobs({ Annex_Gahp: "x" });
    expect(await knobs.get("ANNEX_GAHP")).toBe("x");
    expect(await knobs.get("OTHER")).toBeUndefined();
  });
});

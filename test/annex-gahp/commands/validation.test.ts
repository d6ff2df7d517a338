import { describe, expect, it } from "vitest";
import { type SourcedAd, sourcedCodec } from "../../../src/annex-gahp/commands/arguments.js";
import { validateCreate } from "../../../src/annex-gahp/commands/create-command.js";
import { validateDelete } from "../../../src/annex-gahp/commands/delete-command.js";
import { validateExtend } from "../../../src/annex-gahp/commands/extend-command.js";
import { validateJobs } from "../../../src/annex-gahp/commands/jobs-command.js";
import { validateList } from "../../../src/annex-gahp/commands/list-command.js";
import { validateSetup } from "../../../src/annex-gahp/commands/setup-command.js";
import { SourceText } from "../../../src/annex-gahp/commands/source-positions.js";
import { validateStatus } from "../../../src/annex-gahp/commands/status-command.js";
import { loadClassAdCodec } from "../../../src/annex-gahp/main.js";
import { formatRequestAdError } from "../../../src/gahp/classad-command.js";

const codec = sourcedCodec(await loadClassAdCodec());

function sourced(text: string): SourcedAd {
  const parsed = codec.parse(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

function errorOf(result: { ok: boolean; error?: Parameters<typeof formatRequestAdError>[0] }): string {
  if (result.ok || result.error === undefined) throw new Error("expected an error");
  return formatRequestAdError(result.error);
}

describe("source positions", () => {
  it("finds attributes, nested attributes and list items, skipping strings and comments", () => {
    const text = "[ a = \"x ]; b = 1\";\n  /* b = 2 */ b = [ c = { 1, [ d = 2 ] } ];\n  'odd name' = 3 ]";
    const source = new SourceText(text);
    expect(source.positionOf(["b"])).toEqual({ line: 2, column: 15 });
    expect(source.positionOf(["B", "c"])).toEqual({ line: 2, column: 21 });
    expect(source.positionOf(["b", "c", 1, "d"])).toEqual({ line: 2, column: 32 });
    expect(source.positionOf(["odd name"])).toEqual({ line: 3, column: 3 });
    expect(source.positionOf([])).toEqual({ line: 1, column: 1 });
    // A path that leaves the structure stops at the nearest known place.
    expect(source.positionOf(["b", "zz"])).toEqual({ line: 2, column: 15 });
    expect(source.positionOf(["b", "c", 7])).toEqual({ line: 2, column: 21 });
    // A repeated name: the last one is the attribute's value, so it is the one pointed at.
    expect(new SourceText("[ x = 1;\n X = 2 ]").positionOf(["x"])).toEqual({ line: 2, column: 2 });
  });
});

describe("argument ads of the annex commands", () => {
  it("name an unknown attribute with its position and the attributes the command takes", () => {
    expect(errorOf(validateList(sourced('[ AllPools = true;\n  Regoin = "x" ]')))).toBe(
      "2:3: Regoin: unknown attribute of ANNEX_LIST (expected Region, AllPools)",
    );
    expect(errorOf(validateSetup(sourced("[ Bucket = 1 ]")))).toMatch(
      /^1:3: Bucket: unknown attribute of ANNEX_SETUP/,
    );
  });

  it("take ANNEX_SETUP's Check as a boolean, default false", () => {
    expect(validateSetup(sourced("[ Check = true ]"))).toMatchObject({ ok: true, value: { check: true } });
    expect(validateSetup(sourced("[]"))).toMatchObject({ ok: true, value: { check: false } });
    expect(errorOf(validateSetup(sourced('[ Check = "yes" ]')))).toMatch(
      /^1:3: Check: expected true or false, got the string "yes"/,
    );
  });

  it("report a missing required attribute at the ad and a wrong type at the attribute, all at once", () => {
    expect(errorOf(validateExtend(sourced('[ Hours = "two" ]')))).toBe(
      '1:1: Name: required (a DNS-safe name: 1-63 lower-case letters, digits or inner hyphens, starting with a letter (e.g. "chem-burst")); 1:3: Hours: expected a number of hours > 0 (e.g. 2), got the string "two"',
    );
  });

  it("evaluate expressions and check annex names", () => {
    const ok = validateExtend(sourced('[ Name = "chem"; Hours = 2 * 1.5; Wait = false ]'));
    expect(ok).toEqual({ ok: true, value: { name: "chem", hours: 3, region: undefined, wait: false } });
    expect(errorOf(validateDelete(sourced('[ Name = "Chem_Burst" ]')))).toMatch(
      /^1:3: Name: expected a DNS-safe name/,
    );
    expect(validateStatus(sourced("[]"))).toEqual({
      ok: true,
      value: { name: undefined, region: undefined },
    });
  });

  it("ANNEX_CREATE checks its options and leaves the request attributes to the request validator", () => {
    const checked = validateCreate(sourced('[ Name = "chem"; MaxInstance = 3; Wait = false ]'));
    expect(checked.ok).toBe(true);
    if (checked.ok) {
      expect(checked.value.wait).toBe(false);
      expect([...checked.value.requestAd.attributes()].map((a) => a.name)).toEqual(["Name", "MaxInstance"]);
    }
    expect(errorOf(validateCreate(sourced('[ Name = "chem"; LeasePeriodSeconds = 20 ]')))).toBe(
      "1:18: LeasePeriodSeconds: expected 10, 30 or 60, got 20",
    );
  });

  it("ANNEX_JOBS takes a list of job ads, and points at an element that is not an ad", () => {
    const checked = validateJobs(
      sourced("[ Jobs = { [ ClusterId = 1 ], [ ClusterId = 2 ] }; SnapshotTime = 1700000000 ]"),
    );
    expect(checked.ok && checked.value.jobs.length).toBe(2);
    expect(checked.ok && checked.value.snapshotTime).toBe(1_700_000_000);
    expect(errorOf(validateJobs(sourced("[ Jobs = {\n  [ ClusterId = 1 ],\n  42 } ]")))).toBe(
      "3:3: Jobs: element 2 is not a job ad (expected [ … ])",
    );
    expect(errorOf(validateJobs(sourced("[ SnapshotTime = 1 ]")))).toMatch(/^1:1: Jobs: required/);
    const defaulted = validateJobs(sourced("[ Jobs = {} ]"), () => 5_000);
    expect(defaulted.ok && defaulted.value.snapshotTime).toBe(5);
  });

  it("ANNEX_JOBS takes shapes: JobCount identical jobs, some of whose ids JobIds lists, both taken off the ad", () => {
    const checked = validateJobs(
      sourced(
        '[ Jobs = { [ RequestCpus = 2; JobCount = 500; JobIds = { "12.0", "12.1" } ], [ ClusterId = 3; ProcId = 0 ] }; CondorVersion = "$CondorVersion: 25.14.1 2026-10-16 $" ]',
      ),
    );
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    const [shape, single] = checked.value.jobs;
    expect(shape?.count).toBe(500);
    expect(shape?.jobIds).toEqual(["12.0", "12.1"]);
    expect([...(shape?.ad.attributes() ?? [])].map((a) => a.name)).toEqual(["RequestCpus"]);
    expect(single?.count).toBe(1);
    expect(single?.jobIds).toEqual([]);
    expect(checked.value.condorVersion).toBe("$CondorVersion: 25.14.1 2026-10-16 $");
    expect(errorOf(validateJobs(sourced("[ Jobs = {\n  [ JobCount = 0 ] } ]")))).toBe(
      "2:3: Jobs: element 1: JobCount must be an integer ≥ 1 (how many identical jobs this ad stands for)",
    );
    expect(errorOf(validateJobs(sourced("[ Jobs = { [ JobCount = 2; JobIds = { 12 } ] } ]")))).toMatch(
      /^1:12: Jobs: element 1: JobIds must be a list of job id strings/,
    );
    expect(errorOf(validateJobs(sourced("[ Jobs = {}; CondorVersion = 25 ]")))).toMatch(
      /CondorVersion: expected/,
    );
  });
});

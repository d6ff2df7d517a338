import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ClassAd } from "../../src/classad/classad.js";
import { evaluate } from "../../src/classad/evaluate.js";
import { parseClassAd, parseExpression } from "../../src/classad/parse.js";
import type { Value } from "../../src/classad/value.js";
import { repoRoot } from "../../src/emulator/python-env.js";

/**
 * The access point's submit-time check of +AnnexRequest
 * (condor-config/access-point/50-condor-annex.config), evaluated with our ClassAd evaluator as
 * the schedd evaluates SUBMIT_REQUIREMENT_<NAME>: against the job ad (MY), old semantics.
 */

/** Reads an HTCondor config file: `NAME = value`, `#` comments, `\` at the end continues a line. */
function readConfig(path: string): Map<string, string> {
  const knobs = new Map<string, string>();
  const lines = readFileSync(path, "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] ?? "";
    if (line.trim().startsWith("#") || line.trim() === "") continue;
    while (line.endsWith("\\") && i + 1 < lines.length) {
      line = `${line.slice(0, -1)}${lines[++i] ?? ""}`;
    }
    const equals = line.indexOf("=");
    if (equals <= 0) continue;
    knobs.set(line.slice(0, equals).trim().toUpperCase(), line.slice(equals + 1).trim());
  }
  return knobs;
}

const config = readConfig(join(repoRoot, "condor-config", "access-point", "50-condor-annex.config"));

function knobExpression(name: string) {
  const text = config.get(name);
  if (text === undefined) throw new Error(`${name} is not in the config file`);
  const parsed = parseExpression(text, { oldSemantics: true });
  if (!parsed.ok) throw new Error(`${name} does not parse: ${parsed.error.message}`);
  return parsed.value;
}

const requirement = knobExpression("SUBMIT_REQUIREMENT_ANNEXREQUEST");
const reason = knobExpression("SUBMIT_REQUIREMENT_ANNEXREQUEST_REASON");

function jobAd(annexRequest: string | undefined): ClassAd {
  const text = `[ ClusterId = 7; ProcId = 0; Owner = "alice"; RequestCpus = 4; Name = "not-the-annex"; MaxInstances = 3${
    annexRequest === undefined ? "" : `; AnnexRequest = ${annexRequest}`
  } ]`;
  const parsed = parseClassAd(text, { oldSemantics: true });
  if (!parsed.ok) throw new Error(`test job ad does not parse: ${parsed.error.message}`);
  return parsed.value;
}

function check(annexRequest: string | undefined): { accepted: Value; reason: Value } {
  const ad = jobAd(annexRequest);
  return { accepted: evaluate(requirement, ad), reason: evaluate(reason, ad) };
}

const TRUE = { kind: "boolean", value: true };
const FALSE = { kind: "boolean", value: false };

/** The +AnnexRequest of an example submit file, continuation lines joined. */
function exampleRequest(file: string): string {
  const text = readFileSync(join(repoRoot, "condor-config", "examples", file), "utf8").replace(/\\\n/g, " ");
  const match = /^\+AnnexRequest\s*=\s*(.*)$/m.exec(text);
  if (match?.[1] === undefined) throw new Error(`${file} has no +AnnexRequest`);
  return match[1];
}

describe("SUBMIT_REQUIREMENT_ANNEXREQUEST", () => {
  it("the config file registers it under SUBMIT_REQUIREMENT_NAMES", () => {
    expect(config.get("SUBMIT_REQUIREMENT_NAMES")).toMatch(/\bANNEXREQUEST\b/);
  });

  it("accepts jobs without an AnnexRequest", () => {
    expect(check(undefined).accepted).toEqual(TRUE);
  });

  it.each([
    ['[ Name = "chem-burst" ]'],
    [
      '[ Name = "chem-burst"; InstanceTypes = { "c6i.2xlarge", "c5.2xlarge" }; MaxInstances = 20; Spot = true; LeaseMinutes = 20; MaxHours = 8 ]',
    ],
    [
      '[ name = "a"; maxhours = 0.5; Count = 2; OnDemandBase = 1; IdleMinutes = 15; Region = "eu-west-1"; Owner = "alice"; Tags = [ Project = "x" ]; CollectorHost = "cm:9618"; ImageId = "ami-0123456789abcdef0"; Subnets = { "subnet-0123456789abcdef0" } ]',
    ],
    [exampleRequest("chem-burst.sub")],
    [exampleRequest("gpu-training.sub")],
  ])("accepts a well-formed request: %s", (request) => {
    expect(check(request).accepted).toEqual(TRUE);
  });

  it.each([
    ['[ Name = "chem-burst"; MaxInstance = 4 ]', "a typo (MaxInstance)"],
    ['[ Name = "chem-burst"; Spotty = true ]', "an unknown attribute"],
    ['[ Name = "chem-burst"; MaxInstances = "ten" ]', "MaxInstances a string"],
    ['[ Name = "chem-burst"; MaxInstances = 0 ]', "MaxInstances below 1"],
    ['[ Name = "chem-burst"; Spot = "yes" ]', "Spot a string"],
    ['[ Name = "chem-burst"; LeaseMinutes = 1.5 ]', "LeaseMinutes a real"],
    ['[ Name = "chem-burst"; MaxHours = -1 ]', "MaxHours negative"],
    ['[ Name = "chem-burst"; MaxHours = 169 ]', "MaxHours beyond a week"],
    ['[ Name = "chem-burst"; LeaseMinutes = 1 ]', "LeaseMinutes below 2"],
    ['[ Name = "chem-burst"; LeaseMinutes = 1441 ]', "LeaseMinutes beyond a day"],
    ['[ Name = "chem-burst"; MaxInstances = 10001 ]', "MaxInstances beyond 10000"],
    ['[ Name = "chem-burst"; InstanceTypes = "c5.large" ]', "InstanceTypes not a list"],
    ['[ Name = "chem-burst"; InstanceTypes = {} ]', "InstanceTypes empty"],
  ])("rejects %s (%s) with the generic reason", (request) => {
    const r = check(request);
    expect(r.accepted).toEqual(FALSE);
    expect(r.reason).toEqual({
      kind: "string",
      value:
        "+AnnexRequest is malformed: an attribute has the wrong type, is out of range or is unknown; see the AnnexRequest reference in the condor-annex README",
    });
  });

  it.each([
    ['[ Name = "Chem_Burst" ]'],
    ['[ Name = "-burst" ]'],
    ["[ Name = 5 ]"],
    ["[ MaxInstances = 4 ]"],
    [`[ Name = "${"a".repeat(64)}" ]`],
  ])("rejects a bad or missing Name %s, and says how a name looks", (request) => {
    const r = check(request);
    expect(r.accepted).toEqual(FALSE);
    expect(r.reason).toEqual({
      kind: "string",
      value:
        '+AnnexRequest is malformed: Name must be a DNS-safe string of lower-case letters, digits and inner hyphens, e.g. "chem-burst"',
    });
  });

  it("rejects an AnnexRequest that is not a nested ad, and says what it must be", () => {
    const r = check('"chem-burst"');
    expect(r.accepted).toEqual(FALSE);
    expect(r.reason).toEqual({
      kind: "string",
      value:
        '+AnnexRequest is malformed: it must be a nested ad, e.g. [ Name = "chem-burst"; MaxInstances = 10 ]',
    });
  });

  it("reads the request's own attributes, never the job's attributes of the same name", () => {
    // The job ad has Name and MaxInstances of its own (see jobAd); a request without them must not borrow them.
    expect(check("[ Spot = true ]").accepted).toEqual(FALSE);
  });
});

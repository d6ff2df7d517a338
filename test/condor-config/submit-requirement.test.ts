import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  submitRequirementConfig,
  submitRequirementExpression,
  submitRequirementReason,
} from "../../src/annex/submit-requirement.js";
import type { ClassAd } from "../../src/classad/classad.js";
import { evaluateInMatch } from "../../src/classad/match.js";
import { parseClassAd } from "../../src/classad/parse.js";
import type { Value } from "../../src/classad/value.js";
import { repoRoot } from "../../src/emulator/python-env.js";
import { MALFORMED_REQUESTS } from "../support/annex-requests.js";

/**
 * The access point's submit-time check of +AnnexRequest, evaluated with our evaluator playing the
 * schedd: the schedd evaluates SUBMIT_REQUIREMENT_<NAME> in its own ad (MY) with **the job as
 * TARGET**. The same cases run against the real schedd in test/e2e/htcondor/submit-requirement.test.ts.
 */

const configFile = join(repoRoot, "condor-config", "access-point", "50-condor-annex.config");

function ad(text: string): ClassAd {
  const parsed = parseClassAd(text, { oldSemantics: true });
  if (!parsed.ok) throw new Error(`test ad does not parse: ${parsed.error.message}`);
  return parsed.value;
}

/** The schedd's ad, holding the two knobs as the schedd evaluates them (macros expanded). */
const schedd = ad(
  `[ MyType = "Scheduler"; Name = "ap.example.org"; MaxInstances = 7; Requirement = ${submitRequirementExpression()}; Reason = ${submitRequirementReason()} ]`,
);

function jobAd(annexRequest: string | undefined): ClassAd {
  return ad(
    `[ ClusterId = 7; ProcId = 0; Owner = "alice"; RequestCpus = 4; Name = "not-the-annex"; MaxInstances = 3${
      annexRequest === undefined ? "" : `; AnnexRequest = ${annexRequest}`
    } ]`,
  );
}

function check(annexRequest: string | undefined): { accepted: Value; reason: Value } {
  const job = jobAd(annexRequest);
  return {
    accepted: evaluateInMatch(schedd, job, "Requirement"),
    reason: evaluateInMatch(schedd, job, "Reason"),
  };
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
  it("the shipped config file carries exactly the generated block (condor-annex template submit-requirement)", () => {
    expect(readFileSync(configFile, "utf8")).toContain(submitRequirementConfig());
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
      '[ name = "a"; maxhours = 0.5; Count = 2; OnDemandBase = 1; IdleMinutes = 15; Region = "eu-west-1"; Owner = "alice, bob"; Tags = [ Project = "x" ]; CollectorHost = "cm:9618"; ImageId = "ami-0123456789abcdef0"; Subnets = { "subnet-0123456789abcdef0" } ]',
    ],
    ['[ Name = "a"; ImageId = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64" ]'],
    [exampleRequest("chem-burst.sub")],
    [exampleRequest("gpu-training.sub")],
  ])("accepts a well-formed request: %s", (request) => {
    expect(check(request).accepted).toEqual(TRUE);
  });

  it.each(MALFORMED_REQUESTS)("rejects %s, and the reason says %s…", (request, reasonStart) => {
    const r = check(request);
    expect(r.accepted).toEqual(FALSE);
    expect(r.reason.kind).toBe("string");
    expect(r.reason.kind === "string" ? r.reason.value : "").toMatch(
      new RegExp(`^${reasonStart.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`),
    );
  });

  it("names what was given and the whole request in the reason", () => {
    expect(check('[ Name = "x"; MaxInstances = 0 ]').reason).toEqual({
      kind: "string",
      value:
        '+AnnexRequest is malformed: MaxInstances must be an integer from 1 to 10000; got 0 in [ Name = "x"; MaxInstances = 0 ]',
    });
    expect(check('[ Name = "x"; Spot = "yes" ]').reason).toEqual({
      kind: "string",
      value:
        '+AnnexRequest is malformed: Spot must be true or false; got "yes" in [ Name = "x"; Spot = "yes" ]',
    });
  });

  it("reads the request's own attributes, never the job's or the schedd's attributes of the same name", () => {
    // The job ad and the schedd ad have Name and MaxInstances of their own: a request without them
    // must not borrow them.
    expect(check("[ Spot = true ]").accepted).toEqual(FALSE);
  });

  it("finds the request only with the job as TARGET: evaluated with the job as MY, it would accept anything", () => {
    const bad = '[ Name = "Bad Name" ]';
    expect(check(bad).accepted).toEqual(FALSE);
    // The mistake that once let every request through, turned around: the job as MY and the
    // schedd as TARGET. The schedd has no AnnexRequest, so the check passes — which is why the
    // real schedd's verdict is tested too (test/e2e/htcondor/submit-requirement.test.ts).
    const jobAsMy = ad(`[ AnnexRequest = ${bad}; Requirement = ${submitRequirementExpression()} ]`);
    expect(evaluateInMatch(jobAsMy, schedd, "Requirement")).toEqual(TRUE);
  });
});

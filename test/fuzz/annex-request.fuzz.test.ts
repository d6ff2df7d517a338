/**
 * AnnexRequest validation fuzzing: request ads as text (valid ones, mutated ones, attribute soup
 * with values of every type) through `annexRequestFromText`, and plain value maps through
 * `validateAnnexRequest`. Each input gives `ok` with a request that satisfies the documented
 * bounds, or issues that each name an attribute and say what was expected — never a throw.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { annexRequestFromText } from "../../src/annex/classad-request.js";
import { REQUEST_ATTRIBUTES, validateAnnexRequest } from "../../src/annex/request.js";
import type { AnnexDefaults, AnnexRequest, RequestValidation } from "../../src/annex/types.js";
import { TEST_DEFAULTS } from "../annex/support.js";
import { FuzzMeter, fuzzParameters, fuzzTimeout, MAX_HEAP_GROWTH_BYTES } from "./budget.js";

const DEFAULTS: AnnexDefaults = TEST_DEFAULTS;

const VALID = [
  '[ Name = "chem-burst"; InstanceTypes = { "c6i.2xlarge", "c5.2xlarge" }; MaxInstances = 20; Spot = true; LeaseMinutes = 20; MaxHours = 8 ]',
  '[ Name = "a"; Count = 2; MaxInstances = 2 * 2; ImageId = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64" ]',
  '[ Name = "b-1"; Subnets = { "subnet-0123456789abcdef0" }; Region = "eu-west-1"; Owner = "alice, bob"; Tags = [ project = "x" ]; CollectorHost = "cm:9618" ]',
  '[ Name = "z"; OnDemandBase = 1; IdleMinutes = 5; MaxHours = 0.5 ]',
];

const VALUES = [
  '"x"',
  '""',
  '"chem-burst"',
  '"c6i.large"',
  '{ "c6i.large" }',
  "{ }",
  "{ 1, 2 }",
  '{ "a", undefined }',
  "0",
  "-1",
  "1",
  "20",
  "1e308",
  "-0.0",
  "9223372036854775807",
  "2.5",
  "true",
  "false",
  "undefined",
  "error",
  '[ a = "b" ]',
  "[ ]",
  'absTime("2026-01-01")',
  'relTime("1h")',
  "Name",
  "MaxInstances + 1",
  "1 / 0",
  '"ami-0123456789abcdef0"',
  '"subnet-0123456789abcdef0"',
  '"a\\nb"',
  `"${"y".repeat(300)}"`,
];

const NAMES = [...REQUEST_ATTRIBUTES, "name", "MAXINSTANCES", "Unknown", "Name2", "Instances"];

/** Attribute soup: any request attribute (or near miss) with a value of any type. */
const soup = fc
  .array(fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom(...VALUES)), { maxLength: 10 })
  .map((pairs) => `[ ${pairs.map(([n, v]) => `${n} = ${v}`).join("; ")} ]`);

const MUTATIONS = ["", "[", "]", ";", "=", '"', "{", "}", ",", "\\", "0", "-", " ", "é", "\u0000"];

const mutated = fc
  .tuple(fc.constantFrom(...VALID), fc.nat(), fc.nat({ max: 6 }), fc.constantFrom(...MUTATIONS))
  .map(([text, at, del, ins]) => {
    const i = at % (text.length + 1);
    return text.slice(0, i) + ins + text.slice(i + del);
  });

/** What an accepted request must satisfy, whatever the input was. */
function checkRequest(request: AnnexRequest): void {
  const problems: string[] = [];
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(request.name)) problems.push("name");
  if (request.instanceTypes.length === 0) problems.push("instanceTypes");
  if (!Number.isInteger(request.maxInstances) || request.maxInstances < 1) problems.push("maxInstances");
  if (request.count !== undefined && !(request.count >= 0 && request.count <= request.maxInstances))
    problems.push("count");
  if (!(request.leaseMinutes > 0) || !(request.maxHours > 0)) problems.push("lease/deadline");
  if (problems.length > 0) throw new Error(`accepted an invalid request (${problems.join(", ")})`);
}

function checkResult(result: RequestValidation): void {
  if (result.ok) {
    checkRequest(result.request);
    return;
  }
  if (result.issues.length === 0) throw new Error("rejected without an issue");
  for (const issue of result.issues) {
    if (issue.attribute.length === 0 || issue.message.length < 5) {
      throw new Error(`an issue without attribute or reason: ${JSON.stringify(issue)}`);
    }
  }
}

describe("AnnexRequest fuzzing", () => {
  const meter = new FuzzMeter();
  afterAll(() => {
    process.stdout.write(
      `[fuzz] annex request: ${meter.inputs} inputs, slowest ${meter.slowestMs.toFixed(1)} ms\n`,
    );
  });

  it("the valid examples are accepted (the generators start from real requests)", () => {
    for (const text of VALID) expect(annexRequestFromText(text, DEFAULTS).ok, text).toBe(true);
  });

  it(
    "request ads as text — attribute soup, mutated requests, random text — validate or name their issues",
    () => {
      fc.assert(
        fc.property(fc.oneof(soup, mutated, fc.string({ unit: "binary", maxLength: 200 })), (text) =>
          meter.time(text, (t) => checkResult(annexRequestFromText(t, DEFAULTS))),
        ),
        fuzzParameters(0.12),
      );
      expect(meter.heapGrowth()).toBeLessThan(MAX_HEAP_GROWTH_BYTES);
    },
    fuzzTimeout(0.12),
  );

  it(
    "plain value maps with values of any type validate or name their issues",
    () => {
      const value = fc.oneof(
        fc.string({ maxLength: 70 }),
        fc.double(),
        fc.integer(),
        fc.boolean(),
        fc.array(fc.string({ maxLength: 20 }), { maxLength: 4 }),
        fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), { maxKeys: 3 }),
      );
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.constantFrom(...NAMES), value), { maxLength: 10 }), (pairs) =>
          meter.time(pairs, (p) => checkResult(validateAnnexRequest(new Map(p), DEFAULTS))),
        ),
        fuzzParameters(0.06),
      );
    },
    fuzzTimeout(0.06),
  );
});

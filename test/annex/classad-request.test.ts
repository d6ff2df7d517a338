import { describe, expect, it } from "vitest";
import { annexRequestFromText } from "../../src/annex/index.js";
import { TEST_DEFAULTS } from "./support.js";

function issues(text: string): string[] {
  const result = annexRequestFromText(text, TEST_DEFAULTS);
  if (result.ok) throw new Error("expected the request to be invalid");
  return result.issues.map((issue) => `${issue.attribute}: ${issue.message}`);
}

describe("an AnnexRequest given as a ClassAd", () => {
  it("is evaluated and validated: the DESIGN §4 example", () => {
    const result = annexRequestFromText(
      '[ Name = "chem-burst"; InstanceTypes = { "c6i.2xlarge", "c5.2xlarge" }; MaxInstances = 20; Spot = true; LeaseMinutes = 20; MaxHours = 8 ]',
      TEST_DEFAULTS,
    );
    expect(result.ok && result.request).toMatchObject({
      name: "chem-burst",
      instanceTypes: ["c6i.2xlarge", "c5.2xlarge"],
      maxInstances: 20,
      spot: true,
      leaseMinutes: 20,
      maxHours: 8,
    });
  });

  it("evaluates expressions and nested ads (Tags) before validating", () => {
    const result = annexRequestFromText(
      '[ Name = strcat("chem", "-", "burst"); MaxHours = 2 * 1.5; Count = MaxInstances - 1; MaxInstances = 4; Tags = [ project = "chem" ] ]',
      TEST_DEFAULTS,
    );
    expect(result.ok && result.request).toMatchObject({
      name: "chem-burst",
      maxHours: 3,
      count: 3,
      maxInstances: 4,
      tags: { project: "chem" },
    });
  });

  it("reports attributes that evaluate to undefined or error, or to lists of non-strings", () => {
    expect(
      issues('[ Name = NoSuchAttribute; MaxInstances = 1/0; InstanceTypes = { "c5.large", 4 } ]'),
    ).toEqual([
      "Name: evaluates to undefined (does it refer to an attribute that is not set?)",
      "MaxInstances: evaluates to error (the expression cannot be evaluated)",
      'InstanceTypes: evaluates to a list holding the integer 4 (lists must hold strings, e.g. { "a", "b" })',
    ]);
  });

  it("reports a tag value that is not a string", () => {
    expect(issues('[ Name = "a"; Tags = [ cost = 42 ] ]')).toEqual([
      "Tags: evaluates to a nested ad whose cost is the integer 42 (values must be strings)",
    ]);
  });

  it("reports unknown attributes from a ClassAd like any other", () => {
    expect(issues('[ Name = "a"; Instances = 3 ]')).toEqual([
      expect.stringMatching(/^Instances: unknown attribute/),
    ]);
  });

  it("reports a syntax error with line:column and what was expected", () => {
    expect(issues('[ Name = "a";\n  Spot = ]')).toEqual([
      expect.stringMatching(/^\(ClassAd\): syntax error at 2:\d+/),
    ]);
  });
});

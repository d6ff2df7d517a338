import { describe, expect, it } from "vitest";
import {
  type AnnexDefaults,
  InvalidRequestError,
  parseAnnexRequest,
  type RequestInput,
  validateAnnexRequest,
} from "../../src/annex/index.js";
import { TEST_DEFAULTS } from "./support.js";

const DEFAULTS: AnnexDefaults = {
  ...TEST_DEFAULTS,
  image: { kind: "ssm", parameter: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64" },
};

/** The issues of an invalid request, as "attribute: message" lines. */
function issues(input: RequestInput, defaults: AnnexDefaults = DEFAULTS): string[] {
  const result = validateAnnexRequest(input, defaults);
  if (result.ok) throw new Error("expected the request to be invalid");
  return result.issues.map((issue) => `${issue.attribute}: ${issue.message}`);
}

describe("validateAnnexRequest", () => {
  it("completes a minimal request with the configured defaults", () => {
    const result = validateAnnexRequest({ Name: "chem-burst" }, DEFAULTS);
    expect(result).toEqual({
      ok: true,
      request: {
        name: "chem-burst",
        instanceTypes: ["m6i.large"],
        maxInstances: 10,
        count: undefined,
        spot: false,
        onDemandBase: 0,
        leaseMinutes: 20,
        maxHours: 8,
        idleMinutes: 15,
        image: DEFAULTS.image,
        subnets: [],
        region: "us-east-1",
        owner: undefined,
        tags: {},
        collectorHost: "cm.example.org:9618",
      },
    });
  });

  it("takes every DESIGN §4 attribute plus Count, case-insensitively", () => {
    const request = parseAnnexRequest(
      new Map<string, string | number | boolean | string[] | Record<string, string>>([
        ["name", "chem-burst"],
        ["INSTANCETYPES", ["c6i.2xlarge", "c5.2xlarge"]],
        ["MaxInstances", 20],
        ["Count", 4],
        ["Spot", true],
        ["OnDemandBase", 2],
        ["LeaseMinutes", 30],
        ["MaxHours", 1.5],
        ["IdleMinutes", 10],
        ["ImageId", "ami-0123456789abcdef0"],
        ["Subnets", ["subnet-0123456789abcdef0", "subnet-89abcdef"]],
        ["Region", "eu-west-2"],
        ["Owner", "alice, bob"],
        ["Tags", { project: "chem", "cost-center": "42" }],
        ["CollectorHost", "cm.other.org:9618"],
      ]),
      DEFAULTS,
    );
    expect(request).toMatchObject({
      name: "chem-burst",
      instanceTypes: ["c6i.2xlarge", "c5.2xlarge"],
      maxInstances: 20,
      count: 4,
      spot: true,
      onDemandBase: 2,
      leaseMinutes: 30,
      maxHours: 1.5,
      idleMinutes: 10,
      image: { kind: "ami", id: "ami-0123456789abcdef0" },
      subnets: ["subnet-0123456789abcdef0", "subnet-89abcdef"],
      region: "eu-west-2",
      owner: "alice, bob",
      tags: { project: "chem", "cost-center": "42" },
      collectorHost: "cm.other.org:9618",
    });
  });

  it("accepts an SSM parameter path (with or without resolve:ssm:) as ImageId", () => {
    const plain = parseAnnexRequest({ Name: "a", ImageId: "/my/images/condor" }, DEFAULTS);
    const prefixed = parseAnnexRequest({ Name: "a", ImageId: "resolve:ssm:/my/images/condor" }, DEFAULTS);
    expect(plain.image).toEqual({ kind: "ssm", parameter: "/my/images/condor" });
    expect(prefixed.image).toEqual(plain.image);
  });

  it("requires Name", () => {
    expect(issues({})).toEqual([expect.stringMatching(/^Name: required: a DNS-safe name/)]);
  });

  it.each([
    ["Chem_Burst", /^Name: expected a DNS-safe name.*got "Chem_Burst" \(try "chem-burst"\)$/],
    ["-x", /^Name: expected a DNS-safe name.*got "-x"/],
    ["a".repeat(64), /^Name: expected a DNS-safe name: 1-63/],
    ["ends-with-", /^Name: expected a DNS-safe name/],
  ])("rejects the name %j, suggesting a valid one when it can", (name, message) => {
    expect(issues({ Name: name })).toEqual([expect.stringMatching(message)]);
  });

  it("rejects a Name that is not a string", () => {
    expect(issues({ Name: 7 })).toEqual([
      expect.stringMatching(/^Name: expected a DNS-safe name.*got the integer 7$/),
    ]);
  });

  it("rejects unknown attributes, naming them and suggesting a close one", () => {
    expect(issues({ Name: "a", InstanceType: ["m6i.large"], Colour: "red" })).toEqual([
      expect.stringMatching(
        /^InstanceType: unknown attribute \(did you mean InstanceTypes\?\); an AnnexRequest takes Name, /,
      ),
      expect.stringMatching(/^Colour: unknown attribute; an AnnexRequest takes Name, InstanceTypes, /),
    ]);
  });

  it("rejects an attribute given twice in different case", () => {
    expect(issues({ Name: "a", spot: true, SPOT: false })).toEqual([
      "SPOT: given twice (attribute names are case-insensitive)",
    ]);
  });

  it.each<[string, RequestInput, RegExp]>([
    [
      "InstanceTypes not a list",
      { InstanceTypes: "c5.large" },
      /^InstanceTypes: expected a list of 1 to 20 EC2 instance type/,
    ],
    [
      "InstanceTypes empty",
      { InstanceTypes: [] },
      /^InstanceTypes: expected a list of 1 to 20 .* got 0 items$/,
    ],
    [
      "an instance type malformed",
      { InstanceTypes: ["c5.large", "large"] },
      /^InstanceTypes\[1\]: expected EC2 instance type \(e\.g\. "c6i\.2xlarge"\), got "large"$/,
    ],
    [
      "an instance type twice",
      { InstanceTypes: ["c5.large", "c5.large"] },
      /^InstanceTypes\[1\]: "c5\.large" is listed twice$/,
    ],
    [
      "MaxInstances real",
      { MaxInstances: 2.5 },
      /^MaxInstances: expected an integer from 1 to 10000, got the real 2\.5$/,
    ],
    ["MaxInstances zero", { MaxInstances: 0 }, /^MaxInstances: expected an integer from 1 to 10000, got 0$/],
    ["Count negative", { Count: -1 }, /^Count: expected an integer from 0 to 10000, got -1$/],
    [
      "Count above MaxInstances",
      { MaxInstances: 3, Count: 4 },
      /^Count: must not exceed MaxInstances \(3\), got 4$/,
    ],
    [
      "Count above the default MaxInstances",
      { Count: 11 },
      /^Count: must not exceed MaxInstances \(10\), got 11$/,
    ],
    ["Spot a string", { Spot: "yes" }, /^Spot: expected true or false, got the string "yes"$/],
    [
      "OnDemandBase above MaxInstances",
      { MaxInstances: 2, OnDemandBase: 3 },
      /^OnDemandBase: must not exceed MaxInstances \(2\), got 3$/,
    ],
    [
      "LeaseMinutes too short",
      { LeaseMinutes: 1 },
      /^LeaseMinutes: expected an integer from 2 to 1440, got 1$/,
    ],
    [
      "LeaseMinutes too long",
      { LeaseMinutes: 1441 },
      /^LeaseMinutes: expected an integer from 2 to 1440, got 1441$/,
    ],
    [
      "MaxHours zero",
      { MaxHours: 0 },
      /^MaxHours: expected a number of hours greater than 0 and at most 168, got 0$/,
    ],
    ["MaxHours a list", { MaxHours: ["8"] }, /^MaxHours: expected a number of hours .* got a list$/],
    ["IdleMinutes zero", { IdleMinutes: 0 }, /^IdleMinutes: expected an integer from 1 to 1440, got 0$/],
    [
      "ImageId malformed",
      { ImageId: "ami-xyz" },
      /^ImageId: expected an AMI id \("ami-0123456789abcdef0"\) or an SSM parameter path .* got "ami-xyz"$/,
    ],
    ["ImageId a number", { ImageId: 5 }, /^ImageId: expected an AMI id .* got the integer 5$/],
    [
      "a subnet malformed",
      { Subnets: ["subnet-1"] },
      /^Subnets\[0\]: expected subnet id \(e\.g\. "subnet-0123456789abcdef0"\), got "subnet-1"$/,
    ],
    [
      "Region malformed",
      { Region: "Virginia" },
      /^Region: expected an AWS region name \(e\.g\. "us-east-1"\), got "Virginia"$/,
    ],
    [
      "Owner malformed",
      { Owner: "alice smith" },
      /^Owner: expected an HTCondor user name, or a comma-separated list of them, got "alice smith"$/,
    ],
    ["Tags a string", { Tags: "project=chem" }, /^Tags: expected a nested ad of string values/],
    [
      "a tag with a reserved key",
      { Tags: { "aws:cost": "1" } },
      /^Tags\.aws:cost: tag keys starting with "aws:" are reserved$/,
    ],
    [
      "a tag of ours",
      { Tags: { "htcondor:pool": "x" } },
      /^Tags\.htcondor:pool: tag keys starting with "htcondor:" are reserved$/,
    ],
    [
      "a tag value with JSON punctuation",
      { Tags: { project: "{chem}" } },
      /^Tags\.project: expected a tag value of at most 256 letters/,
    ],
    [
      "CollectorHost malformed",
      { CollectorHost: "http://cm" },
      /^CollectorHost: expected a collector address, host\[:port\] .* got "http:\/\/cm"$/,
    ],
  ])("rejects %s with a message naming the attribute and the expected form", (_case, extra, message) => {
    expect(issues({ Name: "a", ...extra })).toEqual([expect.stringMatching(message)]);
  });

  it("requires CollectorHost when no collector is configured", () => {
    expect(issues({ Name: "a" }, { ...DEFAULTS, collectorHost: undefined })).toEqual([
      expect.stringMatching(
        /^CollectorHost: required when neither ANNEX_COLLECTOR nor COLLECTOR_HOST is configured/,
      ),
    ]);
  });

  it("reports every problem at once", () => {
    expect(issues({ Name: "A", Spot: 1, LeaseMinutes: 0, Bogus: true })).toHaveLength(4);
  });

  it("parseAnnexRequest throws InvalidRequestError carrying the issues and E_INVALID_REQUEST", () => {
    let caught: unknown;
    try {
      parseAnnexRequest({ Name: "a", Spot: "no" }, DEFAULTS);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidRequestError);
    const error = caught as InvalidRequestError;
    expect(error.code).toBe("E_INVALID_REQUEST");
    expect(error.issues).toEqual([
      { attribute: "Spot", message: 'expected true or false, got the string "no"' },
    ]);
    expect(error.message).toBe('Spot: expected true or false, got the string "no"');
  });
});

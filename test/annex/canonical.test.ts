import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  canonicalRequest,
  clientRequestToken,
  parseAnnexRequest,
  requestDigest,
  requestFromTags,
  requestTags,
  TAG_REQUEST,
} from "../../src/annex/index.js";
import { TEST_DEFAULTS } from "./support.js";

const subnetIds = ["subnet-0123456789abcdef0", "subnet-89abcdef", "subnet-aaaaaaaa", "subnet-bbbbbbbb"];

function request(input: Record<string, string | number | boolean | string[] | Record<string, string>>) {
  return parseAnnexRequest({ Name: "chem-burst", ...input }, TEST_DEFAULTS);
}

describe("the canonical form of a request", () => {
  it("is a JSON text with a fixed key order", () => {
    expect(canonicalRequest(request({ Tags: { b: "2", a: "1" } }))).toBe(
      '{"Name":"chem-burst","Region":"us-east-1","InstanceTypes":["m6i.large"],"MaxInstances":10,"Spot":false,"OnDemandBase":0,"LeaseMinutes":20,"MaxHours":8,"IdleMinutes":15,"ImageId":"ami-0123456789abcdef0","Subnets":[],"Owner":null,"CollectorHost":"cm.example.org:9618","Tags":{"a":"1","b":"2"}}',
    );
  });

  it("does not depend on the order of subnets, tags or attributes, nor on attribute case", () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(subnetIds, { minLength: 1 }), fc.boolean(), (subnets, flip) => {
        const tags = { project: "chem", team: "lab", site: "x" };
        const reversedTags = Object.fromEntries(Object.entries(tags).reverse());
        const a = parseAnnexRequest(
          { Name: "chem-burst", Subnets: subnets, Tags: tags, Spot: true },
          TEST_DEFAULTS,
        );
        const b = parseAnnexRequest(
          flip
            ? { spot: true, tags: reversedTags, subnets: [...subnets].reverse(), NAME: "chem-burst" }
            : { Tags: reversedTags, Subnets: [...subnets].sort(), Name: "chem-burst", Spot: true },
          TEST_DEFAULTS,
        );
        expect(canonicalRequest(b)).toBe(canonicalRequest(a));
        expect(clientRequestToken(b)).toBe(clientRequestToken(a));
      }),
    );
  });

  it("leaves Count out: a create with another count is the same annex, resized", () => {
    expect(clientRequestToken(request({ Count: 1 }))).toBe(clientRequestToken(request({ Count: 7 })));
  });

  it("keeps the order of instance types, which is a preference", () => {
    const ab = request({ InstanceTypes: ["c6i.large", "c5.large"] });
    const ba = request({ InstanceTypes: ["c5.large", "c6i.large"] });
    expect(requestDigest(ab)).not.toBe(requestDigest(ba));
  });

  it("changes with every stack-defining attribute", () => {
    const base = requestDigest(request({}));
    const variants: Record<string, string | number | boolean | string[] | Record<string, string>>[] = [
      { MaxInstances: 11 },
      { Spot: true },
      { LeaseMinutes: 21 },
      { MaxHours: 9 },
      { IdleMinutes: 16 },
      { ImageId: "ami-0123456789abcdef1" },
      { Subnets: ["subnet-89abcdef"] },
      { Region: "us-west-2" },
      { Owner: "alice" },
      { Tags: { a: "1" } },
      { CollectorHost: "cm2.example.org" },
    ];
    const digests = new Set(variants.map((variant) => requestDigest(request(variant))));
    expect(digests.size).toBe(variants.length);
    expect(digests.has(base)).toBe(false);
  });
});

describe("the client request token", () => {
  it("is annex-<name>-<32 hex digits>, a valid CloudFormation token", () => {
    const token = clientRequestToken(request({}));
    expect(token).toMatch(/^annex-chem-burst-[0-9a-f]{32}$/);
    expect(token).toMatch(/^[a-zA-Z0-9][-a-zA-Z0-9]*$/);
    expect(token.length).toBeLessThanOrEqual(128);
  });

  it("stays within 128 characters for the longest name", () => {
    const token = clientRequestToken(parseAnnexRequest({ Name: `a${"b".repeat(62)}` }, TEST_DEFAULTS));
    expect(token.length).toBeLessThanOrEqual(128);
  });

  it("is the first 32 hex digits of the SHA-256 of the canonical text", () => {
    const canonical =
      '{"Name":"chem-burst","Region":"us-east-1","InstanceTypes":["m6i.large"],"MaxInstances":10,"Spot":false,"OnDemandBase":0,"LeaseMinutes":20,"MaxHours":8,"IdleMinutes":15,"ImageId":"ami-0123456789abcdef0","Subnets":[],"Owner":null,"CollectorHost":"cm.example.org:9618","Tags":{}}';
    const sha = createHash("sha256").update(canonical).digest("hex");
    expect(requestDigest(request({}))).toBe(sha);
    expect(clientRequestToken(request({}))).toBe(`annex-chem-burst-${sha.slice(0, 32)}`);
  });
});

describe("request stack tags", () => {
  it("hold the digest and the canonical form in base64url chunks of at most 256 characters", () => {
    const big = request({
      InstanceTypes: ["c6i.2xlarge", "c5.2xlarge", "m6i.2xlarge", "m5.2xlarge", "r6i.2xlarge", "c7i.2xlarge"],
      Tags: Object.fromEntries(
        Array.from({ length: 20 }, (_, i) => [`key-${i}`, `value ${i} with some length`]),
      ),
      Subnets: subnetIds,
    });
    const tags = requestTags(big);
    expect(tags[0]).toEqual({ Key: TAG_REQUEST, Value: requestDigest(big) });
    const chunks = tags.slice(1);
    expect(chunks.length).toBeGreaterThan(1);
    chunks.forEach((tag, index) => {
      expect(tag.Key).toBe(`htcondor:request:${index + 1}`);
      expect(tag.Value.length).toBeLessThanOrEqual(256);
      expect(tag.Value).toMatch(/^[A-Za-z0-9_-]+$/);
    });
  });

  it("rebuild the request exactly (round trip)", () => {
    const original = request({
      InstanceTypes: ["c6i.2xlarge", "c5.2xlarge"],
      Spot: true,
      OnDemandBase: 1,
      MaxHours: 2.5,
      Owner: "alice",
      Tags: { project: "chem" },
      Subnets: ["subnet-89abcdef"],
    });
    const tags = new Map(requestTags(original).map((tag) => [tag.Key, tag.Value]));
    expect(requestFromTags(tags, TEST_DEFAULTS)).toEqual({ ...original, count: undefined });
  });

  it("give undefined, not a wrong request, when chunks are missing or damaged", () => {
    const tags = new Map(requestTags(request({})).map((tag) => [tag.Key, tag.Value]));
    const damaged = new Map(tags);
    damaged.set("htcondor:request:1", "not-base64-json");
    expect(requestFromTags(damaged, TEST_DEFAULTS)).toBeUndefined();
    expect(requestFromTags(new Map(), TEST_DEFAULTS)).toBeUndefined();
  });
});

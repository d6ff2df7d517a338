import { describe, expect, it } from "vitest";
import { InstanceTypeCatalog } from "../../../src/annex/demand/instance-types.js";
import { FakeCloud } from "../fake-cloud.js";

describe("InstanceTypeCatalog", () => {
  it("asks once per region for the types not cached, caches unknown types too, and expires after the TTL", async () => {
    const cloud = new FakeCloud();
    cloud.home.instanceTypes.set("m6i.large", {
      name: "m6i.large",
      cpus: 2,
      memoryMiB: 8192,
      gpus: 0,
      arch: "X86_64",
    });
    let now = 0;
    const catalog = new InstanceTypeCatalog(cloud, 1_000, () => now);
    await catalog.load("us-east-1", ["m6i.large", "m6i.typo", "m6i.large"]);
    await catalog.load("us-east-1", ["m6i.large", "m6i.typo"]);
    expect(cloud.argsOf("describeInstanceTypes")).toEqual([[["m6i.large", "m6i.typo"]]]);
    expect(catalog.get("us-east-1", "m6i.large")?.cpus).toBe(2);
    expect(catalog.get("us-east-1", "m6i.typo")).toBeUndefined();
    expect(catalog.get("eu-west-1", "m6i.large")).toBeUndefined();
    now = 1_000;
    await catalog.load("us-east-1", ["m6i.large"]);
    expect(cloud.argsOf("describeInstanceTypes")).toHaveLength(2);
  });
});

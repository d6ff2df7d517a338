import { describe, expect, it } from "vitest";
import { OfferingBlocklist } from "../../../src/annex/demand/offering-blocklist.js";

describe("OfferingBlocklist", () => {
  it("blocks a type for the TTL and then forgets it", () => {
    let now = 1_000;
    const blocklist = new OfferingBlocklist(180_000, () => now);
    blocklist.block("c6i.2xlarge");
    expect(blocklist.isBlocked("c6i.2xlarge")).toBe(true);
    expect(blocklist.isBlocked("c5.xlarge")).toBe(false);
    now += 179_999;
    expect(blocklist.blocked()).toEqual(["c6i.2xlarge"]);
    now += 1;
    expect(blocklist.isBlocked("c6i.2xlarge")).toBe(false);
    expect(blocklist.blocked()).toEqual([]);
  });

  it("extends the block when the type fails again", () => {
    let now = 0;
    const blocklist = new OfferingBlocklist(100, () => now);
    blocklist.block("t");
    now = 90;
    blocklist.block("t");
    now = 150;
    expect(blocklist.isBlocked("t")).toBe(true);
  });
});

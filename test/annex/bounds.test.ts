/** Bad sizes and extensions are refused before any AWS call, with the attribute and the bound. */
import { describe, expect, it } from "vitest";
import { type AnnexRecord, extendAnnex, parseAnnexRequest } from "../../src/annex/index.js";
import { setDesiredCapacity } from "../../src/annex/resize.js";
import { FakeCloud } from "./fake-cloud.js";
import { TEST_DEFAULTS } from "./support.js";

const cloud = new FakeCloud();
const ctx = {
  cloud,
  defaults: TEST_DEFAULTS,
  pool: "cm.example.org:9618",
};

const record: AnnexRecord = {
  name: "small",
  stackName: "HTCondorAnnex-small",
  stackId: undefined,
  stackStatus: "CREATE_COMPLETE",
  region: "us-east-1",
  pool: ctx.pool,
  owner: "alice",
  deadline: undefined,
  requestDigest: undefined,
  request: parseAnnexRequest({ Name: "small", MaxInstances: 3 }, TEST_DEFAULTS),
  createdAt: undefined,
  outputs: {},
};

describe("bounds checked before AWS is called", () => {
  it.each([-1, 4, 1.5])("resize to %s is refused for an annex of MaxInstances 3", async (count) => {
    await expect(setDesiredCapacity(ctx, record, count)).rejects.toMatchObject({
      code: "E_INVALID_REQUEST",
      message: `Count: expected an integer from 0 to MaxInstances (3) of annex "small", got ${count}`,
    });
    expect(cloud.calls).toEqual([]);
  });

  it.each([0, -2, 169, Number.NaN])("extend by %s hours is refused", async (hours) => {
    await expect(extendAnnex(ctx, "small", hours)).rejects.toMatchObject({
      code: "E_INVALID_REQUEST",
      message: expect.stringMatching(
        /^Hours: expected a number of hours greater than 0 and at most 168, got /,
      ),
    });
    expect(cloud.calls).toEqual([]);
  });
});

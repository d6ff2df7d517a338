import { describe, expect, it } from "vitest";
import type { PollingClock } from "../../src/annex/context.js";
import { assertNotFailed, waitForStack } from "../../src/annex/stacks.js";
import { FakeCloud } from "./fake-cloud.js";

/** A clock that only moves when the wait sleeps. */
function handClock(): PollingClock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

describe("waitForStack", () => {
  it("polls on the given clock until the stack settles", async () => {
    const cloud = new FakeCloud();
    const clock = handClock();
    let polls = 0;
    cloud.home.putStack({ name: "HTCondorAnnex-x", status: "CREATE_IN_PROGRESS" });
    cloud.before("describeStack", (region) => {
      if (++polls === 3) region.putStack({ name: "HTCondorAnnex-x", status: "CREATE_COMPLETE" });
    });
    const settled = await waitForStack(cloud.home, "HTCondorAnnex-x", {
      intervalMs: 5_000,
      timeoutMs: 60_000,
      clock,
    });
    expect(settled?.status).toBe("CREATE_COMPLETE");
    expect(clock.slept).toEqual([5_000, 5_000]);
  });

  it("returns the still-changing stack when the time runs out (CloudFormation keeps going)", async () => {
    const cloud = new FakeCloud();
    const clock = handClock();
    cloud.home.putStack({ name: "HTCondorAnnex-x", status: "DELETE_IN_PROGRESS" });
    const stack = await waitForStack(cloud.home, "HTCondorAnnex-x", {
      intervalMs: 5_000,
      timeoutMs: 12_000,
      clock,
    });
    expect(stack?.status).toBe("DELETE_IN_PROGRESS");
    expect(clock.slept).toEqual([5_000, 5_000, 5_000]);
  });

  it("returns undefined when the stack is gone, and failed states are reported with their reason", async () => {
    const cloud = new FakeCloud();
    expect(
      await waitForStack(cloud.home, "HTCondorAnnex-y", { intervalMs: 1, timeoutMs: 1, clock: handClock() }),
    ).toBe(undefined);
    const failed = cloud.home.putStack({
      name: "HTCondorAnnex-z",
      status: "ROLLBACK_COMPLETE",
      statusReason: "The following resource(s) failed to create: [AutoScalingGroup].",
    });
    expect(() => assertNotFailed(failed, "create z", "z")).toThrow(
      "create z: stack HTCondorAnnex-z is ROLLBACK_COMPLETE (The following resource(s) failed to create: [AutoScalingGroup].)",
    );
  });
});

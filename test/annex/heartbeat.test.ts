import { describe, expect, it } from "vitest";
import { sendHeartbeats } from "../../src/annex/heartbeat.js";
import { FakeCloud } from "./fake-cloud.js";

describe("sendHeartbeats datum shape", () => {
  it("sends high-resolution datums so 10 s and 30 s lease periods see every heartbeat", async () => {
    const cloud = new FakeCloud();
    await sendHeartbeats(cloud.home, [{ annexName: "chem", value: 2.6 }], new Date(0));
    const [namespace, data] = cloud.argsOf("putMetricData")[0] ?? [];
    expect(namespace).toBe("HTCondor/Annex");
    expect(data).toEqual([
      {
        metricName: "Heartbeat",
        dimensions: { AnnexName: "chem" },
        timestamp: new Date(0),
        value: 3,
        unit: "Count",
        storageResolution: 1,
      },
    ]);
  });

  it("sends one call per 1000 annexes, the last value of a repeated annex winning", async () => {
    const cloud = new FakeCloud();
    const beats = Array.from({ length: 2500 }, (_, i) => ({ annexName: `a${i}`, value: i }));
    const round = await sendHeartbeats(cloud.home, [...beats, { annexName: "a0", value: 7 }], new Date(0));
    expect(round).toEqual({ annexes: 2500, putMetricDataCalls: 3 });
    expect(
      cloud.argsOf("putMetricData").map(([, data, label]) => [(data as unknown[]).length, label]),
    ).toEqual([
      [1000, "heartbeat batch 1 of 3, 1000 annexes"],
      [1000, "heartbeat batch 2 of 3, 1000 annexes"],
      [500, "heartbeat batch 3 of 3, 500 annexes"],
    ]);
    expect(cloud.home.metrics.find((m) => m.datum.dimensions.AnnexName === "a0")?.datum.value).toBe(7);
  });
});

import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import { sendHeartbeats } from "../../src/annex/heartbeat.js";

describe("sendHeartbeats datum shape", () => {
  it("sends high-resolution datums so 10 s and 30 s lease periods see every heartbeat", async () => {
    const cloudWatch = new CloudWatchClient({ region: "us-east-1" });
    const mock = mockClient(cloudWatch);
    mock.on(PutMetricDataCommand).resolves({});
    await sendHeartbeats(cloudWatch, [{ annexName: "chem", value: 2.6 }], new Date(0));
    const input = mock.commandCalls(PutMetricDataCommand)[0]?.args[0].input;
    expect(input?.Namespace).toBe("HTCondor/Annex");
    expect(input?.MetricData).toEqual([
      {
        MetricName: "Heartbeat",
        Dimensions: [{ Name: "AnnexName", Value: "chem" }],
        Timestamp: new Date(0),
        Value: 3,
        Unit: "Count",
        StorageResolution: 1,
      },
    ]);
  });
});

import { ListMetricsCommand } from "@aws-sdk/client-cloudwatch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { METRIC_DIMENSION, METRIC_NAME, METRIC_NAMESPACE } from "../../../src/annex/index.js";
import { targetSkipReason, useEmulator } from "../../support/emulator.js";
import { helper, POOL_A, tokenFile } from "./fixture.js";

const target = useEmulator();
const unavailable = targetSkipReason(target());

describe.skipIf(unavailable !== undefined)("lease heartbeats on the AWS emulator", () => {
  const token = tokenFile();
  let fixture: ReturnType<typeof helper>;

  beforeAll(() => {
    fixture = helper(target(), POOL_A, token.path);
  });
  afterAll(async () => {
    await fixture.clients.destroy();
    token.cleanup();
  });

  it.each([
    [1, 1],
    [100, 1],
    [1000, 1],
    [1001, 2],
    [2500, 3],
  ])("a round over %i annexes costs %i PutMetricData call(s) and no other call", async (annexes, calls) => {
    fixture.counter.reset();
    const beats = Array.from({ length: annexes }, (_, i) => ({
      annexName: `hb-${annexes}-${i}`,
      value: i % 5,
    }));
    const result = await fixture.ops.heartbeat(beats);
    expect(result).toEqual({ annexes, putMetricDataCalls: calls });
    expect(fixture.counter.calls("CloudWatch.PutMetricData")).toBe(calls);
    expect(fixture.counter.calls()).toBe(calls);
  });

  it("every annex of a batched round reaches CloudWatch as its own AnnexName dimension", async () => {
    const cloudWatch = await fixture.clients.cloudWatch();
    const names = new Set<string>();
    let nextToken: string | undefined;
    do {
      const page = await cloudWatch.send(
        new ListMetricsCommand({
          Namespace: METRIC_NAMESPACE,
          MetricName: METRIC_NAME,
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        }),
      );
      for (const metric of page.Metrics ?? []) {
        const value = metric.Dimensions?.find((d) => d.Name === METRIC_DIMENSION)?.Value;
        if (value?.startsWith("hb-2500-")) names.add(value);
      }
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    expect(names.size).toBe(2500);
  });

  it("sends one datum per annex when an annex appears twice in a round (the last value wins)", async () => {
    fixture.counter.reset();
    const result = await fixture.ops.heartbeat([
      { annexName: "dup", value: 1 },
      { annexName: "dup", value: 4 },
    ]);
    expect(result).toEqual({ annexes: 1, putMetricDataCalls: 1 });
  });

  it("an empty round makes no call", async () => {
    fixture.counter.reset();
    expect(await fixture.ops.heartbeat([])).toEqual({ annexes: 0, putMetricDataCalls: 0 });
    expect(fixture.counter.calls()).toBe(0);
  });
});

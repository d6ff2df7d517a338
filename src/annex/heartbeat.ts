import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { awsCall } from "../aws/index.js";
import {
  MAX_DATUMS_PER_PUT_METRIC_DATA,
  METRIC_DIMENSION,
  METRIC_NAME,
  METRIC_NAMESPACE,
} from "./constants.js";
import type { HeartbeatRoundResult, LeaseHeartbeat } from "./types.js";

/**
 * Lease heartbeats: one datum per annex (namespace `HTCondor/Annex`, metric `Heartbeat`,
 * dimension `AnnexName`, value = matching idle plus running jobs), up to 1000 annexes per
 * PutMetricData, so a round over N annexes costs ⌈N/1000⌉ calls.
 */

/** Splits `items` into consecutive batches of at most `size`. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`batch size must be a positive integer, got ${size}`);
  const out: T[][] = [];
  for (let offset = 0; offset < items.length; offset += size) out.push(items.slice(offset, offset + size));
  return out;
}

/**
 * Sends one heartbeat per annex (the last value wins if an annex appears twice), batched, the
 * batches in parallel. Values are clamped to ≥ 0 and whole numbers.
 */
export async function sendHeartbeats(
  cloudWatch: CloudWatchClient,
  heartbeats: readonly LeaseHeartbeat[],
  now: Date = new Date(),
): Promise<HeartbeatRoundResult> {
  const byAnnex = new Map<string, number>();
  for (const beat of heartbeats) byAnnex.set(beat.annexName, Math.max(0, Math.round(beat.value)));
  if (byAnnex.size === 0) return { annexes: 0, putMetricDataCalls: 0 };
  const { PutMetricDataCommand } = await import("@aws-sdk/client-cloudwatch");
  const datums = [...byAnnex.entries()].map(([annexName, value]) => ({
    MetricName: METRIC_NAME,
    Dimensions: [{ Name: METRIC_DIMENSION, Value: annexName }],
    Timestamp: now,
    Value: value,
    Unit: "Count" as const,
    // High resolution, so a lease alarm with a 10 s or 30 s period sees every heartbeat; a
    // standard-resolution datum is aggregated per minute and would leave such periods empty
    // (breaching). It costs nothing extra: PutMetricData is billed per call.
    StorageResolution: 1,
  }));
  const groups = batches(datums, MAX_DATUMS_PER_PUT_METRIC_DATA);
  await Promise.all(
    groups.map((metricData, index) =>
      awsCall(
        {
          operation: `CloudWatch.PutMetricData (heartbeat batch ${index + 1} of ${groups.length}, ${metricData.length} annexes)`,
        },
        () =>
          cloudWatch.send(new PutMetricDataCommand({ Namespace: METRIC_NAMESPACE, MetricData: metricData })),
      ),
    ),
  );
  return { annexes: byAnnex.size, putMetricDataCalls: groups.length };
}

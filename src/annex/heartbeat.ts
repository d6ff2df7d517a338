import type { RegionCloud } from "./cloud.js";
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
  cloud: RegionCloud,
  heartbeats: readonly LeaseHeartbeat[],
  now: Date = new Date(),
): Promise<HeartbeatRoundResult> {
  const byAnnex = new Map<string, number>();
  for (const beat of heartbeats) byAnnex.set(beat.annexName, Math.max(0, Math.round(beat.value)));
  if (byAnnex.size === 0) return { annexes: 0, putMetricDataCalls: 0 };
  const datums = [...byAnnex.entries()].map(([annexName, value]) => ({
    metricName: METRIC_NAME,
    dimensions: { [METRIC_DIMENSION]: annexName },
    timestamp: now,
    value,
    unit: "Count" as const,
    // High resolution, so a lease alarm with a 10 s or 30 s period sees every heartbeat; a
    // standard-resolution datum is aggregated per minute and would leave such periods empty
    // (breaching). It costs nothing extra: PutMetricData is billed per call.
    storageResolution: 1 as const,
  }));
  const groups = batches(datums, MAX_DATUMS_PER_PUT_METRIC_DATA);
  await Promise.all(
    groups.map((metricData, index) =>
      cloud.putMetricData(
        METRIC_NAMESPACE,
        metricData,
        `heartbeat batch ${index + 1} of ${groups.length}, ${metricData.length} annexes`,
      ),
    ),
  );
  return { annexes: byAnnex.size, putMetricDataCalls: groups.length };
}

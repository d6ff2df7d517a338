import type { RegionCloud } from "./cloud.js";
import {
  ANNEX_OUTPUTS,
  leaseAlarmName,
  MAX_ALARM_NAMES_PER_CALL,
  MAX_GROUPS_PER_CALL,
  MAX_METRIC_QUERIES_PER_CALL,
  METRIC_DIMENSION,
  METRIC_NAME,
  METRIC_NAMESPACE,
} from "./constants.js";
import { type AnnexContext, cloudIn, nowOf } from "./context.js";
import { batches } from "./heartbeat.js";
import { listAnnexes } from "./list.js";
import { ownedAnnex } from "./ownership.js";
import { groupNameOf } from "./resize.js";
import type { AnnexGroupStatus, AnnexRecord, AnnexStatus, LeaseAlarmStatus } from "./types.js";

/**
 * Status of one annex or of all of this pool's annexes: stack (record), AutoScaling group and
 * its instances, lease alarm, last heartbeat. The describe calls are batched across annexes, so
 * a status of N annexes costs ⌈N/100⌉ DescribeAutoScalingGroups + ⌈N/100⌉ DescribeAlarms +
 * ⌈N/500⌉ GetMetricData, plus the stack listing — not N of each.
 */
export async function annexStatus(
  ctx: AnnexContext,
  options: { name?: string; region?: string } = {},
): Promise<AnnexStatus[]> {
  const cloud = cloudIn(ctx, options.region);
  const records =
    options.name === undefined
      ? await listAnnexes(ctx, { region: cloud.region })
      : [(await ownedAnnex(ctx, cloud, options.name, "status")).record];
  if (records.length === 0) return [];

  const [groups, alarms, heartbeats] = await Promise.all([
    describeGroups(cloud, records),
    describeAlarms(cloud, records),
    lastHeartbeats(ctx, cloud, records),
  ]);
  return records.map((record) => ({
    record,
    group: groups.get(groupNameOf(record)),
    alarm: alarms.get(alarmNameOf(record)),
    lastHeartbeat: heartbeats.get(record.name),
  }));
}

function alarmNameOf(record: AnnexRecord): string {
  return record.outputs[ANNEX_OUTPUTS.leaseAlarmName] ?? leaseAlarmName(record.name);
}

async function describeGroups(cloud: RegionCloud, records: readonly AnnexRecord[]) {
  const found = new Map<string, AnnexGroupStatus>();
  for (const names of batches(records.map(groupNameOf), MAX_GROUPS_PER_CALL)) {
    for (const group of await cloud.describeGroups(names)) found.set(group.groupName, group);
  }
  return found;
}

async function describeAlarms(cloud: RegionCloud, records: readonly AnnexRecord[]) {
  const found = new Map<string, LeaseAlarmStatus>();
  for (const names of batches(records.map(alarmNameOf), MAX_ALARM_NAMES_PER_CALL)) {
    for (const alarm of await cloud.describeAlarms(names)) found.set(alarm.alarmName, alarm);
  }
  return found;
}

/** Newest heartbeat datapoint per annex within its lease window: one query per annex, 500 per call. */
async function lastHeartbeats(ctx: AnnexContext, cloud: RegionCloud, records: readonly AnnexRecord[]) {
  const now = nowOf(ctx);
  const windowMinutes = Math.max(...records.map((r) => r.request?.leaseMinutes ?? ctx.defaults.leaseMinutes));
  const found = new Map<string, Date>();
  for (const group of batches([...records], MAX_METRIC_QUERIES_PER_CALL)) {
    const queries = group.map((record) => ({
      label: record.name,
      namespace: METRIC_NAMESPACE,
      metricName: METRIC_NAME,
      dimensions: { [METRIC_DIMENSION]: record.name },
      periodSeconds: 60,
      stat: "Maximum" as const,
    }));
    const newest = await cloud.latestDatapoints(
      queries,
      new Date(now.getTime() - windowMinutes * 60_000 - 60_000),
      new Date(now.getTime() + 60_000),
    );
    for (const [name, at] of newest) found.set(name, at);
  }
  return found;
}

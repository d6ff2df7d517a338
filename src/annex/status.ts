import type { AutoScalingGroup } from "@aws-sdk/client-auto-scaling";
import type { MetricAlarm } from "@aws-sdk/client-cloudwatch";
import { awsCall } from "../aws/index.js";
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
import { type AnnexContext, nowOf } from "./context.js";
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
  const clients = ctx.clients.forRegion(options.region ?? ctx.clients.config.region);
  const records =
    options.name === undefined
      ? await listAnnexes(ctx, { region: clients.config.region })
      : [(await ownedAnnex(ctx, clients, options.name, "status")).record];
  if (records.length === 0) return [];

  const [groups, alarms, heartbeats] = await Promise.all([
    describeGroups(ctx, records),
    describeAlarms(ctx, records),
    lastHeartbeats(ctx, records),
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

async function describeGroups(ctx: AnnexContext, records: readonly AnnexRecord[]) {
  const clients = ctx.clients.forRegion(records[0]?.region ?? ctx.clients.config.region);
  const autoScaling = await clients.autoScaling();
  const { paginateDescribeAutoScalingGroups } = await import("@aws-sdk/client-auto-scaling");
  const found = new Map<string, AnnexGroupStatus>();
  for (const names of batches(records.map(groupNameOf), MAX_GROUPS_PER_CALL)) {
    await awsCall({ operation: "AutoScaling.DescribeAutoScalingGroups" }, async () => {
      for await (const page of paginateDescribeAutoScalingGroups(
        { client: autoScaling },
        { AutoScalingGroupNames: names, MaxRecords: MAX_GROUPS_PER_CALL },
      )) {
        for (const group of page.AutoScalingGroups ?? []) {
          if (group.AutoScalingGroupName !== undefined)
            found.set(group.AutoScalingGroupName, groupStatus(group));
        }
      }
    });
  }
  return found;
}

function groupStatus(group: AutoScalingGroup): AnnexGroupStatus {
  const policy = group.MixedInstancesPolicy;
  const overrides = policy?.LaunchTemplate?.Overrides ?? [];
  const types = overrides.map((o) => o.InstanceType).filter((t): t is string => t !== undefined);
  return {
    groupName: group.AutoScalingGroupName ?? "",
    desiredCapacity: group.DesiredCapacity,
    minSize: group.MinSize,
    maxSize: group.MaxSize,
    instanceTypes: types,
    onDemandBase: policy?.InstancesDistribution?.OnDemandBaseCapacity,
    onDemandPercentageAboveBase: policy?.InstancesDistribution?.OnDemandPercentageAboveBaseCapacity,
    instances: (group.Instances ?? []).map((instance) => ({
      instanceId: instance.InstanceId ?? "",
      instanceType: instance.InstanceType,
      availabilityZone: instance.AvailabilityZone,
      lifecycleState: instance.LifecycleState,
      healthStatus: instance.HealthStatus,
    })),
  };
}

async function describeAlarms(ctx: AnnexContext, records: readonly AnnexRecord[]) {
  const clients = ctx.clients.forRegion(records[0]?.region ?? ctx.clients.config.region);
  const cloudWatch = await clients.cloudWatch();
  const { paginateDescribeAlarms } = await import("@aws-sdk/client-cloudwatch");
  const found = new Map<string, LeaseAlarmStatus>();
  for (const names of batches(records.map(alarmNameOf), MAX_ALARM_NAMES_PER_CALL)) {
    await awsCall({ operation: "CloudWatch.DescribeAlarms" }, async () => {
      for await (const page of paginateDescribeAlarms(
        { client: cloudWatch },
        { AlarmNames: names, AlarmTypes: ["MetricAlarm"] },
      )) {
        for (const alarm of page.MetricAlarms ?? []) {
          if (alarm.AlarmName !== undefined) found.set(alarm.AlarmName, alarmStatus(alarm));
        }
      }
    });
  }
  return found;
}

function alarmStatus(alarm: MetricAlarm): LeaseAlarmStatus {
  return {
    alarmName: alarm.AlarmName ?? "",
    state: alarm.StateValue,
    namespace: alarm.Namespace,
    metricName: alarm.MetricName,
    statistic: alarm.Statistic,
    comparisonOperator: alarm.ComparisonOperator,
    threshold: alarm.Threshold,
    periodSeconds: alarm.Period,
    evaluationPeriods: alarm.EvaluationPeriods,
    treatMissingData: alarm.TreatMissingData,
    alarmActions: alarm.AlarmActions ?? [],
  };
}

/** Newest heartbeat datapoint per annex within its lease window: one query per annex, 500 per call. */
async function lastHeartbeats(ctx: AnnexContext, records: readonly AnnexRecord[]) {
  const clients = ctx.clients.forRegion(records[0]?.region ?? ctx.clients.config.region);
  const cloudWatch = await clients.cloudWatch();
  const { GetMetricDataCommand } = await import("@aws-sdk/client-cloudwatch");
  const now = nowOf(ctx);
  const windowMinutes = Math.max(...records.map((r) => r.request?.leaseMinutes ?? ctx.defaults.leaseMinutes));
  const found = new Map<string, Date>();
  for (const group of batches([...records], MAX_METRIC_QUERIES_PER_CALL)) {
    const queries = group.map((record, index) => ({
      Id: `h${index}`,
      Label: record.name,
      MetricStat: {
        Metric: {
          Namespace: METRIC_NAMESPACE,
          MetricName: METRIC_NAME,
          Dimensions: [{ Name: METRIC_DIMENSION, Value: record.name }],
        },
        Period: 60,
        Stat: "Maximum",
      },
      ReturnData: true,
    }));
    let nextToken: string | undefined;
    do {
      const out = await awsCall({ operation: "CloudWatch.GetMetricData" }, () =>
        cloudWatch.send(
          new GetMetricDataCommand({
            MetricDataQueries: queries,
            StartTime: new Date(now.getTime() - windowMinutes * 60_000 - 60_000),
            EndTime: new Date(now.getTime() + 60_000),
            ScanBy: "TimestampDescending",
            ...(nextToken === undefined ? {} : { NextToken: nextToken }),
          }),
        ),
      );
      for (const result of out.MetricDataResults ?? []) {
        const index = Number((result.Id ?? "").slice(1));
        const record = group[index];
        const newest = (result.Timestamps ?? []).reduce<Date | undefined>(
          (latest, t) => (latest === undefined || t > latest ? t : latest),
          undefined,
        );
        if (record !== undefined && newest !== undefined) {
          const previous = found.get(record.name);
          if (previous === undefined || newest > previous) found.set(record.name, newest);
        }
      }
      nextToken = out.NextToken;
    } while (nextToken !== undefined);
  }
  return found;
}

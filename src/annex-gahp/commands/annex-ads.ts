import type { AnnexOutcome } from "../../annex/demand/controller.js";
import { imageRefText } from "../../annex/request.js";
import type { AnnexRecord, AnnexRequest, AnnexStatus } from "../../annex/types.js";
import type { PlainInput } from "../../classad/plain.js";
import { timeAttributes } from "./result-ads.js";

/**
 * The annex domain's result objects as the plain records result ads are built from (attribute
 * names and forms: docs/annex-commands.md).
 */

type PlainRecord = { readonly [name: string]: PlainInput };

/** An AnnexRequest with the request's own attribute names. */
export function requestRecord(request: AnnexRequest): PlainRecord {
  return {
    Name: request.name,
    InstanceTypes: request.instanceTypes,
    MaxInstances: request.maxInstances,
    Count: request.count,
    Spot: request.spot,
    OnDemandBase: request.onDemandBase,
    LeaseMinutes: request.leaseMinutes,
    MaxHours: request.maxHours,
    IdleMinutes: request.idleMinutes,
    ImageId: imageRefText(request.image),
    Subnets: request.subnets,
    Region: request.region,
    Owner: request.owner,
    Tags: request.tags,
    CollectorHost: request.collectorHost,
  };
}

/** What the stack tags say (ANNEX_LIST, and the head of ANNEX_STATUS). */
export function annexRecordAttributes(record: AnnexRecord): PlainRecord {
  return {
    Name: record.name,
    StackName: record.stackName,
    StackId: record.stackId,
    StackStatus: record.stackStatus,
    Region: record.region,
    Pool: record.pool,
    Owner: record.owner,
    ...timeAttributes("Deadline", record.deadline),
    ...timeAttributes("CreatedTime", record.createdAt),
    RequestDigest: record.requestDigest,
    Request: record.request === undefined ? undefined : requestRecord(record.request),
    Outputs: record.outputs,
  };
}

/** Jobs ids reported in a result ad: the first 100. */
function ids(list: readonly string[]): readonly string[] {
  return list.slice(0, 100);
}

/** One annex of ANNEX_JOBS (also ANNEX_STATUS's Demand). */
export function demandAttributes(outcome: AnnexOutcome): PlainRecord {
  return {
    Name: outcome.name,
    Region: outcome.region,
    Exists: outcome.exists,
    StackStatus: outcome.stackStatus,
    IdleJobs: outcome.idleJobs,
    RunningJobs: outcome.runningJobs,
    MatchedJobs: outcome.matchedJobs,
    UnmatchedJobs: outcome.unmatchedJobs,
    ConflictingJobs: outcome.conflictingJobs,
    UnplaceableJobs: outcome.unplaceableJobs,
    InvalidJobCount: outcome.invalidJobCount,
    MatchedJobIds: ids(outcome.matchedJobIds),
    UnmatchedJobIds: ids(outcome.unmatchedJobIds),
    ConflictingJobIds: ids(outcome.conflictingJobIds),
    UnplaceableJobIds: ids(outcome.unplaceableJobIds),
    InvalidJobs: outcome.invalidJobs.slice(0, 100).map((job) => ({ JobId: job.jobId, Error: job.error })),
    Conflict: outcome.conflict,
    Heartbeat: outcome.heartbeat,
    HeartbeatSent: outcome.heartbeatSent,
    TargetInstances: outcome.targetInstances,
    InstancesByType: [...outcome.instancesByType].map(([type, count]) => ({ Type: type, Count: count })),
    CurrentCapacity: outcome.currentCapacity,
    DesiredCapacity: outcome.desiredCapacity,
    MaxInstances: outcome.maxInstances,
    BlockedTypes: outcome.blockedTypes,
    UnknownTypes: outcome.unknownTypes,
    Action: outcome.action,
    ActionError: outcome.actionError,
    ActionErrorCode: outcome.actionErrorCode,
  };
}

/** One annex of ANNEX_STATUS. */
export function annexStatusAttributes(status: AnnexStatus, demand: AnnexOutcome | undefined): PlainRecord {
  const group = status.group;
  const alarm = status.alarm;
  return {
    ...annexRecordAttributes(status.record),
    Group:
      group === undefined
        ? undefined
        : {
            Name: group.groupName,
            DesiredCapacity: group.desiredCapacity,
            MinSize: group.minSize,
            MaxSize: group.maxSize,
            InstanceTypes: group.instanceTypes,
            OnDemandBase: group.onDemandBase,
            OnDemandPercentageAboveBase: group.onDemandPercentageAboveBase,
            Instances: group.instances.map((instance) => ({
              InstanceId: instance.instanceId,
              InstanceType: instance.instanceType,
              AvailabilityZone: instance.availabilityZone,
              LifecycleState: instance.lifecycleState,
              HealthStatus: instance.healthStatus,
            })),
          },
    InstanceCount: group?.instances.length ?? 0,
    InServiceCount:
      group?.instances.filter((instance) => instance.lifecycleState === "InService").length ?? 0,
    Alarm:
      alarm === undefined
        ? undefined
        : {
            Name: alarm.alarmName,
            State: alarm.state,
            Namespace: alarm.namespace,
            MetricName: alarm.metricName,
            Statistic: alarm.statistic,
            ComparisonOperator: alarm.comparisonOperator,
            Threshold: alarm.threshold,
            PeriodSeconds: alarm.periodSeconds,
            EvaluationPeriods: alarm.evaluationPeriods,
            TreatMissingData: alarm.treatMissingData,
            AlarmActions: alarm.alarmActions,
          },
    ...timeAttributes("LastHeartbeat", status.lastHeartbeat),
    Demand: demand === undefined ? undefined : demandAttributes(demand),
  };
}

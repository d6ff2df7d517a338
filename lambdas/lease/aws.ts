/**
 * {@link LeaseAws} over AWS SDK v3. Clients take region, credentials and endpoint from the
 * environment as the Lambda runtime sets them; SDK v3 honours `AWS_ENDPOINT_URL` (and
 * `AWS_ENDPOINT_URL_<SERVICE>`) by itself, which is how the emulator's executor points the
 * function at moto. S3 switches to path-style addressing whenever an endpoint is overridden.
 */
import {
  CloudFormationClient,
  type CloudFormationServiceException,
  DeleteStackCommand,
  DescribeStacksCommand,
  type Stack,
} from "@aws-sdk/client-cloudformation";
import {
  type CloudWatchClient,
  CloudWatchClient as CloudWatchClientClass,
  DescribeAlarmsCommand,
  GetMetricStatisticsCommand,
  type MetricAlarm,
  SetAlarmStateCommand,
} from "@aws-sdk/client-cloudwatch";
import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { AwsJson1_0Protocol } from "@aws-sdk/core/protocols";
import type { AlarmInfo, AlarmState, LeaseAws, StackInfo, TokenObject } from "./ports.js";

/** Enough attempts to ride out throttling bursts (the sweeper runs again anyway). */
const MAX_ATTEMPTS = 8;

/** The SDK clients the adapter uses. */
export interface LeaseClients {
  readonly cloudFormation: CloudFormationClient;
  readonly cloudWatch: CloudWatchClient;
  readonly s3: S3Client;
}

/** Whether the environment points S3 at a non-AWS endpoint (emulator), which needs path-style. */
export function endpointOverridden(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
}

/** Clients configured from the environment. */
export function clientsFromEnvironment(env: NodeJS.ProcessEnv = process.env): LeaseClients {
  return {
    cloudFormation: new CloudFormationClient({ maxAttempts: MAX_ATTEMPTS }),
    // AWS JSON 1.0 is served by CloudWatch and by moto (which has no CBOR); pin it so an SDK
    // upgrade that changes the default protocol cannot break the emulator runs.
    cloudWatch: new CloudWatchClientClass({ maxAttempts: MAX_ATTEMPTS, protocol: AwsJson1_0Protocol }),
    s3: new S3Client({ maxAttempts: MAX_ATTEMPTS, forcePathStyle: endpointOverridden(env) }),
  };
}

function alarmState(v: string | undefined): AlarmState {
  return v === "OK" || v === "ALARM" ? v : "INSUFFICIENT_DATA";
}

function toAlarmInfo(a: MetricAlarm): AlarmInfo {
  return {
    name: a.AlarmName ?? "",
    state: alarmState(a.StateValue),
    namespace: a.Namespace,
    metricName: a.MetricName,
    dimensions: (a.Dimensions ?? []).map((d) => ({ name: d.Name ?? "", value: d.Value ?? "" })),
    period: a.Period ?? 60,
    evaluationPeriods: a.EvaluationPeriods ?? 1,
  };
}

function toStackInfo(s: Stack): StackInfo {
  const tags: Record<string, string> = {};
  for (const t of s.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? "";
  return { name: s.StackName ?? "", status: s.StackStatus ?? "", tags };
}

/** DescribeStacks on a name that does not exist fails with ValidationError "... does not exist". */
function isMissingStack(error: unknown): boolean {
  const e = error as Partial<CloudFormationServiceException> | undefined;
  return e?.name === "ValidationError" && /does not exist/i.test(e.message ?? "");
}

/** {@link LeaseAws} over the given clients, for the given token bucket. */
export function sdkLeaseAws(clients: LeaseClients, tokenBucket: string): LeaseAws {
  const { cloudFormation, cloudWatch, s3 } = clients;
  return {
    async describeAlarm(name) {
      const out = await cloudWatch.send(
        new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ["MetricAlarm"] }),
      );
      const alarm = out.MetricAlarms?.find((a) => a.AlarmName === name);
      return alarm === undefined ? undefined : toAlarmInfo(alarm);
    },

    async listAlarmsInAlarm(prefix) {
      const alarms: AlarmInfo[] = [];
      let NextToken: string | undefined;
      do {
        const out = await cloudWatch.send(
          new DescribeAlarmsCommand({
            AlarmNamePrefix: prefix,
            StateValue: "ALARM",
            AlarmTypes: ["MetricAlarm"],
            NextToken,
          }),
        );
        for (const a of out.MetricAlarms ?? []) {
          // Filter again: the state filter is the server's, but the decision must rest on what we read.
          if (a.StateValue === "ALARM" && a.AlarmName?.startsWith(prefix)) alarms.push(toAlarmInfo(a));
        }
        NextToken = out.NextToken;
      } while (NextToken !== undefined && NextToken.length > 0);
      return alarms;
    },

    async maxMetricValue(alarm, start, end) {
      const out = await cloudWatch.send(
        new GetMetricStatisticsCommand({
          Namespace: alarm.namespace,
          MetricName: alarm.metricName,
          Dimensions: alarm.dimensions.map((d) => ({ Name: d.name, Value: d.value })),
          StartTime: start,
          EndTime: end,
          Period: alarm.period,
          Statistics: ["Maximum"],
        }),
      );
      let max: number | undefined;
      for (const p of out.Datapoints ?? []) {
        if (p.Maximum !== undefined && (max === undefined || p.Maximum > max)) max = p.Maximum;
      }
      return max;
    },

    async setAlarmOk(name, reason) {
      await cloudWatch.send(
        new SetAlarmStateCommand({ AlarmName: name, StateValue: "OK", StateReason: reason }),
      );
    },

    async describeStack(name) {
      try {
        const out = await cloudFormation.send(new DescribeStacksCommand({ StackName: name }));
        const stack = out.Stacks?.[0];
        if (stack === undefined || stack.StackStatus === "DELETE_COMPLETE") return undefined;
        return toStackInfo(stack);
      } catch (error) {
        if (isMissingStack(error)) return undefined;
        throw error;
      }
    },

    async listStacks() {
      const stacks: StackInfo[] = [];
      let NextToken: string | undefined;
      do {
        const out = await cloudFormation.send(new DescribeStacksCommand({ NextToken }));
        for (const s of out.Stacks ?? [])
          if (s.StackStatus !== "DELETE_COMPLETE") stacks.push(toStackInfo(s));
        NextToken = out.NextToken;
      } while (NextToken !== undefined && NextToken.length > 0);
      return stacks;
    },

    async deleteStack(name, roleArn) {
      await cloudFormation.send(new DeleteStackCommand({ StackName: name, RoleARN: roleArn }));
    },

    async listObjects(prefix) {
      const objects: TokenObject[] = [];
      let ContinuationToken: string | undefined;
      do {
        const out = await s3.send(
          new ListObjectsV2Command({ Bucket: tokenBucket, Prefix: prefix, ContinuationToken }),
        );
        for (const o of out.Contents ?? [])
          if (o.Key !== undefined) objects.push({ key: o.Key, lastModified: o.LastModified });
        ContinuationToken = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (ContinuationToken !== undefined);
      return objects;
    },

    async deleteObjects(keys) {
      // DeleteObjects takes at most 1,000 keys per call.
      for (let i = 0; i < keys.length; i += 1000) {
        const batch = keys.slice(i, i + 1000);
        const out = await s3.send(
          new DeleteObjectsCommand({
            Bucket: tokenBucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        );
        const failed = (out.Errors ?? []).filter((e) => e.Code !== "NoSuchKey");
        if (failed.length > 0) {
          const first = failed[0];
          throw new Error(
            `DeleteObjects failed for ${failed.length} key(s), first ${first?.Key ?? "?"}: ${first?.Code ?? ""} ${first?.Message ?? ""}`,
          );
        }
      }
    },
  };
}

import type { Activity, AutoScalingGroup } from "@aws-sdk/client-auto-scaling";
import type { Parameter, Stack } from "@aws-sdk/client-cloudformation";
import type { MetricAlarm } from "@aws-sdk/client-cloudwatch";
import type { InstanceTypeInfo as Ec2InstanceTypeInfo } from "@aws-sdk/client-ec2";
import type {
  AnnexCloud,
  CallSubject,
  CloudStack,
  MetricDatum,
  MetricQuery,
  RegionCloud,
  ScalingActivity,
  StackCreation,
  StackParameter,
  StackUpdate,
  StoredObject,
  SubnetInfo,
} from "../annex/cloud.js";
import type { InstanceTypeInfo } from "../annex/demand/types.js";
import type { AnnexGroupStatus, LeaseAlarmStatus } from "../annex/types.js";
import type { AwsClients } from "./clients.js";
import { AWS_ERROR_CODES, awsCall, isAwsError } from "./errors.js";

/**
 * The annex engine's cloud port ({@link AnnexCloud}) over SDK v3: one class per region, each call
 * one SDK command (or its paginator) through {@link awsCall}, so failures arrive as `AwsError`s
 * naming the operation, annex and stack. The SDK packages are loaded on first use.
 */
export class AwsAnnexCloud implements AnnexCloud {
  readonly #clients: AwsClients;
  readonly #regions = new Map<string, AwsRegionCloud>();

  constructor(clients: AwsClients) {
    this.#clients = clients;
  }

  get defaultRegion(): string {
    return this.#clients.config.region;
  }

  inRegion(region: string): RegionCloud {
    let cloud = this.#regions.get(region);
    if (cloud === undefined) {
      cloud = new AwsRegionCloud(this.#clients.forRegion(region));
      this.#regions.set(region, cloud);
    }
    return cloud;
  }
}

/** DescribeAutoScalingGroups' largest page. */
const GROUPS_PER_PAGE = 100;

class AwsRegionCloud implements RegionCloud {
  readonly #clients: AwsClients;

  constructor(clients: AwsClients) {
    this.#clients = clients;
  }

  get region(): string {
    return this.#clients.config.region;
  }

  async describeStack(stackName: string, subject: CallSubject = {}): Promise<CloudStack | undefined> {
    const cfn = await this.#clients.cloudFormation();
    const { DescribeStacksCommand } = await import("@aws-sdk/client-cloudformation");
    try {
      const out = await awsCall(
        { operation: "CloudFormation.DescribeStacks", stack: stackName, ...subject },
        () => cfn.send(new DescribeStacksCommand({ StackName: stackName })),
      );
      const stack = out.Stacks?.[0];
      return stack === undefined || stack.StackStatus === "DELETE_COMPLETE" ? undefined : cloudStack(stack);
    } catch (error) {
      if (isAwsError(error, AWS_ERROR_CODES.notFound)) return undefined;
      throw error;
    }
  }

  async listStacks(): Promise<CloudStack[]> {
    const cfn = await this.#clients.cloudFormation();
    const { paginateDescribeStacks } = await import("@aws-sdk/client-cloudformation");
    const stacks: CloudStack[] = [];
    await awsCall({ operation: "CloudFormation.DescribeStacks (list)" }, async () => {
      for await (const page of paginateDescribeStacks({ client: cfn }, {})) {
        for (const stack of page.Stacks ?? []) {
          if (stack.StackStatus !== "DELETE_COMPLETE" && stack.StackName !== undefined)
            stacks.push(cloudStack(stack));
        }
      }
    });
    return stacks;
  }

  async createStack(creation: StackCreation, subject: CallSubject = {}): Promise<string | undefined> {
    const cfn = await this.#clients.cloudFormation();
    const { CreateStackCommand } = await import("@aws-sdk/client-cloudformation");
    const out = await awsCall(
      { operation: "CloudFormation.CreateStack", ...subject, stack: creation.stackName },
      () =>
        cfn.send(
          new CreateStackCommand({
            StackName: creation.stackName,
            TemplateBody: creation.templateBody,
            ...(creation.parameters === undefined
              ? {}
              : { Parameters: creation.parameters.map(sdkParameter) }),
            Tags: creation.tags.map(({ Key, Value }) => ({ Key, Value })),
            Capabilities: [...creation.capabilities],
            ...(creation.roleArn === undefined ? {} : { RoleARN: creation.roleArn }),
            ClientRequestToken: creation.clientRequestToken,
            ...(creation.deleteOnFailure === true ? { OnFailure: "DELETE" as const } : {}),
          }),
        ),
    );
    return out.StackId;
  }

  async updateStack(update: StackUpdate, subject: CallSubject = {}): Promise<void> {
    const cfn = await this.#clients.cloudFormation();
    const { UpdateStackCommand } = await import("@aws-sdk/client-cloudformation");
    await awsCall({ operation: "CloudFormation.UpdateStack", ...subject, stack: update.stackName }, () =>
      cfn.send(
        new UpdateStackCommand({
          StackName: update.stackName,
          ...(update.template === "previous"
            ? { UsePreviousTemplate: true }
            : { TemplateBody: update.template.body }),
          ...(update.parameters === undefined ? {} : { Parameters: update.parameters.map(sdkParameter) }),
          Capabilities: [...update.capabilities],
          Tags: update.tags.map(({ Key, Value }) => ({ Key, Value })),
          ...(update.clientRequestToken === undefined
            ? {}
            : { ClientRequestToken: update.clientRequestToken }),
        }),
      ),
    );
  }

  async deleteStack(stackNameOrId: string, subject: CallSubject = {}): Promise<void> {
    const cfn = await this.#clients.cloudFormation();
    const { DeleteStackCommand } = await import("@aws-sdk/client-cloudformation");
    await awsCall({ operation: "CloudFormation.DeleteStack", ...subject }, () =>
      cfn.send(new DeleteStackCommand({ StackName: stackNameOrId })),
    );
  }

  async describeGroups(
    groupNames: readonly string[],
    subject: CallSubject = {},
  ): Promise<AnnexGroupStatus[]> {
    const autoScaling = await this.#clients.autoScaling();
    const { paginateDescribeAutoScalingGroups } = await import("@aws-sdk/client-auto-scaling");
    const groups: AnnexGroupStatus[] = [];
    await awsCall({ operation: "AutoScaling.DescribeAutoScalingGroups", ...subject }, async () => {
      for await (const page of paginateDescribeAutoScalingGroups(
        { client: autoScaling },
        { AutoScalingGroupNames: [...groupNames], MaxRecords: GROUPS_PER_PAGE },
      )) {
        for (const group of page.AutoScalingGroups ?? []) {
          if (group.AutoScalingGroupName !== undefined) groups.push(groupStatus(group));
        }
      }
    });
    return groups;
  }

  async setDesiredCapacity(groupName: string, count: number, subject: CallSubject = {}): Promise<void> {
    const autoScaling = await this.#clients.autoScaling();
    const { UpdateAutoScalingGroupCommand } = await import("@aws-sdk/client-auto-scaling");
    await awsCall({ operation: "AutoScaling.UpdateAutoScalingGroup", ...subject }, () =>
      autoScaling.send(
        new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: groupName, DesiredCapacity: count }),
      ),
    );
  }

  async scalingActivities(groupName: string, maxRecords: number, annex: string): Promise<ScalingActivity[]> {
    const autoScaling = await this.#clients.autoScaling();
    const { DescribeScalingActivitiesCommand } = await import("@aws-sdk/client-auto-scaling");
    const out = await awsCall({ operation: "AutoScaling.DescribeScalingActivities", annex }, () =>
      autoScaling.send(
        new DescribeScalingActivitiesCommand({ AutoScalingGroupName: groupName, MaxRecords: maxRecords }),
      ),
    );
    return (out.Activities ?? []).map(activityOf);
  }

  async describeInstanceTypes(types: readonly string[]): Promise<InstanceTypeInfo[]> {
    const ec2 = await this.#clients.ec2();
    const { paginateDescribeInstanceTypes } = await import("@aws-sdk/client-ec2");
    const found: InstanceTypeInfo[] = [];
    await awsCall({ operation: "EC2.DescribeInstanceTypes" }, async () => {
      const pages = paginateDescribeInstanceTypes(
        { client: ec2 },
        { Filters: [{ Name: "instance-type", Values: [...types] }] },
      );
      for await (const page of pages) {
        for (const description of page.InstanceTypes ?? []) {
          const info = instanceTypeInfoFrom(description);
          if (info !== undefined) found.push(info);
        }
      }
    });
    return found;
  }

  async defaultVpc(annex: string): Promise<string | undefined> {
    const ec2 = await this.#clients.ec2();
    const { DescribeVpcsCommand } = await import("@aws-sdk/client-ec2");
    const vpcs = await awsCall({ operation: "EC2.DescribeVpcs", annex }, () =>
      ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] })),
    );
    return vpcs.Vpcs?.[0]?.VpcId;
  }

  describeSubnets(subnetIds: readonly string[], annex: string): Promise<SubnetInfo[]> {
    return this.#subnets({ SubnetIds: [...subnetIds] }, annex);
  }

  defaultSubnets(vpcId: string, annex: string): Promise<SubnetInfo[]> {
    return this.#subnets(
      {
        Filters: [
          { Name: "vpc-id", Values: [vpcId] },
          { Name: "default-for-az", Values: ["true"] },
        ],
      },
      annex,
    );
  }

  async #subnets(
    input: { SubnetIds?: string[]; Filters?: { Name: string; Values: string[] }[] },
    annex: string,
  ): Promise<SubnetInfo[]> {
    const ec2 = await this.#clients.ec2();
    const { DescribeSubnetsCommand } = await import("@aws-sdk/client-ec2");
    const out = await awsCall({ operation: "EC2.DescribeSubnets", annex }, () =>
      ec2.send(new DescribeSubnetsCommand(input)),
    );
    return (out.Subnets ?? []).map((subnet) => ({
      subnetId: subnet.SubnetId,
      vpcId: subnet.VpcId,
      availabilityZone: subnet.AvailabilityZone,
    }));
  }

  async putMetricData(namespace: string, data: readonly MetricDatum[], label: string): Promise<void> {
    const cloudWatch = await this.#clients.cloudWatch();
    const { PutMetricDataCommand } = await import("@aws-sdk/client-cloudwatch");
    await awsCall({ operation: `CloudWatch.PutMetricData (${label})` }, () =>
      cloudWatch.send(
        new PutMetricDataCommand({
          Namespace: namespace,
          MetricData: data.map((datum) => ({
            MetricName: datum.metricName,
            Dimensions: dimensionsOf(datum.dimensions),
            Timestamp: datum.timestamp,
            Value: datum.value,
            Unit: datum.unit,
            StorageResolution: datum.storageResolution,
          })),
        }),
      ),
    );
  }

  async latestDatapoints(
    queries: readonly MetricQuery[],
    start: Date,
    end: Date,
  ): Promise<Map<string, Date>> {
    const cloudWatch = await this.#clients.cloudWatch();
    const { GetMetricDataCommand } = await import("@aws-sdk/client-cloudwatch");
    const metricQueries = queries.map((query, index) => ({
      Id: `h${index}`,
      Label: query.label,
      MetricStat: {
        Metric: {
          Namespace: query.namespace,
          MetricName: query.metricName,
          Dimensions: dimensionsOf(query.dimensions),
        },
        Period: query.periodSeconds,
        Stat: query.stat,
      },
      ReturnData: true,
    }));
    const found = new Map<string, Date>();
    let nextToken: string | undefined;
    do {
      const out = await awsCall({ operation: "CloudWatch.GetMetricData" }, () =>
        cloudWatch.send(
          new GetMetricDataCommand({
            MetricDataQueries: metricQueries,
            StartTime: start,
            EndTime: end,
            ScanBy: "TimestampDescending",
            ...(nextToken === undefined ? {} : { NextToken: nextToken }),
          }),
        ),
      );
      for (const result of out.MetricDataResults ?? []) {
        // The answer is matched by its id (labels may be rewritten by the service).
        const query = queries[Number((result.Id ?? "").slice(1))];
        const newest = (result.Timestamps ?? []).reduce<Date | undefined>(
          (latest, t) => (latest === undefined || t > latest ? t : latest),
          undefined,
        );
        if (query !== undefined && newest !== undefined) {
          const previous = found.get(query.label);
          if (previous === undefined || newest > previous) found.set(query.label, newest);
        }
      }
      nextToken = out.NextToken;
    } while (nextToken !== undefined);
    return found;
  }

  async describeAlarms(alarmNames: readonly string[]): Promise<LeaseAlarmStatus[]> {
    const cloudWatch = await this.#clients.cloudWatch();
    const { paginateDescribeAlarms } = await import("@aws-sdk/client-cloudwatch");
    const alarms: LeaseAlarmStatus[] = [];
    await awsCall({ operation: "CloudWatch.DescribeAlarms" }, async () => {
      for await (const page of paginateDescribeAlarms(
        { client: cloudWatch },
        { AlarmNames: [...alarmNames], AlarmTypes: ["MetricAlarm"] },
      )) {
        for (const alarm of page.MetricAlarms ?? []) {
          if (alarm.AlarmName !== undefined) alarms.push(alarmStatus(alarm));
        }
      }
    });
    return alarms;
  }

  async putObject(object: StoredObject, subject: CallSubject = {}): Promise<void> {
    const s3 = await this.#clients.s3();
    const { PutObjectCommand } = await import("@aws-sdk/client-s3");
    await awsCall({ operation: "S3.PutObject", ...subject }, () =>
      s3.send(
        new PutObjectCommand({
          Bucket: object.bucket,
          Key: object.key,
          Body: object.body,
          ContentType: object.contentType,
          ServerSideEncryption: "AES256",
        }),
      ),
    );
  }

  async listObjectKeys(bucket: string, prefix: string, subject: CallSubject = {}): Promise<string[]> {
    const s3 = await this.#clients.s3();
    const { paginateListObjectsV2 } = await import("@aws-sdk/client-s3");
    const keys: string[] = [];
    await awsCall({ operation: "S3.ListObjectsV2", ...subject }, async () => {
      for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
        for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
      }
    });
    return keys;
  }

  async deleteObject(bucket: string, key: string, subject: CallSubject = {}): Promise<void> {
    const s3 = await this.#clients.s3();
    const { DeleteObjectCommand } = await import("@aws-sdk/client-s3");
    await awsCall({ operation: "S3.DeleteObject", ...subject }, () =>
      s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })),
    );
  }
}

function sdkParameter(parameter: StackParameter): Parameter {
  return "usePrevious" in parameter
    ? { ParameterKey: parameter.key, UsePreviousValue: true }
    : { ParameterKey: parameter.key, ParameterValue: parameter.value };
}

function dimensionsOf(dimensions: Readonly<Record<string, string>>): { Name: string; Value: string }[] {
  return Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value }));
}

/** A described stack in the engine's terms. */
function cloudStack(stack: Stack): CloudStack {
  const tags = new Map<string, string>();
  for (const tag of stack.Tags ?? []) if (tag.Key !== undefined) tags.set(tag.Key, tag.Value ?? "");
  const outputs: Record<string, string> = {};
  for (const output of stack.Outputs ?? []) {
    if (output.OutputKey !== undefined && output.OutputValue !== undefined) {
      outputs[output.OutputKey] = output.OutputValue;
    }
  }
  return {
    name: stack.StackName ?? "",
    id: stack.StackId,
    status: stack.StackStatus ?? "UNKNOWN",
    statusReason: stack.StackStatusReason,
    createdAt: stack.CreationTime,
    tags,
    outputs,
    parameterKeys: (stack.Parameters ?? []).flatMap((p) =>
      p.ParameterKey === undefined ? [] : [p.ParameterKey],
    ),
  };
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

function activityOf(activity: Activity): ScalingActivity {
  return {
    statusCode: activity.StatusCode,
    message: [activity.StatusMessage, activity.Description, activity.Cause].filter(Boolean).join(" "),
    startTime: activity.StartTime,
  };
}

/** Converts EC2's description to what demand needs (HTCondor units: MiB, KiB, `X86_64`). */
export function instanceTypeInfoFrom(description: Ec2InstanceTypeInfo): InstanceTypeInfo | undefined {
  const name = description.InstanceType;
  const cpus = description.VCpuInfo?.DefaultVCpus;
  const memoryMiB = description.MemoryInfo?.SizeInMiB;
  if (name === undefined || cpus === undefined || memoryMiB === undefined) return undefined;
  const gpus = (description.GpuInfo?.Gpus ?? []).reduce((sum, gpu) => sum + (gpu.Count ?? 0), 0);
  const architectures = description.ProcessorInfo?.SupportedArchitectures ?? [];
  const arch = architectures.includes("arm64") && !architectures.includes("x86_64") ? "aarch64" : "X86_64";
  const storageGB = description.InstanceStorageInfo?.TotalSizeInGB;
  return {
    name,
    cpus,
    memoryMiB,
    gpus,
    arch,
    ...(storageGB !== undefined && storageGB > 0 ? { diskKiB: storageGB * 1024 * 1024 } : {}),
  };
}

import { randomUUID } from "node:crypto";
import {
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  ListStackResourcesCommand,
} from "@aws-sdk/client-cloudformation";
import {
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  PutMetricDataCommand,
} from "@aws-sdk/client-cloudwatch";
import { GetPolicyCommand } from "@aws-sdk/client-lambda";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { ListSubscriptionsCommand, ListTopicsCommand } from "@aws-sdk/client-sns";
import { afterAll, describe, expect, it } from "vitest";
import { awsClients } from "../../support/aws-clients.js";
import { advanceEmulator, extensionSkipReason, useEmulator } from "../../support/emulator.js";
import { leaseStackTemplate } from "./fixtures/lease-stack.js";

const target = useEmulator();
const skip = extensionSkipReason(target());
if (skip !== undefined) console.warn(`[lease-flow] skipped: ${skip}`);

interface SnsRecordEvent {
  Records: {
    EventSubscriptionArn: string;
    Sns: { TopicArn: string; Subject: string | null; Message: string };
  }[];
}

describe.skipIf(skip !== undefined)("lease stack on the emulator: alarm → SNS → Node Lambda", () => {
  const aws = awsClients(target());
  afterAll(() => aws.destroy());
  const suffix = randomUUID().slice(0, 8);
  const annexName = `lease-${suffix}`;
  const bucket = `annex-lease-events-${suffix}`;
  const stackName = `HTCondorAnnex-${annexName}`;
  const outputs: Record<string, string> = {};
  const advance = (seconds: number) => advanceEmulator(target().endpoint ?? "", seconds);

  async function alarmState(): Promise<string | undefined> {
    const alarms = await aws.cloudWatch.send(
      new DescribeAlarmsCommand({ AlarmNames: [outputs.AlarmName ?? ""] }),
    );
    return alarms.MetricAlarms?.[0]?.StateValue;
  }

  async function storedEvents(): Promise<SnsRecordEvent[]> {
    const listed = await aws.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "events/" }));
    const events: SnsRecordEvent[] = [];
    for (const object of listed.Contents ?? []) {
      const body = await aws.s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }));
      events.push(JSON.parse((await body.Body?.transformToString()) ?? "null") as SnsRecordEvent);
    }
    return events;
  }

  it("creates every resource of the template, with Ref and GetAtt Arn on the alarm", async () => {
    await aws.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await aws.cloudFormation.send(
      new CreateStackCommand({
        StackName: stackName,
        TemplateBody: leaseStackTemplate({ annexName, bucket, periodSeconds: 10, evaluationPeriods: 3 }),
        Capabilities: ["CAPABILITY_IAM"],
      }),
    );
    const stack = (await aws.cloudFormation.send(new DescribeStacksCommand({ StackName: stackName })))
      .Stacks?.[0];
    expect(stack?.StackStatus).toBe("CREATE_COMPLETE");
    for (const output of stack?.Outputs ?? []) outputs[output.OutputKey ?? ""] = output.OutputValue ?? "";
    expect(outputs.AlarmArn).toBe(`arn:aws:cloudwatch:us-east-1:123456789012:alarm:${outputs.AlarmName}`);
    expect(outputs.SubscriptionArn).toMatch(/^arn:aws:sns:us-east-1:123456789012:.+:.+/);

    const resources = await aws.cloudFormation.send(new ListStackResourcesCommand({ StackName: stackName }));
    const logicalIds = (resources.StackResourceSummaries ?? []).map((r) => r.LogicalResourceId).sort();
    expect(logicalIds).toEqual([
      "LeaseAlarm",
      "LeaseFunction",
      "LeasePermission",
      "LeaseRole",
      "LeaseSubscription",
      "LeaseTopic",
    ]);

    const policy = await aws.lambda.send(new GetPolicyCommand({ FunctionName: outputs.FunctionName }));
    const statement = JSON.parse(policy.Policy ?? "{}").Statement?.[0];
    expect(JSON.stringify(statement)).toContain("sns.amazonaws.com");
    expect(JSON.stringify(statement)).toContain(outputs.TopicArn);

    const alarm = (
      await aws.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: [outputs.AlarmName ?? ""] }))
    ).MetricAlarms?.[0];
    expect(alarm).toMatchObject({
      Period: 10,
      EvaluationPeriods: 3,
      Threshold: 1,
      TreatMissingData: "breaching",
      AlarmActions: [outputs.TopicArn],
      StateValue: "INSUFFICIENT_DATA",
    });
  });

  it("one heartbeat ≥ 1 keeps the alarm OK while it lies within the window", async () => {
    await aws.cloudWatch.send(
      new PutMetricDataCommand({
        Namespace: "HTCondor/Annex",
        MetricData: [
          { MetricName: "Heartbeat", Dimensions: [{ Name: "AnnexName", Value: annexName }], Value: 1 },
        ],
      }),
    );
    await advance(0);
    expect(await alarmState()).toBe("OK");
    await advance(15);
    expect(await alarmState()).toBe("OK");
    expect(await storedEvents()).toEqual([]);
  });

  it("when heartbeats stop the alarm fires within its window and the Lambda stores the SNS event", async () => {
    // 15 + 20 = 35 s after the heartbeat: all three 10 s periods are empty (missing = breaching).
    await advance(20);
    expect(await alarmState()).toBe("ALARM");
    const events = await storedEvents();
    expect(events).toHaveLength(1);
    const record = events[0]?.Records[0];
    expect(record?.Sns.TopicArn).toBe(outputs.TopicArn);
    expect(record?.EventSubscriptionArn).toBe(outputs.SubscriptionArn);
    expect(record?.Sns.Subject).toBe(`ALARM: "${outputs.AlarmName}" in US East (N. Virginia)`);
    const message = JSON.parse(record?.Sns.Message ?? "{}");
    expect(message).toMatchObject({
      AlarmName: outputs.AlarmName,
      AlarmArn: outputs.AlarmArn,
      AWSAccountId: "123456789012",
      NewStateValue: "ALARM",
      OldStateValue: "OK",
      Trigger: {
        MetricName: "Heartbeat",
        Namespace: "HTCondor/Annex",
        Statistic: "MAXIMUM",
        Dimensions: [{ name: "AnnexName", value: annexName }],
        Period: 10,
        EvaluationPeriods: 3,
        ComparisonOperator: "LessThanThreshold",
        Threshold: 1,
        TreatMissingData: "breaching",
      },
    });
    expect(typeof message.NewStateReason).toBe("string");
    expect(message.StateChangeTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);

    const history = await aws.cloudWatch.send(
      new DescribeAlarmHistoryCommand({ AlarmName: outputs.AlarmName, HistoryItemType: "StateUpdate" }),
    );
    expect(history.AlarmHistoryItems?.map((item) => item.HistorySummary)).toEqual([
      "Alarm updated from OK to ALARM",
      "Alarm updated from INSUFFICIENT_DATA to OK",
    ]);
    // Evaluating again in ALARM is no transition: nothing more is published.
    await advance(10);
    expect(await storedEvents()).toHaveLength(1);
  });

  it("deleting the stack removes the alarm, the subscription and the topic", async () => {
    await aws.cloudFormation.send(new DeleteStackCommand({ StackName: stackName }));
    const alarms = await aws.cloudWatch.send(
      new DescribeAlarmsCommand({ AlarmNames: [outputs.AlarmName ?? ""] }),
    );
    expect(alarms.MetricAlarms).toEqual([]);
    const topics = await aws.sns.send(new ListTopicsCommand({}));
    expect(topics.Topics?.map((t) => t.TopicArn)).not.toContain(outputs.TopicArn);
    const subscriptions = await aws.sns.send(new ListSubscriptionsCommand({}));
    expect(subscriptions.Subscriptions?.map((s) => s.SubscriptionArn)).not.toContain(outputs.SubscriptionArn);
  });
});

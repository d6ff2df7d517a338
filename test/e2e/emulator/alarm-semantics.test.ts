import { randomUUID } from "node:crypto";
import {
  type ComparisonOperator,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
  type StateValue,
} from "@aws-sdk/client-cloudwatch";
import { CreateTopicCommand, SubscribeCommand } from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, describe, expect, it } from "vitest";
import { awsClients, clientConfig } from "../../support/aws-clients.js";
import { advanceEmulator, extensionSkipReason, useEmulator } from "../../support/emulator.js";

const target = useEmulator();
const skip = extensionSkipReason(target());
if (skip !== undefined) console.warn(`[alarm-semantics] skipped: ${skip}`);

/** One row: an alarm over three 10 s periods and the values put in them (oldest first; null = none). */
interface Row {
  name: string;
  comparison: ComparisonOperator;
  threshold: number;
  treatMissingData: "missing" | "ignore" | "breaching" | "notBreaching";
  datapointsToAlarm?: number;
  /** Per-period values, oldest first; null leaves the period empty. */
  values: (number | null)[];
  /** State forced with SetAlarmState before the evaluation (to observe `ignore`). */
  before?: StateValue;
  expected: StateValue;
}

const rows: Row[] = [
  // TreatMissingData, with no data at all.
  {
    name: "missing, no data → INSUFFICIENT_DATA",
    comparison: "LessThanThreshold",
    threshold: 1,
    treatMissingData: "missing",
    values: [null, null, null],
    expected: "INSUFFICIENT_DATA",
  },
  {
    name: "ignore, no data → keeps ALARM",
    comparison: "LessThanThreshold",
    threshold: 1,
    treatMissingData: "ignore",
    values: [null, null, null],
    before: "ALARM",
    expected: "ALARM",
  },
  {
    name: "ignore, no data → keeps OK",
    comparison: "LessThanThreshold",
    threshold: 1,
    treatMissingData: "ignore",
    values: [null, null, null],
    before: "OK",
    expected: "OK",
  },
  {
    name: "breaching, no data → ALARM",
    comparison: "LessThanThreshold",
    threshold: 1,
    treatMissingData: "breaching",
    values: [null, null, null],
    expected: "ALARM",
  },
  {
    name: "notBreaching, no data → OK",
    comparison: "LessThanThreshold",
    threshold: 1,
    treatMissingData: "notBreaching",
    values: [null, null, null],
    expected: "OK",
  },
  // TreatMissingData with partial data.
  {
    name: "breaching fills gaps: two gaps + one breach → ALARM",
    comparison: "LessThanThreshold",
    threshold: 1,
    treatMissingData: "breaching",
    values: [null, 0, null],
    expected: "ALARM",
  },
  {
    name: "breaching: one good point among gaps → OK",
    comparison: "LessThanThreshold",
    threshold: 1,
    treatMissingData: "breaching",
    values: [null, 1, null],
    expected: "OK",
  },
  {
    name: "notBreaching: breaches in two of three, gap counts as good → OK",
    comparison: "GreaterThanThreshold",
    threshold: 5,
    treatMissingData: "notBreaching",
    values: [9, null, 9],
    expected: "OK",
  },
  {
    name: "missing: present points decide → OK",
    comparison: "GreaterThanThreshold",
    threshold: 5,
    treatMissingData: "missing",
    values: [null, 1, null],
    expected: "OK",
  },
  // DatapointsToAlarm < EvaluationPeriods (2 out of 3).
  {
    name: "2 of 3: two breaching, not adjacent → ALARM",
    comparison: "GreaterThanThreshold",
    threshold: 5,
    treatMissingData: "missing",
    datapointsToAlarm: 2,
    values: [9, 1, 9],
    expected: "ALARM",
  },
  {
    name: "2 of 3: one breaching → OK",
    comparison: "GreaterThanThreshold",
    threshold: 5,
    treatMissingData: "missing",
    datapointsToAlarm: 2,
    values: [9, 1, 1],
    expected: "OK",
  },
  {
    name: "3 of 3: two breaching → OK",
    comparison: "GreaterThanThreshold",
    threshold: 5,
    treatMissingData: "missing",
    values: [9, 1, 9],
    expected: "OK",
  },
  // Each comparison operator, at and around the threshold.
  {
    name: "GreaterThanOrEqualToThreshold at threshold → ALARM",
    comparison: "GreaterThanOrEqualToThreshold",
    threshold: 5,
    treatMissingData: "missing",
    values: [5, 5, 5],
    expected: "ALARM",
  },
  {
    name: "GreaterThanOrEqualToThreshold below → OK",
    comparison: "GreaterThanOrEqualToThreshold",
    threshold: 5,
    treatMissingData: "missing",
    values: [4, 4, 4],
    expected: "OK",
  },
  {
    name: "GreaterThanThreshold at threshold → OK",
    comparison: "GreaterThanThreshold",
    threshold: 5,
    treatMissingData: "missing",
    values: [5, 5, 5],
    expected: "OK",
  },
  {
    name: "GreaterThanThreshold above → ALARM",
    comparison: "GreaterThanThreshold",
    threshold: 5,
    treatMissingData: "missing",
    values: [6, 6, 6],
    expected: "ALARM",
  },
  {
    name: "LessThanThreshold at threshold → OK",
    comparison: "LessThanThreshold",
    threshold: 5,
    treatMissingData: "missing",
    values: [5, 5, 5],
    expected: "OK",
  },
  {
    name: "LessThanThreshold below → ALARM",
    comparison: "LessThanThreshold",
    threshold: 5,
    treatMissingData: "missing",
    values: [4, 4, 4],
    expected: "ALARM",
  },
  {
    name: "LessThanOrEqualToThreshold at threshold → ALARM",
    comparison: "LessThanOrEqualToThreshold",
    threshold: 5,
    treatMissingData: "missing",
    values: [5, 5, 5],
    expected: "ALARM",
  },
  {
    name: "LessThanOrEqualToThreshold above → OK",
    comparison: "LessThanOrEqualToThreshold",
    threshold: 5,
    treatMissingData: "missing",
    values: [6, 6, 6],
    expected: "OK",
  },
];

describe.skipIf(skip !== undefined)("alarm evaluation semantics (three 10 s periods)", () => {
  const aws = awsClients(target());
  afterAll(() => aws.destroy());
  const endpoint = target().endpoint ?? "";
  const run = randomUUID().slice(0, 8);

  async function stateOf(alarmName: string): Promise<string | undefined> {
    const found = await aws.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName] }));
    return found.MetricAlarms?.[0]?.StateValue;
  }

  it.each(rows)("$name", async (row) => {
    const alarmName = `semantics-${run}-${rows.indexOf(row)}`;
    const dimensions = [{ Name: "Row", Value: alarmName }];
    await aws.cloudWatch.send(
      new PutMetricAlarmCommand({
        AlarmName: alarmName,
        Namespace: "Annex/Semantics",
        MetricName: "Value",
        Dimensions: dimensions,
        Statistic: "Maximum",
        Period: 10,
        EvaluationPeriods: 3,
        DatapointsToAlarm: row.datapointsToAlarm,
        Threshold: row.threshold,
        ComparisonOperator: row.comparison,
        TreatMissingData: row.treatMissingData,
      }),
    );
    if (row.before !== undefined) {
      await aws.cloudWatch.send(
        new SetAlarmStateCommand({ AlarmName: alarmName, StateValue: row.before, StateReason: "test setup" }),
      );
    }
    // Period k (oldest first) covers [now-30+10k, now-20+10k): put each value 5 s inside it.
    const now = Date.now();
    const data = row.values.flatMap((value, k) =>
      value === null
        ? []
        : [
            {
              MetricName: "Value",
              Dimensions: dimensions,
              Value: value,
              Timestamp: new Date(now - 25_000 + 10_000 * k),
            },
          ],
    );
    if (data.length > 0) {
      await aws.cloudWatch.send(new PutMetricDataCommand({ Namespace: "Annex/Semantics", MetricData: data }));
    }
    await advanceEmulator(endpoint, 0);
    expect(await stateOf(alarmName)).toBe(row.expected);
  });

  it("a new alarm starts in INSUFFICIENT_DATA, as on AWS", async () => {
    const alarmName = `semantics-${run}-new`;
    await aws.cloudWatch.send(
      new PutMetricAlarmCommand({
        AlarmName: alarmName,
        Namespace: "Annex/Semantics",
        MetricName: "Value",
        Statistic: "Average",
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: "GreaterThanThreshold",
      }),
    );
    expect(await stateOf(alarmName)).toBe("INSUFFICIENT_DATA");
  });

  it("SetAlarmState publishes the alarm's notification to its SNS topic; same-state sets publish nothing", async () => {
    const sqs = new SQSClient(clientConfig(target()));
    try {
      const topic = await aws.sns.send(new CreateTopicCommand({ Name: `alarm-${run}` }));
      const queue = await sqs.send(new CreateQueueCommand({ QueueName: `alarm-${run}` }));
      const queueArn = (
        await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ["QueueArn"] }),
        )
      ).Attributes?.QueueArn;
      await aws.sns.send(
        new SubscribeCommand({
          TopicArn: topic.TopicArn,
          Protocol: "sqs",
          Endpoint: queueArn,
          ReturnSubscriptionArn: true,
        }),
      );
      const alarmName = `semantics-${run}-set`;
      await aws.cloudWatch.send(
        new PutMetricAlarmCommand({
          AlarmName: alarmName,
          Namespace: "Annex/Semantics",
          MetricName: "Value",
          Statistic: "Maximum",
          Period: 30,
          EvaluationPeriods: 2,
          Threshold: 1,
          ComparisonOperator: "LessThanThreshold",
          AlarmActions: [topic.TopicArn ?? ""],
          OKActions: [topic.TopicArn ?? ""],
        }),
      );
      await aws.cloudWatch.send(
        new SetAlarmStateCommand({ AlarmName: alarmName, StateValue: "ALARM", StateReason: "forced" }),
      );
      await aws.cloudWatch.send(
        new SetAlarmStateCommand({ AlarmName: alarmName, StateValue: "ALARM", StateReason: "again" }),
      );
      const received = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queue.QueueUrl, MaxNumberOfMessages: 10 }),
      );
      expect(received.Messages).toHaveLength(1);
      const envelope = JSON.parse(received.Messages?.[0]?.Body ?? "{}");
      expect(envelope.Subject).toBe(`ALARM: "${alarmName}" in US East (N. Virginia)`);
      expect(JSON.parse(envelope.Message)).toMatchObject({
        AlarmName: alarmName,
        NewStateValue: "ALARM",
        NewStateReason: "forced",
        OldStateValue: "INSUFFICIENT_DATA",
        Trigger: { Period: 30, EvaluationPeriods: 2, Statistic: "MAXIMUM", TreatMissingData: "missing" },
      });
    } finally {
      sqs.destroy();
    }
  });
});

import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeStacksCommand, ListStacksCommand } from "@aws-sdk/client-cloudformation";
import { DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { GetRolePolicyCommand, ListRolePoliciesCommand } from "@aws-sdk/client-iam";
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { ListSubscriptionsByTopicCommand } from "@aws-sdk/client-sns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ANNEX_OUTPUTS,
  type AnnexOperations,
  leaseAlarmName,
  METRIC_NAME,
  METRIC_NAMESPACE,
  OtherPoolError,
  SETUP_STACK_NAME,
  TAG_DEADLINE,
  tokenObjectKey,
} from "../../../src/annex/index.js";
import type { AwsClients } from "../../../src/aws/index.js";
import { awsClients } from "../../support/aws-clients.js";
import { targetSkipReason, useEmulator } from "../../support/emulator.js";
import { FAKE_TOKEN, helper, leaseZipForSetup, POOL_A, POOL_B, request, tokenFile } from "./fixture.js";

/**
 * A policy document: JSON on AWS; moto 5.2.1 returns inline policies of CloudFormation-made
 * roles as a Python dict literal, which differs from JSON only in its quotes here.
 */
function parsePolicy(document: string): unknown {
  return JSON.parse(document.startsWith("{'") ? document.replace(/'/g, '"') : document);
}

const target = useEmulator();
const unavailable = targetSkipReason(target());

describe.skipIf(unavailable !== undefined)("annex lifecycle on the AWS emulator", () => {
  const token = tokenFile();
  let ops: AnnexOperations;
  let clients: AwsClients;
  let bucket: string;
  let leaseFunctionArn: string;

  beforeAll(async () => {
    ({ ops, clients } = helper(target(), POOL_A, token.path));
    const setup = await ops.setup({ leaseFunctionZip: leaseZipForSetup() });
    bucket = setup.outputs.tokenBucket;
    leaseFunctionArn = setup.outputs.leaseFunctionArn;
  });
  afterAll(async () => {
    await clients.destroy();
    token.cleanup();
  });

  it("setup leaves a complete setup stack with the token bucket, the lease Lambda and the service role", async () => {
    const again = await ops.setup({ leaseFunctionZip: leaseZipForSetup() });
    expect(again.stackName).toBe(SETUP_STACK_NAME);
    expect(again.stackStatus).toMatch(/_COMPLETE$/);
    expect(again.outputs.tokenBucket).toBe(bucket);
    expect(again.outputs.leaseFunctionArn).toMatch(/^arn:aws:lambda:/);
    expect(again.outputs.cloudFormationRoleArn).toMatch(/^arn:aws:iam::\d+:role\//);
  });

  it("create → status shows the stack, the group with the requested types and its instances, and the lease alarm", async () => {
    const created = await ops.create(
      request({
        Name: "chem-burst",
        InstanceTypes: ["c6i.2xlarge", "c5.2xlarge"],
        MaxInstances: 4,
        Count: 2,
        LeaseMinutes: 20,
      }),
    );
    expect(created.outcome).toBe("created");
    expect(created.stackStatus).toBe("CREATE_COMPLETE");
    expect(created.subnets.length).toBeGreaterThan(1); // the default VPC's subnet in each zone

    const [status] = await ops.status({ name: "chem-burst" });
    expect(status?.record.stackStatus).toBe("CREATE_COMPLETE");
    expect(status?.record.pool).toBe(POOL_A);
    expect(status?.record.request?.instanceTypes).toEqual(["c6i.2xlarge", "c5.2xlarge"]);
    expect(status?.group?.instanceTypes).toEqual(["c6i.2xlarge", "c5.2xlarge"]);
    expect(status?.group?.desiredCapacity).toBe(2);
    expect(status?.group?.maxSize).toBe(4);
    expect(status?.group?.instances).toHaveLength(2);
    expect(status?.alarm).toMatchObject({
      alarmName: leaseAlarmName("chem-burst"),
      namespace: METRIC_NAMESPACE,
      metricName: METRIC_NAME,
      statistic: "Maximum",
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      treatMissingData: "breaching",
    });
    expect((status?.alarm?.periodSeconds ?? 0) * (status?.alarm?.evaluationPeriods ?? 0)).toBe(20 * 60);
    expect(status?.alarm?.alarmActions[0]).toMatch(/^arn:aws:sns:/);
    // create seeds the lease with one heartbeat
    expect(status?.lastHeartbeat).toBeInstanceOf(Date);
    // the alarm's topic delivers to the lease Lambda
    const aws = awsClients(target());
    try {
      const topicArn = status?.alarm?.alarmActions[0] ?? "";
      const subscriptions = await aws.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
      expect(subscriptions.Subscriptions?.map((s) => [s.Protocol, s.Endpoint])).toEqual([
        ["lambda", leaseFunctionArn],
      ]);
    } finally {
      aws.destroy();
    }
  });

  it("the token object is encrypted, holds the token, and the instance role may read only the annex's token key", async () => {
    const s3 = await clients.s3();
    const key = tokenObjectKey("chem-burst");
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ServerSideEncryption).toBe("AES256");
    const body = await (
      await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
    ).Body?.transformToString();
    expect(body).toBe(FAKE_TOKEN);

    const cfn = await clients.cloudFormation();
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: "HTCondorAnnex-chem-burst" })))
      .Stacks?.[0];
    const roleArn =
      stack?.Outputs?.find((o) => o.OutputKey === ANNEX_OUTPUTS.instanceRoleArn)?.OutputValue ?? "";
    const roleName = roleArn.split("/").pop() ?? "";
    const iam = await clients.iam();
    const names = (await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))).PolicyNames ?? [];
    const documents = await Promise.all(
      names.map(async (PolicyName) =>
        decodeURIComponent(
          (await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName }))).PolicyDocument ?? "",
        ),
      ),
    );
    const statements = documents.flatMap(
      (doc) =>
        (parsePolicy(doc) as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement,
    );
    const s3Reads = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith("s3:")));
    expect(s3Reads.length).toBeGreaterThan(0);
    for (const statement of s3Reads) {
      expect([statement.Action].flat()).toEqual(["s3:GetObject"]);
      expect(JSON.stringify(statement.Resource)).toContain(`${bucket}/tokens/chem-burst/`);
    }
  });

  it("the same create twice adopts the existing stack instead of creating a second one", async () => {
    const again = await ops.create(
      request({
        Name: "chem-burst",
        InstanceTypes: ["c6i.2xlarge", "c5.2xlarge"],
        MaxInstances: 4,
        Count: 3,
      }),
    );
    expect(again.outcome).toBe("adopted");
    expect(again.requestMatches).toBe(true);
    expect(again.desiredCapacity).toBe(3);
    const autoScaling = await clients.autoScaling();
    const groups = await autoScaling.send(new DescribeAutoScalingGroupsCommand({}));
    expect(
      groups.AutoScalingGroups?.filter((g) => g.AutoScalingGroupName?.includes("chem-burst")),
    ).toHaveLength(1);
    expect(groups.AutoScalingGroups?.[0]?.DesiredCapacity).toBe(3);
  });

  it("the same create twice concurrently makes one CreateStack call and one stack", async () => {
    const { ops: fresh, counter, clients: freshClients } = helper(target(), POOL_A, token.path);
    const spec = { Name: "twin", InstanceTypes: ["m6i.large"], Count: 1 };
    const results = await Promise.all([fresh.create(request(spec)), fresh.create(request(spec))]);
    expect(results.map((r) => r.outcome)).toEqual(["created", "adopted"]);
    expect(counter.calls("CloudFormation.CreateStack")).toBe(1);
    const cfn = await clients.cloudFormation();
    const stacks = await cfn.send(new ListStacksCommand({}));
    const live = (stacks.StackSummaries ?? []).filter(
      (s) => s.StackName === "HTCondorAnnex-twin" && s.StackStatus !== "DELETE_COMPLETE",
    );
    expect(live).toHaveLength(1);
    await freshClients.destroy();
  });

  it("a second helper of the same pool creating an existing annex adopts it", async () => {
    const second = helper(target(), POOL_A, token.path);
    const result = await second.ops.create(request({ Name: "twin", InstanceTypes: ["m6i.large"], Count: 1 }));
    expect(result.outcome).toBe("adopted");
    expect(result.requestMatches).toBe(true);
    expect(second.counter.calls("CloudFormation.CreateStack")).toBe(0);
    await second.clients.destroy();
  });

  it("another pool's create of a taken name is refused with an error naming the owning pool", async () => {
    const other = helper(target(), POOL_B, token.path);
    const attempt = other.ops.create(request({ Name: "chem-burst" }, POOL_B));
    await expect(attempt).rejects.toBeInstanceOf(OtherPoolError);
    await expect(attempt).rejects.toThrow(POOL_A);
    // …and it cannot delete, extend or resize it either
    await expect(other.ops.delete("chem-burst")).rejects.toThrow(/belongs to pool/);
    expect(await other.ops.list()).toEqual([]);
    await other.clients.destroy();
  });

  it("extend moves the deadline tag later and keeps the group's size", async () => {
    const [before] = await ops.list();
    const extended = await ops.extend("chem-burst", 2);
    expect(extended.previousDeadline).toEqual(before?.deadline);
    expect(extended.deadline.getTime() - (before?.deadline?.getTime() ?? 0)).toBe(2 * 3_600_000);
    const cfn = await clients.cloudFormation();
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: "HTCondorAnnex-chem-burst" })))
      .Stacks?.[0];
    expect(stack?.Tags?.find((t) => t.Key === TAG_DEADLINE)?.Value).toBe(
      `${extended.deadline.toISOString().slice(0, 19)}Z`,
    );
    const [status] = await ops.status({ name: "chem-burst" });
    expect(status?.group?.desiredCapacity).toBe(3);
  });

  it("a restarted helper rebuilds its annexes from AWS alone and can extend and delete them", async () => {
    const restarted = helper(target(), POOL_A, token.path);
    const listed = await restarted.ops.list();
    expect(listed.map((r) => r.name)).toEqual(["chem-burst", "twin"]);
    const chem = listed[0];
    expect(chem?.request?.instanceTypes).toEqual(["c6i.2xlarge", "c5.2xlarge"]);
    expect(chem?.request?.maxInstances).toBe(4);
    expect(chem?.pool).toBe(POOL_A);

    const extended = await restarted.ops.extend("twin", 1);
    expect(extended.deadline.getTime()).toBeGreaterThan(extended.previousDeadline?.getTime() ?? 0);
    const deleted = await restarted.ops.delete("twin");
    expect(deleted.stackStatus).toBe("DELETE_COMPLETE");
    expect((await restarted.ops.list()).map((r) => r.name)).toEqual(["chem-burst"]);
    await restarted.clients.destroy();
  });

  it("delete removes the stack, the group and its instances, the lease alarm and the token", async () => {
    const deleted = await ops.delete("chem-burst");
    expect(deleted.stackExisted).toBe(true);
    expect(deleted.tokensDeleted).toEqual([tokenObjectKey("chem-burst")]);

    const cfn = await clients.cloudFormation();
    await expect(
      cfn.send(new DescribeStacksCommand({ StackName: "HTCondorAnnex-chem-burst" })),
    ).rejects.toThrow(/does not exist/);
    const autoScaling = await clients.autoScaling();
    const groups = await autoScaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["HTCondorAnnex-chem-burst"] }),
    );
    expect(groups.AutoScalingGroups ?? []).toHaveLength(0);
    const cloudWatch = await clients.cloudWatch();
    const alarms = await cloudWatch.send(
      new DescribeAlarmsCommand({ AlarmNames: [leaseAlarmName("chem-burst")] }),
    );
    expect(alarms.MetricAlarms ?? []).toHaveLength(0);
    const s3 = await clients.s3();
    const objects = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "tokens/chem-burst/" }));
    expect(objects.KeyCount ?? 0).toBe(0);
    // Deleting again is a no-op, not an error
    expect((await ops.delete("chem-burst")).stackExisted).toBe(false);
  });
});

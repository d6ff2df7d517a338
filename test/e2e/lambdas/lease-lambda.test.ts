/**
 * The real templates and the real lease Lambda on the emulator: setup in two passes (bucket,
 * then the bundled zip), an annex stack created with the service role, then
 * - the stack holds every resource of its template (nothing silently skipped);
 * - a false alarm (forced to ALARM while heartbeats arrive) is reset, and the stack stays;
 * - when heartbeats stop, the alarm fires, SNS runs the bundled Lambda (in Node, through the
 *   emulator's executor), and the stack and every resource of the annex are gone, token included;
 * - the sweeper, invoked in-process against moto, deletes an annex past its deadline and an
 *   orphan token.
 */
import { randomUUID } from "node:crypto";
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import {
  CreateStackCommand,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  UpdateStackCommand,
} from "@aws-sdk/client-cloudformation";
import {
  DescribeAlarmsCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
} from "@aws-sdk/client-cloudwatch";
import { DescribeInstancesCommand, DescribeLaunchTemplatesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { GetBucketPolicyCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { ListSubscriptionsByTopicCommand, ListTopicsCommand } from "@aws-sdk/client-sns";
import { afterAll, describe, expect, it } from "vitest";
import { buildLeaseLambdaZip, sha256Hex } from "../../../lambdas/build.js";
import { sdkLeaseAws } from "../../../lambdas/lease/aws.js";
import { createLeaseHandler } from "../../../lambdas/lease/handler.js";
import {
  ANNEX_CAPABILITIES,
  type AnnexStackParams,
  annexStackTags,
  leaseCodeKey,
  renderAnnexStack,
  renderSetupStack,
  SETUP_CAPABILITIES,
  SETUP_OUTPUTS,
  SETUP_STACK_NAME,
  templateBody,
  tokenObjectKey,
} from "../../../templates/index.js";
import { awsClients, clientConfig } from "../../support/aws-clients.js";
import { advanceEmulator, extensionSkipReason, useEmulator } from "../../support/emulator.js";

const target = useEmulator();
const skip = extensionSkipReason(target());
if (skip !== undefined) console.warn(`[lease-lambda] skipped: ${skip}`);

describe.skipIf(skip !== undefined)("templates and lease Lambda on the emulator", () => {
  const aws = awsClients(target());
  const autoScaling = new AutoScalingClient(clientConfig(target()));
  const ec2 = new EC2Client(clientConfig(target()));
  const iam = new IAMClient(clientConfig(target()));
  afterAll(() => {
    aws.destroy();
    for (const c of [autoScaling, ec2, iam]) c.destroy();
  });
  const advance = (seconds: number) => advanceEmulator(target().endpoint ?? "", seconds);
  const suffix = randomUUID().slice(0, 6);
  const setup: Record<string, string> = {};

  async function stackOutputs(name: string): Promise<Record<string, string>> {
    const stack = (await aws.cloudFormation.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
    const out: Record<string, string> = {};
    for (const o of stack?.Outputs ?? []) out[o.OutputKey ?? ""] = o.OutputValue ?? "";
    return out;
  }

  async function stackStatus(name: string): Promise<string> {
    try {
      const stack = (await aws.cloudFormation.send(new DescribeStacksCommand({ StackName: name })))
        .Stacks?.[0];
      return stack?.StackStatus ?? "GONE";
    } catch (error) {
      if (error instanceof Error && /does not exist/.test(error.message)) return "GONE";
      throw error;
    }
  }

  async function heartbeat(annexName: string, value: number): Promise<void> {
    await aws.cloudWatch.send(
      new PutMetricDataCommand({
        Namespace: "HTCondor/Annex",
        MetricData: [
          {
            MetricName: "Heartbeat",
            Dimensions: [{ Name: "AnnexName", Value: annexName }],
            Value: value,
            StorageResolution: 1,
          },
        ],
      }),
    );
  }

  async function alarmState(annexName: string): Promise<string | undefined> {
    const out = await aws.cloudWatch.send(
      new DescribeAlarmsCommand({ AlarmNames: [`HTCondorAnnex-${annexName}-lease`] }),
    );
    return out.MetricAlarms?.[0]?.StateValue;
  }

  async function objectExists(key: string): Promise<boolean> {
    try {
      await aws.s3.send(new HeadObjectCommand({ Bucket: setup.bucket, Key: key }));
      return true;
    } catch {
      return false;
    }
  }

  function annexParams(annexName: string, deadline: string): AnnexStackParams {
    return {
      annexName,
      instanceTypes: ["c6i.large", "c5.large", "m6i.large"],
      subnets: [],
      image: {
        kind: "ssm",
        parameter: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
      },
      spot: true,
      onDemandBase: 1,
      desiredCapacity: 2,
      maxCapacity: 4,
      leaseMinutes: 1,
      leasePeriodSeconds: 10,
      deadline,
      collectorHost: "cm.example.org:9618",
      owner: "alice",
      tokenBucket: setup.bucket ?? "",
      leaseFunctionArn: setup.lambda ?? "",
      idleMinutes: 15,
    };
  }

  async function createAnnex(annexName: string, deadline: string): Promise<void> {
    await heartbeat(annexName, 1); // the lease starts alive
    const params = annexParams(annexName, deadline);
    await aws.cloudFormation.send(
      new CreateStackCommand({
        StackName: `HTCondorAnnex-${annexName}`,
        TemplateBody: templateBody(renderAnnexStack(params)),
        Capabilities: [...ANNEX_CAPABILITIES],
        RoleARN: setup.serviceRole,
        Tags: annexStackTags(params),
      }),
    );
    await aws.s3.send(
      new PutObjectCommand({
        Bucket: setup.bucket,
        Key: tokenObjectKey(annexName),
        Body: "eyJ0ZXN0IjoidG9rZW4ifQ.payload.sig",
        ServerSideEncryption: "AES256",
      }),
    );
  }

  it("sets up in two passes: bucket and roles first, then the bundled Lambda from the bucket", async () => {
    await aws.cloudFormation.send(
      new CreateStackCommand({
        StackName: SETUP_STACK_NAME,
        TemplateBody: templateBody(renderSetupStack({})),
        Capabilities: [...SETUP_CAPABILITIES],
      }),
    );
    const first = await stackOutputs(SETUP_STACK_NAME);
    setup.bucket = first[SETUP_OUTPUTS.tokenBucket] ?? "";
    expect(setup.bucket).toMatch(/^[a-z0-9.-]+$/);
    const zip = await buildLeaseLambdaZip();
    const key = leaseCodeKey(sha256Hex(zip));
    await aws.s3.send(new PutObjectCommand({ Bucket: setup.bucket, Key: key, Body: zip }));
    await aws.cloudFormation.send(
      new UpdateStackCommand({
        StackName: SETUP_STACK_NAME,
        TemplateBody: templateBody(
          renderSetupStack({ leaseCode: { s3Key: key }, orphanTokenGraceSeconds: 0 }),
        ),
        Capabilities: [...SETUP_CAPABILITIES],
      }),
    );
    const outputs = await stackOutputs(SETUP_STACK_NAME);
    setup.lambda = outputs[SETUP_OUTPUTS.leaseFunctionArn] ?? "";
    setup.serviceRole = outputs[SETUP_OUTPUTS.serviceRoleArn] ?? "";
    expect(setup.lambda).toBe("arn:aws:lambda:us-east-1:123456789012:function:htcondor-annex-lease");
    expect(setup.serviceRole).toMatch(/^arn:aws:iam::123456789012:role\//);

    const policy = await aws.s3.send(new GetBucketPolicyCommand({ Bucket: setup.bucket }));
    expect(JSON.parse(policy.Policy ?? "{}")).toMatchObject({
      Statement: [
        { Effect: "Deny", Principal: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
      ],
    });

    const resources = await aws.cloudFormation.send(
      new ListStackResourcesCommand({ StackName: SETUP_STACK_NAME }),
    );
    const ids = (resources.StackResourceSummaries ?? []).map((r) => r.LogicalResourceId ?? "").sort();
    expect(ids).toEqual(Object.keys(renderSetupStack({ leaseCode: { s3Key: key } }).Resources).sort());
  });

  const live = `lease-${suffix}`;

  it("creates an annex stack with every resource of its template (nothing skipped by the emulator)", async () => {
    await createAnnex(live, "2099-01-01T00:00:00Z");
    expect(await stackStatus(`HTCondorAnnex-${live}`)).toBe("CREATE_COMPLETE");
    const resources = await aws.cloudFormation.send(
      new ListStackResourcesCommand({ StackName: `HTCondorAnnex-${live}` }),
    );
    const ids = (resources.StackResourceSummaries ?? []).map((r) => r.LogicalResourceId ?? "").sort();
    expect(ids).toEqual(
      Object.keys(renderAnnexStack(annexParams(live, "2099-01-01T00:00:00Z")).Resources).sort(),
    );
    const outputs = await stackOutputs(`HTCondorAnnex-${live}`);
    const subs = await aws.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: outputs.LeaseTopicArn }));
    expect(subs.Subscriptions?.map((s) => [s.Protocol, s.Endpoint])).toEqual([["lambda", setup.lambda]]);
    // The group launched its instances, tagged, from the launch template.
    const groups = await autoScaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [outputs.AutoScalingGroupName ?? ""] }),
    );
    expect(groups.AutoScalingGroups?.[0]?.Instances).toHaveLength(2);
    await advance(0);
    expect(await alarmState(live)).toBe("OK");
  });

  it("resets a false alarm (forced to ALARM while heartbeats arrive) and keeps the stack", async () => {
    await heartbeat(live, 2);
    // SetAlarmState fires the alarm's actions, as on AWS: SNS runs the bundled Lambda.
    await aws.cloudWatch.send(
      new SetAlarmStateCommand({
        AlarmName: `HTCondorAnnex-${live}-lease`,
        StateValue: "ALARM",
        StateReason: "test",
      }),
    );
    const alarm = await aws.cloudWatch.send(
      new DescribeAlarmsCommand({ AlarmNames: [`HTCondorAnnex-${live}-lease`] }),
    );
    expect(alarm.MetricAlarms?.[0]?.StateValue).toBe("OK");
    expect(alarm.MetricAlarms?.[0]?.StateReason).toMatch(
      /^condor-annex lease Lambda: a heartbeat of 2 arrived/,
    );
    expect(await stackStatus(`HTCondorAnnex-${live}`)).toBe("CREATE_COMPLETE");
    expect(await objectExists(tokenObjectKey(live))).toBe(true);
  });

  it("deletes the annex when its heartbeats stop: stack, alarm, topic and token all gone", async () => {
    const outputs = await stackOutputs(`HTCondorAnnex-${live}`);
    await advance(90); // six 10 s periods without a heartbeat, and then some
    expect(await stackStatus(`HTCondorAnnex-${live}`)).toMatch(/^(GONE|DELETE_COMPLETE)$/);
    expect(await alarmState(live)).toBeUndefined();
    const topics = await aws.sns.send(new ListTopicsCommand({}));
    expect(topics.Topics?.map((t) => t.TopicArn)).not.toContain(outputs.LeaseTopicArn);
    expect(await objectExists(tokenObjectKey(live))).toBe(false);
    const groups = await autoScaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [outputs.AutoScalingGroupName ?? ""] }),
    );
    expect(groups.AutoScalingGroups).toEqual([]);
    const running = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: "tag:htcondor:annex-name", Values: [live] },
          { Name: "instance-state-name", Values: ["pending", "running"] },
        ],
      }),
    );
    expect(running.Reservations?.flatMap((r) => r.Instances ?? [])).toEqual([]);
    const templates = await ec2.send(new DescribeLaunchTemplatesCommand({}));
    expect(templates.LaunchTemplates?.map((t) => t.LaunchTemplateId)).not.toContain(outputs.LaunchTemplateId);
    const roleName = (outputs.InstanceRoleArn ?? "").split("/").at(-1);
    await expect(iam.send(new GetRoleCommand({ RoleName: roleName }))).rejects.toThrow();
  });

  it("sweeps, in-process against the emulator, an annex past its deadline and an orphan token", async () => {
    const late = `late-${suffix}`;
    await createAnnex(late, "2000-01-01T00:00:00Z");
    await aws.s3.send(
      new PutObjectCommand({ Bucket: setup.bucket, Key: "tokens/forgotten/pool.token", Body: "x" }),
    );
    const handler = createLeaseHandler(
      () =>
        sdkLeaseAws(
          { cloudFormation: aws.cloudFormation, cloudWatch: aws.cloudWatch, s3: aws.s3 },
          setup.bucket ?? "",
        ),
      () => ({
        tokenBucket: setup.bucket ?? "",
        serviceRoleArn: setup.serviceRole ?? "",
        orphanTokenGraceSeconds: 0,
      }),
    );
    const result = await handler({ action: "sweep" });
    expect(result).toMatchObject({ kind: "sweep", report: { expired: [late], errors: [] } });
    expect(result.kind === "sweep" && result.report.orphanTokensDeleted).toContain(
      "tokens/forgotten/pool.token",
    );
    expect(await stackStatus(`HTCondorAnnex-${late}`)).toMatch(/^(GONE|DELETE_COMPLETE|DELETE_IN_PROGRESS)$/);
    expect(await objectExists(tokenObjectKey(late))).toBe(false);
    expect(await objectExists("tokens/forgotten/pool.token")).toBe(false);
    // The setup stack and the Lambda's code are never touched.
    expect(await stackStatus(SETUP_STACK_NAME)).toMatch(/COMPLETE$/);
  });
});

import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { DescribeAlarmsCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import {
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeSecurityGroupsCommand,
} from "@aws-sdk/client-ec2";
import { GetRoleCommand } from "@aws-sdk/client-iam";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildLeaseLambdaZip } from "../../../lambdas/build.js";
import {
  ANNEX_OUTPUTS,
  type AnnexOperations,
  leaseAlarmName,
  tokenKeyPrefix,
} from "../../../src/annex/index.js";
import type { AwsClients } from "../../../src/aws/index.js";
import { advanceEmulator, extensionSkipReason, useEmulator } from "../../support/emulator.js";
import { helper, POOL_A, request, tokenFile } from "./fixture.js";

const target = useEmulator();
const skip = extensionSkipReason(target());

/** The lease window of these annexes: 2 minutes of 10-second periods. */
const LEASE_SECONDS = 120;

describe.skipIf(skip !== undefined)("the lease on the AWS emulator (alarm → SNS → lease Lambda)", () => {
  const token = tokenFile();
  let ops: AnnexOperations;
  let clients: AwsClients;
  let bucket: string;

  beforeAll(async () => {
    ({ ops, clients } = helper(target(), POOL_A, token.path));
    bucket = (await ops.setup({ leaseFunctionZip: await buildLeaseLambdaZip() })).outputs.tokenBucket;
  });
  afterAll(async () => {
    await clients.destroy();
    token.cleanup();
  });

  async function alarmState(name: string): Promise<string | undefined> {
    const cloudWatch = await clients.cloudWatch();
    const out = await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: [leaseAlarmName(name)] }));
    return out.MetricAlarms?.[0]?.StateValue;
  }

  it("heartbeats keep the alarm OK and the stack alive", async () => {
    await ops.create(request({ Name: "kept", Count: 1, LeaseMinutes: 2 }), { leasePeriodSeconds: 10 });
    for (let step = 0; step < 6; step++) {
      await ops.heartbeat([{ annexName: "kept", value: 3 }]);
      await advanceEmulator(target().endpoint ?? "", 30);
    }
    expect(await alarmState("kept")).toBe("OK");
    const [status] = await ops.status({ name: "kept" });
    expect(status?.record.stackStatus).toBe("CREATE_COMPLETE");
  });

  it("a false alarm (forced to ALARM while heartbeats arrive) is reset to OK and the stack stays", async () => {
    await ops.heartbeat([{ annexName: "kept", value: 1 }]);
    const cloudWatch = await clients.cloudWatch();
    await cloudWatch.send(
      new SetAlarmStateCommand({
        AlarmName: leaseAlarmName("kept"),
        StateValue: "ALARM",
        StateReason: "test: forced",
      }),
    );
    expect(await alarmState("kept")).toBe("OK");
    expect((await ops.list()).map((r) => r.name)).toContain("kept");
  });

  it("when heartbeats stop the lease deletes the annex: stack, group, instances, alarm, network, role and token", async () => {
    await ops.create(request({ Name: "ends", Count: 2, LeaseMinutes: 2 }), { leasePeriodSeconds: 10 });
    const cfn = await clients.cloudFormation();
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: "HTCondorAnnex-ends" })))
      .Stacks?.[0];
    const output = (key: string) => stack?.Outputs?.find((o) => o.OutputKey === key)?.OutputValue ?? "";
    const [before] = await ops.status({ name: "ends" });
    const instanceIds = before?.group?.instances.map((i) => i.instanceId) ?? [];
    expect(instanceIds).toHaveLength(2);

    // No heartbeats: the seeded datapoint ages out of the window and the alarm fires.
    await advanceEmulator(target().endpoint ?? "", LEASE_SECONDS + 30);

    await expect(cfn.send(new DescribeStacksCommand({ StackName: "HTCondorAnnex-ends" }))).rejects.toThrow(
      /does not exist/,
    );
    expect(await ops.list()).not.toContainEqual(expect.objectContaining({ name: "ends" }));
    const autoScaling = await clients.autoScaling();
    const groups = await autoScaling.send(
      new DescribeAutoScalingGroupsCommand({
        AutoScalingGroupNames: [output(ANNEX_OUTPUTS.autoScalingGroupName)],
      }),
    );
    expect(groups.AutoScalingGroups ?? []).toHaveLength(0);
    const ec2 = await clients.ec2();
    const instances = await ec2.send(new DescribeInstancesCommand({ InstanceIds: instanceIds }));
    const states = (instances.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.State?.Name);
    expect(states).toHaveLength(2);
    for (const state of states) expect(state).toMatch(/shutting-down|terminated/);
    expect(await alarmState("ends")).toBeUndefined();
    const templates = await ec2.send(
      new DescribeLaunchTemplatesCommand({
        Filters: [{ Name: "launch-template-name", Values: ["HTCondorAnnex-ends"] }],
      }),
    );
    expect(templates.LaunchTemplates ?? []).toHaveLength(0);
    await expect(
      ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [output(ANNEX_OUTPUTS.securityGroupId)] })),
    ).rejects.toThrow();
    const iam = await clients.iam();
    const roleName = output(ANNEX_OUTPUTS.instanceRoleArn).split("/").pop() ?? "";
    await expect(iam.send(new GetRoleCommand({ RoleName: roleName }))).rejects.toThrow();
    const s3 = await clients.s3();
    const tokens = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: tokenKeyPrefix("ends") }),
    );
    expect(tokens.KeyCount ?? 0).toBe(0);
  });
});

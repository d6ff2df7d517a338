import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { DescribeAlarmsCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import {
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { InvokeCommand } from "@aws-sdk/client-lambda";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANNEX_OUTPUTS, leaseAlarmName, tokenKeyPrefix } from "../../../src/annex/index.js";
import { awsClients, clientConfig } from "../../support/aws-clients.js";
import { advanceEmulator, extensionSkipReason, useEmulator } from "../../support/emulator.js";
import {
  type AnnexGahp,
  jobAd,
  type Plain,
  POOL_A,
  snapshot,
  startAnnexGahp,
  tokenFile,
} from "./gahp-helper.js";

/**
 * The lease driven by queue snapshots through the real annex-gahp: ANNEX_JOBS creates the annex
 * when demand appears, its heartbeats keep the alarm OK, a false alarm is reset, and when the
 * snapshots stop the helper's heartbeats stop, the alarm fires, SNS runs the lease Lambda and
 * every resource of the annex goes. Alarms use 10-second periods (LeaseMinutes = 2 → a
 * 120-second window) and the emulator's clock is moved by the time-advance route.
 */

const target = useEmulator();
const skip = extensionSkipReason(target());

const REQUEST = '[ Name = "burst"; InstanceTypes = { "m6i.large" }; MaxInstances = 3; LeaseMinutes = 2 ]';
/** m6i.large: 2 vCPUs, 8 GiB — four one-core jobs need two instances. */
const FOUR_JOBS = [0, 1, 2, 3].map((proc) => jobAd(10, proc, REQUEST));

type Ad = { [name: string]: Plain };

function record(value: Plain | undefined): Ad {
  if (value === null || value === undefined || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`expected a nested ad, got ${JSON.stringify(value)}`);
  }
  return value;
}

function annexOf(result: Ad, name: string): Ad {
  const found = (result.Annexes as Plain[]).map(record).find((annex) => annex.Name === name);
  if (found === undefined) throw new Error(`no ${name} in ${JSON.stringify(result)}`);
  return found;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(skip !== undefined)("the lease through annex-gahp and ANNEX_JOBS", () => {
  const token = tokenFile();
  const aws = awsClients(target());
  let gahp: AnnexGahp;
  let bucket = "";
  let leaseFunctionArn = "";

  beforeAll(async () => {
    gahp = await startAnnexGahp(target(), {
      pool: POOL_A,
      tokenPath: token.path,
      knobs: {
        ANNEX_LEASE_ALARM_PERIOD: "10",
        ANNEX_SNAPSHOT_MAX_AGE: "3",
        ANNEX_HEARTBEAT_INTERVAL: "1",
        ANNEX_DEMAND_STATE_CACHE: "0",
        ANNEX_DEMAND_RAMP_ATTENUATION: "1",
      },
    });
    // No ANNEX_LEASE_FUNCTION_ZIP: the helper bundles the lease Lambda itself (esbuild).
    const setup = await gahp.ok("ANNEX_SETUP", "[]", 300_000);
    bucket = String(setup.TokenBucket);
    leaseFunctionArn = String(setup.LeaseFunctionArn);
  }, 300_000);
  afterAll(async () => {
    await gahp?.stop();
    aws.destroy();
    token.cleanup();
  });

  async function alarmState(name: string): Promise<string | undefined> {
    const out = await aws.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: [leaseAlarmName(name)] }));
    return out.MetricAlarms?.[0]?.StateValue;
  }

  async function requests(): Promise<number> {
    const reply = await gahp.client.command("STATISTICS");
    return Number(reply.fields[0]);
  }

  it("a snapshot with demand creates the annex with the packed size and heartbeats it", async () => {
    const result = await gahp.ok("ANNEX_JOBS", snapshot(FOUR_JOBS));
    expect(result).toMatchObject({ Fresh: true, JobCount: 4, IgnoredJobs: 0, HeartbeatCalls: 1 });
    expect(annexOf(result, "burst")).toMatchObject({
      Exists: false,
      IdleJobs: 4,
      MatchedJobs: 4,
      Heartbeat: 4,
      TargetInstances: 2,
      DesiredCapacity: 2,
      Action: "create",
      HeartbeatSent: true,
    });
    const status = annexOf(await gahp.ok("ANNEX_STATUS", '[ Name = "burst" ]'), "burst");
    expect(status.StackStatus).toMatch(/^CREATE_(IN_PROGRESS|COMPLETE)$/);
    expect(record(status.Demand)).toMatchObject({ Heartbeat: 4, Action: "create" });
  });

  it("snapshots keep the alarm OK over several lease windows; more jobs grow the annex up to MaxInstances", async () => {
    for (let step = 0; step < 6; step++) {
      const result = await gahp.ok("ANNEX_JOBS", snapshot(FOUR_JOBS));
      expect(annexOf(result, "burst")).toMatchObject({ Exists: true, HeartbeatSent: true });
      await advanceEmulator(target().endpoint ?? "", 30);
    }
    expect(await alarmState("burst")).toBe("OK");

    const eight = [...FOUR_JOBS, ...[4, 5, 6, 7].map((proc) => jobAd(10, proc, REQUEST))];
    const grown = annexOf(await gahp.ok("ANNEX_JOBS", snapshot(eight)), "burst");
    expect(grown).toMatchObject({
      CurrentCapacity: 2,
      TargetInstances: 3,
      DesiredCapacity: 3,
      Action: "resize",
    });
    const status = annexOf(await gahp.ok("ANNEX_STATUS", '[ Name = "burst" ]'), "burst");
    expect(record(status.Group).DesiredCapacity).toBe(3);
  });

  it("a stale snapshot sends no heartbeat", async () => {
    const result = await gahp.ok("ANNEX_JOBS", snapshot(FOUR_JOBS, Math.floor(Date.now() / 1000) - 60));
    expect(result).toMatchObject({ Fresh: false, HeartbeatCalls: 0 });
    expect(annexOf(result, "burst").HeartbeatSent).toBe(false);
  });

  it("a false alarm (forced to ALARM while heartbeats arrive) is reset by the Lambda and the stack stays", async () => {
    await gahp.ok("ANNEX_JOBS", snapshot(FOUR_JOBS));
    await aws.cloudWatch.send(
      new SetAlarmStateCommand({
        AlarmName: leaseAlarmName("burst"),
        StateValue: "ALARM",
        StateReason: "test: forced",
      }),
    );
    expect(await alarmState("burst")).toBe("OK");
    const listed = await gahp.ok("ANNEX_LIST", "[]");
    expect((listed.Annexes as Plain[]).map((a) => record(a).Name)).toContain("burst");
  });

  it("when snapshots stop the heartbeats stop, the alarm fires, SNS runs the Lambda, and every resource of the annex is gone", async () => {
    const cfn = aws.cloudFormation;
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: "HTCondorAnnex-burst" })))
      .Stacks?.[0];
    const output = (key: string) => stack?.Outputs?.find((o) => o.OutputKey === key)?.OutputValue ?? "";
    const status = annexOf(await gahp.ok("ANNEX_STATUS", '[ Name = "burst" ]'), "burst");
    const instanceIds = (record(status.Group).Instances as Plain[]).map((i) => String(record(i).InstanceId));
    expect(instanceIds).toHaveLength(3);

    // The last snapshot: the helper's timer re-sends its heartbeats every second while it is fresh (3 s)…
    await gahp.ok("ANNEX_JOBS", snapshot(FOUR_JOBS));
    const atSnapshot = await requests();
    await sleep(2_200);
    expect(await requests()).toBeGreaterThan(atSnapshot);
    // …then stops: no AWS call at all while nothing is asked of the helper.
    await sleep(2_000);
    expect(gahp.log()).toMatch(/is stale; heartbeats stop/);
    const stopped = await requests();
    await sleep(2_500);
    expect(await requests()).toBe(stopped);

    // The heartbeats age out of the 120-second window: the alarm fires and the Lambda deletes the annex.
    await advanceEmulator(target().endpoint ?? "", 150);

    await expect(cfn.send(new DescribeStacksCommand({ StackName: "HTCondorAnnex-burst" }))).rejects.toThrow(
      /does not exist/,
    );
    const listed = await gahp.ok("ANNEX_LIST", "[]");
    expect((listed.Annexes as Plain[]).map((a) => record(a).Name)).not.toContain("burst");
    const config = clientConfig(target());
    const autoScaling = new AutoScalingClient(config);
    const ec2 = new EC2Client(config);
    const iam = new IAMClient(config);
    try {
      const groups = await autoScaling.send(
        new DescribeAutoScalingGroupsCommand({
          AutoScalingGroupNames: [output(ANNEX_OUTPUTS.autoScalingGroupName)],
        }),
      );
      expect(groups.AutoScalingGroups ?? []).toHaveLength(0);
      const instances = await ec2.send(new DescribeInstancesCommand({ InstanceIds: instanceIds }));
      const states = (instances.Reservations ?? [])
        .flatMap((r) => r.Instances ?? [])
        .map((i) => i.State?.Name);
      expect(states).toHaveLength(3);
      for (const state of states) expect(state).toMatch(/shutting-down|terminated/);
      expect(await alarmState("burst")).toBeUndefined();
      const templates = await ec2.send(
        new DescribeLaunchTemplatesCommand({
          Filters: [{ Name: "launch-template-name", Values: ["HTCondorAnnex-burst"] }],
        }),
      );
      expect(templates.LaunchTemplates ?? []).toHaveLength(0);
      await expect(
        ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [output(ANNEX_OUTPUTS.securityGroupId)] })),
      ).rejects.toThrow();
      const roleName = output(ANNEX_OUTPUTS.instanceRoleArn).split("/").pop() ?? "";
      await expect(iam.send(new GetRoleCommand({ RoleName: roleName }))).rejects.toThrow();
    } finally {
      autoScaling.destroy();
      ec2.destroy();
      iam.destroy();
    }
    const tokens = await aws.s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: tokenKeyPrefix("burst") }),
    );
    expect(tokens.KeyCount ?? 0).toBe(0);
  }, 60_000);

  it("the sweeper deletes an annex past its hard deadline, token included, and spares one within it", async () => {
    await gahp.ok("ANNEX_CREATE", '[ Name = "overdue"; Count = 1; MaxHours = 0.0005 ]');
    await gahp.ok("ANNEX_CREATE", '[ Name = "in-time"; Count = 1; MaxHours = 4 ]');
    await sleep(2_500); // 0.0005 h = 1.8 s
    const out = await aws.lambda.send(
      new InvokeCommand({
        FunctionName: leaseFunctionArn,
        Payload: Buffer.from(JSON.stringify({ action: "sweep" })),
      }),
    );
    expect(out.FunctionError).toBeUndefined();
    const listed = await gahp.ok("ANNEX_LIST", "[]");
    expect((listed.Annexes as Plain[]).map((a) => record(a).Name)).toEqual(["in-time"]);
    const tokens = await aws.s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: tokenKeyPrefix("overdue") }),
    );
    expect(tokens.KeyCount ?? 0).toBe(0);
    expect(await gahp.call("ANNEX_STATUS", '[ Name = "overdue" ]')).toMatchObject({
      ok: false,
      code: "E_NOT_FOUND",
    });
  });
});

import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { ListStacksCommand } from "@aws-sdk/client-cloudformation";
import { GetRolePolicyCommand, IAMClient, ListRolePoliciesCommand } from "@aws-sdk/client-iam";
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { ListSubscriptionsByTopicCommand } from "@aws-sdk/client-sns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ANNEX_OUTPUTS,
  leaseAlarmName,
  METRIC_NAME,
  METRIC_NAMESPACE,
  SETUP_STACK_NAME,
  tokenObjectKey,
} from "../../../src/annex/index.js";
import { awsClients, clientConfig } from "../../support/aws-clients.js";
import { targetSkipReason, useEmulator } from "../../support/emulator.js";
import {
  type AnnexGahp,
  FAKE_TOKEN,
  leaseZipFile,
  type Plain,
  POOL_A,
  startAnnexGahp,
  tokenFile,
} from "./gahp-helper.js";

/**
 * The annex lifecycle through the real annex-gahp over the protocol: ANNEX_SETUP, ANNEX_CREATE
 * (twice, and twice at once), ANNEX_STATUS, then a restarted helper's ANNEX_LIST, ANNEX_EXTEND
 * and ANNEX_DELETE. AWS is checked directly with the test's own clients.
 */

const target = useEmulator();
const unavailable = targetSkipReason(target());

/** A moto policy document: JSON, or a Python dict literal for CloudFormation-made roles. */
function parsePolicy(document: string): unknown {
  return JSON.parse(document.startsWith("{'") ? document.replace(/'/g, '"') : document);
}

function record(value: Plain | undefined): { [name: string]: Plain } {
  if (value === null || value === undefined || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`expected a nested ad, got ${JSON.stringify(value)}`);
  }
  return value;
}

describe.skipIf(unavailable !== undefined)("annex lifecycle through annex-gahp (protocol path)", () => {
  const token = tokenFile();
  let zip: { path: string; cleanup: () => void };
  let gahp: AnnexGahp;
  let bucket = "";
  let leaseFunctionArn = "";
  const aws = awsClients(target());

  beforeAll(async () => {
    zip = await leaseZipFile();
    gahp = await startAnnexGahp(target(), { pool: POOL_A, tokenPath: token.path, leaseZipPath: zip.path });
  }, 120_000);
  afterAll(async () => {
    await gahp?.stop();
    aws.destroy();
    zip?.cleanup();
    token.cleanup();
  });

  it("a malformed argument ad is accepted with S and answered 1 E_INVALID_REQUEST with line:column", async () => {
    const syntax = await gahp.call("ANNEX_CREATE", '[ Name = "x";\n  MaxInstances = ]');
    expect(syntax).toMatchObject({ ok: false, code: "E_INVALID_REQUEST" });
    expect(syntax.ok ? "" : syntax.message).toMatch(/^2:18: /);
    const unknown = await gahp.call("ANNEX_CREATE", '[ Name = "chem";\n  MaxInstance = 3 ]');
    expect(unknown.ok ? "" : unknown.message).toMatch(
      /^2:3: MaxInstance: unknown attribute \(did you mean MaxInstances\?\)/,
    );
    const extend = await gahp.call("ANNEX_EXTEND", '[ Name = "chem"; Hours = -1 ]');
    expect(extend.ok ? "" : extend.message).toMatch(/^1:18: Hours: expected a number of hours > 0/);
    // The raw line: S at once, then the result line with its escaped message.
    const fields = await gahp.client.call("ANNEX_DELETE", ["[ Nam = 1 ]"]);
    expect(fields).toEqual([
      "1",
      "E_INVALID_REQUEST",
      expect.stringMatching(/^1:1: Name: required .*; 1:3: Nam: unknown attribute of ANNEX_DELETE/),
    ]);
  });

  it("ANNEX_SETUP creates the setup stack with the bundled lease Lambda, and is idempotent", async () => {
    const setup = await gahp.ok("ANNEX_SETUP", "[]", 300_000);
    expect(setup).toMatchObject({
      StackName: SETUP_STACK_NAME,
      Outcome: "created",
      Region: "us-east-1",
    });
    expect(setup.StackStatus).toMatch(/_COMPLETE$/);
    bucket = String(setup.TokenBucket);
    leaseFunctionArn = String(setup.LeaseFunctionArn);
    expect(leaseFunctionArn).toMatch(/^arn:aws:lambda:/);
    const again = await gahp.ok("ANNEX_SETUP", '[ Region = "us-east-1" ]', 300_000);
    // Same zip, same template: AWS says "no updates" (unchanged); moto updates regardless.
    expect(["unchanged", "updated"]).toContain(again.Outcome);
    expect(again.TokenBucket).toBe(bucket);
  }, 300_000);

  it("ANNEX_CREATE → ANNEX_STATUS shows the stack, the group with its types and instances, the alarm, the subscription, the scoped role and the encrypted token", async () => {
    const created = await gahp.ok(
      "ANNEX_CREATE",
      '[ Name = "chem-burst"; InstanceTypes = { "c6i.2xlarge", "c5.2xlarge" }; MaxInstances = 4; Count = 2; LeaseMinutes = 20 ]',
    );
    expect(created).toMatchObject({
      Name: "chem-burst",
      StackName: "HTCondorAnnex-chem-burst",
      StackStatus: "CREATE_COMPLETE",
      Outcome: "created",
      RequestMatches: true,
      DesiredCapacity: 2,
    });
    expect(Number(created.Deadline)).toBeGreaterThan(Date.now() / 1000 + 7 * 3600);
    expect(String(created.DeadlineISO)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const status = await gahp.ok("ANNEX_STATUS", '[ Name = "chem-burst" ]');
    const annexes = status.Annexes as Plain[];
    expect(annexes).toHaveLength(1);
    const annex = record(annexes[0]);
    expect(annex).toMatchObject({
      Name: "chem-burst",
      StackStatus: "CREATE_COMPLETE",
      Pool: POOL_A,
      InstanceCount: 2,
    });
    expect(record(annex.Request)).toMatchObject({
      InstanceTypes: ["c6i.2xlarge", "c5.2xlarge"],
      MaxInstances: 4,
    });
    const group = record(annex.Group);
    expect(group).toMatchObject({
      InstanceTypes: ["c6i.2xlarge", "c5.2xlarge"],
      DesiredCapacity: 2,
      MaxSize: 4,
    });
    expect(group.Instances as Plain[]).toHaveLength(2);
    const alarm = record(annex.Alarm);
    expect(alarm).toMatchObject({
      Name: leaseAlarmName("chem-burst"),
      Namespace: METRIC_NAMESPACE,
      MetricName: METRIC_NAME,
      Statistic: "Maximum",
      ComparisonOperator: "LessThanThreshold",
      Threshold: 1,
      TreatMissingData: "breaching",
    });
    expect(Number(alarm.PeriodSeconds) * Number(alarm.EvaluationPeriods)).toBe(20 * 60);
    expect(typeof annex.LastHeartbeat).toBe("number"); // create seeds the lease

    const topicArn = String((alarm.AlarmActions as Plain[])[0]);
    const subscriptions = await aws.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    expect(subscriptions.Subscriptions?.map((s) => [s.Protocol, s.Endpoint])).toEqual([
      ["lambda", leaseFunctionArn],
    ]);

    const key = tokenObjectKey("chem-burst");
    const head = await aws.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ServerSideEncryption).toBe("AES256");
    const body = await (
      await aws.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
    ).Body?.transformToString();
    expect(body).toBe(FAKE_TOKEN);
    expect(gahp.log()).not.toContain(FAKE_TOKEN);

    const roleArn = String(record(annex.Outputs)[ANNEX_OUTPUTS.instanceRoleArn]);
    const roleName = roleArn.split("/").pop() ?? "";
    const iam = new IAMClient(clientConfig(target()));
    try {
      const names = (await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))).PolicyNames ?? [];
      const statements = (
        await Promise.all(
          names.map(async (PolicyName) =>
            decodeURIComponent(
              (await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName }))).PolicyDocument ??
                "",
            ),
          ),
        )
      ).flatMap(
        (doc) =>
          (parsePolicy(doc) as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement,
      );
      const s3Statements = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith("s3:")));
      expect(s3Statements.length).toBeGreaterThan(0);
      for (const statement of s3Statements) {
        expect([statement.Action].flat()).toEqual(["s3:GetObject"]);
        expect(JSON.stringify(statement.Resource)).toContain(`${bucket}/tokens/chem-burst/`);
      }
    } finally {
      iam.destroy();
    }
  });

  it("the same ANNEX_CREATE twice adopts the annex; twice at once makes one stack", async () => {
    const again = await gahp.ok(
      "ANNEX_CREATE",
      '[ Name = "chem-burst"; InstanceTypes = { "c6i.2xlarge", "c5.2xlarge" }; MaxInstances = 4; Count = 3; LeaseMinutes = 20 ]',
    );
    expect(again).toMatchObject({ Outcome: "adopted", RequestMatches: true, DesiredCapacity: 3 });

    const twin = '[ Name = "twin"; InstanceTypes = { "m6i.large" }; Count = 1 ]';
    const both = await Promise.all([gahp.ok("ANNEX_CREATE", twin), gahp.ok("ANNEX_CREATE", twin)]);
    expect(both.map((r) => r.Outcome).sort()).toEqual(["adopted", "created"]);
    const stacks = await aws.cloudFormation.send(new ListStacksCommand({}));
    const live = (stacks.StackSummaries ?? []).filter(
      (s) => s.StackName === "HTCondorAnnex-twin" && s.StackStatus !== "DELETE_COMPLETE",
    );
    expect(live).toHaveLength(1);
    const autoScaling = new AutoScalingClient(clientConfig(target()));
    try {
      const groups = await autoScaling.send(new DescribeAutoScalingGroupsCommand({}));
      expect(groups.AutoScalingGroups?.filter((g) => g.AutoScalingGroupName?.includes("twin"))).toHaveLength(
        1,
      );
    } finally {
      autoScaling.destroy();
    }
  });

  it("after a restart the helper lists, extends and deletes the annexes from AWS alone", async () => {
    await gahp.stop();
    gahp = await startAnnexGahp(target(), { pool: POOL_A, tokenPath: token.path, leaseZipPath: zip.path });

    const listed = await gahp.ok("ANNEX_LIST", "[]");
    const annexes = (listed.Annexes as Plain[]).map(record);
    expect(annexes.map((a) => a.Name)).toEqual(["chem-burst", "twin"]);
    expect(record(annexes[0]?.Request).InstanceTypes).toEqual(["c6i.2xlarge", "c5.2xlarge"]);

    const before = Number(annexes[1]?.Deadline);
    const extended = await gahp.ok("ANNEX_EXTEND", '[ Name = "twin"; Hours = 2 ]');
    expect(extended).toMatchObject({ Name: "twin", PreviousDeadline: before });
    expect(Number(extended.Deadline) - before).toBe(2 * 3600);

    const deleted = await gahp.ok("ANNEX_DELETE", '[ Name = "twin" ]');
    expect(deleted).toMatchObject({
      StackExisted: true,
      StackStatus: "DELETE_COMPLETE",
      TokensDeleted: [tokenObjectKey("twin")],
    });
    const after = await gahp.ok("ANNEX_LIST", "[]");
    expect((after.Annexes as Plain[]).map((a) => record(a).Name)).toEqual(["chem-burst"]);
    const objects = await aws.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "tokens/twin/" }));
    expect(objects.KeyCount ?? 0).toBe(0);

    const missing = await gahp.call("ANNEX_STATUS", '[ Name = "twin" ]');
    expect(missing).toMatchObject({ ok: false, code: "E_NOT_FOUND" });
    expect((await gahp.ok("ANNEX_DELETE", '[ Name = "twin" ]')).StackExisted).toBe(false);
  });
});

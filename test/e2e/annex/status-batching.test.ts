import { CreateStackCommand } from "@aws-sdk/client-cloudformation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { annexStackName, TAG_ANNEX_NAME, TAG_POOL } from "../../../src/annex/index.js";
import { targetSkipReason, useEmulator } from "../../support/emulator.js";
import { helper, POOL_A, POOL_B, request, tokenFile } from "./fixture.js";

const target = useEmulator();
const unavailable = targetSkipReason(target());

/** A stack that looks like an annex to list/status (name and tags) but holds almost nothing. */
const BARE_TEMPLATE = JSON.stringify({
  AWSTemplateFormatVersion: "2010-09-09",
  Resources: { Placeholder: { Type: "AWS::SNS::Topic" } },
});

describe.skipIf(unavailable !== undefined)("status and list of many annexes", () => {
  const token = tokenFile();
  let fixture: ReturnType<typeof helper>;
  const OURS = 230;

  beforeAll(async () => {
    fixture = helper(target(), POOL_A, token.path);
    const cfn = await fixture.clients.cloudFormation();
    const create = (name: string, pool: string) =>
      cfn.send(
        new CreateStackCommand({
          StackName: annexStackName(name),
          TemplateBody: BARE_TEMPLATE,
          Tags: [
            { Key: TAG_ANNEX_NAME, Value: name },
            { Key: TAG_POOL, Value: pool },
          ],
        }),
      );
    for (let i = 0; i < OURS; i += 10) {
      await Promise.all(
        Array.from({ length: 10 }, (_, j) => create(`many-${String(i + j).padStart(3, "0")}`, POOL_A)),
      );
    }
    await Promise.all(Array.from({ length: 5 }, (_, j) => create(`theirs-${j}`, POOL_B)));
  }, 300_000);
  afterAll(async () => {
    await fixture.clients.destroy();
    token.cleanup();
  });

  it("list pages through DescribeStacks and keeps only this pool's annexes", async () => {
    fixture.counter.reset();
    const records = await fixture.ops.list();
    expect(records).toHaveLength(OURS);
    expect(records.every((r) => r.pool === POOL_A)).toBe(true);
    // 235 stacks do not fit one page (moto: 50, AWS: 100), so every page was followed
    expect(fixture.counter.calls("CloudFormation.DescribeStacks")).toBeGreaterThan(1);
  });

  it("status of 230 annexes makes ⌈230/100⌉ group and alarm describes and one GetMetricData", async () => {
    fixture.counter.reset();
    const statuses = await fixture.ops.status();
    expect(statuses).toHaveLength(OURS);
    expect(fixture.counter.calls("AutoScaling.DescribeAutoScalingGroups")).toBe(3);
    expect(fixture.counter.calls("CloudWatch.DescribeAlarms")).toBe(3);
    expect(fixture.counter.calls("CloudWatch.GetMetricData")).toBe(1);
    // bare stacks: no group, no alarm, no heartbeat — reported as absent, not as errors
    expect(statuses[0]).toMatchObject({ group: undefined, alarm: undefined, lastHeartbeat: undefined });
  });

  it("create before setup fails with E_NOT_SET_UP saying what to run", async () => {
    const attempt = fixture.ops.create(request({ Name: "too-early" }));
    await expect(attempt).rejects.toMatchObject({ code: "E_NOT_SET_UP" });
    await expect(attempt).rejects.toThrow(/no setup stack HTCondorAnnexSetup in us-east-1: run setup/);
  });
});

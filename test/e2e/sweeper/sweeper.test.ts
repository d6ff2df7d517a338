/**
 * The lease Lambda's sweeper, end to end on the emulator (the real bundled Lambda, run by the
 * emulator in Node, invoked as its schedule would): in one sweep it
 * - retries the deletion of a stack left in DELETE_FAILED (simulated by annex_moto: the first
 *   DeleteStack fails with every resource kept, as when a resource blocks deletion),
 * - deletes token objects whose annex does not exist (older than the grace period),
 * - deletes an annex past its hard deadline (MaxHours) whose lease is still healthy,
 * and spares a healthy annex and its token. Afterwards the emulator, read directly, holds
 * exactly what it held with only the healthy annex: nothing of the three is left.
 */
import { DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { InvokeCommand } from "@aws-sdk/client-lambda";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildLeaseLambdaZip } from "../../../lambdas/build.js";
import {
  ANNEX_ERROR_CODES,
  AnnexError,
  type AnnexOperations,
  annexStackName,
  tokenObjectKey,
} from "../../../src/annex/index.js";
import type { AwsClients } from "../../../src/aws/index.js";
import { awsClients } from "../../support/aws-clients.js";
import { AwsInventory, type Inventory, orphans } from "../../support/aws-inventory.js";
import { extensionSkipReason, useEmulator } from "../../support/emulator.js";
import { helper, POOL_A, request, tokenFile } from "../annex/fixture.js";

const target = useEmulator();
const skip = extensionSkipReason(target());

/** Arms annex_moto's simulated DELETE_FAILED for the next deletion of `stackName`. */
async function failNextDelete(stackName: string): Promise<void> {
  const response = await fetch(`${target().endpoint ?? ""}/moto-api/ext/cloudformation/fail-next-delete`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      stackName,
      reason: "The following resource(s) failed to delete: [LaunchTemplate].",
    }),
  });
  expect(response.status).toBe(200);
}

interface SweepReport {
  expired: string[];
  retried: string[];
  orphanTokensDeleted: string[];
  errors: string[];
}

describe.skipIf(skip !== undefined)("the sweeper ends what the lease path missed", () => {
  const token = tokenFile();
  let ops: AnnexOperations;
  let clients: AwsClients;
  let inventory: AwsInventory;
  let bucket: string;
  let leaseFunctionArn: string;
  let withHealthyOnly: Inventory;

  beforeAll(async () => {
    ({ ops, clients } = helper(target(), POOL_A, token.path));
    const setup = await ops.setup({
      leaseFunctionZip: await buildLeaseLambdaZip(),
      template: { orphanTokenGraceSeconds: 1 },
    });
    bucket = setup.outputs.tokenBucket;
    leaseFunctionArn = setup.outputs.leaseFunctionArn;
    inventory = new AwsInventory(target());
    await ops.create(request({ Name: "healthy", Count: 1, MaxHours: 4 }));
    withHealthyOnly = await inventory.snapshot(bucket);
  }, 300_000);

  afterAll(async () => {
    await clients.destroy();
    inventory?.destroy();
    token.cleanup();
  });

  it("a stack whose deletion failed stays DELETE_FAILED with its resources, and delete says so", async () => {
    await ops.create(request({ Name: "stuck", Count: 1 }));
    await failNextDelete(annexStackName("stuck"));
    const failure = await ops.delete("stuck").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AnnexError);
    expect((failure as AnnexError).code).toBe(ANNEX_ERROR_CODES.stackFailed);
    expect((failure as AnnexError).message).toMatch(/DELETE_FAILED/);
    const cfn = await clients.cloudFormation();
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: annexStackName("stuck") })))
      .Stacks?.[0];
    expect(stack?.StackStatus).toBe("DELETE_FAILED");
    const now = await inventory.snapshot(bucket);
    expect(now.autoScalingGroups).toContain(annexStackName("stuck"));
  });

  it("one sweep retries the failed deletion, deletes orphan tokens and the annex past its deadline", async () => {
    // An annex whose hard deadline (MaxHours 0.0005 h = 1.8 s) passes while its lease is fine.
    await ops.create(request({ Name: "overdue", Count: 1, MaxHours: 0.0005 }));
    await ops.heartbeat([
      { annexName: "overdue", value: 2 },
      { annexName: "healthy", value: 2 },
    ]);
    // Token objects of annexes that do not exist (a helper died between upload and create).
    const s3 = await clients.s3();
    for (const ghost of ["ghost-1", "ghost-2"]) {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: tokenObjectKey(ghost),
          Body: "not-a-real-token",
          ServerSideEncryption: "AES256",
        }),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // past the deadline and the 1 s grace

    const aws = awsClients(target());
    let report: SweepReport;
    try {
      const out = await aws.lambda.send(
        new InvokeCommand({
          FunctionName: leaseFunctionArn,
          Payload: Buffer.from(JSON.stringify({ action: "sweep" })),
        }),
      );
      const payload = JSON.parse(Buffer.from(out.Payload ?? new Uint8Array()).toString("utf8")) as {
        report?: SweepReport;
      };
      expect(out.FunctionError, JSON.stringify(payload)).toBeUndefined();
      report = payload.report ?? { expired: [], retried: [], orphanTokensDeleted: [], errors: ["no report"] };
    } finally {
      aws.destroy();
    }
    expect(report.errors).toEqual([]);
    expect(report.retried).toEqual([annexStackName("stuck")]);
    expect(report.expired).toEqual(["overdue"]);
    expect(report.orphanTokensDeleted.sort()).toEqual([tokenObjectKey("ghost-1"), tokenObjectKey("ghost-2")]);

    expect((await ops.list()).map((r) => r.name)).toEqual(["healthy"]);
    // Read directly: exactly what the account held with only the healthy annex (its token included).
    const after = await inventory.snapshot(bucket);
    expect(orphans(withHealthyOnly, after)).toEqual({});
    expect(after.tokenObjects).toEqual([tokenObjectKey("healthy")]);
    expect(after.stacks.filter((s) => s.startsWith(annexStackName("")))).toEqual([
      `${annexStackName("healthy")} CREATE_COMPLETE`,
    ]);
  });
});

import { DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { InvokeCommand } from "@aws-sdk/client-lambda";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildLeaseLambdaZip } from "../../../lambdas/build.js";
import { type AnnexOperations, TAG_DEADLINE, tokenKeyPrefix } from "../../../src/annex/index.js";
import type { AwsClients } from "../../../src/aws/index.js";
import { awsClients } from "../../support/aws-clients.js";
import { extensionSkipReason, useEmulator } from "../../support/emulator.js";
import { helper, POOL_A, request, tokenFile } from "./fixture.js";

const target = useEmulator();
const skip = extensionSkipReason(target());

describe.skipIf(skip !== undefined)("the sweeper and the deadline tags create writes", () => {
  const token = tokenFile();
  let ops: AnnexOperations;
  let clients: AwsClients;
  let bucket: string;
  let leaseFunctionArn: string;

  beforeAll(async () => {
    ({ ops, clients } = helper(target(), POOL_A, token.path));
    const setup = await ops.setup({ leaseFunctionZip: await buildLeaseLambdaZip() });
    bucket = setup.outputs.tokenBucket;
    leaseFunctionArn = setup.outputs.leaseFunctionArn;
  });
  afterAll(async () => {
    await clients.destroy();
    token.cleanup();
  });

  it("deletes an annex past its hard deadline, token included, and spares one within it", async () => {
    // MaxHours 0.0005 h = 1.8 s: the deadline passes while the lease (heartbeats) is still fine.
    await ops.create(request({ Name: "overdue", Count: 1, MaxHours: 0.0005 }));
    await ops.create(request({ Name: "in-time", Count: 1, MaxHours: 4 }));
    await ops.heartbeat([
      { annexName: "overdue", value: 2 },
      { annexName: "in-time", value: 2 },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 2_500));

    const aws = awsClients(target());
    try {
      const out = await aws.lambda.send(
        new InvokeCommand({
          FunctionName: leaseFunctionArn,
          Payload: Buffer.from(JSON.stringify({ action: "sweep" })),
        }),
      );
      expect(out.FunctionError).toBeUndefined();
    } finally {
      aws.destroy();
    }

    expect((await ops.list()).map((r) => r.name)).toEqual(["in-time"]);
    const cfn = await clients.cloudFormation();
    await expect(cfn.send(new DescribeStacksCommand({ StackName: "HTCondorAnnex-overdue" }))).rejects.toThrow(
      /does not exist/,
    );
    const s3 = await clients.s3();
    const tokens = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: tokenKeyPrefix("overdue") }),
    );
    expect(tokens.KeyCount ?? 0).toBe(0);
    const kept = (await cfn.send(new DescribeStacksCommand({ StackName: "HTCondorAnnex-in-time" })))
      .Stacks?.[0];
    expect(kept?.Tags?.find((t) => t.Key === TAG_DEADLINE)?.Value).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
  });
});

import { randomUUID } from "node:crypto";
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { CreateFunctionCommand, InvokeCommand } from "@aws-sdk/client-lambda";
import { strToU8, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsClients, clientConfig } from "../../support/aws-clients.js";
import { extensionSkipReason, useEmulator } from "../../support/emulator.js";

const target = useEmulator();
const skip = extensionSkipReason(target());
if (skip !== undefined) console.warn(`[lambda-node] skipped: ${skip}`);

/** An ES module handler that exercises the runtime contract. */
const handlerSource = `
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
export const handler = async (event, context) => {
  if (event.mode === "throw") throw new TypeError("bad input: " + event.detail);
  if (event.mode === "sleep") await new Promise((r) => setTimeout(r, 5000));
  console.log("handling", JSON.stringify(event));
  const identity = await new STSClient({}).send(new GetCallerIdentityCommand({}));
  return {
    echo: event,
    account: identity.Account,
    greeting: process.env.GREETING,
    region: process.env.AWS_REGION,
    functionName: context.functionName,
    remainingPositive: context.getRemainingTimeInMillis() > 0,
  };
};
`;

describe.skipIf(skip !== undefined)("Lambda Invoke runs nodejs handlers in a local node process", () => {
  const aws = awsClients(target());
  const iam = new IAMClient(clientConfig(target()));
  const functionName = `node-${randomUUID().slice(0, 8)}`;
  afterAll(() => {
    aws.destroy();
    iam.destroy();
  });

  beforeAll(async () => {
    const role = await iam.send(
      new CreateRoleCommand({
        RoleName: `${functionName}-role`,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
          ],
        }),
      }),
    );
    await aws.lambda.send(
      new CreateFunctionCommand({
        FunctionName: functionName,
        Runtime: "nodejs24.x",
        Handler: "src/app.handler",
        Role: role.Role?.Arn,
        Timeout: 2,
        Environment: { Variables: { GREETING: "hello" } },
        Code: { ZipFile: zipSync({ "src/app.mjs": strToU8(handlerSource) }) },
      }),
    );
  });

  async function invoke(payload: unknown) {
    const result = await aws.lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        LogType: "Tail",
        Payload: new TextEncoder().encode(JSON.stringify(payload)),
      }),
    );
    return {
      functionError: result.FunctionError,
      payload: JSON.parse(new TextDecoder().decode(result.Payload)),
      log: Buffer.from(result.LogResult ?? "", "base64").toString("utf8"),
    };
  }

  it("returns the handler's result; the SDK inside reaches the emulator; env and context are set", async () => {
    const { functionError, payload, log } = await invoke({ n: 1 });
    expect(functionError).toBeUndefined();
    expect(payload).toEqual({
      echo: { n: 1 },
      account: "123456789012",
      greeting: "hello",
      region: "us-east-1",
      functionName,
      remainingPositive: true,
    });
    expect(log).toContain('handling {"n":1}');
  });

  it("a thrown error comes back as a handled function error with errorType and errorMessage", async () => {
    const { functionError, payload } = await invoke({ mode: "throw", detail: "x" });
    expect(functionError).toBe("Handled");
    expect(payload).toMatchObject({ errorType: "TypeError", errorMessage: "bad input: x" });
  });

  it("a handler that outlives its Timeout is killed and reported as timed out", async () => {
    const started = Date.now();
    const { functionError, payload } = await invoke({ mode: "sleep" });
    expect(Date.now() - started).toBeLessThan(4_500);
    expect(functionError).toBe("Handled");
    expect(payload.errorMessage).toMatch(/Task timed out after 2\.00 seconds/);
  });
});

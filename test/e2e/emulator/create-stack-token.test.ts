import { randomUUID } from "node:crypto";
import { CreateStackCommand, DescribeStacksCommand, ListStacksCommand } from "@aws-sdk/client-cloudformation";
import { afterAll, describe, expect, it } from "vitest";
import { awsClients } from "../../support/aws-clients.js";
import { targetSkipReason, useEmulator } from "../../support/emulator.js";

const target = useEmulator();
const unavailable = targetSkipReason(target());

const template = JSON.stringify({
  Resources: { Topic: { Type: "AWS::SNS::Topic" } },
  Outputs: { TopicArn: { Value: { Ref: "Topic" } } },
});

describe.skipIf(unavailable !== undefined)("CreateStack with a ClientRequestToken", () => {
  const aws = awsClients(target());
  afterAll(() => aws.destroy());

  it("a retry with the same name and token returns the same stack and creates nothing more", async () => {
    const stackName = `token-${randomUUID().slice(0, 8)}`;
    const token = `create-${randomUUID()}`;
    const request = { StackName: stackName, TemplateBody: template, ClientRequestToken: token };
    const first = await aws.cloudFormation.send(new CreateStackCommand(request));
    const second = await aws.cloudFormation.send(new CreateStackCommand(request));
    expect(second.StackId).toBe(first.StackId);
    const stacks = await aws.cloudFormation.send(new ListStacksCommand({}));
    expect(stacks.StackSummaries?.filter((s) => s.StackName === stackName)).toHaveLength(1);
    const described = await aws.cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    expect(described.Stacks?.[0]?.StackStatus).toBe("CREATE_COMPLETE");
  });

  it("the same name with another token (or none) is refused with AlreadyExistsException", async () => {
    const stackName = `token-${randomUUID().slice(0, 8)}`;
    await aws.cloudFormation.send(
      new CreateStackCommand({ StackName: stackName, TemplateBody: template, ClientRequestToken: "first" }),
    );
    await expect(
      aws.cloudFormation.send(
        new CreateStackCommand({
          StackName: stackName,
          TemplateBody: template,
          ClientRequestToken: "second",
        }),
      ),
    ).rejects.toMatchObject({ name: "AlreadyExistsException" });
    await expect(
      aws.cloudFormation.send(new CreateStackCommand({ StackName: stackName, TemplateBody: template })),
    ).rejects.toMatchObject({ name: "AlreadyExistsException" });
  });
});

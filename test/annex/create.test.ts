/**
 * Create's race paths, which the emulator cannot produce (its CreateStack is not atomic on the
 * name): CreateStack answers AlreadyExists because another helper won between our describe and
 * our create. SDK mocks stand in for AWS here only.
 */
import { AutoScalingClient, UpdateAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import {
  AlreadyExistsException,
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  type Stack,
} from "@aws-sdk/client-cloudformation";
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AnnexOperations,
  OtherPoolError,
  parseAnnexRequest,
  requestDigest,
  SETUP_STACK_NAME,
  TAG_POOL,
  TAG_REQUEST,
} from "../../src/annex/index.js";
import { Secret } from "../../src/annex/redact.js";
import { AwsClients } from "../../src/aws/index.js";
import { TEST_DEFAULTS } from "./support.js";

const POOL = "cm.example.org:9618";
const cfn = mockClient(CloudFormationClient);
const ec2 = mockClient(EC2Client);
const s3 = mockClient(S3Client);
const cloudWatch = mockClient(CloudWatchClient);
const autoScaling = mockClient(AutoScalingClient);

const setupStack: Stack = {
  StackName: SETUP_STACK_NAME,
  StackStatus: "UPDATE_COMPLETE",
  CreationTime: new Date(),
  Outputs: [
    { OutputKey: "TokenBucketName", OutputValue: "tokens-bucket" },
    { OutputKey: "LeaseFunctionArn", OutputValue: "arn:aws:lambda:us-east-1:123456789012:function:lease" },
    { OutputKey: "ServiceRoleArn", OutputValue: "arn:aws:iam::123456789012:role/cfn" },
  ],
};

const request = parseAnnexRequest({ Name: "race", Count: 2 }, TEST_DEFAULTS);

function winner(pool: string): Stack {
  return {
    StackName: "HTCondorAnnex-race",
    StackId: "arn:aws:cloudformation:us-east-1:123456789012:stack/HTCondorAnnex-race/1",
    StackStatus: "CREATE_COMPLETE",
    CreationTime: new Date(),
    Tags: [
      { Key: TAG_POOL, Value: pool },
      { Key: TAG_REQUEST, Value: requestDigest(request) },
    ],
  };
}

function notFound(): Error {
  return Object.assign(new Error("Stack with id HTCondorAnnex-race does not exist"), {
    name: "ValidationError",
    $metadata: { httpStatusCode: 400 },
  });
}

function operations(): AnnexOperations {
  return new AnnexOperations({
    clients: new AwsClients(
      { region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } },
      {},
    ),
    defaults: TEST_DEFAULTS,
    pool: POOL,
    polling: { intervalMs: 1, timeoutMs: 100 },
  });
}

beforeEach(() => {
  for (const mock of [cfn, ec2, s3, cloudWatch, autoScaling]) mock.reset();
  cfn.on(DescribeStacksCommand, { StackName: SETUP_STACK_NAME }).resolves({ Stacks: [setupStack] });
  ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: "vpc-0123abcd", IsDefault: true }] });
  ec2.on(DescribeSubnetsCommand).resolves({
    Subnets: [
      { SubnetId: "subnet-0bbbbbbbbbbbbbbbb", AvailabilityZone: "us-east-1b", VpcId: "vpc-0123abcd" },
      { SubnetId: "subnet-0aaaaaaaaaaaaaaaa", AvailabilityZone: "us-east-1a", VpcId: "vpc-0123abcd" },
    ],
  });
  cfn
    .on(CreateStackCommand)
    .rejects(
      new AlreadyExistsException({ message: "Stack [HTCondorAnnex-race] already exists", $metadata: {} }),
    );
  s3.on(PutObjectCommand).resolves({});
  cloudWatch.on(PutMetricDataCommand).resolves({});
  autoScaling.on(UpdateAutoScalingGroupCommand).resolves({});
});
afterEach(() => {
  for (const mock of [cfn, ec2, s3, cloudWatch, autoScaling]) mock.reset();
});

describe("create when another helper wins the race to CreateStack", () => {
  it("adopts the winner's stack when it belongs to our pool, uploads our token and resizes", async () => {
    cfn
      .on(DescribeStacksCommand, { StackName: "HTCondorAnnex-race" })
      .rejectsOnce(notFound())
      .resolves({ Stacks: [winner(POOL)] });
    const result = await operations().create(request, { token: new Secret("tok") });
    expect(result).toMatchObject({ outcome: "adopted", requestMatches: true, desiredCapacity: 2 });
    const create = cfn.commandCalls(CreateStackCommand)[0]?.args[0].input;
    expect(create?.ClientRequestToken).toMatch(/^annex-race-[0-9a-f]{32}$/);
    expect(create?.RoleARN).toBe("arn:aws:iam::123456789012:role/cfn");
    expect(create?.Parameters).toEqual(
      expect.arrayContaining([{ ParameterKey: "DesiredCapacity", ParameterValue: "2" }]),
    );
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({
      Bucket: "tokens-bucket",
      ServerSideEncryption: "AES256",
    });
    expect(autoScaling.commandCalls(UpdateAutoScalingGroupCommand)[0]?.args[0].input).toEqual({
      AutoScalingGroupName: "HTCondorAnnex-race",
      DesiredCapacity: 2,
    });
  });

  it("refuses, naming the other pool, and uploads nothing when the winner is another pool", async () => {
    cfn
      .on(DescribeStacksCommand, { StackName: "HTCondorAnnex-race" })
      .rejectsOnce(notFound())
      .resolves({ Stacks: [winner("cm.other.org")] });
    const attempt = operations().create(request, { token: new Secret("tok") });
    await expect(attempt).rejects.toBeInstanceOf(OtherPoolError);
    await expect(attempt).rejects.toThrow(
      /belongs to pool "cm\.other\.org", not to this pool "cm\.example\.org:9618"/,
    );
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(autoScaling.commandCalls(UpdateAutoScalingGroupCommand)).toHaveLength(0);
  });

  it("tags a request for several owners with a tag-safe owner value and restricts START to them", async () => {
    cfn
      .on(DescribeStacksCommand, { StackName: "HTCondorAnnex-race" })
      .rejectsOnce(notFound())
      .resolves({ Stacks: [winner(POOL)] });
    const forTwo = parseAnnexRequest({ Name: "race", Owner: "alice, bob" }, TEST_DEFAULTS);
    await operations().create(forTwo, { token: new Secret("tok") });
    const input = cfn.commandCalls(CreateStackCommand)[0]?.args[0].input;
    expect(input?.Tags).toContainEqual({ Key: "htcondor:owner", Value: "alice bob" });
    expect(input?.TemplateBody).toContain("alice");
    expect(input?.TemplateBody).toContain("bob");
  });

  it("places a new annex in the default VPC's subnets, one per zone, in zone order", async () => {
    cfn
      .on(DescribeStacksCommand, { StackName: "HTCondorAnnex-race" })
      .rejectsOnce(notFound())
      .resolves({ Stacks: [winner(POOL)] });
    await operations().create(request, { token: new Secret("tok") });
    const body = JSON.parse(cfn.commandCalls(CreateStackCommand)[0]?.args[0].input.TemplateBody ?? "{}") as {
      Resources: { AutoScalingGroup: { Properties: { VPCZoneIdentifier: string[] } } };
    };
    expect(body.Resources.AutoScalingGroup.Properties.VPCZoneIdentifier).toEqual([
      "subnet-0aaaaaaaaaaaaaaaa",
      "subnet-0bbbbbbbbbbbbbbbb",
    ]);
  });
});

/**
 * The fault proxy's errors are the ones AWS sends: each SDK client, pointed at the proxy with
 * retries off, parses the injected error into the service's own throttling or server error,
 * which the SDK's retry strategy classifies as throttling or transient. No emulator is needed:
 * injected errors never reach the upstream.
 */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeInstancesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { IAMClient, ListRolesCommand } from "@aws-sdk/client-iam";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { ListTopicsCommand, SNSClient } from "@aws-sdk/client-sns";
import { AwsJson1_0Protocol } from "@aws-sdk/core/protocols";
import { isThrottlingError, isTransientError } from "@smithy/core/retry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FaultProxy, startFaultProxy } from "./fault-proxy.js";
import { seededRandom } from "./seeded-random.js";

const credentials = { accessKeyId: "test", secretAccessKey: "test" };

interface Case {
  readonly service: string;
  readonly protocol: string;
  readonly throttleName: string;
  readonly serverErrorName: string;
  readonly call: (endpoint: string) => Promise<unknown>;
}

const common = (endpoint: string) => ({ region: "us-east-1", endpoint, credentials, maxAttempts: 1 });

const CASES: readonly Case[] = [
  {
    service: "CloudFormation",
    protocol: "query",
    throttleName: "Throttling",
    serverErrorName: "InternalFailure",
    call: (e) => new CloudFormationClient(common(e)).send(new DescribeStacksCommand({})),
  },
  {
    service: "AutoScaling",
    protocol: "query",
    throttleName: "Throttling",
    serverErrorName: "InternalFailure",
    call: (e) => new AutoScalingClient(common(e)).send(new DescribeAutoScalingGroupsCommand({})),
  },
  {
    service: "IAM",
    protocol: "query",
    throttleName: "Throttling",
    serverErrorName: "InternalFailure",
    call: (e) => new IAMClient(common(e)).send(new ListRolesCommand({})),
  },
  {
    service: "SNS",
    protocol: "query",
    throttleName: "Throttling",
    serverErrorName: "InternalFailure",
    call: (e) => new SNSClient(common(e)).send(new ListTopicsCommand({})),
  },
  {
    service: "EC2",
    protocol: "ec2",
    throttleName: "RequestLimitExceeded",
    serverErrorName: "InternalError",
    call: (e) => new EC2Client(common(e)).send(new DescribeInstancesCommand({})),
  },
  {
    service: "CloudWatch (JSON 1.0, query-compatible)",
    protocol: "json",
    throttleName: "Throttling",
    serverErrorName: "InternalServiceFault",
    call: (e) =>
      new CloudWatchClient({ ...common(e), protocol: AwsJson1_0Protocol }).send(
        new PutMetricDataCommand({ Namespace: "N", MetricData: [{ MetricName: "M", Value: 1 }] }),
      ),
  },
  {
    service: "Lambda",
    protocol: "lambda",
    throttleName: "TooManyRequestsException",
    serverErrorName: "ServiceException",
    call: (e) => new LambdaClient(common(e)).send(new InvokeCommand({ FunctionName: "f" })),
  },
  {
    service: "S3",
    protocol: "s3",
    throttleName: "SlowDown",
    serverErrorName: "InternalError",
    call: (e) =>
      new S3Client({ ...common(e), forcePathStyle: true }).send(new ListObjectsV2Command({ Bucket: "b" })),
  },
];

type SdkError = Parameters<typeof isThrottlingError>[0];

async function failure(call: Promise<unknown>): Promise<SdkError> {
  try {
    await call;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error("the call succeeded but a fault was injected");
}

describe("fault proxy error shapes", () => {
  let throttling: FaultProxy;
  let failing: FaultProxy;
  let resetting: FaultProxy;
  beforeAll(async () => {
    // Upstream is a closed port: nothing may be forwarded.
    const upstream = "http://127.0.0.1:9";
    throttling = await startFaultProxy({ upstream, rates: { throttle: 1 } });
    failing = await startFaultProxy({ upstream, rates: { serverError: 1 } });
    resetting = await startFaultProxy({ upstream, rates: { reset: 1, resetBeforeShare: 1 } });
  });
  afterAll(async () => {
    await Promise.all([throttling.stop(), failing.stop(), resetting.stop()]);
  });

  for (const c of CASES) {
    it(`${c.service}: a throttle is ${c.throttleName}, which the SDK retries as throttling`, async () => {
      const error = await failure(c.call(throttling.endpoint));
      expect(error.name).toBe(c.throttleName);
      expect(isThrottlingError(error)).toBe(true);
      expect(throttling.counts.byProtocol[`${c.protocol}:throttle`]).toBeGreaterThan(0);
    });

    it(`${c.service}: a server error is ${c.serverErrorName} (5xx), which the SDK retries as transient`, async () => {
      const error = await failure(c.call(failing.endpoint));
      expect(error.name).toBe(c.serverErrorName);
      expect(error.$metadata?.httpStatusCode).toBeGreaterThanOrEqual(500);
      expect(isTransientError(error)).toBe(true);
    });
  }

  it("a reset before forwarding reaches the SDK as ECONNRESET (transient)", async () => {
    const error = await failure(CASES[0]?.call(resetting.endpoint) ?? Promise.resolve());
    expect(isTransientError(error)).toBe(true);
    expect(resetting.counts.injected.resetBefore).toBe(1);
  });

  it("counts every request and forwards none of the faulted ones", () => {
    expect(throttling.counts.injected.throttle).toBe(CASES.length);
    expect(failing.counts.injected.serverError).toBe(CASES.length);
    expect(throttling.counts.forwarded + failing.counts.forwarded).toBe(0);
  });

  it("the seeded RNG repeats its sequence and spreads evenly", () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(Array.from({ length: 10_000 }, () => b())).toEqual(xs);
    const below = xs.filter((x) => x < 0.2).length / xs.length;
    expect(below).toBeGreaterThan(0.18);
    expect(below).toBeLessThan(0.22);
  });
});

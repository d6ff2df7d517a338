/**
 * The SDK adapter of the lease Lambda: pagination of every list, DeleteObjects batching and
 * error handling (SDK clients mocked), and — against a real HTTP server on 127.0.0.1 — that the
 * clients follow AWS_ENDPOINT_URL with path-style S3, as they must inside the emulator.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  CloudFormationClient,
  CloudFormationServiceException,
  DeleteStackCommand,
  DescribeStacksCommand,
} from "@aws-sdk/client-cloudformation";
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricStatisticsCommand,
  SetAlarmStateCommand,
} from "@aws-sdk/client-cloudwatch";
import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { clientsFromEnvironment, endpointOverridden, sdkLeaseAws } from "../../../lambdas/lease/aws.js";

const region = "us-east-1";
const credentials = { accessKeyId: "test", secretAccessKey: "test" };
const cfMock = mockClient(CloudFormationClient);
const cwMock = mockClient(CloudWatchClient);
const s3Mock = mockClient(S3Client);
const adapter = () =>
  sdkLeaseAws(
    {
      cloudFormation: new CloudFormationClient({ region, credentials }),
      cloudWatch: new CloudWatchClient({ region, credentials }),
      s3: new S3Client({ region, credentials }),
    },
    "tokens-bucket",
  );

afterEach(() => {
  cfMock.reset();
  cwMock.reset();
  s3Mock.reset();
});

describe("lists follow every page", () => {
  it("DescribeStacks pages, skipping DELETE_COMPLETE, with tags as a map", async () => {
    cfMock
      .on(DescribeStacksCommand, { NextToken: undefined })
      .resolves({
        Stacks: [
          {
            StackName: "HTCondorAnnex-a",
            StackStatus: "CREATE_COMPLETE",
            CreationTime: new Date(),
            Tags: [{ Key: "k", Value: "v" }],
          },
        ],
        NextToken: "p2",
      })
      .on(DescribeStacksCommand, { NextToken: "p2" })
      .resolves({
        Stacks: [
          { StackName: "HTCondorAnnex-b", StackStatus: "DELETE_COMPLETE", CreationTime: new Date() },
          { StackName: "HTCondorAnnex-c", StackStatus: "DELETE_FAILED", CreationTime: new Date() },
        ],
      });
    expect(await adapter().listStacks()).toEqual([
      { name: "HTCondorAnnex-a", status: "CREATE_COMPLETE", tags: { k: "v" } },
      { name: "HTCondorAnnex-c", status: "DELETE_FAILED", tags: {} },
    ]);
    expect(cfMock.commandCalls(DescribeStacksCommand)).toHaveLength(2);
  });

  it("ListObjectsV2 pages under the prefix", async () => {
    s3Mock
      .on(ListObjectsV2Command, { ContinuationToken: undefined })
      .resolves({ Contents: [{ Key: "tokens/a/1" }], IsTruncated: true, NextContinuationToken: "c2" })
      .on(ListObjectsV2Command, { ContinuationToken: "c2" })
      .resolves({ Contents: [{ Key: "tokens/a/2", LastModified: new Date(5) }], IsTruncated: false });
    expect(await adapter().listObjects("tokens/a/")).toEqual([
      { key: "tokens/a/1", lastModified: undefined },
      { key: "tokens/a/2", lastModified: new Date(5) },
    ]);
    expect(s3Mock.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input)).toEqual([
      { Bucket: "tokens-bucket", Prefix: "tokens/a/", ContinuationToken: undefined },
      { Bucket: "tokens-bucket", Prefix: "tokens/a/", ContinuationToken: "c2" },
    ]);
  });

  it("DescribeAlarms pages and keeps only alarms in ALARM under the prefix", async () => {
    cwMock
      .on(DescribeAlarmsCommand, { NextToken: undefined })
      .resolves({
        MetricAlarms: [
          { AlarmName: "HTCondorAnnex-a-lease", StateValue: "ALARM", Period: 10, EvaluationPeriods: 3 },
        ],
        NextToken: "n2",
      })
      .on(DescribeAlarmsCommand, { NextToken: "n2" })
      .resolves({
        MetricAlarms: [
          { AlarmName: "HTCondorAnnex-b-lease", StateValue: "OK" },
          { AlarmName: "other", StateValue: "ALARM" },
        ],
      });
    const alarms = await adapter().listAlarmsInAlarm("HTCondorAnnex-");
    expect(alarms.map((a) => [a.name, a.period, a.evaluationPeriods])).toEqual([
      ["HTCondorAnnex-a-lease", 10, 3],
    ]);
  });
});

describe("single calls", () => {
  it("a stack that does not exist is undefined, other errors propagate", async () => {
    cfMock.on(DescribeStacksCommand).rejects(
      new CloudFormationServiceException({
        name: "ValidationError",
        message: "Stack with id HTCondorAnnex-x does not exist",
        $fault: "client",
        $metadata: {},
      }),
    );
    expect(await adapter().describeStack("HTCondorAnnex-x")).toBeUndefined();
    cfMock.reset();
    cfMock.on(DescribeStacksCommand).rejects(new Error("AccessDenied"));
    await expect(adapter().describeStack("HTCondorAnnex-x")).rejects.toThrow("AccessDenied");
  });

  it("DeleteStack passes the service role", async () => {
    cfMock.on(DeleteStackCommand).resolves({});
    await adapter().deleteStack("HTCondorAnnex-a", "arn:aws:iam::1:role/r");
    expect(cfMock.commandCalls(DeleteStackCommand)[0]?.args[0].input).toEqual({
      StackName: "HTCondorAnnex-a",
      RoleARN: "arn:aws:iam::1:role/r",
    });
  });

  it("the heartbeat query asks for Maximum over the alarm's metric and returns the highest point", async () => {
    cwMock
      .on(GetMetricStatisticsCommand)
      .resolves({ Datapoints: [{ Maximum: 0 }, { Maximum: 2 }, { Maximum: 1 }] });
    const alarm = {
      name: "HTCondorAnnex-a-lease",
      state: "ALARM" as const,
      namespace: "HTCondor/Annex",
      metricName: "Heartbeat",
      dimensions: [{ name: "AnnexName", value: "a" }],
      period: 30,
      evaluationPeriods: 4,
    };
    const start = new Date(0);
    const end = new Date(150_000);
    expect(await adapter().maxMetricValue(alarm, start, end)).toBe(2);
    expect(cwMock.commandCalls(GetMetricStatisticsCommand)[0]?.args[0].input).toEqual({
      Namespace: "HTCondor/Annex",
      MetricName: "Heartbeat",
      Dimensions: [{ Name: "AnnexName", Value: "a" }],
      StartTime: start,
      EndTime: end,
      Period: 30,
      Statistics: ["Maximum"],
    });
    cwMock.on(GetMetricStatisticsCommand).resolves({ Datapoints: [] });
    expect(await adapter().maxMetricValue(alarm, start, end)).toBeUndefined();
  });

  it("resets an alarm with SetAlarmState OK and the reason", async () => {
    cwMock.on(SetAlarmStateCommand).resolves({});
    await adapter().setAlarmOk("HTCondorAnnex-a-lease", "heartbeat seen");
    expect(cwMock.commandCalls(SetAlarmStateCommand)[0]?.args[0].input).toEqual({
      AlarmName: "HTCondorAnnex-a-lease",
      StateValue: "OK",
      StateReason: "heartbeat seen",
    });
  });

  it("DeleteObjects goes in batches of 1,000 and fails on per-key errors other than NoSuchKey", async () => {
    s3Mock.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: "gone", Code: "NoSuchKey" }] });
    const keys = Array.from({ length: 2500 }, (_, i) => `tokens/a/${i}`);
    await adapter().deleteObjects(keys);
    const batches = s3Mock
      .commandCalls(DeleteObjectsCommand)
      .map((c) => c.args[0].input.Delete?.Objects?.length);
    expect(batches).toEqual([1000, 1000, 500]);
    s3Mock
      .on(DeleteObjectsCommand)
      .resolves({ Errors: [{ Key: "tokens/a/1", Code: "AccessDenied", Message: "no" }] });
    await expect(adapter().deleteObjects(["tokens/a/1"])).rejects.toThrow(
      "DeleteObjects failed for 1 key(s), first tokens/a/1: AccessDenied no",
    );
  });
});

describe("clients from the environment", () => {
  let server: Server;
  let endpoint = "";
  const requests: { method: string; url: string; host: string }[] = [];
  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      requests.push({ method: req.method ?? "", url: req.url ?? "", host: req.headers.host ?? "" });
      res.writeHead(200, { "content-type": "application/xml" });
      res.end(
        '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>tokens-bucket</Name><Prefix>tokens/</Prefix>' +
          "<KeyCount>1</KeyCount><IsTruncated>false</IsTruncated><Contents><Key>tokens/a/pool.token</Key>" +
          "<LastModified>2026-11-26T12:00:00.000Z</LastModified></Contents></ListBucketResult>",
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `http://localhost:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("honour AWS_ENDPOINT_URL and address S3 by path (no bucket in the host name)", async () => {
    s3Mock.restore();
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
    });
    try {
      const clients = clientsFromEnvironment();
      const objects = await sdkLeaseAws(clients, "tokens-bucket").listObjects("tokens/");
      expect(objects).toEqual([
        { key: "tokens/a/pool.token", lastModified: new Date("2026-11-26T12:00:00.000Z") },
      ]);
      expect(requests).toHaveLength(1);
      expect(requests[0]?.url).toMatch(/^\/tokens-bucket\/?\?list-type=2&prefix=tokens%2F/);
      expect(requests[0]?.host).toBe(endpoint.replace("http://", ""));
    } finally {
      process.env = saved;
    }
  });

  it("use path-style S3 exactly when an endpoint is overridden", () => {
    expect(endpointOverridden({})).toBe(false);
    expect(endpointOverridden({ AWS_ENDPOINT_URL: "http://127.0.0.1:5000" })).toBe(true);
    expect(endpointOverridden({ AWS_ENDPOINT_URL_S3: "http://127.0.0.1:5000" })).toBe(true);
  });
});

import { readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiCallCounter, AwsClients, awsCall, resolveAwsConfig } from "../../src/aws/index.js";

describe("AWS client configuration", () => {
  it("takes region and endpoint from the environment, with adaptive retries by default", () => {
    const config = resolveAwsConfig(
      {},
      { AWS_REGION: "eu-west-1", AWS_ENDPOINT_URL: "http://127.0.0.1:5555" },
    );
    expect(config).toEqual({
      region: "eu-west-1",
      endpoint: "http://127.0.0.1:5555",
      credentials: undefined,
      maxAttempts: 10,
      retryMode: "adaptive",
    });
  });

  it("prefers explicit options, then AWS_REGION, then AWS_DEFAULT_REGION, then us-east-1", () => {
    expect(resolveAwsConfig({ region: "ap-south-1" }, { AWS_REGION: "eu-west-1" }).region).toBe("ap-south-1");
    expect(resolveAwsConfig({}, { AWS_DEFAULT_REGION: "us-west-2" }).region).toBe("us-west-2");
    expect(resolveAwsConfig({}, {}).region).toBe("us-east-1");
    expect(resolveAwsConfig({}, { AWS_ENDPOINT_URL: "  " }).endpoint).toBeUndefined();
  });

  it("leaves credentials to the SDK's default chain unless given", async () => {
    const clients = new AwsClients({ region: "us-east-1" }, {});
    expect(clients.config.credentials).toBeUndefined();
    await clients.destroy();
  });

  it("uses path-style S3 addressing when an endpoint override is set, virtual hosts otherwise", async () => {
    const emulated = new AwsClients({ endpoint: "http://127.0.0.1:5555" }, {});
    const real = new AwsClients({}, {});
    expect((await emulated.s3()).config.forcePathStyle).toBe(true);
    expect((await real.s3()).config.forcePathStyle).toBe(false);
    await emulated.destroy();
    await real.destroy();
  });

  it("keeps endpoint, credentials, retries and the counter in another region", () => {
    const counter = new ApiCallCounter();
    const clients = new AwsClients(
      {
        endpoint: "http://127.0.0.1:5555",
        credentials: { accessKeyId: "a", secretAccessKey: "b" },
        maxAttempts: 2,
        callCounter: counter,
      },
      {},
    );
    expect(clients.forRegion("eu-west-1").config).toEqual({
      region: "eu-west-1",
      endpoint: "http://127.0.0.1:5555",
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
      maxAttempts: 2,
      retryMode: "adaptive",
    });
  });

  it("builds each client once, on first use", async () => {
    const clients = new AwsClients({ region: "us-east-1" }, {});
    const first = await clients.cloudFormation();
    expect(await clients.cloudFormation()).toBe(first);
    expect(await clients.forRegion("us-east-1").cloudFormation()).toBe(first);
    const other = clients.forRegion("eu-west-1");
    expect(clients.forRegion("eu-west-1")).toBe(other);
    expect(await (await other.cloudFormation()).config.region()).toBe("eu-west-1");
    await clients.destroy();
  });
});

describe("lazy loading", () => {
  it("src/aws and src/annex import SDK packages for types only; the clients come from dynamic import()", () => {
    const root = new URL("../../src/", import.meta.url);
    const offenders: string[] = [];
    for (const dir of ["aws", "annex"]) {
      for (const file of readdirSync(new URL(`${dir}/`, root)).filter((f) => f.endsWith(".ts"))) {
        const source = readFileSync(new URL(`${dir}/${file}`, root), "utf8");
        for (const line of source.split("\n")) {
          if (/^import (?!type ).*from "@(aws-sdk|smithy)\//.test(line))
            offenders.push(`${dir}/${file}: ${line}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});

describe("retries and the call counter against a throttling endpoint", () => {
  let server: Server;
  let endpoint: string;
  let requests = 0;

  beforeAll(async () => {
    // Answers every CloudWatch (AWS JSON 1.0) request with a throttling error.
    server = createServer((request, response) => {
      requests++;
      request.resume();
      request.on("end", () => {
        response.writeHead(400, { "content-type": "application/x-amz-json-1.0" });
        response.end(
          JSON.stringify({ __type: "com.amazonaws.cloudwatch#Throttling", message: "Rate exceeded" }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("retries a throttled call with the SDK's strategy, then fails with E_THROTTLED; the counter sees 1 call and every attempt", async () => {
    const counter = new ApiCallCounter();
    const clients = new AwsClients(
      {
        endpoint,
        region: "us-east-1",
        credentials: { accessKeyId: "test", secretAccessKey: "test" },
        maxAttempts: 3,
        retryMode: "standard",
        callCounter: counter,
      },
      {},
    );
    const cloudWatch = await clients.cloudWatch();
    const call = awsCall({ operation: "CloudWatch.PutMetricData", annex: "a" }, () =>
      cloudWatch.send(
        new PutMetricDataCommand({
          Namespace: "HTCondor/Annex",
          MetricData: [{ MetricName: "Heartbeat", Value: 1 }],
        }),
      ),
    );
    await expect(call).rejects.toMatchObject({ code: "E_THROTTLED", awsCode: "Throttling" });
    expect(requests).toBe(3);
    expect(counter.calls("CloudWatch.PutMetricData")).toBe(1);
    expect(counter.attempts("CloudWatch.PutMetricData")).toBe(3);
    expect(counter.snapshot()).toEqual({ "CloudWatch.PutMetricData": 1 });
    await clients.destroy();
  }, 30_000);
});

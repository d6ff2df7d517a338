/**
 * AWS API calls per heartbeat round through the helper path, for 1, 100 and 1000 annexes, and
 * the helper's reply latency while that AWS work runs.
 *
 *   npm run build && node scripts/run-ts.mjs test/e2e/gahp-annex/heartbeat-round.bench.ts
 *
 * The real annex-gahp (dist) is driven over the protocol with GahpClient; its AWS endpoint is a
 * counting proxy on 127.0.0.1 in front of the emulator (AWS_ENDPOINT_URL, else one started here),
 * so the calls are counted outside our code, per operation, from the requests themselves. The N
 * annexes are stacks with annex tags of this pool (a trivial template: the heartbeat path only
 * needs them listed). Rounds measured:
 *
 * - ANNEX_JOBS, cold: the helper lists its annexes (DescribeStacks pages, batched describes of
 *   groups, alarms and metrics) and instance data (DescribeInstanceTypes), then heartbeats;
 * - ANNEX_JOBS, warm (state and instance data cached): heartbeats only;
 * - the heartbeat timer's rounds between snapshots (counted from its log lines).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudFormationClient, CreateStackCommand } from "@aws-sdk/client-cloudformation";
import { requestTags } from "../../../src/annex/canonical.js";
import { TAG_DEADLINE, TAG_POOL } from "../../../src/annex/constants.js";
import { parseAnnexRequest } from "../../../src/annex/request.js";
import type { AnnexDefaults } from "../../../src/annex/types.js";
import { spawnGahpServer } from "../../../src/cli/gahp-server-process.js";
import { startEmulator } from "../../../src/emulator/process.js";
import { TEST_DEFAULTS } from "../../annex/support.js";
import { repoRoot } from "../../support/python-env.js";

const POOL = "cm.bench.example.org";
const DEFAULTS: AnnexDefaults = { ...TEST_DEFAULTS, collectorHost: POOL };
const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };
const TIMER_SECONDS = 5;

/** The operation of an AWS request: `X-Amz-Target` (JSON protocols) or `Action=` (query protocols). */
function operationOf(request: IncomingMessage, body: string): string {
  const target = request.headers["x-amz-target"];
  if (typeof target === "string") return target.split(".").pop() ?? target;
  const action =
    /(?:^|&)Action=([A-Za-z]+)/.exec(body)?.[1] ?? /[?&]Action=([A-Za-z]+)/.exec(request.url ?? "")?.[1];
  return action ?? `${request.method} ${request.url?.split("?")[0]}`;
}

/** A loopback proxy that forwards to `upstream` and counts requests by operation. */
async function countingProxy(upstream: string) {
  const counts = new Map<string, number>();
  const target = new URL(upstream);
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      const operation = operationOf(request, body.toString("utf8"));
      counts.set(operation, (counts.get(operation) ?? 0) + 1);
      const forward = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: request.method,
          path: request.url,
          headers: request.headers,
        },
        (upstreamResponse) => {
          response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
          upstreamResponse.pipe(response);
        },
      );
      forward.on("error", (error) => {
        response.writeHead(502);
        response.end(String(error));
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts,
    take(): Record<string, number> {
      const snapshot = Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)));
      counts.clear();
      return snapshot;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** N annex stacks of this pool, made directly (cheap template), `bench-<prefix>-<i>`. */
async function makeAnnexStacks(endpoint: string, prefix: string, count: number): Promise<string[]> {
  const cfn = new CloudFormationClient({ endpoint, region: "us-east-1", credentials: CREDENTIALS });
  const names = Array.from({ length: count }, (_, i) => `bench-${prefix}-${i}`);
  const deadline = `${new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 19)}Z`;
  const template = JSON.stringify({ Resources: { Topic: { Type: "AWS::SNS::Topic" } } });
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < names.length) {
        const name = names[next++] ?? "";
        const request = parseAnnexRequest({ Name: name }, DEFAULTS);
        await cfn.send(
          new CreateStackCommand({
            StackName: `HTCondorAnnex-${name}`,
            TemplateBody: template,
            Tags: [
              { Key: TAG_POOL, Value: POOL },
              { Key: TAG_DEADLINE, Value: deadline },
              ...requestTags(request),
            ],
          }),
        );
      }
    }),
  );
  cfn.destroy();
  return names;
}

function jobsSnapshot(names: readonly string[]): string {
  const jobs = names.map(
    (name, i) =>
      `[ ClusterId = ${i + 1}; ProcId = 0; JobStatus = 1; Owner = "alice"; RequestCpus = 1; RequestMemory = 1024; Requirements = TARGET.OpSys == "LINUX"; AnnexRequest = [ Name = "${name}" ] ]`,
  );
  return `[ Jobs = { ${jobs.join(", ")} }; SnapshotTime = ${Math.floor(Date.now() / 1000)} ]`;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const external = process.env.AWS_ENDPOINT_URL;
const emulator = external === undefined ? await startEmulator() : undefined;
const upstream = external ?? emulator?.endpoint ?? "";
const proxy = await countingProxy(upstream);
const dir = mkdtempSync(join(tmpdir(), "annex-bench-"));
const tokenPath = join(dir, "pool.token");
writeFileSync(tokenPath, "token\n", { mode: 0o600 });

try {
  process.stdout.write(`emulator ${upstream}, counting proxy ${proxy.endpoint}\n\n`);
  process.stdout.write(
    "annexes | round | PutMetricData | expected ⌈N/1000⌉ | all AWS calls (by operation) | round ms\n",
  );
  process.stdout.write("---|---|---|---|---|---\n");
  const latencies: string[] = [];
  for (const count of [1, 100, 1000]) {
    await emulator?.reset();
    const names = await makeAnnexStacks(upstream, String(count), count);
    const logPath = join(dir, `AnnexGahpLog.${count}`);
    const knobs: Record<string, string> = {
      ANNEX_GAHP_LOG: logPath,
      ANNEX_POOL: POOL,
      ANNEX_COLLECTOR: POOL,
      ANNEX_TOKEN_FILE: tokenPath,
      ANNEX_DEFAULT_IMAGE_ID: "ami-0123456789abcdef0",
      ANNEX_HEARTBEAT_INTERVAL: String(TIMER_SECONDS),
      ANNEX_SNAPSHOT_MAX_AGE: "300",
      ANNEX_DEMAND_STATE_CACHE: "600",
    };
    const client = await spawnGahpServer(process.execPath, [join(repoRoot, "bin", "annex-gahp.js")], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        CONDOR_CONFIG: "/dev/null",
        AWS_ENDPOINT_URL: proxy.endpoint,
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        ...Object.fromEntries(Object.entries(knobs).map(([k, v]) => [`_CONDOR_${k}`, v])),
      },
      callTimeoutMs: 300_000,
    });
    const argument = jobsSnapshot(names);
    proxy.take();
    for (const round of ["ANNEX_JOBS (cold)", "ANNEX_JOBS (warm)"]) {
      // While the round's AWS work runs, time the helper's replies to other lines.
      const sent = performance.now();
      let acceptedAfter = Number.NaN;
      const result = client.call("ANNEX_JOBS", [argument], {
        onAccepted: () => (acceptedAfter = performance.now() - sent),
      });
      const replyTimes: number[] = [];
      let settled = false;
      void result.finally(() => (settled = true));
      while (!settled) {
        const before = performance.now();
        await client.command("COMMANDS");
        replyTimes.push(performance.now() - before);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const fields = await result;
      const elapsed = performance.now() - sent;
      if (fields[0] !== "0") throw new Error(`ANNEX_JOBS failed: ${fields.join(" ")}`);
      const calls = proxy.take();
      const put = calls.PutMetricData ?? 0;
      process.stdout.write(
        `${count} | ${round} | ${put} | ${Math.ceil(count / 1000)} | ${JSON.stringify(calls)} | ${elapsed.toFixed(0)}\n`,
      );
      latencies.push(
        `${count} annexes, ${round}: S to ANNEX_JOBS after ${acceptedAfter.toFixed(1)} ms (parsing ${count} job ads); ${replyTimes.length} COMMANDS replies while it ran: median ${percentile(replyTimes, 50).toFixed(2)} ms, p99 ${percentile(replyTimes, 99).toFixed(2)} ms, max ${Math.max(...replyTimes).toFixed(2)} ms`,
      );
    }
    // Timer rounds: the heartbeats the helper re-sends between snapshots.
    const linesBefore = readFileSync(logPath, "utf8")
      .split("\n")
      .filter((l) => l.includes("heartbeat round")).length;
    proxy.take();
    await new Promise((resolve) => setTimeout(resolve, TIMER_SECONDS * 3000 + 500));
    const calls = proxy.take();
    const rounds =
      readFileSync(logPath, "utf8")
        .split("\n")
        .filter((l) => l.includes("heartbeat round")).length - linesBefore;
    process.stdout.write(
      `${count} | timer (${rounds} rounds in ${TIMER_SECONDS * 3 + 0.5} s) | ${((calls.PutMetricData ?? 0) / Math.max(1, rounds)).toFixed(2)} per round | ${Math.ceil(count / 1000)} | ${JSON.stringify(calls)} | —\n`,
    );
    await client.quit();
  }
  process.stdout.write(
    `\nReply latency while AWS work runs:\n${latencies.map((l) => `- ${l}`).join("\n")}\n`,
  );
} finally {
  await proxy.close();
  await emulator?.stop();
  rmSync(dir, { recursive: true, force: true });
}

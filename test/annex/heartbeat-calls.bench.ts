/**
 * Measures AWS API calls per heartbeat round for 1, 100, 1000 and 2500 annexes, counted by the
 * SDK middleware (src/aws/call-counter.ts). Runs against AWS_ENDPOINT_URL when set, otherwise
 * starts a plain moto_server on a free 127.0.0.1 port and stops it afterwards.
 *
 *   node scripts/run-ts.mjs test/annex/heartbeat-calls.bench.ts
 */
import { type ChildProcess, spawn } from "node:child_process";
import { AnnexOperations } from "../../src/annex/index.js";
import { ApiCallCounter, AwsAnnexCloud, AwsClients } from "../../src/aws/index.js";
import { freePort } from "../support/free-port.js";
import { TEST_DEFAULTS } from "./support.js";

async function startMoto(): Promise<{ endpoint: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).ok) return { endpoint, process: child };
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGTERM");
  throw new Error("moto_server did not start within 10 s");
}

const external = process.env.AWS_ENDPOINT_URL;
const moto = external === undefined ? await startMoto() : undefined;
const endpoint = external ?? moto?.endpoint ?? "";
const counter = new ApiCallCounter();
const clients = new AwsClients({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
  callCounter: counter,
});
const ops = new AnnexOperations({
  cloud: new AwsAnnexCloud(clients),
  defaults: TEST_DEFAULTS,
  pool: "bench.example.org",
});

try {
  process.stdout.write(`endpoint ${endpoint}\n`);
  process.stdout.write("annexes  PutMetricData calls  HTTP attempts  all calls  expected ⌈N/1000⌉  ms\n");
  for (const annexes of [1, 100, 1000, 2500]) {
    counter.reset();
    const beats = Array.from({ length: annexes }, (_, i) => ({ annexName: `bench-${i}`, value: 1 }));
    const started = performance.now();
    await ops.heartbeat(beats);
    const ms = performance.now() - started;
    const line = [
      String(annexes).padStart(7),
      String(counter.calls("CloudWatch.PutMetricData")).padStart(20),
      String(counter.attempts("CloudWatch.PutMetricData")).padStart(14),
      String(counter.calls()).padStart(10),
      String(Math.ceil(annexes / 1000)).padStart(18),
      ms.toFixed(0).padStart(4),
    ].join(" ");
    process.stdout.write(`${line}\n`);
  }
} finally {
  await clients.destroy();
  moto?.process.kill("SIGTERM");
}

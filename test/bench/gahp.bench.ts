/**
 * GAHP benchmark: a real annex-gahp process over pipes, the cheap asynchronous command
 * (ANNEX_PING) with 1,000 requests in flight. Prints startup time, commands per second and the
 * latency of the immediate reply (S) at p50/p99, after a warm-up of 20,000 requests (the JIT
 * compiles both processes' code during the first batches), for two drivers: GahpClient (what
 * condor-annex uses) and a minimal raw pipe driver (the server's own capacity).
 *
 *   npm run bench:gahp            (builds first)
 *   BENCH_GAHP_REQUESTS=500000 npm run bench:gahp
 *   BENCH_GAHP_NODE_FLAGS="--single-threaded-gc" npm run bench:gahp   (node flags for annex-gahp)
 */
import { spawn } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { spawnGahpServer } from "../../src/cli/gahp-server-process.js";

// Run from the package root (npm run sets the cwd); the bundled script lives in .run-ts/.
const GAHP_BIN = resolve(process.cwd(), "bin/annex-gahp.js");
const IN_FLIGHT = 1000;
const TOTAL = Number(process.env.BENCH_GAHP_REQUESTS ?? 300_000);
const ROUNDS = Number(process.env.BENCH_GAHP_ROUNDS ?? 3);
const WARMUP = Number(process.env.BENCH_GAHP_WARMUP ?? 20_000);
const env = { ...process.env, _CONDOR_ANNEX_GAHP_LOG: "/dev/null" };
// Extra node options for the annex-gahp process (e.g. GC flags to compare), space-separated.
const SERVER_NODE_FLAGS = (process.env.BENCH_GAHP_NODE_FLAGS ?? "").split(" ").filter((flag) => flag !== "");
const SERVER_ARGS = [...SERVER_NODE_FLAGS, GAHP_BIN];

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

interface Figures {
  commandsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
}

function summarise(elapsedMs: number, latencies: Float64Array, count: number): Figures {
  const sorted = latencies.subarray(0, count).sort();
  return {
    commandsPerSecond: (count / elapsedMs) * 1000,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** Spawn → first line on stdout, in ms: annex-gahp's banner, or a bare Node printing one line. */
async function startupTime(args: readonly string[] = [GAHP_BIN]): Promise<number> {
  const began = performance.now();
  const child = spawn(process.execPath, [...args], { stdio: ["pipe", "pipe", "ignore"], env });
  await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
  const elapsed = performance.now() - began;
  child.stdin.end("QUIT\r\n");
  await new Promise((resolve) => child.on("exit", resolve));
  return elapsed;
}

/** GahpClient: every request a promise, as condor-annex drives the helper. */
async function viaClient(total: number): Promise<Figures> {
  const client = await spawnGahpServer(process.execPath, SERVER_ARGS, { env });
  // Warm-up, not measured: both processes' code is compiled by the JIT during the first batches.
  for (let round = 0; round < WARMUP / IN_FLIGHT; round++) {
    await Promise.all(Array.from({ length: IN_FLIGHT }, () => client.call("ANNEX_PING")));
  }
  const latencies = new Float64Array(total);
  let issued = 0;
  let done = 0;
  const began = performance.now();
  await new Promise<void>((resolve, reject) => {
    const issue = (): void => {
      const index = issued++;
      const sentAt = performance.now();
      client
        .call("ANNEX_PING", [], {
          onAccepted: () => {
            latencies[index] = performance.now() - sentAt;
          },
        })
        .then(() => {
          done++;
          if (issued < total) issue();
          else if (done === total) resolve();
        }, reject);
    };
    for (let i = 0; i < Math.min(IN_FLIGHT, total); i++) issue();
  });
  const elapsed = performance.now() - began;
  await client.quit();
  return summarise(elapsed, latencies, total);
}

/** A minimal driver straight on the pipes: batched writes, reply FIFO, RESULTS on R. */
async function viaRawPipe(total: number): Promise<Figures> {
  const child = spawn(process.execPath, SERVER_ARGS, { stdio: ["pipe", "pipe", "ignore"], env });
  const latencies = new Float64Array(total);
  // Outstanding request lines in order: the ping's send time, or -1 for RESULTS. A ring buffer
  // (at most IN_FLIGHT pings and one RESULTS are outstanding), so the driver allocates nothing
  // per request and its own garbage collection stays out of the figures.
  const ring = new Float64Array(4 * IN_FLIGHT);
  let head = 0;
  let tail = 0;
  const push = (value: number): void => {
    ring[tail++ % ring.length] = value;
  };
  let pingReplies = 0;
  let issued = 0;
  let completed = 0;
  let resultsOutstanding = false;
  let resultsWanted = false;
  let collecting = 0;
  let began = 0;
  let partial = "";
  let phase: "banner" | "setup" | "run" | "done" = "banner";
  const issue = (count: number): string => {
    let out = "";
    const now = performance.now();
    for (let i = 0; i < count && issued < total + WARMUP; i++) {
      issued++;
      out += `ANNEX_PING ${issued}\r\n`;
      push(now);
    }
    return out;
  };
  const elapsed = await new Promise<number>((resolve) => {
    child.stdout.setEncoding("latin1");
    child.stdout.on("data", (chunk: string) => {
      if (phase === "done") return;
      const text = partial + chunk;
      const end = text.lastIndexOf("\n");
      partial = text.slice(end + 1);
      if (end < 0) return;
      let out = "";
      const now = performance.now();
      for (const line of text.slice(0, end).split("\n")) {
        if (phase === "banner") {
          phase = "setup";
          out += "RESPONSE_PREFIX GAHP:\r\nASYNC_MODE_ON\r\n";
          continue;
        }
        if (phase === "setup") {
          if (line === "GAHP:S") {
            phase = "run";
            began = performance.now();
            out += issue(IN_FLIGHT);
          }
          continue;
        }
        const body = line.slice(5); // after "GAHP:"
        if (collecting > 0) {
          collecting--;
          completed++;
          if (completed === WARMUP) began = performance.now();
          if (collecting === 0) resultsOutstanding = false;
          continue;
        }
        if (body === "R") {
          resultsWanted = true;
          continue;
        }
        if (head === tail) throw new Error(`unexpected line ${line}`);
        const sent = ring[head++ % ring.length] as number;
        if (sent < 0) {
          collecting = Number(body.slice(2));
          if (collecting === 0) resultsOutstanding = false;
        } else if (pingReplies++ >= WARMUP) {
          latencies[pingReplies - 1 - WARMUP] = now - sent;
        }
      }
      if (completed >= total + WARMUP) {
        phase = "done";
        resolve(performance.now() - began);
        return;
      }
      out += issue(IN_FLIGHT - (issued - completed));
      if (resultsWanted && !resultsOutstanding) {
        resultsWanted = false;
        resultsOutstanding = true;
        out += "RESULTS\r\n";
        push(-1);
      }
      if (out !== "") child.stdin.write(out);
    });
  });
  child.stdin.end("QUIT\r\n");
  await new Promise((resolve) => child.on("exit", resolve));
  return summarise(elapsed, latencies, total);
}

function show(name: string, f: Figures): void {
  console.log(
    `${name.padEnd(10)} ${Math.round(f.commandsPerSecond).toLocaleString("en-US").padStart(9)} commands/s   ` +
      `S latency p50 ${f.p50.toFixed(2)} ms  p99 ${f.p99.toFixed(2)} ms  max ${f.max.toFixed(2)} ms`,
  );
}

const startups: number[] = [];
const bareNode: number[] = [];
for (let i = 0; i < 7; i++) {
  startups.push(await startupTime());
  bareNode.push(await startupTime(["-e", 'process.stdout.write("x\\n"); process.stdin.resume();']));
}
console.log(
  `annex-gahp benchmark: node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()[0]?.toFixed(1)}; ` +
    `${TOTAL.toLocaleString("en-US")} ANNEX_PING per round after ${WARMUP.toLocaleString("en-US")} warm-up, ${IN_FLIGHT} in flight, ${ROUNDS} rounds`,
);
console.log(
  `startup (spawn → banner): median ${median(startups).toFixed(1)} ms of ${startups.length} ` +
    `(a bare node printing one line: ${median(bareNode).toFixed(1)} ms)`,
);
for (let round = 1; round <= ROUNDS; round++) {
  show(`client #${round}`, await viaClient(TOTAL));
  show(`raw #${round}`, await viaRawPipe(TOTAL));
}
console.log("targets: >= 50,000 commands/s, S latency p99 < 5 ms");

/**
 * `npm run bench:scale`: one round of the watch against a real schedd holding 20,000 and then
 * 100,000 idle jobs, with the AWS emulator behind the helper.
 *
 * The path measured is the product's: condor-annex installed in the test bed's Debian root as the
 * admin guide installs it, `condor-annex watch --once` run as the condor user on the access point
 * (condor_master's own watch is stopped with `condor_off -daemon ANNEX_WATCH` first, so the two do
 * not overlap). It reads the queue with its default condor_q query, collapses it into shapes,
 * sends ANNEX_JOBS to a fresh annex-gahp, and writes verdicts onto the jobs. The anchor in the
 * same run is condor_q itself: the same query with its output discarded.
 *
 * Printed per queue size: condor_q alone; the watch's rounds (from its log: query and parse,
 * ANNEX_JOBS and its size, verdicts and their condor_qedit calls) — `watch --once` (a fresh process:
 * every job gets its verdict written) and then the second round of a running `watch` (steady
 * state: nothing changed, nothing edited); the wall time of the `--once` command; the peak
 * resident memory of the watch and of the helper (VmHWM, sampled from /proc).
 * Targets (issue 13): a round < 5 s at 100,000 jobs, helper RSS < 200 MB, watch RSS < 300 MB.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { DEFAULT_QUEUE_COMMAND } from "../../src/cli/queue-query.js";
import { startEmulator } from "../support/emulator-process.js";
import { type AccessPoint, awsEnvironment, startAccessPoint } from "../support/htcondor/access-point.js";
import { testbedProblem } from "../support/htcondor/debian-root.js";

const SIZES = [20_000, 100_000];
/** Clusters per size step; each has its own request memory, so the queue has several shapes. */
const CLUSTERS = 10;

const problem = await testbedProblem();
if (problem !== undefined) {
  process.stdout.write(`bench:scale cannot run here: ${problem}\n`);
  process.exit(0);
}

/** Peak resident set (VmHWM, kB → MB) of processes in the root whose command line matches. */
function peakRss(root: string, pattern: RegExp): number {
  let peak = 0;
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      if (!readlinkSync(`/proc/${pid}/root`).startsWith(root)) continue;
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      if (!pattern.test(cmdline)) continue;
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (hwm?.[1] !== undefined) peak = Math.max(peak, Number(hwm[1]) / 1024);
    } catch {
      // gone
    }
  }
  return peak;
}

async function submit(ap: AccessPoint, jobs: number): Promise<number> {
  const started = performance.now();
  const per = Math.ceil(jobs / CLUSTERS);
  for (let c = 0; c < CLUSTERS; c++) {
    const annex = c % 2 === 0 ? "bench-a" : "bench-b";
    await ap.submit(
      "alice",
      [
        "executable = /bin/true",
        `request_memory = ${512 * (1 + (c % 5))}`,
        `+AnnexRequest = [ Name = "${annex}"; InstanceTypes = { "c5.xlarge", "m5.2xlarge" }; MaxInstances = 50 ]`,
        `queue ${per}`,
        "",
      ].join("\n"),
    );
  }
  return (performance.now() - started) / 1000;
}

interface Round {
  readonly wallS: number;
  readonly line: string;
  readonly watchMB: number;
  readonly helperMB: number;
}

/**
 * Runs the installed watch as condor: `--once`, or a running watch stopped with SIGTERM after its
 * second round. Returns the last round's log line.
 */
async function round(ap: AccessPoint, log: string, steady: boolean): Promise<Round> {
  let watchMB = 0;
  let helperMB = 0;
  const sampler = setInterval(() => {
    watchMB = Math.max(watchMB, peakRss(ap.root.dir, /condor-annex(\.js)? watch/));
    helperMB = Math.max(helperMB, peakRss(ap.root.dir, /annex-gahp/));
  }, 25);
  const started = performance.now();
  const result = steady
    ? await ap.run(
        [
          "sh",
          "-c",
          `rm -f ${log}; ${ap.product.home}/bin/condor-annex watch --interval 1 & pid=$!; ` +
            `until [ "$(cat ${log} 2>/dev/null | grep -c ' round: query ')" -ge 2 ]; do sleep 0.2; done; kill -TERM $pid; wait $pid`,
        ],
        {
          user: "condor",
          env: { ...awsEnvironment(endpoint), _CONDOR_ANNEX_WATCH_LOG: log },
          timeoutMs: 600_000,
        },
      )
    : await ap.condorAnnex(["watch", "--once"], {
        env: { _CONDOR_ANNEX_WATCH_LOG: log },
        timeoutMs: 600_000,
      });
  const wallS = (performance.now() - started) / 1000;
  clearInterval(sampler);
  if (result.code !== 0) throw new Error(`watch failed:\n${result.stdout}${result.stderr}`);
  const lines = readFileSync(`${ap.root.dir}${log}`, "utf8").split("\n");
  const line =
    lines
      .filter((l) => / round: query /.test(l))
      .at(-1)
      ?.replace(/^.*round: /, "") ?? "(no round line)";
  return { wallS, line, watchMB, helperMB };
}

async function condorQAlone(ap: AccessPoint): Promise<number> {
  const started = performance.now();
  const result = await ap.run(["sh", "-c", `${DEFAULT_QUEUE_COMMAND} | wc -c`], {
    user: "condor",
    timeoutMs: 600_000,
  });
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `  condor_q alone (the anchor): ${seconds.toFixed(2)} s, ${(Number(result.stdout.trim()) / 1e6).toFixed(1)} MB of long form\n`,
  );
  return seconds;
}

const emulator = await startEmulator();
const endpoint = emulator.endpoint;
let ap: AccessPoint | undefined;
try {
  ap = await startAccessPoint({ endpoint });
  await ap.must(["condor_off", "-daemon", "ANNEX_WATCH"]);
  const setup = await ap.condorAnnex(["setup"], { timeoutMs: 600_000 });
  if (setup.code !== 0) throw new Error(`condor-annex setup failed:\n${setup.stdout}${setup.stderr}`);
  process.stdout.write(
    `bench:scale — ${ap.root.condorVersion}, node ${ap.root.nodeVersion} in the root; load ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}\n`,
  );
  let queued = 0;
  for (const size of SIZES) {
    const submitS = await submit(ap, size - queued);
    queued = size;
    process.stdout.write(
      `${size} idle jobs (${CLUSTERS} clusters per step, submitted in ${submitS.toFixed(1)} s):\n`,
    );
    await condorQAlone(ap);
    const once = await round(ap, `/tmp/bench-watch-${size}.log`, false);
    process.stdout.write(
      `  watch --once (a fresh watch writes every verdict): ${once.wallS.toFixed(2)} s wall; ${once.line}; peak RSS watch ${once.watchMB.toFixed(0)} MB, helper ${once.helperMB.toFixed(0)} MB\n`,
    );
    const steady = await round(ap, `/tmp/bench-watch-${size}-steady.log`, true);
    process.stdout.write(
      `  a running watch's second round (steady): ${steady.line}; peak RSS watch ${steady.watchMB.toFixed(0)} MB, helper ${steady.helperMB.toFixed(0)} MB\n`,
    );
  }
} finally {
  await ap?.stop();
  await emulator.stop();
}

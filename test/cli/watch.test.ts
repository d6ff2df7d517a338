import { EventEmitter } from "node:events";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ClassAd } from "../../src/classad/classad.js";
import { formatOldAds } from "../../src/classad/old-format.js";
import { describeJobsResult, runWatch, type WatchSettings } from "../../src/cli/commands/watch.js";
import { runCli } from "../../src/cli/condor-annex.js";
import { EXIT } from "../../src/cli/exit-codes.js";
import { DEFAULT_QUEUE_COMMAND, QUEUE_ATTRIBUTES, readQueue, toolError } from "../../src/cli/queue-query.js";
import { generateJobAds } from "../support/job-ads.js";
import { fakeCli } from "./fake-helper.js";

const dir = mkdtempSync(join(tmpdir(), "annex-watch-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const JOBS = [...generateJobAds(25, 7)];
const DUMP = join(dir, "queue.long");
writeFileSync(DUMP, formatOldAds(JOBS), "latin1");

/**
 * A fake condor_q: each run takes the next mode from `modes` (one per line; the last repeats):
 * ok (prints the fixture dump), fail (stderr + exit 1), garbage (a condor_q table, not -long),
 * hang (sleeps in a child process), half (a dump cut in the middle of a value).
 */
function fakeCondorQ(name: string, modes: readonly string[]): { command: string; runs: () => number } {
  const modeFile = join(dir, `${name}.modes`);
  const countFile = join(dir, `${name}.count`);
  writeFileSync(modeFile, `${modes.join("\n")}\n`);
  writeFileSync(countFile, "0\n");
  const script = join(dir, `${name}.sh`);
  writeFileSync(
    script,
    `#!/bin/sh
n=$(cat '${countFile}'); n=$((n + 1)); echo "$n" > '${countFile}'
total=$(wc -l < '${modeFile}')
if [ "$n" -gt "$total" ]; then n=$total; fi
mode=$(sed -n "\${n}p" '${modeFile}')
case "$mode" in
  ok) cat '${DUMP}' ;;
  fail) echo "-- Failed to fetch ads from: <127.0.0.1:9618> : submit.example.org" >&2; exit 1 ;;
  garbage) printf ' ID      OWNER   SUBMITTED     RUN_TIME ST PRI SIZE CMD\\n 1.0   alice  11/26 07:00   0+00:00:00 I  0    0.0 sleep\\n' ;;
  hang) echo $$ > '${dir}/${name}.pid'; sleep 30 & echo $! > '${dir}/${name}.child'; wait ;;
  half) head -c 700 '${DUMP}'; printf 'Requirements = (TARGET.Arch == \\n' ;;
esac
`,
  );
  chmodSync(script, 0o755);
  return { command: `${script} -allusers -long`, runs: () => Number(readFileSync(countFile, "utf8").trim()) };
}

/** Whether `pid` runs (a zombie waiting for a reaper counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

describe("the queue query", () => {
  it("defaults to condor_q over all users, long form, jobs with AnnexRequest, projected to what demand reads", () => {
    expect(DEFAULT_QUEUE_COMMAND).toMatch(
      /^condor_q -allusers -long -constraint 'AnnexRequest =!= undefined' -attributes /,
    );
    for (const attribute of [
      "ClusterId",
      "ProcId",
      "JobStatus",
      "AnnexRequest",
      "Requirements",
      "RequestCpus",
      "RequestMemory",
      "RequestGpus",
      "MachineAttrAnnexName0",
    ]) {
      expect(QUEUE_ATTRIBUTES).toContain(attribute);
    }
  });

  it("parses the long-form ads as they stream from the command, handing each on as it is read", async () => {
    const q = fakeCondorQ("ok", ["ok"]);
    const ads: ClassAd[] = [];
    expect(await readQueue(q.command, (ad) => ads.push(ad))).toBe(JOBS.length);
    expect(formatOldAds(ads)).toBe(formatOldAds(JOBS));
  });

  it("fails with the command's error when it exits non-zero", async () => {
    const q = fakeCondorQ("fail", ["fail"]);
    await expect(readQueue(q.command, () => {})).rejects.toThrow(
      /exited with status 1: -- Failed to fetch ads from/,
    );
  });

  it("reports HTCondor's error line, not the paragraphs of advice condor_q prints after it", () => {
    const stderr =
      "Error: Can't find address for schedd vm\n\nExtra Info: You probably saw this error because the condor_schedd is not \nrunning on the machine you are trying to query.\n \nExtra Info: If the condor_schedd is running…\n";
    expect(toolError(stderr)).toBe("Error: Can't find address for schedd vm");
    expect(toolError("something odd\nthen this\n")).toBe("something odd / then this");
  });

  it("fails on output that is not long-form ClassAds (a table, or a dump cut short)", async () => {
    await expect(readQueue(fakeCondorQ("garbage", ["garbage"]).command, () => {})).rejects.toThrow(
      /not a long-form ClassAd/,
    );
    await expect(readQueue(fakeCondorQ("half", ["half"]).command, () => {})).rejects.toThrow(
      /not a long-form ClassAd/,
    );
  });

  it("kills a hanging query and everything it started after the timeout", async () => {
    const q = fakeCondorQ("hang", ["hang"]);
    const started = Date.now();
    await expect(readQueue(q.command, () => {}, { timeoutMs: 500 })).rejects.toThrow(
      /did not finish within 1 s/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
    const child = Number(readFileSync(join(dir, "hang.child"), "utf8"));
    await new Promise((wake) => setTimeout(wake, 300));
    expect(alive(child)).toBe(false);
  });

  it("fails clearly when the command does not exist", async () => {
    await expect(readQueue(join(dir, "no-such-condor_q"), () => {})).rejects.toThrow(
      /exited with status 127/,
    );
  });
});

function settings(command: string, overrides: Partial<WatchSettings["timing"]> = {}): WatchSettings {
  return {
    queueCommand: command,
    timing: { intervalMs: 20, queryTimeoutMs: 1500, staleAfterMs: 60_000, ...overrides },
    logPath: join(dir, `watch-${Math.random().toString(36).slice(2)}.log`),
    maxLogBytes: 0,
    dryRun: false,
    writeVerdicts: true,
    runAs: { user: "condor" },
  };
}

const JOBS_RESULT = (argument: { Jobs?: unknown }) => ({
  JobCount: Array.isArray(argument.Jobs) ? argument.Jobs.length : -1,
  IgnoredJobs: 0,
  Fresh: true,
  HeartbeatCalls: 1,
  Annexes: [
    {
      Name: "chem-burst",
      IdleJobs: 10,
      RunningJobs: 2,
      UnmatchedJobs: 1,
      ConflictingJobs: 0,
      CurrentCapacity: 1,
      DesiredCapacity: 3,
      TargetInstances: 5,
      Action: "resize",
    },
  ],
});

/** Runs the loop until `rounds` ANNEX_JOBS calls arrived or `maxMs` passed, then sends SIGTERM. */
async function watchUntil(
  cli: ReturnType<typeof fakeCli>,
  s: WatchSettings,
  done: () => boolean,
  maxMs = 20_000,
) {
  const signals = new EventEmitter();
  const running = runWatch(cli.ctx, s, { signals });
  const deadline = Date.now() + maxMs;
  while (!done() && Date.now() < deadline) await new Promise((wake) => setTimeout(wake, 20));
  signals.emit("SIGTERM");
  await running;
  return s.logPath === undefined ? "" : readFileSync(s.logPath, "utf8");
}

describe("condor-annex watch", { timeout: 30_000 }, () => {
  it("sends each snapshot with ANNEX_JOBS: the job ads with their expressions, and the time the query started", async () => {
    const q = fakeCondorQ("send", ["ok"]);
    const cli = fakeCli({ ANNEX_JOBS: JOBS_RESULT });
    const before = Math.floor(Date.now() / 1000);
    const log = await watchUntil(cli, settings(q.command), () => cli.calls.length >= 2);
    const call = cli.calls[0];
    expect(call?.command).toBe("ANNEX_JOBS");
    const snapshotTime = call?.argument.SnapshotTime;
    expect(typeof snapshotTime).toBe("number");
    expect(snapshotTime as number).toBeGreaterThanOrEqual(before);
    const jobs = call?.raw.get("Jobs");
    expect(jobs?.kind).toBe("list");
    if (jobs?.kind !== "list") return;
    expect(jobs.items).toHaveLength(JOBS.length);
    // Requirements travels as an expression (demand evaluates it against slot ads), not a value.
    const first = jobs.items[0];
    expect(first?.kind).toBe("record");
    const requirements =
      first?.kind === "record" ? first.attributes.find((a) => a.name === "Requirements") : undefined;
    expect(requirements?.expr.kind).not.toBe("literal");
    expect(log).toMatch(/^\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d \(pid:\d+\) condor-annex watch starting/m);
    expect(log).toContain(`snapshot: ${JOBS.length} jobs, 0 ignored; 1 heartbeat call(s)`);
    expect(log).toContain(
      "chem-burst: idle 10, running 2, unmatched 1, conflicting 0; instances 1 → 3 (target 5); action resize",
    );
    expect(log).toContain("caught SIGTERM; stopping");
  });

  it("survives failing, garbled and hanging queries: re-sends the last snapshot with its own time, then recovers", async () => {
    const q = fakeCondorQ("mixed", ["ok", "fail", "garbage", "hang", "half", "ok"]);
    const cli = fakeCli({ ANNEX_JOBS: JOBS_RESULT });
    const log = await watchUntil(
      cli,
      settings(q.command, { queryTimeoutMs: 1000 }),
      () => cli.calls.length >= 6,
      40_000,
    );
    const times = cli.calls.map((c) => c.argument.SnapshotTime as number);
    expect(cli.calls.length).toBeGreaterThanOrEqual(6);
    // Rounds 2-5 failed: each re-sent round 1's snapshot, with round 1's time.
    expect(times.slice(1, 5)).toEqual([times[0], times[0], times[0], times[0]]);
    expect(times[5] as number).toBeGreaterThanOrEqual(times[0] as number);
    expect(log).toContain("queue query failed (the queue query exited with status 1");
    expect(log).toContain("not a long-form ClassAd");
    expect(log).toContain("did not finish within 1 s");
    expect(log).toMatch(/re-sending the snapshot from \d+ s ago/);
  }, 60_000);

  it("sends nothing once the last good snapshot is stale, so the helper's heartbeats stop", async () => {
    const q = fakeCondorQ("stale", ["ok", "fail"]);
    const cli = fakeCli({ ANNEX_JOBS: JOBS_RESULT });
    const log = await watchUntil(
      cli,
      settings(q.command, { staleAfterMs: 200, intervalMs: 120 }),
      () => q.runs() >= 5,
    );
    expect(cli.calls.length).toBeLessThan(q.runs());
    expect(log).toContain("no fresh snapshot to send, heartbeats will stop");
  });

  it("starts a new helper when the helper dies", async () => {
    const q = fakeCondorQ("restart", ["ok"]);
    let calls = 0;
    const cli = fakeCli({
      ANNEX_JOBS: (argument) => {
        calls++;
        return JOBS_RESULT(argument);
      },
    });
    const log = await watchUntil(cli, settings(q.command), () => {
      if (calls === 1 && cli.helpersStarted() === 1) cli.killHelpers();
      return calls >= 3;
    });
    expect(cli.helpersStarted()).toBeGreaterThanOrEqual(2);
    expect(log).toMatch(/annex-gahp (has exited|died)/);
  });

  it("runs one round with --once and prints what the helper decided (exit 1 when the query failed)", async () => {
    const ok = fakeCli(
      { ANNEX_JOBS: JOBS_RESULT },
      {
        knobs: {
          ANNEX_WATCH_QUEUE_COMMAND: fakeCondorQ("once", ["ok"]).command,
          ANNEX_WATCH_LOG: join(dir, "once.log"),
        },
      },
    );
    expect(await runCli(["watch", "--once"], ok.ctx)).toBe(EXIT.ok);
    expect(ok.stdout()).toBe(`${describeJobsResult(JOBS_RESULT({ Jobs: JOBS })).join("\n")}\n`);
    const failing = fakeCli(
      { ANNEX_JOBS: JOBS_RESULT },
      { knobs: { ANNEX_WATCH_LOG: join(dir, "once.log") } },
    );
    expect(
      await runCli(
        ["watch", "--once", "--query-command", fakeCondorQ("once-fail", ["fail"]).command],
        failing.ctx,
      ),
    ).toBe(EXIT.failure);
    expect(failing.calls).toHaveLength(0);
    const badKnob = fakeCli({}, { knobs: { ANNEX_WATCH_INTERVAL: "soon" } });
    expect(await runCli(["watch", "--once"], badKnob.ctx)).toBe(EXIT.usage);
    expect(badKnob.stderr()).toContain('ANNEX_WATCH_INTERVAL = "soon" is invalid');
  });

  it("passes DryRun with --dry-run", async () => {
    const cli = fakeCli({ ANNEX_JOBS: JOBS_RESULT }, { knobs: { ANNEX_WATCH_LOG: join(dir, "dry.log") } });
    await runCli(
      ["watch", "--once", "--dry-run", "--query-command", fakeCondorQ("dry", ["ok"]).command],
      cli.ctx,
    );
    expect(cli.calls[0]?.argument.DryRun).toBe(true);
  });

  it("sends identical jobs once, as a shape with their count and a sample of their ids", async () => {
    const same = (proc: number) =>
      `ClusterId = 40\nProcId = ${proc}\nJobStatus = 1\nRequestCpus = 2\nAnnexRequest = [ Name = "chem-burst" ]\nRequirements = TARGET.Cpus >= RequestCpus\n`;
    const text = `${Array.from({ length: 150 }, (_, p) => same(p)).join("\n")}\nClusterId = 41\nProcId = 0\nJobStatus = 1\nRequestCpus = 8\nAnnexRequest = [ Name = "chem-burst" ]\n`;
    const file = join(dir, "shapes.long");
    writeFileSync(file, text);
    const cli = fakeCli({ ANNEX_JOBS: JOBS_RESULT });
    await watchUntil(cli, settings(`cat ${file}`), () => cli.calls.length >= 1);
    const jobs = cli.calls[0]?.argument.Jobs;
    expect(Array.isArray(jobs) && jobs.length).toBe(2);
    const [shape, single] = Array.isArray(jobs) ? (jobs as Record<string, unknown>[]) : [];
    expect(shape?.JobCount).toBe(150);
    expect(shape?.JobIds).toHaveLength(100);
    expect(Array.isArray(shape?.JobIds) && shape.JobIds[99]).toBe("40.99");
    expect(shape?.ClusterId).toBeUndefined();
    expect(single?.JobCount).toBe(1);
    expect(single?.JobIds).toEqual(["41.0"]);
  });

  it("adds what the jobs' expressions refer to to the default query, and asks again at once", async () => {
    const argsFile = join(dir, "projection.args");
    const script = join(dir, "projecting-condor_q");
    // Prints a job whose RequestDisk needs TransferInputSizeMB, which it prints only when asked for.
    writeFileSync(
      script,
      `#!/bin/sh\necho "$*" >> '${argsFile}'\nprintf 'ClusterId = 1\\nProcId = 0\\nJobStatus = 1\\nAnnexRequest = [ Name = "a" ]\\nRequestDisk = MAX({ 1024,(TransferInputSizeMB + 1) * 1.25 }) * 1024\\nRequirements = TARGET.Disk >= RequestDisk && TARGET.Site == MY.Site\\n'\ncase "$*" in *TransferInputSizeMB*) echo "TransferInputSizeMB = 3" ;; esac\necho\n`,
    );
    chmodSync(script, 0o755);
    const binDir = join(dir, "projection-bin");
    mkdirSync(binDir, { recursive: true });
    copyFileSync(script, join(binDir, "condor_q"));
    chmodSync(join(binDir, "condor_q"), 0o755);
    const cli = fakeCli(
      { ANNEX_JOBS: JOBS_RESULT },
      { env: { ...process.env, PATH: `${binDir}:${process.env.PATH}` } },
    );
    const s = { ...settings("unused"), queueCommand: undefined };
    const log = await watchUntil(cli, s, () => cli.calls.length >= 2);
    const runs = readFileSync(argsFile, "utf8").trim().split("\n");
    // condor_submit's RequestDisk reads TransferInputSizeMB: asked for from the start. The user's
    // Requirements reads MY.Site: the first round asked again at once, with it.
    expect(runs[0]).toContain("TransferInputSizeMB");
    expect(runs[0]).not.toContain("Site");
    expect(runs[1]).toMatch(/-attributes .*FileSystemDomain.*,Site/);
    expect(runs.slice(1).every((run) => run.includes("Site"))).toBe(true);
    expect(log).toContain("the jobs' expressions refer to Site: added to the queue query");
    const first = cli.calls[0]?.argument.Jobs as Record<string, unknown>[];
    expect(first[0]?.TransferInputSizeMB).toBe(3);
  });

  it("writes the helper's verdicts onto the jobs, and nothing in a dry run", async () => {
    const file = join(dir, "verdict.long");
    writeFileSync(
      file,
      'ClusterId = 7\nProcId = 0\nJobStatus = 1\nAnnexRequest = [ Name = "a" ]\n\nClusterId = 7\nProcId = 1\nJobStatus = 1\nAnnexRequest = [ Name = "a" ]\n',
    );
    const withVerdicts = (argument: { Jobs?: unknown }) => ({
      ...JOBS_RESULT(argument),
      Verdicts: [
        { Entry: 0, Annex: "a", Status: "Unmatched", Reason: "no instance type of annex a matches the job" },
      ],
    });
    const edits: string[][] = [];
    const qedit = async (args: readonly string[]) => {
      edits.push([...args]);
      return undefined;
    };
    const cli = fakeCli({ ANNEX_JOBS: withVerdicts });
    const signals = new EventEmitter();
    const running = runWatch(cli.ctx, settings(`cat ${file}`), { signals, qedit });
    while (cli.calls.length < 2) await new Promise((wake) => setTimeout(wake, 20));
    signals.emit("SIGTERM");
    await running;
    // One edit for the first round; the second round changed nothing.
    expect(edits).toHaveLength(1);
    expect(edits[0]?.[1]).toContain("(ClusterId == 7 && ProcId >= 0 && ProcId <= 1)");
    expect(edits[0]?.slice(2)).toEqual([
      "AnnexRequestStatus",
      '"Unmatched"',
      "AnnexRequestReason",
      '"no instance type of annex a matches the job"',
    ]);
    const dry = fakeCli({ ANNEX_JOBS: withVerdicts });
    const dryEdits: string[][] = [];
    await runWatch(
      dry.ctx,
      { ...settings(`cat ${file}`), dryRun: true },
      {
        once: true,
        qedit: async (args) => {
          dryEdits.push([...args]);
          return undefined;
        },
      },
    );
    expect(dryEdits).toEqual([]);
  });

  it("on SIGHUP reads the configuration again and restarts the helper, without stopping", async () => {
    const q = fakeCondorQ("hup", ["ok"]);
    const cli = fakeCli({ ANNEX_JOBS: JOBS_RESULT });
    const signals = new EventEmitter();
    const first = settings(q.command);
    let reloads = 0;
    const running = runWatch(cli.ctx, first, {
      signals,
      reloadSettings: async () => {
        reloads++;
        return { ...first, timing: { ...first.timing, intervalMs: 30 }, writeVerdicts: false };
      },
    });
    while (cli.calls.length < 1) await new Promise((wake) => setTimeout(wake, 20));
    signals.emit("SIGHUP");
    while (cli.helpersStarted() < 2) await new Promise((wake) => setTimeout(wake, 20));
    signals.emit("SIGTERM");
    await running;
    const log = readFileSync(first.logPath ?? "", "utf8");
    expect(reloads).toBe(1);
    expect(log).toContain("caught SIGHUP; reading the configuration again");
    expect(log).toMatch(/reconfigured: every 0\.03 s, .* \(no verdicts on jobs\); the helper restarts/);
    expect(log).toContain("condor-annex watch stopped");
  });

  it("says in its log, and fails, when it cannot become the user it should run as", async () => {
    const cli = fakeCli({ ANNEX_JOBS: JOBS_RESULT });
    const s = settings("true");
    const ctx = {
      ...cli.ctx,
      dropRoot: () => {
        throw new Error("setuid user id does not exist");
      },
    };
    await expect(runWatch(ctx, s, { once: true })).rejects.toThrow(/cannot run as user condor/);
    expect(readFileSync(s.logPath ?? "", "utf8")).toMatch(
      /cannot run as user condor \(setuid user id does not exist\); create that user or set CONDOR_IDS/,
    );
    expect(cli.calls).toHaveLength(0);
  });
});

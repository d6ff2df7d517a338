import { EventEmitter } from "node:events";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatOldAds } from "../../src/classad/old-format.js";
import { describeJobsResult, runWatch, type WatchSettings } from "../../src/cli/commands/watch.js";
import { runCli } from "../../src/cli/condor-annex.js";
import { EXIT } from "../../src/cli/exit-codes.js";
import { DEFAULT_QUEUE_COMMAND, QUEUE_ATTRIBUTES, readQueue } from "../../src/cli/queue-query.js";
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

  it("parses the long-form ads as they stream from the command", async () => {
    const q = fakeCondorQ("ok", ["ok"]);
    const ads = await readQueue(q.command);
    expect(ads).toHaveLength(JOBS.length);
    expect(formatOldAds(ads)).toBe(formatOldAds(JOBS));
  });

  it("fails with the command's stderr when it exits non-zero", async () => {
    const q = fakeCondorQ("fail", ["fail"]);
    await expect(readQueue(q.command)).rejects.toThrow(/exited with status 1: -- Failed to fetch ads from/);
  });

  it("fails on output that is not long-form ClassAds (a table, or a dump cut short)", async () => {
    await expect(readQueue(fakeCondorQ("garbage", ["garbage"]).command)).rejects.toThrow(
      /not a long-form ClassAd/,
    );
    await expect(readQueue(fakeCondorQ("half", ["half"]).command)).rejects.toThrow(/not a long-form ClassAd/);
  });

  it("kills a hanging query and everything it started after the timeout", async () => {
    const q = fakeCondorQ("hang", ["hang"]);
    const started = Date.now();
    await expect(readQueue(q.command, { timeoutMs: 500 })).rejects.toThrow(/did not finish within 1 s/);
    expect(Date.now() - started).toBeLessThan(5000);
    const child = Number(readFileSync(join(dir, "hang.child"), "utf8"));
    await new Promise((wake) => setTimeout(wake, 300));
    expect(alive(child)).toBe(false);
  });

  it("fails clearly when the command does not exist", async () => {
    await expect(readQueue(join(dir, "no-such-condor_q"))).rejects.toThrow(/exited with status 127/);
  });
});

function settings(command: string, overrides: Partial<WatchSettings["timing"]> = {}): WatchSettings {
  return {
    queueCommand: command,
    timing: { intervalMs: 20, queryTimeoutMs: 1500, staleAfterMs: 60_000, ...overrides },
    logPath: join(dir, `watch-${Math.random().toString(36).slice(2)}.log`),
    maxLogBytes: 0,
    dryRun: false,
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
});

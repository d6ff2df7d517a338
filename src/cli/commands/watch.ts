import { Command } from "commander";
import type { RecordExpr } from "../../classad/ast.js";
import type { ClassAd } from "../../classad/classad.js";
import { unparse } from "../../classad/unparse.js";
import type { AnnexHelper, AnnexResult } from "../annex-helper.js";
import { type CliContext, printJson } from "../cli-context.js";
import { CliError, EXIT, usageError } from "../exit-codes.js";
import { DEFAULT_MAX_LOG_BYTES, HTCondorLog } from "../log-file.js";
import { type PlainAd, read } from "../plain-ad.js";
import { DEFAULT_QUEUE_COMMAND, readQueue } from "../queue-query.js";
import { type QueueSnapshot, type RoundOutcome, WatchLoop, type WatchTiming } from "../watch-loop.js";

/**
 * `condor-annex watch`: the access point's loop, kept running by condor_master (DAEMON_LIST
 * ANNEX_WATCH). Every interval it reads the queue with `ANNEX_WATCH_QUEUE_COMMAND`, parses the
 * long-form ads as they stream in, and sends the snapshot to annex-gahp with `ANNEX_JOBS`
 * (SnapshotTime = when the query started). A failing, slow or garbled query is logged and the last
 * good snapshot is re-sent until it is stale (see watch-loop.ts). A helper that dies is started
 * again at the next round. SIGTERM (how condor_master stops it) and SIGINT end it cleanly.
 */

interface WatchFlags {
  readonly interval?: string;
  readonly queryCommand?: string;
  readonly queryTimeout?: string;
  readonly staleAfter?: string;
  readonly once?: boolean;
  readonly dryRun?: boolean;
  readonly json?: boolean;
  readonly log?: string;
}

/** Settings of the watch loop, from flags, then knobs, then defaults. */
export interface WatchSettings {
  readonly queueCommand: string;
  readonly timing: WatchTiming;
  readonly logPath: string | undefined;
  readonly maxLogBytes: number;
  readonly dryRun: boolean;
}

async function seconds(
  ctx: CliContext,
  flag: string | undefined,
  flagName: string,
  knob: string,
  fallback: number,
): Promise<number> {
  const fromFlag = flag !== undefined;
  const text = flag ?? (await ctx.knobs.get(knob))?.trim();
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    const where = fromFlag ? flagName : knob;
    throw new CliError(`${where} = "${text}" is invalid: expected a number of seconds > 0`, EXIT.usage);
  }
  return value;
}

/** Resolves the watch settings (flags override knobs). */
export async function watchSettings(ctx: CliContext, flags: WatchFlags): Promise<WatchSettings> {
  const queueCommand =
    flags.queryCommand ??
    ((await ctx.knobs.get("ANNEX_WATCH_QUEUE_COMMAND"))?.trim() || DEFAULT_QUEUE_COMMAND);
  const intervalS = await seconds(ctx, flags.interval, "--interval", "ANNEX_WATCH_INTERVAL", 30);
  const timeoutS = await seconds(
    ctx,
    flags.queryTimeout,
    "--query-timeout",
    "ANNEX_WATCH_QUERY_TIMEOUT",
    120,
  );
  // Re-sending a snapshot the helper already finds stale is pointless: share its freshness knob.
  const staleS = await seconds(ctx, flags.staleAfter, "--stale-after", "ANNEX_SNAPSHOT_MAX_AGE", 300);
  const logKnob = (await ctx.knobs.get("ANNEX_WATCH_LOG"))?.trim();
  const maxLog = (await ctx.knobs.get("MAX_ANNEX_WATCH_LOG"))?.trim();
  const maxLogBytes = maxLog === undefined || maxLog === "" ? DEFAULT_MAX_LOG_BYTES : Number(maxLog);
  if (!Number.isFinite(maxLogBytes) || maxLogBytes < 0) {
    throw usageError(`MAX_ANNEX_WATCH_LOG = "${maxLog}" is invalid: expected a number of bytes`);
  }
  return {
    queueCommand,
    timing: {
      intervalMs: intervalS * 1000,
      queryTimeoutMs: timeoutS * 1000,
      staleAfterMs: staleS * 1000,
    },
    logPath: flags.log ?? (logKnob === "" ? undefined : logKnob),
    maxLogBytes,
    dryRun: flags.dryRun === true,
  };
}

/** The ANNEX_JOBS argument: the job ads as they are (expressions kept), and the snapshot time. */
export function jobsArgument(snapshot: QueueSnapshot<ClassAd>, dryRun: boolean): string {
  const record: RecordExpr = {
    kind: "record",
    attributes: [
      { name: "Jobs", expr: { kind: "list", items: snapshot.jobs.map((job) => job.toRecord()) } },
      {
        name: "SnapshotTime",
        expr: {
          kind: "literal",
          value: { type: "integer", value: BigInt(Math.floor(snapshot.takenAt / 1000)) },
        },
      },
      ...(dryRun
        ? [{ name: "DryRun", expr: { kind: "literal", value: { type: "boolean", value: true } } } as const]
        : []),
    ],
  };
  return unparse(record);
}

/** One log line per annex of an ANNEX_JOBS result. */
export function describeJobsResult(result: PlainAd): string[] {
  const lines = [
    `snapshot: ${read.number(result, "JobCount") ?? 0} jobs, ${read.number(result, "IgnoredJobs") ?? 0} ignored; ` +
      `${read.boolean(result, "Fresh") === false ? "stale, no heartbeats" : `${read.number(result, "HeartbeatCalls") ?? 0} heartbeat call(s)`}`,
  ];
  for (const annex of read.ads(result, "Annexes")) {
    const error = read.string(annex, "ActionError");
    lines.push(
      `  ${read.string(annex, "Name") ?? "?"}: idle ${read.number(annex, "IdleJobs") ?? 0}, running ${read.number(annex, "RunningJobs") ?? 0}, ` +
        `unmatched ${read.number(annex, "UnmatchedJobs") ?? 0}, conflicting ${read.number(annex, "ConflictingJobs") ?? 0}; ` +
        `instances ${read.number(annex, "CurrentCapacity") ?? 0} → ${read.number(annex, "DesiredCapacity") ?? 0} ` +
        `(target ${read.number(annex, "TargetInstances") ?? 0}); action ${read.string(annex, "Action") ?? "?"}` +
        `${error === undefined ? "" : ` (${read.string(annex, "ActionErrorCode") ?? ""} ${error})`}` +
        `${read.string(annex, "Conflict") === undefined ? "" : `; conflict: ${read.string(annex, "Conflict")}`}`,
    );
  }
  return lines;
}

/** The longest request line the watch's helper accepts unless ANNEX_GAHP_MAX_LINE_LENGTH says otherwise. */
export const WATCH_MAX_LINE_BYTES = 256 * 1024 * 1024;

/** Keeps one helper running; a dead one is replaced on the next use. */
class HelperKeeper {
  private helper: AnnexHelper | undefined;
  private starting: Promise<AnnexHelper> | undefined;

  constructor(
    private readonly ctx: CliContext,
    private readonly log: (message: string) => void,
  ) {}

  async get(): Promise<AnnexHelper> {
    if (this.helper?.alive === true) return this.helper;
    if (this.helper !== undefined) {
      this.log("annex-gahp has exited; starting a new one");
      this.helper = undefined;
    }
    this.starting ??= this.helperEnvironment()
      .then((extra) => this.ctx.startHelper(extra))
      .finally(() => {
        this.starting = undefined;
      });
    this.helper = await this.starting;
    this.log(`annex-gahp started: ${this.helper.gahp.banner}`);
    return this.helper;
  }

  /**
   * A snapshot is one request line, so the helper must accept long lines: a queue of 100,000
   * projected jobs is tens of megabytes. annex-gahp reads its own knobs from the environment only.
   */
  private async helperEnvironment(): Promise<NodeJS.ProcessEnv> {
    const knob = "ANNEX_GAHP_MAX_LINE_LENGTH";
    const configured = this.ctx.env[`_CONDOR_${knob}`] ?? (await this.ctx.knobs.get(knob))?.trim();
    return {
      [`_CONDOR_${knob}`]:
        configured !== undefined && configured !== "" ? configured : String(WATCH_MAX_LINE_BYTES),
    };
  }

  async close(): Promise<void> {
    const helper = this.helper;
    this.helper = undefined;
    if (helper?.alive === true) await helper.close();
  }
}

/** A sleep that {@link wake} ends early (so SIGTERM does not wait out the interval). */
function interruptibleSleep(): { sleep: (ms: number) => Promise<void>; wake: () => void } {
  let wakeUp: (() => void) | undefined;
  return {
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          wakeUp = undefined;
          resolve();
        }
        wakeUp = done;
      }),
    wake: () => wakeUp?.(),
  };
}

/** Runs the watch loop until a signal (or one round with `once`); resolves when it has stopped. */
export async function runWatch(
  ctx: CliContext,
  settings: WatchSettings,
  options: { once?: boolean; json?: boolean; signals?: NodeJS.EventEmitter } = {},
): Promise<RoundOutcome | undefined> {
  const logFile = new HTCondorLog({
    destination:
      settings.logPath === undefined ? { kind: "stderr" } : { kind: "file", path: settings.logPath },
    maxBytes: settings.maxLogBytes,
    maxRotations: 1,
    pid: process.pid,
  });
  const log = (message: string) => logFile.write(message);
  const helpers = new HelperKeeper(ctx, log);
  const { sleep, wake } = interruptibleSleep();
  let lastResult: PlainAd | undefined;
  const loop = new WatchLoop<ClassAd>(
    {
      readQueue: () =>
        readQueue(settings.queueCommand, { timeoutMs: settings.timing.queryTimeoutMs, env: ctx.env }),
      send: async (snapshot) => {
        const argument = jobsArgument(snapshot, settings.dryRun);
        const helper = await helpers.get();
        let result: AnnexResult;
        try {
          result = await helper.callText("ANNEX_JOBS", argument, { timeoutMs: 5 * 60_000 });
        } catch (error) {
          if (helper.alive) throw error;
          // The helper died under this call: start a new one and send the snapshot again.
          log(`annex-gahp died (${error instanceof Error ? error.message : String(error)})`);
          result = await (await helpers.get()).callText("ANNEX_JOBS", argument, { timeoutMs: 5 * 60_000 });
        }
        lastResult = result.plain;
        for (const line of describeJobsResult(result.plain)) log(line);
      },
      log,
      now: ctx.now,
      sleep,
    },
    // readQueue kills the query at its timeout; the loop's own limit is only a backstop.
    { ...settings.timing, queryTimeoutMs: settings.timing.queryTimeoutMs + 5000 },
  );
  log(
    `condor-annex watch starting: every ${settings.timing.intervalMs / 1000} s, query: ${settings.queueCommand}` +
      `${settings.dryRun ? " (dry run)" : ""}`,
  );
  const signals = options.signals ?? process;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping && signals === process) {
      // A second signal: do not wait for a slow query or call to finish.
      log(`caught ${signal} again; exiting now`);
      logFile.close();
      process.exit(0);
    }
    stopping = true;
    log(`caught ${signal}; stopping`);
    loop.stop();
    wake();
  };
  const onTerm = () => stop("SIGTERM");
  const onInt = () => stop("SIGINT");
  signals.on("SIGTERM", onTerm);
  signals.on("SIGINT", onInt);
  let outcome: RoundOutcome | undefined;
  try {
    if (options.once === true) {
      outcome = await loop.round();
      if (options.json === true) printJson(ctx, { Outcome: outcome.kind, Result: lastResult ?? {} });
      else if (lastResult !== undefined)
        ctx.io.stdout.write(`${describeJobsResult(lastResult).join("\n")}\n`);
      else ctx.io.stdout.write(`round: ${outcome.kind}${"error" in outcome ? ` (${outcome.error})` : ""}\n`);
    } else {
      await loop.run((round) => {
        outcome = round;
        if (round.kind === "fresh") return;
        log(`round: ${round.kind}${"error" in round ? ` (${round.error})` : ""}`);
      });
    }
  } finally {
    signals.off("SIGTERM", onTerm);
    signals.off("SIGINT", onInt);
    await helpers.close();
    log("condor-annex watch stopped");
    logFile.close();
  }
  return outcome;
}

/** `condor-annex watch`. */
export function buildWatchCommand(ctx: CliContext): Command {
  return new Command("watch")
    .description(
      "poll the queue and feed annex-gahp (ANNEX_JOBS) forever: demand creates and scales annexes, " +
        "heartbeats keep their leases; run by condor_master (DAEMON_LIST = … ANNEX_WATCH)",
    )
    .option("--interval <seconds>", "time between queue reads (default ANNEX_WATCH_INTERVAL, else 30)")
    .option(
      "--query-command <command>",
      "shell command printing the queue in long form (default ANNEX_WATCH_QUEUE_COMMAND)",
    )
    .option(
      "--query-timeout <seconds>",
      "a query slower than this fails (default ANNEX_WATCH_QUERY_TIMEOUT, else 120)",
    )
    .option(
      "--stale-after <seconds>",
      "stop re-sending a snapshot this old (default ANNEX_SNAPSHOT_MAX_AGE, else 300)",
    )
    .option("--log <path>", "log file (default ANNEX_WATCH_LOG, else stderr)")
    .option("--dry-run", "compute and log demand only: nothing is created, resized or heartbeaten")
    .option("--once", "one round, print what the helper decided, and exit")
    .option("--json", "with --once: print the result as JSON")
    .action(async (flags: WatchFlags) => {
      const settings = await watchSettings(ctx, flags);
      const outcome = await runWatch(ctx, settings, { once: flags.once === true, json: flags.json === true });
      if (flags.once === true && outcome !== undefined && outcome.kind !== "fresh") {
        throw new CliError(
          `the round did not complete: ${outcome.kind}${"error" in outcome ? ` (${outcome.error})` : ""}`,
          EXIT.failure,
        );
      }
    });
}

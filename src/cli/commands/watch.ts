import { Command } from "commander";
import { MAX_REPORTED_JOB_IDS } from "../../annex/demand/compute.js";
import type { Attribute, RecordExpr } from "../../classad/ast.js";
import { bytesFromText } from "../../classad/ast.js";
import { type PlainAd, read } from "../../classad/plain.js";
import { unparse } from "../../classad/unparse.js";
import { DEFAULT_MAX_LOG_BYTES, HTCondorLog } from "../../condor/log-file.js";
import type { AnnexHelper, AnnexResult } from "../annex-helper.js";
import { type CliContext, printJson } from "../cli-context.js";
import { CliError, EXIT, usageError } from "../exit-codes.js";
import { condorQedit, type JobVerdict, VerdictWriter } from "../job-verdicts.js";
import { type JobShape, shapeRecord } from "../queue-shapes.js";
import { condorVersion, QueueReader } from "../queue-snapshot.js";
import { type RunAsTarget, runAsTarget } from "../run-as.js";
import { type QueueSnapshot, type RoundOutcome, WatchLoop, type WatchTiming } from "../watch-loop.js";

/**
 * `condor-annex watch`: the access point's loop, kept running by condor_master (DAEMON_LIST
 * ANNEX_WATCH). Started as root, it first becomes the `condor` user (CONDOR_IDS), as HTCondor's
 * daemons do. Every interval it reads the queue (by default `condor_q`, projected to what demand
 * needs and completed with what the jobs' expressions refer to), collapses it into shapes of
 * identical jobs as the ads stream in, and sends the snapshot to annex-gahp with `ANNEX_JOBS`
 * (SnapshotTime = when the query started). The helper's verdicts are written back onto the jobs
 * (`AnnexRequestStatus`, `AnnexRequestReason`). A failing, slow or garbled query is logged and the
 * last good snapshot is re-sent until it is stale (see watch-loop.ts). A helper that dies is
 * started again at the next round. SIGHUP (`condor_reconfig`) re-reads the configuration and
 * restarts the helper; SIGTERM (how condor_master stops it) and SIGINT end it cleanly.
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
  /** A fixed query command (flag or ANNEX_WATCH_QUEUE_COMMAND); undefined: the default, projected. */
  readonly queueCommand: string | undefined;
  readonly timing: WatchTiming;
  readonly logPath: string | undefined;
  readonly maxLogBytes: number;
  readonly dryRun: boolean;
  /** Write the helper's verdicts onto the jobs (ANNEX_WATCH_JOB_VERDICTS, default true). */
  readonly writeVerdicts: boolean;
  /** Who to become when started as root (CONDOR_IDS, else condor). */
  readonly runAs: RunAsTarget;
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
    flags.queryCommand ?? ((await ctx.knobs.get("ANNEX_WATCH_QUEUE_COMMAND"))?.trim() || undefined);
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
  const verdicts = (await ctx.knobs.get("ANNEX_WATCH_JOB_VERDICTS"))?.trim().toLowerCase();
  if (verdicts !== undefined && verdicts !== "" && !["true", "false"].includes(verdicts)) {
    throw usageError(`ANNEX_WATCH_JOB_VERDICTS = "${verdicts}" is invalid: expected true or false`);
  }
  let runAs: RunAsTarget;
  try {
    runAs = runAsTarget(await ctx.knobs.get("CONDOR_IDS"));
  } catch (error) {
    throw usageError(error instanceof Error ? error.message : String(error));
  }
  return {
    queueCommand,
    writeVerdicts: verdicts !== "false",
    runAs,
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

/** What one queue reading sends: the shapes, and the access point's HTCondor version. */
export interface WatchSnapshot {
  readonly shapes: readonly JobShape[];
  readonly condorVersion: string | undefined;
}

/**
 * The ANNEX_JOBS argument: each shape of identical jobs once (its ad with the expressions kept,
 * `JobCount`, a sample of `JobIds`), the snapshot time and the access point's `$CondorVersion$`.
 */
export function jobsArgument(snapshot: QueueSnapshot<JobShape>, dryRun: boolean, version?: string): string {
  const attributes: Attribute[] = [
    {
      name: "Jobs",
      expr: { kind: "list", items: snapshot.jobs.map((shape) => shapeRecord(shape, MAX_REPORTED_JOB_IDS)) },
    },
    {
      name: "SnapshotTime",
      expr: {
        kind: "literal",
        value: { type: "integer", value: BigInt(Math.floor(snapshot.takenAt / 1000)) },
      },
    },
  ];
  if (version !== undefined) {
    attributes.push({
      name: "CondorVersion",
      expr: { kind: "literal", value: { type: "string", value: bytesFromText(version) } },
    });
  }
  if (dryRun)
    attributes.push({ name: "DryRun", expr: { kind: "literal", value: { type: "boolean", value: true } } });
  const record: RecordExpr = { kind: "record", attributes };
  return unparse(record);
}

/** The verdicts of an ANNEX_JOBS result. */
export function verdictsOf(result: PlainAd): JobVerdict[] {
  return read.ads(result, "Verdicts").flatMap((verdict) => {
    const entry = read.number(verdict, "Entry");
    const status = read.string(verdict, "Status");
    const reason = read.string(verdict, "Reason");
    return entry === undefined || status === undefined || reason === undefined
      ? []
      : [{ entry, status, reason }];
  });
}

/** One log line per annex of an ANNEX_JOBS result. */
export function describeJobsResult(result: PlainAd): string[] {
  const lines = [
    `snapshot: ${read.number(result, "JobCount") ?? 0} jobs, ${read.number(result, "IgnoredJobs") ?? 0} ignored; ` +
      `${read.boolean(result, "Fresh") === false ? "stale, no heartbeats" : `${read.number(result, "HeartbeatCalls") ?? 0} heartbeat call(s)`}`,
  ];
  // What users see on their jobs: each verdict other than Matched, once per reason.
  const seen = new Set<string>();
  for (const verdict of verdictsOf(result)) {
    const line = `  ${verdict.status}: ${verdict.reason}`;
    if (verdict.status === "Matched" || seen.has(line)) continue;
    seen.add(line);
    lines.push(line);
  }
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

  /** Stops the helper; the next use starts one with the configuration as it is now. */
  async restart(): Promise<void> {
    await this.close();
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

/** Options of {@link runWatch}. */
export interface RunWatchOptions {
  readonly once?: boolean;
  readonly json?: boolean;
  readonly signals?: NodeJS.EventEmitter;
  /** Reads the settings again (SIGHUP); without it a SIGHUP keeps the settings. */
  readonly reloadSettings?: () => Promise<WatchSettings>;
  /** Runs condor_qedit (tests inject a fake). */
  readonly qedit?: ConstructorParameters<typeof VerdictWriter>[0];
}

function openLog(settings: WatchSettings): HTCondorLog {
  return new HTCondorLog({
    destination:
      settings.logPath === undefined ? { kind: "stderr" } : { kind: "file", path: settings.logPath },
    maxBytes: settings.maxLogBytes,
    maxRotations: 1,
    pid: process.pid,
  });
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs the watch loop until a signal (or one round with `once`); resolves when it has stopped. */
export async function runWatch(
  ctx: CliContext,
  initial: WatchSettings,
  options: RunWatchOptions = {},
): Promise<RoundOutcome | undefined> {
  let settings = initial;
  // Before the log is opened, so that it belongs to the user the watch runs as.
  let dropped: string | undefined;
  let cannotDrop: string | undefined;
  try {
    dropped = ctx.dropRoot?.(settings.runAs);
  } catch (error) {
    cannotDrop = describeError(error);
  }
  let logFile = openLog(settings);
  const log = (message: string) => logFile.write(message);
  if (cannotDrop !== undefined) {
    const who = "user" in settings.runAs ? `user ${settings.runAs.user}` : `uid ${settings.runAs.uid}`;
    const message = `cannot run as ${who} (${cannotDrop}); create that user or set CONDOR_IDS to the uid.gid to run as`;
    log(message);
    logFile.close();
    throw new CliError(message, EXIT.failure);
  }
  if (dropped !== undefined) log(dropped);
  const helpers = new HelperKeeper(ctx, log);
  const { sleep, wake } = interruptibleSleep();
  // Signals are taken from here on: a SIGTERM while starting (condor_off right after a restart)
  // ends the watch cleanly too.
  const signals = options.signals ?? process;
  let stopping = false;
  let stopLoop = () => {};
  const stop = (signal: string) => {
    if (stopping && signals === process) {
      // A second signal: do not wait for a slow query or call to finish.
      log(`caught ${signal} again; exiting now`);
      logFile.close();
      process.exit(0);
    }
    stopping = true;
    log(`caught ${signal}; stopping`);
    stopLoop();
    wake();
  };
  const onTerm = () => stop("SIGTERM");
  const onInt = () => stop("SIGINT");
  signals.on("SIGTERM", onTerm);
  signals.on("SIGINT", onInt);
  const version = await condorVersion(ctx.env);
  const verdicts = new VerdictWriter(options.qedit ?? condorQedit(ctx.env));
  let reader = new QueueReader({
    ...(settings.queueCommand === undefined ? {} : { command: settings.queueCommand }),
    timeoutMs: settings.timing.queryTimeoutMs,
    env: ctx.env,
  });
  let lastResult: PlainAd | undefined;
  let lastQuery: { ms: number; jobs: number; shapes: number } | undefined;
  const loop = new WatchLoop<JobShape>(
    {
      readQueue: async () => {
        const started = performance.now();
        lastQuery = undefined;
        const reading = await reader.read();
        lastQuery = { ms: performance.now() - started, jobs: reading.jobs, shapes: reading.shapes.length };
        if (reading.added.length > 0) {
          log(`the jobs' expressions refer to ${reading.added.join(", ")}: added to the queue query`);
        }
        return reading.shapes;
      },
      countJobs: (shapes) => shapes.reduce((sum, shape) => sum + shape.count, 0),
      send: async (snapshot) => {
        const sendStarted = performance.now();
        const argument = jobsArgument(snapshot, settings.dryRun, version);
        const helper = await helpers.get();
        let result: AnnexResult;
        try {
          result = await helper.callText("ANNEX_JOBS", argument, { timeoutMs: 5 * 60_000 });
        } catch (error) {
          if (helper.alive) throw error;
          // The helper died under this call: start a new one and send the snapshot again.
          log(`annex-gahp died (${describeError(error)})`);
          result = await (await helpers.get()).callText("ANNEX_JOBS", argument, { timeoutMs: 5 * 60_000 });
        }
        lastResult = result.plain;
        for (const line of describeJobsResult(result.plain)) log(line);
        const helperMs = performance.now() - sendStarted;
        let edits = 0;
        const verdictsStarted = performance.now();
        if (settings.writeVerdicts && !settings.dryRun) {
          const round = await verdicts.write(snapshot.jobs, verdictsOf(result.plain));
          edits = round.edits;
          for (const failure of round.failures) log(`writing a verdict onto jobs failed: ${failure}`);
        }
        const query = lastQuery;
        const seconds = (ms: number) => (ms / 1000).toFixed(2);
        log(
          `round: ${query === undefined ? "" : `query ${seconds(query.ms)} s (${query.jobs} jobs in ${query.shapes} shapes), `}` +
            `ANNEX_JOBS ${seconds(helperMs)} s (${argument.length} bytes), verdicts ${seconds(performance.now() - verdictsStarted)} s (${edits} condor_qedit)`,
        );
      },
      log,
      now: ctx.now,
      sleep,
    },
    // readQueue kills the query at its timeout; the loop's own limit is only a backstop.
    { ...settings.timing, queryTimeoutMs: settings.timing.queryTimeoutMs + 5000 },
  );
  const describeStart = () =>
    `every ${settings.timing.intervalMs / 1000} s, query: ${reader.command}${settings.dryRun ? " (dry run)" : ""}` +
    `${settings.writeVerdicts ? "" : " (no verdicts on jobs)"}`;
  log(`condor-annex watch starting: ${describeStart()}${version === undefined ? "" : `; ${version}`}`);
  stopLoop = () => loop.stop();
  if (stopping) loop.stop();
  /** condor_reconfig: read the configuration again, apply it from the next round, restart the helper. */
  const reconfig = async () => {
    log("caught SIGHUP; reading the configuration again");
    if (options.reloadSettings === undefined) return;
    try {
      ctx.knobs.reload?.();
      const next = await options.reloadSettings();
      if (next.logPath !== settings.logPath || next.maxLogBytes !== settings.maxLogBytes) {
        logFile.close();
        logFile = openLog(next);
      }
      settings = next;
      reader = new QueueReader({
        ...(settings.queueCommand === undefined ? {} : { command: settings.queueCommand }),
        timeoutMs: settings.timing.queryTimeoutMs,
        env: ctx.env,
      });
      loop.setTiming({ ...settings.timing, queryTimeoutMs: settings.timing.queryTimeoutMs + 5000 });
      await helpers.restart();
      log(`reconfigured: ${describeStart()}; the helper restarts with the new configuration`);
    } catch (error) {
      log(`the new configuration is not usable (${describeError(error)}); keeping the old one`);
    }
  };
  const onHup = () => void reconfig();
  signals.on("SIGHUP", onHup);
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
    signals.off("SIGHUP", onHup);
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
      "shell command printing the queue in long form (default ANNEX_WATCH_QUEUE_COMMAND, else condor_q projected to what demand needs)",
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
      const outcome = await runWatch(ctx, settings, {
        once: flags.once === true,
        json: flags.json === true,
        reloadSettings: () => watchSettings(ctx, flags),
      });
      if (flags.once === true && outcome !== undefined && outcome.kind !== "fresh") {
        throw new CliError(
          `the round did not complete: ${outcome.kind}${"error" in outcome ? ` (${outcome.error})` : ""}`,
          EXIT.failure,
        );
      }
    });
}

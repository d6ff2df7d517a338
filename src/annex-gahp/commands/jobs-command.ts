import type { SnapshotJob } from "../../annex/demand/compute.js";
import { textFromBytes } from "../../classad/ast.js";
import { ClassAd } from "../../classad/classad.js";
import { Evaluator } from "../../classad/evaluate.js";
import type { Checked } from "../../gahp/classad-command.js";
import { classAdCommand } from "../../gahp/classad-command.js";
import type { AsyncCommand } from "../../gahp/types.js";
import { requirePool, withRuntime } from "../runtime.js";
import { demandAttributes } from "./annex-ads.js";
import { ArgumentReader, type SourcedAd } from "./arguments.js";
import type { AnnexCommandContext } from "./command-deps.js";
import { resultOutcome, timeAttributes } from "./result-ads.js";

/** The typed argument of `ANNEX_JOBS`: a queue snapshot. */
export interface JobsCommandRequest {
  readonly jobs: readonly SnapshotJob[];
  /** Seconds since the epoch. */
  readonly snapshotTime: number;
  readonly dryRun: boolean;
  /** The access point's `$CondorVersion$`, when the watch sent it. */
  readonly condorVersion?: string;
}

/** Attributes of a snapshot entry that describe the entry, not the job (removed from its ad). */
export const SHAPE_ATTRIBUTES = { count: "JobCount", ids: "JobIds" } as const;

/**
 * A snapshot entry from its ad: `JobCount` (an integer ≥ 1, default 1) identical jobs, some of
 * whose ids `JobIds` lists; both are taken off the ad, so the job's own expressions never see
 * them. Returns a problem message instead when they are malformed.
 */
function snapshotJob(ad: ClassAd, evaluator: Evaluator): SnapshotJob | string {
  let count = 1;
  if (ad.has(SHAPE_ATTRIBUTES.count)) {
    const value = evaluator.evaluateAttribute(ad, SHAPE_ATTRIBUTES.count);
    if (value.kind !== "integer" || value.value < 1n || value.value > BigInt(Number.MAX_SAFE_INTEGER)) {
      return `${SHAPE_ATTRIBUTES.count} must be an integer ≥ 1 (how many identical jobs this ad stands for)`;
    }
    count = Number(value.value);
    ad.delete(SHAPE_ATTRIBUTES.count);
  }
  const jobIds: string[] = [];
  if (ad.has(SHAPE_ATTRIBUTES.ids)) {
    const value = evaluator.evaluateAttribute(ad, SHAPE_ATTRIBUTES.ids);
    const items = value.kind === "list" ? value.items.map((item) => evaluator.evaluate(item, ad)) : [];
    if (value.kind !== "list" || !items.every((item) => item.kind === "string")) {
      return `${SHAPE_ATTRIBUTES.ids} must be a list of job id strings, e.g. { "12.0", "12.1" }`;
    }
    for (const item of items) if (item.kind === "string") jobIds.push(textFromBytes(item.value));
    ad.delete(SHAPE_ATTRIBUTES.ids);
  }
  return { ad, count, jobIds };
}

/**
 * `[ Jobs = { [job], … }; SnapshotTime = <epoch seconds>; DryRun = <bool>; CondorVersion = "…" ]`.
 * Each element of Jobs is a job ad, or a shape — `[ <job attributes>; JobCount = 500; JobIds =
 * { "12.0", … } ]` standing for that many identical jobs — so a snapshot's size grows with the
 * distinct shapes, not the jobs. A position-bearing error names the first element that is not an
 * ad or whose JobCount/JobIds are malformed; job ads are otherwise taken as they are — a job with
 * a bad AnnexRequest is reported by demand, not here, so one bad job cannot stop the heartbeats
 * of all the others.
 */
export function validateJobs(sourced: SourcedAd, now: () => number = Date.now): Checked<JobsCommandRequest> {
  const reader = new ArgumentReader("ANNEX_JOBS", sourced);
  const jobs: SnapshotJob[] = [];
  const evaluator = new Evaluator();
  const add = (ad: ClassAd, index: number) => {
    const job = snapshotJob(ad, evaluator);
    if (typeof job === "string") reader.problem("Jobs", `element ${index + 1}: ${job}`, ["Jobs", index]);
    else jobs.push(job);
  };
  const jobsExpr = sourced.ad.get("Jobs");
  if (jobsExpr?.kind === "list") {
    // The usual case, a list literal: take each record as a standalone job ad (no evaluation).
    reader.accept("Jobs");
    jobsExpr.items.forEach((item, index) => {
      if (item.kind === "record") add(ClassAd.fromRecord(item, null), index);
      else reader.problem("Jobs", `element ${index + 1} is not a job ad (expected [ … ])`, ["Jobs", index]);
    });
  } else {
    const list = reader.list("Jobs", { required: true, form: "a list of job ads, { [ … ], [ … ] }" });
    list?.items.forEach((value, index) => {
      if (value.kind === "classad") add(value.ad, index);
      else reader.problem("Jobs", `element ${index + 1} is not a job ad (expected [ … ])`, ["Jobs", index]);
    });
  }
  const condorVersion = reader.string("CondorVersion", {
    form: 'the access point\'s version string, e.g. "$CondorVersion: 25.14.1 2026-10-16 $"',
  });
  const snapshotTime = reader.number("SnapshotTime", {
    integer: true,
    min: 0,
    form: "an integer: seconds since the epoch when the queue was read",
  });
  const dryRun = reader.boolean("DryRun");
  return reader.finish(() => ({
    jobs,
    snapshotTime: snapshotTime ?? Math.floor(now() / 1000),
    dryRun: dryRun ?? false,
    ...(condorVersion === undefined ? {} : { condorVersion }),
  }));
}

/** `ANNEX_JOBS`: demand from a queue snapshot; creates, scales and heartbeats annexes. */
export function jobsCommand(context: AnnexCommandContext): AsyncCommand {
  return classAdCommand({
    name: "ANNEX_JOBS",
    codec: context.codec,
    validate: (sourced) => validateJobs(sourced),
    run: (request) =>
      withRuntime(context.runtime, async (runtime) => {
        requirePool(runtime);
        const result = await runtime.demand.snapshot(request);
        return resultOutcome({
          ...timeAttributes("SnapshotTime", new Date(result.snapshotTime * 1000)),
          Fresh: result.fresh,
          DryRun: result.dryRun,
          JobCount: result.jobCount,
          IgnoredJobs: result.ignoredJobs,
          HeartbeatCalls: result.heartbeatCalls,
          Annexes: result.annexes.map(demandAttributes),
          Verdicts: result.verdicts.map((verdict) => ({
            Entry: verdict.index,
            Annex: verdict.annex,
            Status: verdict.status,
            Reason: verdict.reason,
          })),
          Warnings: result.warnings.length > 0 ? result.warnings : undefined,
        });
      }),
  });
}

import { ClassAd } from "../../classad/classad.js";
import type { Checked } from "../../gahp/classad-command.js";
import { classAdCommand } from "../../gahp/classad-command.js";
import type { AsyncCommand } from "../../gahp/types.js";
import { demandAttributes } from "./annex-ads.js";
import { ArgumentReader, type SourcedAd } from "./arguments.js";
import type { AnnexCommandContext } from "./command-deps.js";
import { resultOutcome, timeAttributes } from "./result-ads.js";
import { requirePool, withRuntime } from "./runtime.js";

/** The typed argument of `ANNEX_JOBS`: a queue snapshot. */
export interface JobsCommandRequest {
  readonly jobs: readonly ClassAd[];
  /** Seconds since the epoch. */
  readonly snapshotTime: number;
  readonly dryRun: boolean;
}

/**
 * `[ Jobs = { [job], … }; SnapshotTime = <epoch seconds>; DryRun = <bool> ]`. Each element of
 * Jobs must be an ad (a position-bearing error names the first that is not); the job ads are
 * taken as they are — a job with a bad AnnexRequest is reported by demand, not here, so one bad
 * job cannot stop the heartbeats of all the others.
 */
export function validateJobs(sourced: SourcedAd, now: () => number = Date.now): Checked<JobsCommandRequest> {
  const reader = new ArgumentReader("ANNEX_JOBS", sourced);
  const jobs: ClassAd[] = [];
  const jobsExpr = sourced.ad.get("Jobs");
  if (jobsExpr?.kind === "list") {
    // The usual case, a list literal: take each record as a standalone job ad (no evaluation).
    reader.accept("Jobs");
    jobsExpr.items.forEach((item, index) => {
      if (item.kind === "record") jobs.push(ClassAd.fromRecord(item, null));
      else reader.problem("Jobs", `element ${index + 1} is not a job ad (expected [ … ])`, ["Jobs", index]);
    });
  } else {
    const list = reader.list("Jobs", { required: true, form: "a list of job ads, { [ … ], [ … ] }" });
    list?.items.forEach((value, index) => {
      if (value.kind === "classad") jobs.push(value.ad);
      else reader.problem("Jobs", `element ${index + 1} is not a job ad (expected [ … ])`, ["Jobs", index]);
    });
  }
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
          Warnings: result.warnings.length > 0 ? result.warnings : undefined,
        });
      }),
  });
}

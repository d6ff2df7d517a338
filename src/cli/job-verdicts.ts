import { execFile } from "node:child_process";
import { bytesFromText } from "../classad/ast.js";
import { escapeNew } from "../classad/unparse.js";
import { toolError } from "./queue-query.js";
import type { JobShape, ProcRange } from "./queue-shapes.js";

/**
 * What became of a job's `+AnnexRequest`, written onto the job itself so its owner sees it with
 * `condor_q` — as the schedd writes `HoldReason` or the negotiator `LastRejMatchReason`:
 *
 *     AnnexRequestStatus = "Matched" | "Unmatched" | "Unplaceable" | "Conflicting" | "Invalid"
 *     AnnexRequestReason = "no instance type of annex chem (c6i.2xlarge) matches the job: …"
 *
 * The watch sets them with `condor_qedit` (it runs as the `condor` user, a queue super user),
 * one call per distinct verdict, constrained to the verdict's jobs (their id ranges) and to jobs
 * whose attributes differ, so a round that changes nothing edits nothing. Jobs are not held: a
 * job the annex cannot serve may still run on the pool's own machines.
 */

/** The job attributes a verdict is written to. */
export const VERDICT_ATTRIBUTES = { status: "AnnexRequestStatus", reason: "AnnexRequestReason" } as const;

/** Ranges per condor_qedit call (keeps the constraint a few kilobytes long). */
export const RANGES_PER_EDIT = 200;

/** A verdict from the helper, on the snapshot entry at `entry`. */
export interface JobVerdict {
  readonly entry: number;
  readonly status: string;
  readonly reason: string;
}

/** Runs condor_qedit with these arguments; resolves with its error text, or undefined on success. */
export type QeditRunner = (args: readonly string[]) => Promise<string | undefined>;

/** The real runner: `condor_qedit` on PATH. */
export function condorQedit(env: NodeJS.ProcessEnv = process.env): QeditRunner {
  return (args) =>
    new Promise((resolve) => {
      execFile(
        "condor_qedit",
        [...args],
        { env, timeout: 60_000, maxBuffer: 4 * 1024 * 1024 },
        (error, stdout, stderr) => {
          resolve(error === null ? undefined : toolError(stderr, stdout) || error.message);
        },
      );
    });
}

/** A ClassAd string literal. */
function literal(text: string): string {
  return `"${escapeNew(bytesFromText(text), '"')}"`;
}

function rangeConstraint(range: ProcRange): string {
  if (range.first === range.last) return `(ClusterId == ${range.cluster} && ProcId == ${range.first})`;
  return `(ClusterId == ${range.cluster} && ProcId >= ${range.first} && ProcId <= ${range.last})`;
}

/** What one round of writing did. */
export interface VerdictRound {
  /** condor_qedit calls made. */
  readonly edits: number;
  /** Failures (each names the verdict it was for). */
  readonly failures: readonly string[];
}

/** Writes verdicts onto jobs, remembering what it wrote so unchanged verdicts cost nothing. */
export class VerdictWriter {
  readonly #run: QeditRunner;
  /** Verdict text → the ranges last written for it. */
  #written = new Map<string, string>();

  constructor(run: QeditRunner) {
    this.#run = run;
  }

  /** Writes `verdicts` (on entries of `shapes`) onto the jobs. Never rejects. */
  async write(shapes: readonly JobShape[], verdicts: readonly JobVerdict[]): Promise<VerdictRound> {
    const byVerdict = new Map<string, { status: string; reason: string; ranges: ProcRange[] }>();
    for (const verdict of verdicts) {
      const shape = shapes[verdict.entry];
      if (shape === undefined || shape.ranges.length === 0) continue;
      const key = `${verdict.status}\n${verdict.reason}`;
      const group = byVerdict.get(key) ?? { status: verdict.status, reason: verdict.reason, ranges: [] };
      group.ranges.push(...shape.ranges);
      byVerdict.set(key, group);
    }
    const written = new Map<string, string>();
    const failures: string[] = [];
    let edits = 0;
    for (const [key, group] of byVerdict) {
      const signature = group.ranges.map((r) => `${r.cluster}.${r.first}-${r.last}`).join(",");
      written.set(key, signature);
      if (this.#written.get(key) === signature) continue;
      const changed = `(${VERDICT_ATTRIBUTES.status} =!= ${literal(group.status)} || ${VERDICT_ATTRIBUTES.reason} =!= ${literal(group.reason)})`;
      for (let i = 0; i < group.ranges.length; i += RANGES_PER_EDIT) {
        const jobs = group.ranges
          .slice(i, i + RANGES_PER_EDIT)
          .map(rangeConstraint)
          .join(" || ");
        edits++;
        const error = await this.#run([
          "-constraint",
          `${changed} && (${jobs})`,
          VERDICT_ATTRIBUTES.status,
          literal(group.status),
          VERDICT_ATTRIBUTES.reason,
          literal(group.reason),
        ]);
        // condor_qedit says the same when it may not edit the jobs and when none matched (they
        // all carry the verdict already, or left the queue meanwhile): report it, and try again
        // next round (jobs that left are no longer in the verdict's ranges then).
        if (error !== undefined) {
          failures.push(`${group.status} for ${group.ranges.length} job range(s): ${error}`);
          written.delete(key);
        }
      }
    }
    this.#written = written;
    return { edits, failures };
  }
}

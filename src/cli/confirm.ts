import { createInterface } from "node:readline";
import type { CliIO } from "./cli-io.js";
import { CliError, EXIT } from "./exit-codes.js";

/**
 * The confirmation condor_annex asks before spending money, in its own words:
 * "Will request 1 m4.large on-demand instance for 0.83 hours. Each instance will terminate after
 * being idle for 0.25 hours. Is that OK?"
 */

/** What is about to be requested, for the confirmation text. */
export interface SpendSummary {
  readonly name: string;
  /** Instances asked for now; undefined when demand decides (up to `maxInstances`). */
  readonly count: number | undefined;
  readonly maxInstances: number;
  readonly instanceTypes: readonly string[];
  readonly spot: boolean;
  readonly maxHours: number;
  readonly idleMinutes: number;
  readonly leaseMinutes: number;
}

/** Hours as condor_annex prints them: at most two decimals, no trailing zeros. */
export function hoursText(hours: number): string {
  return String(Math.round(hours * 100) / 100);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The question, condor_annex's wording plus what the lease adds. */
export function confirmationText(s: SpendSummary): string {
  const types = s.instanceTypes.join(" or ");
  const market = s.spot ? "spot" : "on-demand";
  const what =
    s.count === undefined
      ? `up to ${s.maxInstances} ${types} ${market} instance${s.maxInstances === 1 ? "" : "s"} (as many as the queue's jobs need)`
      : `${s.count} ${types} ${market} instance${s.count === 1 ? "" : "s"}`;
  return (
    `Will request ${what} for ${hoursText(s.maxHours)} hours. ` +
    `Each instance will terminate after being idle for ${hoursText(s.idleMinutes / 60)} hours. ` +
    `The annex "${s.name}" is deleted after ${plural(s.leaseMinutes, "minute")} without a heartbeat. Is that OK?`
  );
}

/**
 * Asks `question` on the terminal; resolves true for y/yes. Without a terminal on stdin nobody can
 * answer, so it refuses with a usage error that names `--yes`.
 */
export async function confirm(io: CliIO, question: string): Promise<boolean> {
  if (!io.stdinIsTTY) {
    throw new CliError(
      `${question}\nRefusing to spend money without confirmation: stdin is not a terminal. Add --yes (classic: -yes) to confirm.`,
      EXIT.usage,
    );
  }
  const rl = createInterface({ input: io.stdin, terminal: false });
  try {
    io.stderr.write(`${question} [y/N] `);
    const answer = await new Promise<string>((resolve) => {
      rl.once("line", resolve);
      rl.once("close", () => resolve(""));
    });
    return /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    rl.close();
  }
}

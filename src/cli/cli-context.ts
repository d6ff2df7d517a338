import type { RecordExpr } from "../classad/ast.js";
import type { ClassAd } from "../classad/classad.js";
import { formatOldAds } from "../classad/old-format.js";
import type { PlainAd, PlainValue } from "../classad/plain.js";
import type { KnobSource } from "../condor/knobs.js";
import { type AnnexCommandName, AnnexHelper, helperLaunch } from "./annex-helper.js";
import type { CliIO } from "./cli-io.js";
import { POOL_COMMAND, type PoolView, readPool } from "./pool-status.js";
import { Progress } from "./progress.js";
import { dropRoot, type RunAsTarget } from "./run-as.js";

/** What every subcommand runs with; injected so commands are tested in memory. */
export interface CliContext {
  readonly io: CliIO;
  /** HTCondor knobs: `_CONDOR_<KNOB>`, then condor_config_val. */
  readonly knobs: KnobSource;
  /** The environment the helper inherits (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, …). */
  readonly env: NodeJS.ProcessEnv;
  /** Starts a helper, with `extraEnv` added to its environment (tests connect an in-memory GAHP server instead). */
  readonly startHelper: (extraEnv?: NodeJS.ProcessEnv) => Promise<AnnexHelper>;
  /** Wall clock, epoch milliseconds. */
  readonly now: () => number;
  /**
   * Drops root for the given user (the watch under condor_master); absent in contexts that must
   * never change the process's identity (tests).
   */
  readonly dropRoot?: (target: RunAsTarget) => string | undefined;
  /** Asks the collector which annex instances joined the pool (absent: status shows AWS only). */
  readonly readPool?: () => Promise<PoolView>;
}

/** The real context: this process's terminal, knobs and environment; the configured helper. */
export function processContext(
  io: CliIO,
  knobs: KnobSource,
  env: NodeJS.ProcessEnv = process.env,
): CliContext {
  return {
    io,
    knobs,
    env,
    startHelper: async (extraEnv) => AnnexHelper.start(await helperLaunch(knobs), { ...env, ...extraEnv }),
    now: () => Date.now(),
    dropRoot: (target) => dropRoot(target, env),
    readPool: () => readPool(POOL_COMMAND, { env }),
  };
}

/** Runs `body` with a started helper and always stops the helper afterwards. */
export async function withHelper<T>(ctx: CliContext, body: (helper: AnnexHelper) => Promise<T>): Promise<T> {
  const helper = await ctx.startHelper();
  try {
    return await body(helper);
  } finally {
    await helper.close();
  }
}

/**
 * Sends one annex command through a fresh helper while a progress line (on a terminal) says what
 * is happening, and returns its result as plain data.
 */
export async function callWithProgress(
  ctx: CliContext,
  doing: string,
  command: AnnexCommandName,
  argument: PlainAd,
): Promise<PlainAd> {
  const progress = new Progress(ctx.io);
  progress.start(doing);
  try {
    return await withHelper(ctx, async (helper) => (await helper.call(command, argument)).plain);
  } finally {
    progress.stop();
  }
}

/** Prints `value` as indented JSON on stdout. */
export function printJson(ctx: CliContext, value: PlainValue | Record<string, unknown>): void {
  ctx.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints ads in the long form (`condor_q -long` layout), as classic `condor_annex -classad` did. */
export function printClassAds(ctx: CliContext, ads: Iterable<ClassAd | RecordExpr>): void {
  ctx.io.stdout.write(formatOldAds(ads));
}

/** The region a command that does not name one works in (for messages). */
export async function defaultRegion(ctx: CliContext): Promise<string> {
  return (
    (await ctx.knobs.get("ANNEX_DEFAULT_AWS_REGION"))?.trim() ||
    ctx.env.AWS_REGION ||
    ctx.env.AWS_DEFAULT_REGION ||
    "us-east-1"
  );
}

import type { AnnexCloud, RegionCloud } from "./cloud.js";
import type { TokenSource } from "./tokens.js";
import type { AnnexDefaults } from "./types.js";

/**
 * What every annex operation needs: the cloud (its default region; operations switch region per
 * request), the request defaults, and which pool this helper manages.
 */
export interface AnnexContext {
  readonly cloud: AnnexCloud;
  readonly defaults: AnnexDefaults;
  /** This helper's pool id (tag `htcondor:pool`): annexes of other pools are never touched. */
  readonly pool: string;
  /** Where pool tokens come from (ANNEX_TOKEN_FILE / ANNEX_TOKEN_COMMAND); required by create. */
  readonly tokenSource?: TokenSource;
  /** The clock (tests move it). */
  readonly now?: () => Date;
  /** Log sink; never receives secrets (see redact.ts). */
  readonly log?: (message: string) => void;
  /** Polling of stack operations. */
  readonly polling?: StackPolling;
}

/** How long and how often to poll a stack operation. */
export interface StackPolling {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** The clock the wait runs on (default the real one; tests pass their own). */
  readonly clock?: PollingClock;
}

/** Elapsed time and sleeping, for waits. */
export interface PollingClock {
  /** Milliseconds on a monotonic scale. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The real clock. */
export const SYSTEM_POLLING_CLOCK: PollingClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Default polling: every 5 s, for up to 9 minutes (under the GAHP call timeout of 600 s). */
export const DEFAULT_POLLING: StackPolling = { intervalMs: 5_000, timeoutMs: 540_000 };

export function nowOf(ctx: AnnexContext): Date {
  return ctx.now?.() ?? new Date();
}

/** The cloud in `region`, or in the default region. */
export function cloudIn(ctx: Pick<AnnexContext, "cloud">, region?: string): RegionCloud {
  return ctx.cloud.inRegion(region ?? ctx.cloud.defaultRegion);
}

export function logOf(ctx: AnnexContext): (message: string) => void {
  return ctx.log ?? (() => {});
}

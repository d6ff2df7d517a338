import type { HeartbeatRoundResult, LeaseHeartbeat } from "../types.js";

/**
 * The lease heartbeats between queue snapshots: after each fresh snapshot the demand controller
 * hands over that snapshot's heartbeats, and a timer re-sends them every period while the
 * snapshot stays fresh. When snapshots stop coming (the watcher or the access point died), the
 * snapshot grows stale, the loop stops, and the lease alarms delete the annexes.
 *
 * The period is the configured interval, capped at half the shortest lease among the annexes
 * (never under 1 s), so a lease never sees a gap as long as itself.
 */

/** Starts and stops a repeating timer; injected so tests drive the loop by hand. */
export interface IntervalTimer {
  start(periodMs: number, tick: () => void): { stop(): void };
}

/** `setInterval`, not keeping the process alive. */
export const SYSTEM_TIMER: IntervalTimer = {
  start(periodMs, tick) {
    const handle = setInterval(tick, periodMs);
    handle.unref();
    return { stop: () => clearInterval(handle) };
  },
};

/** Options of {@link HeartbeatLoop}. */
export interface HeartbeatLoopOptions {
  /** Sends one round of heartbeats in one region. */
  readonly send: (heartbeats: readonly LeaseHeartbeat[], region: string) => Promise<HeartbeatRoundResult>;
  /** A snapshot older than this no longer heartbeats. */
  readonly snapshotMaxAgeMs: number;
  /** The configured period. */
  readonly intervalMs: number;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly log: (message: string) => void;
  readonly timer?: IntervalTimer;
}

interface Followed {
  readonly snapshotTime: number;
  readonly byRegion: ReadonlyMap<string, readonly LeaseHeartbeat[]>;
  readonly periodMs: number;
}

/** The heartbeat timer of one helper. */
export class HeartbeatLoop {
  readonly #options: HeartbeatLoopOptions;
  readonly #timer: IntervalTimer;
  #followed: Followed | undefined;
  #running: { stop(): void } | undefined;

  constructor(options: HeartbeatLoopOptions) {
    this.#options = options;
    this.#timer = options.timer ?? SYSTEM_TIMER;
  }

  /** Whether the timer is running. */
  get running(): boolean {
    return this.#running !== undefined;
  }

  /**
   * Follows a fresh snapshot (seconds since the epoch): its heartbeats by region, and the lease
   * minutes of its annexes. No heartbeats means no demand: the loop stops.
   */
  follow(
    snapshotTime: number,
    byRegion: ReadonlyMap<string, readonly LeaseHeartbeat[]>,
    leaseMinutes: readonly number[],
  ): void {
    if (byRegion.size === 0) {
      if (this.#running !== undefined) this.#options.log("demand: no annex has demand; heartbeats stop");
      this.stop();
      return;
    }
    const shortestLeaseMs = Math.min(...leaseMinutes) * 60_000;
    const periodMs = Math.max(1_000, Math.min(this.#options.intervalMs, shortestLeaseMs / 2));
    const samePeriod = this.#followed?.periodMs === periodMs;
    this.#followed = { snapshotTime, byRegion, periodMs };
    if (this.#running !== undefined && samePeriod) return;
    this.#running?.stop();
    this.#running = this.#timer.start(periodMs, () => void this.tick());
  }

  /** Stops the timer and forgets the snapshot. */
  stop(): void {
    this.#running?.stop();
    this.#running = undefined;
    this.#followed = undefined;
  }

  /** One turn of the timer: re-send the heartbeats, or stop when the snapshot is stale. */
  async tick(): Promise<void> {
    const followed = this.#followed;
    if (followed === undefined) return;
    const { now, snapshotMaxAgeMs, log, send } = this.#options;
    if (now() / 1000 - followed.snapshotTime > snapshotMaxAgeMs / 1000) {
      log(
        `demand: the latest snapshot (${new Date(followed.snapshotTime * 1000).toISOString()}) is stale; heartbeats stop until a fresh one arrives`,
      );
      this.stop();
      return;
    }
    for (const [region, list] of followed.byRegion) {
      try {
        const round = await send(list, region);
        log(
          `demand: heartbeat round in ${region}: ${round.annexes} annexes, ${round.putMetricDataCalls} PutMetricData`,
        );
      } catch (error) {
        log(
          `demand: heartbeat round in ${region} failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }
}

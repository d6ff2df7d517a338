/**
 * The access point's watch loop, kept running by condor_master: poll the queue, forward each
 * snapshot to annex-gahp (`ANNEX_JOBS`), repeat.
 *
 * A failing or slow queue query never ends the loop. The last good snapshot is re-sent with its
 * original capture time until it is older than `staleAfterMs`; after that nothing is sent, the
 * helper's own freshness check stops the heartbeats, and the leases end the annexes. So a dead
 * schedd can never keep instances alive, while a short hiccup does not cost running capacity.
 *
 * ```
 *  poll ok ──► send(snapshot, takenAt=now)
 *  poll fails ─► age(last) < staleAfter ? send(last, takenAt=last.takenAt) : send nothing
 * ```
 */

/** One queue reading: the job ads (kept opaque here) and when they were read. */
export interface QueueSnapshot<Job> {
  readonly jobs: readonly Job[];
  /** Epoch milliseconds at which the query started. */
  readonly takenAt: number;
}

/** What the loop needs from the world; all injected so the loop is tested without processes. */
export interface WatchDeps<Job> {
  /** Reads the queue; rejects on failure or timeout. */
  readonly readQueue: () => Promise<readonly Job[]>;
  /** Forwards a snapshot to the helper. */
  readonly send: (snapshot: QueueSnapshot<Job>) => Promise<void>;
  readonly log: (message: string) => void;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** How many jobs a reading holds (default: its length; a shape stands for many). */
  readonly countJobs?: (jobs: readonly Job[]) => number;
}

/** Timing of the loop. */
export interface WatchTiming {
  /** Time between polls (HTCondor's negotiator cycle is 60 s; 30 s keeps leases comfortable). */
  readonly intervalMs: number;
  /** A query slower than this counts as failed. */
  readonly queryTimeoutMs: number;
  /** A snapshot older than this is not sent again. */
  readonly staleAfterMs: number;
}

/** What one round did, for logs and tests. */
export type RoundOutcome =
  | { readonly kind: "fresh"; readonly jobs: number }
  | { readonly kind: "resent"; readonly ageMs: number; readonly error: string }
  | { readonly kind: "stale"; readonly error: string }
  | { readonly kind: "send-failed"; readonly error: string };

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** The watch loop; `round()` is one poll-and-send, `run()` repeats until `stop()`. */
export class WatchLoop<Job> {
  private last: QueueSnapshot<Job> | undefined;
  private stopped = false;

  constructor(
    private readonly deps: WatchDeps<Job>,
    private timing: WatchTiming,
  ) {}

  /** New timing from the next round on (a reconfig). */
  setTiming(timing: WatchTiming): void {
    this.timing = timing;
  }

  /** Polls once and forwards what should be forwarded. Never rejects. */
  async round(): Promise<RoundOutcome> {
    const startedAt = this.deps.now();
    let snapshot: QueueSnapshot<Job>;
    try {
      const jobs = await withTimeout(this.deps.readQueue(), this.timing.queryTimeoutMs, "the queue query");
      snapshot = { jobs, takenAt: startedAt };
      this.last = snapshot;
    } catch (error) {
      const message = describe(error);
      const last = this.last;
      const ageMs = last ? startedAt - last.takenAt : Number.POSITIVE_INFINITY;
      if (!last || ageMs >= this.timing.staleAfterMs) {
        this.deps.log(`queue query failed (${message}); no fresh snapshot to send, heartbeats will stop`);
        return { kind: "stale", error: message };
      }
      this.deps.log(
        `queue query failed (${message}); re-sending the snapshot from ${Math.round(ageMs / 1000)} s ago`,
      );
      snapshot = last;
      const sent = await this.trySend(snapshot);
      return sent ?? { kind: "resent", ageMs, error: message };
    }
    const sent = await this.trySend(snapshot);
    return sent ?? { kind: "fresh", jobs: this.deps.countJobs?.(snapshot.jobs) ?? snapshot.jobs.length };
  }

  private async trySend(snapshot: QueueSnapshot<Job>): Promise<RoundOutcome | undefined> {
    try {
      await this.deps.send(snapshot);
      return undefined;
    } catch (error) {
      const message = describe(error);
      this.deps.log(`sending the queue snapshot to annex-gahp failed: ${message}`);
      return { kind: "send-failed", error: message };
    }
  }

  /** Runs rounds every `intervalMs` until {@link stop} is called. */
  async run(onRound?: (outcome: RoundOutcome) => void): Promise<void> {
    while (!this.stopped) {
      const outcome = await this.round();
      onRound?.(outcome);
      if (this.stopped) break;
      await this.deps.sleep(this.timing.intervalMs);
    }
  }

  /** Ends {@link run} after the current round. */
  stop(): void {
    this.stopped = true;
  }
}

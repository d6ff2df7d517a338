import type { TextSink } from "../cli-io.js";

/**
 * The demo's output: one line per event, with the wall-clock time, the time since the start and
 * the part of the system that acted, e.g.
 * `08:01:05  +3.2s  queue     12 idle jobs ask for annex "demo-burst"`.
 */
export class Timeline {
  private readonly startedAt: number;

  constructor(
    private readonly out: TextSink,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  /** Milliseconds since the start. */
  get elapsedMs(): number {
    return this.now() - this.startedAt;
  }

  /** Prints one event. */
  event(actor: string, message: string): void {
    const at = new Date(this.now());
    const clock = at.toISOString().slice(11, 19);
    const since = `+${(this.elapsedMs / 1000).toFixed(1)}s`;
    this.out.write(`${clock}  ${since.padStart(7)}  ${actor.padEnd(9)} ${message}\n`);
  }

  /** Prints a heading between phases. */
  phase(title: string): void {
    this.out.write(`\n== ${title}\n`);
  }
}

import type { CliIO } from "./cli-io.js";

/**
 * A one-line progress display on stderr while condor-annex waits (for a stack, the helper, …):
 * a spinner, the current step and the time spent. Shown only when stderr is a terminal; when it
 * is not (a script, condor_master, a log file), progress stays quiet and only results are printed.
 */
export class Progress {
  private timer: ReturnType<typeof setInterval> | undefined;
  private text = "";
  private frame = 0;
  private startedAt = 0;
  private readonly enabled: boolean;

  constructor(
    private readonly io: CliIO,
    enabled?: boolean,
  ) {
    this.enabled = enabled ?? io.stderrIsTTY;
  }

  /** Starts showing `text`. */
  start(text: string): void {
    this.text = text;
    this.startedAt = Date.now();
    if (!this.enabled) return;
    this.draw();
    this.timer = setInterval(() => this.draw(), 120);
    this.timer.unref();
  }

  /** Replaces the text shown. */
  update(text: string): void {
    this.text = text;
    if (this.enabled) this.draw();
  }

  /** Clears the line; `done`, if given, is printed as a final line (TTY only). */
  stop(done?: string): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (!this.enabled) return;
    this.io.stderr.write("\r\x1b[2K");
    if (done !== undefined) this.io.stderr.write(`${done}\n`);
  }

  private draw(): void {
    const frames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
    const spinner = frames[this.frame++ % frames.length] ?? "-";
    const seconds = Math.floor((Date.now() - this.startedAt) / 1000);
    this.io.stderr.write(`\r\x1b[2K${spinner} ${this.text} (${seconds}s)`);
  }
}

/**
 * Batches protocol output: lines are appended to one string and handed to the sink in a single
 * write, at the end of each input chunk or on the next turn of the event loop, so that a burst
 * of thousands of replies costs one system call rather than thousands.
 */
export class LineWriter {
  private pending = "";
  private scheduled = false;
  /** Written before every line once `RESPONSE_PREFIX` has taken effect (already escaped). */
  prefix = "";

  /**
   * @param sink receives batches of complete lines, each ending in LF.
   * @param defer runs a callback soon (default: `setImmediate`), to batch lines written outside
   *   input handling, such as `R` for results that settle later.
   */
  constructor(
    private readonly sink: (chunk: string) => void,
    private readonly defer: (callback: () => void) => void = (callback) => setImmediate(callback),
  ) {}

  /** Appends one line (without its LF); it is written unprefixed when `unprefixed` is set. */
  line(text: string, unprefixed = false): void {
    this.pending += unprefixed ? `${text}\n` : `${this.prefix}${text}\n`;
  }

  /** Writes whatever is pending now. */
  flush(): void {
    if (this.pending === "") return;
    const chunk = this.pending;
    this.pending = "";
    this.sink(chunk);
  }

  /** Arranges a flush on the next turn of the event loop. */
  flushSoon(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.defer(() => {
      this.scheduled = false;
      this.flush();
    });
  }
}

/**
 * Results of asynchronous commands waiting for `RESULTS`, and the async-mode `R` rule:
 * in async mode the server writes a single `R` when results become pending and no further `R`
 * until the client has collected them with `RESULTS`. Turning async mode on while results are
 * already waiting signals them at once (the client would otherwise never learn of them).
 */
export class ResultQueue {
  private entries: { readonly requestId: number; readonly line: string }[] = [];
  private asyncMode = false;
  private signalled = false;

  /** @param signalPending writes the `R` line (prefixed) to the output. */
  constructor(private readonly signalPending: () => void) {}

  /** Number of results waiting. */
  get size(): number {
    return this.entries.length;
  }

  /** Whether async mode is on. */
  get isAsync(): boolean {
    return this.asyncMode;
  }

  /** Queues one formatted result line (`<reqid> <fields…>`, without line end). */
  enqueue(requestId: number, line: string): void {
    this.entries.push({ requestId, line });
    this.signalIfDue();
  }

  /** Switches async mode; must be called after the `S` reply to `ASYNC_MODE_ON`/`OFF` is written. */
  setAsyncMode(on: boolean): void {
    this.asyncMode = on;
    this.signalled = false;
    this.signalIfDue();
  }

  /** Removes and returns every waiting result, oldest first, and re-arms the `R` signal. */
  take(): { readonly requestId: number; readonly line: string }[] {
    const taken = this.entries;
    this.entries = [];
    this.signalled = false;
    return taken;
  }

  private signalIfDue(): void {
    if (this.asyncMode && !this.signalled && this.entries.length > 0) {
      this.signalled = true;
      this.signalPending();
    }
  }
}

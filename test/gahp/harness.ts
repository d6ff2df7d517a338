import { GahpServer, type GahpServerOptions } from "../../src/gahp/server.js";
import type { Clock } from "../../src/gahp/types.js";

/** A clock whose time only moves when the test says so. */
export class FakeClock implements Clock {
  private time = 1_000_000;
  private timers: { at: number; callback: () => void; id: number }[] = [];
  private nextId = 1;

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, callback, id });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (next === undefined || next.at > target) break;
      this.timers.shift();
      this.time = next.at;
      next.callback();
    }
    this.time = target;
  }
}

/** An in-memory server: feed it text, read the lines it wrote. */
export class ServerHarness {
  readonly server: GahpServer;
  readonly clock = new FakeClock();
  readonly logLines: string[] = [];
  private output = "";
  private deferred: (() => void)[] = [];
  closedWith: string | undefined;

  constructor(options: Partial<GahpServerOptions> = {}) {
    this.server = new GahpServer({
      banner: "$GahpVersion: 0.1.0 Nov 26 2026 Test\\ GAHP $",
      condorVersion: "$CondorVersion: 0.1.0 Nov 26 2026 test $",
      clock: this.clock,
      defer: (callback) => this.deferred.push(callback),
      log: (message) => this.logLines.push(message),
      onClosed: (reason) => {
        this.closedWith = reason;
      },
      ...options,
      write: (chunk) => {
        this.output += chunk;
      },
    });
    this.server.start();
  }

  /** Sends raw text (use `\n` or `\r\n` line ends yourself). */
  send(text: string | Buffer): void {
    this.server.receive(typeof text === "string" ? Buffer.from(text, "utf8") : text);
  }

  /** Sends each request as one line ending in CRLF, as the gridmanager does. */
  request(...lines: string[]): void {
    this.send(lines.map((line) => `${line}\r\n`).join(""));
  }

  /** Runs deferred flushes (what setImmediate would do). */
  runDeferred(): void {
    const callbacks = this.deferred;
    this.deferred = [];
    for (const callback of callbacks) callback();
  }

  /** Lets promise-based handlers settle, then runs deferred flushes. */
  async settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    this.runDeferred();
  }

  /**
   * Every complete line written since the last call (banner included on the first call). Lines
   * end at an unescaped LF, as GAHP frames them: a backslash-LF inside a field (an error message
   * quoting a value with a newline) is data.
   */
  take(): string[] {
    const lines: string[] = [];
    const output = this.output;
    let start = 0;
    for (let i = 0; i < output.length; i++) {
      const c = output.charCodeAt(i);
      if (c === 0x5c)
        i++; // the next character is literal, LF included
      else if (c === 0x0a) {
        lines.push(output.slice(start, i));
        start = i + 1;
      }
    }
    this.output = output.slice(start);
    return lines;
  }

  /** Raw output not yet taken. */
  get raw(): string {
    return this.output;
  }
}

/** A promise with its resolve function exposed, for handlers the test finishes by hand. */
export function deferred<T>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (e: unknown) => void;
} {
  let resolve: (value: T) => void = () => {};
  let reject: (e: unknown) => void = () => {};
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

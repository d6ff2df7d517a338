import type { ChildProcess } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { condorVersionString } from "../version.js";
import {
  type GahpError,
  GahpProtocolError,
  GahpRequestRejectedError,
  GahpServerDiedError,
  GahpTimeoutError,
  GahpUnsupportedCommandError,
} from "./errors.js";
import { type FramedLine, joinArgs, LineSplitter, splitArgs } from "./framing.js";
import { RequestTable } from "./request-table.js";
import { type Clock, type Field, systemClock } from "./types.js";

/** A reply line as the client sees it: its kind and the fields after it. */
export interface ReplyLine {
  readonly kind: "S" | "E" | "F";
  readonly fields: readonly string[];
}

export interface GahpClientOptions {
  /** Sent with `RESPONSE_PREFIX` when the server supports it (default `GAHP:`, as the gridmanager). */
  readonly responsePrefix?: string;
  /** Sent with `CONDOR_VERSION`. */
  readonly condorVersion?: string;
  /** Limit per asynchronous call (default 600 s, as `GRIDMANAGER_GAHP_CALL_TIMEOUT`). */
  readonly callTimeoutMs?: number;
  /** Limit for any reply line (default 20 s, as `GRIDMANAGER_GAHP_RESPONSE_TIMEOUT`); then the server is declared dead. */
  readonly responseTimeoutMs?: number;
  /** `RESULTS` polling period when the server has no async mode (default 1 s). */
  readonly pollIntervalMs?: number;
  /** Longest line accepted from the server (default 64 MiB). */
  readonly maxLineBytes?: number;
  readonly clock?: Clock;
  /** Diagnostics (discarded unprefixed lines, unknown result ids). */
  readonly log?: (message: string) => void;
}

/**
 * The server's process, when the client's user started one (`src/cli/gahp-server-process.ts`
 * spawns and supervises it): the client reads its fate from here and stops it when it must.
 */
export interface GahpServerProcess {
  /** The child, for callers that watch or signal it themselves. */
  readonly child: ChildProcess;
  /** Whether it is still running. */
  isRunning(): boolean;
  /** Settles, with why, once it has exited (or could not start) and its output has been read. */
  readonly ended: Promise<string>;
  /** The tail of what it wrote on stderr, for error messages. */
  stderrTail(): string;
  /** SIGTERM to stop it, SIGKILL when it stopped answering. */
  kill(signal: "SIGTERM" | "SIGKILL"): void;
}

export interface CallOptions {
  /** Overrides the client's call timeout for this request. */
  readonly timeoutMs?: number;
  /** Called when the server acknowledges the request with `S`. */
  readonly onAccepted?: () => void;
}

interface ReplyWaiter {
  readonly sentAt: number;
  /** Runs synchronously when the reply line arrives, before the next line is read. */
  readonly onReply: (reply: ReplyLine) => void;
  readonly onError: (error: Error) => void;
}

/** What a pending call needs from its client when its reply line arrives. */
interface CallOwner {
  callAccepted(): void;
  callRejected(call: PendingCall, reply: ReplyLine): void;
}

/**
 * One asynchronous call: its promise's settle functions, its deadline, and (being its own reply
 * waiter) what to do with the `S`/`E`/`F` line. One object per call keeps the hot path lean.
 */
class PendingCall implements ReplyWaiter {
  /** Timed out: the id stays reserved until the server's result for it arrives. */
  abandoned = false;

  constructor(
    readonly owner: CallOwner,
    readonly requestId: number,
    readonly command: string,
    readonly sentAt: number,
    readonly deadline: number,
    readonly timeoutMs: number,
    readonly resolve: (fields: string[]) => void,
    readonly reject: (error: Error) => void,
    readonly onAccepted: (() => void) | undefined,
  ) {}

  onReply(reply: ReplyLine): void {
    if (reply.kind === "S") {
      this.onAccepted?.();
      this.owner.callAccepted();
    } else {
      this.owner.callRejected(this, reply);
    }
  }

  onError(): void {
    // The client's die() rejects every pending call itself.
  }
}

/** A FIFO with O(1) push and shift, compacted now and then. */
class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  shift(): T | undefined {
    const item = this.items[this.head];
    if (item === undefined) return undefined;
    // Drop the reference now: a settled waiter must not outlive its reply until compaction.
    this.items[this.head] = undefined;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  drain(): T[] {
    const rest = this.items.slice(this.head).filter((item): item is T => item !== undefined);
    this.items = [];
    this.head = 0;
    return rest;
  }
}

const S_REPLY: ReplyLine = Object.freeze({ kind: "S", fields: Object.freeze([]) as readonly string[] });
const DEFAULT_CONDOR_VERSION = condorVersionString("condor-annex");
const MAX_REQUEST_ID = 2 ** 31 - 1;

/**
 * A GAHP client, as the gridmanager drives a GAHP: reads the banner, asks `COMMANDS`, sends
 * `CONDOR_VERSION`, `RESPONSE_PREFIX` and `ASYNC_MODE_ON` when offered, then gives each
 * asynchronous call a request id and a promise that settles with its result line. Results are
 * collected with `RESULTS` on `R` (or by polling without async mode). If the server dies, every
 * pending request is rejected with {@link GahpServerDiedError}.
 */
export class GahpClient {
  /** The server's banner line (from the first `$`). */
  banner = "";
  /** Upper-cased names from `COMMANDS`. */
  readonly commands = new Set<string>();
  /** The server's reply to `CONDOR_VERSION`, if it has the command. */
  serverCondorVersion: string | undefined;
  /** Whether the server accepted `ASYNC_MODE_ON`. */
  asyncMode = false;

  private readonly clock: Clock;
  private readonly splitter: LineSplitter;
  private readonly waiters = new Fifo<ReplyWaiter>();
  private readonly calls = new RequestTable<PendingCall>();
  private prefix = "";
  private bannerWaiter: { resolve: (line: string) => void; reject: (error: Error) => void } | undefined;
  private outgoing: string[] = [];
  private flushQueued = false;
  private nextId = 1;
  private resultsInFlight = false;
  /** Result lines still to read after the `S <n>` reply to `RESULTS`. */
  private collecting = 0;
  private sweepTimer: unknown;
  private sweepAt = Number.POSITIVE_INFINITY;
  private resultsWanted = false;
  private responseTimer: unknown;
  private pollTimer: unknown;
  private dead: Error | undefined;
  /** The grace timer between the server closing its output and its exit. */
  private closeTimer: unknown;
  private readonly exited: Promise<void>;

  private constructor(
    input: Readable,
    private readonly output: Writable,
    private readonly options: GahpClientOptions,
    private readonly server: GahpServerProcess | undefined,
  ) {
    this.clock = options.clock ?? systemClock;
    this.splitter = new LineSplitter(options.maxLineBytes ?? 64 * 1024 * 1024);
    input.on("data", (chunk: Buffer | string) => {
      this.splitter.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk, this.onLine);
    });
    input.on("end", () => {
      // For a server process, wait briefly for its exit so the error carries the status and stderr.
      if (server === undefined || !server.isRunning()) {
        this.die("the GAHP server closed its output");
        return;
      }
      this.closeTimer = this.clock.setTimeout(() => this.die("the GAHP server closed its output"), 1000);
    });
    input.on("error", (error) => this.die(`reading from the GAHP server failed: ${error.message}`));
    output.on("error", (error) => this.die(`writing to the GAHP server failed: ${error.message}`));
    this.exited =
      server === undefined
        ? Promise.resolve()
        : server.ended.then((reason) => {
            this.die(reason);
          });
  }

  /**
   * Speaks to a server over given streams (`input` = its stdout, `output` = its stdin) and
   * performs the startup sequence; `server` is its process, when there is one.
   */
  static async connect(
    input: Readable,
    output: Writable,
    options: GahpClientOptions = {},
    server?: GahpServerProcess,
  ): Promise<GahpClient> {
    const client = new GahpClient(input, output, options, server);
    try {
      await client.startup();
    } catch (error) {
      server?.kill("SIGKILL");
      throw error;
    }
    return client;
  }

  /** The server's process, if there is one. */
  get process(): ChildProcess | undefined {
    return this.server?.child;
  }

  /** Asynchronous calls not yet settled. */
  get pendingCount(): number {
    return this.calls.size;
  }

  /** Sends a synchronous command and returns its reply (`E`/`F` are returned, not thrown). */
  command(name: string, args: readonly Field[] = []): Promise<ReplyLine> {
    return this.request(joinArgs([name, ...args]));
  }

  /**
   * Sends an asynchronous command with a fresh request id and resolves with the result fields
   * after the id (e.g. `["0", "<ad>"]`). Rejects with {@link GahpRequestRejectedError} on
   * `E`/`F`, {@link GahpTimeoutError} after the call timeout, {@link GahpServerDiedError} if
   * the server goes away.
   */
  call(name: string, args: readonly Field[] = [], options: CallOptions = {}): Promise<string[]> {
    if (this.dead) return Promise.reject(this.dead);
    // Names are usually written as the server lists them: no upper-casing (and allocation) then.
    if (!this.commands.has(name) && !this.commands.has(name.toUpperCase())) {
      return Promise.reject(new GahpUnsupportedCommandError(`the GAHP server does not offer ${name}`, name));
    }
    const requestId = this.allocateId();
    return new Promise<string[]>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.options.callTimeoutMs ?? 600_000;
      const now = this.clock.now();
      const call = new PendingCall(
        this.callOwner,
        requestId,
        name,
        now,
        now + timeoutMs,
        timeoutMs,
        resolve,
        reject,
        options.onAccepted,
      );
      this.calls.set(call);
      this.armSweep(call.deadline);
      this.send(joinArgs([name, String(requestId), ...args]), call);
    });
  }

  private readonly callOwner: CallOwner = {
    callAccepted: () => this.startPolling(),
    callRejected: (call, reply) => {
      if (this.calls.get(call.requestId) !== call) return;
      this.calls.delete(call.requestId);
      this.disarmSweepIfIdle();
      if (!call.abandoned) {
        call.reject(
          new GahpRequestRejectedError(
            call.command,
            reply.kind as "E" | "F",
            reply.fields.join(" ") || undefined,
          ),
        );
      }
    },
  };

  /**
   * Sends `QUIT`, waits for its `S` and, for a spawned server, for the process to exit.
   * Pending calls are then rejected as the server is gone.
   */
  async quit(): Promise<void> {
    if (this.dead) return;
    await this.request("QUIT");
    this.output.end();
    await this.exited;
    this.die("the client sent QUIT");
  }

  /** Stops the server's process (SIGTERM) or ends the output stream, and fails what is pending. */
  async close(): Promise<void> {
    if (this.server?.isRunning() === true) this.server.kill("SIGTERM");
    else this.output.end();
    await this.exited;
    this.die("the client closed the connection");
  }

  private async startup(): Promise<void> {
    const bannerLine = await new Promise<string>((resolve, reject) => {
      this.bannerWaiter = { resolve, reject };
      if (this.dead) reject(this.dead);
    });
    const dollar = bannerLine.indexOf("$");
    if (dollar < 0)
      throw new GahpProtocolError(`the GAHP server's first line is not a version banner: ${bannerLine}`);
    this.banner = bannerLine.slice(dollar);
    const commands = await this.command("COMMANDS");
    if (commands.kind !== "S") throw new GahpProtocolError("the GAHP server refused COMMANDS", "COMMANDS");
    for (const name of commands.fields) this.commands.add(name.toUpperCase());
    if (this.commands.has("CONDOR_VERSION")) {
      const reply = await this.command("CONDOR_VERSION", [
        this.options.condorVersion ?? DEFAULT_CONDOR_VERSION,
      ]);
      if (reply.kind === "S") this.serverCondorVersion = reply.fields.join(" ");
    }
    const prefix = this.options.responsePrefix ?? "GAHP:";
    if (prefix !== "" && this.commands.has("RESPONSE_PREFIX")) {
      const reply = await this.request(joinArgs(["RESPONSE_PREFIX", prefix]), (line) => {
        // Switch before reading the next line: every line after this reply carries the prefix.
        if (line.kind === "S") this.prefix = prefix;
      });
      if (reply.kind !== "S")
        throw new GahpProtocolError("the GAHP server refused RESPONSE_PREFIX", "RESPONSE_PREFIX");
    }
    if (this.commands.has("ASYNC_MODE_ON")) {
      const reply = await this.command("ASYNC_MODE_ON");
      this.asyncMode = reply.kind === "S";
    }
  }

  private allocateId(): number {
    for (;;) {
      const id = this.nextId;
      this.nextId = id >= MAX_REQUEST_ID ? 1 : id + 1;
      if (!this.calls.has(id)) return id;
    }
  }

  /** Sends a line and resolves with its reply; `onLine` runs synchronously on arrival. */
  private request(line: string, onLine?: (reply: ReplyLine) => void): Promise<ReplyLine> {
    return new Promise<ReplyLine>((resolve, reject) => {
      this.send(line, {
        sentAt: this.clock.now(),
        onReply: (reply) => {
          onLine?.(reply);
          resolve(reply);
        },
        onError: reject,
      });
    });
  }

  /** Queues a line for the next batched write and its waiter for the reply. */
  private send(line: string, waiter: ReplyWaiter): void {
    if (this.dead) {
      waiter.onError(this.dead);
      return;
    }
    this.waiters.push(waiter);
    this.outgoing.push(line);
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(this.flushOutgoing);
    }
    this.armResponseTimer();
  }

  private readonly flushOutgoing = (): void => {
    this.flushQueued = false;
    if (this.outgoing.length === 0 || this.dead) return;
    // CRLF, as the gridmanager writes; one write per turn of the event loop.
    const chunk = `${this.outgoing.join("\r\n")}\r\n`;
    this.outgoing = [];
    this.output.write(chunk);
  };

  private readonly onLine = (framed: FramedLine): void => {
    if (framed.kind === "overlong") {
      this.die(`the GAHP server wrote a line of ${framed.bytes} bytes, over the client's limit`);
      return;
    }
    let text = framed.text;
    if (this.bannerWaiter) {
      const waiter = this.bannerWaiter;
      this.bannerWaiter = undefined;
      waiter.resolve(text);
      return;
    }
    if (this.prefix !== "") {
      if (!text.startsWith(this.prefix)) {
        this.options.log?.(`discarded unprefixed line from the GAHP server: ${text.slice(0, 200)}`);
        return;
      }
      text = text.slice(this.prefix.length);
    }
    if (text === "S" && this.collecting === 0) {
      // The commonest line by far (every accepted call): no splitting, no allocation.
      this.deliverReply(S_REPLY, text);
      return;
    }
    const fields = splitArgs(text);
    if (this.collecting > 0) {
      this.collecting--;
      this.onResultLine(fields);
      if (this.collecting === 0) this.finishResults();
      return;
    }
    if (fields.length === 1 && fields[0] === "R") {
      this.requestResults();
      return;
    }
    const kind = fields[0];
    if (kind !== "S" && kind !== "E" && kind !== "F") {
      this.deliverReply(undefined, text);
    } else {
      this.deliverReply({ kind, fields: fields.slice(1) }, text);
    }
  };

  /** Hands a reply line to the oldest waiter; `undefined` = not a valid reply. */
  private deliverReply(reply: ReplyLine | undefined, text: string): void {
    const waiter = this.waiters.shift();
    if (waiter === undefined) {
      this.die(`the GAHP server wrote an unexpected line: ${text.slice(0, 200)}`);
      return;
    }
    if (reply === undefined) {
      waiter.onError(
        new GahpProtocolError(`the GAHP server answered with neither S, E nor F: ${text.slice(0, 200)}`),
      );
    } else {
      waiter.onReply(reply);
    }
    if (this.waiters.length === 0 && this.responseTimer !== undefined) {
      // Nothing awaited: no timer should keep the event loop (and a CLI) alive.
      this.clock.clearTimeout(this.responseTimer);
      this.responseTimer = undefined;
    }
  }

  private requestResults(): void {
    if (this.resultsInFlight) {
      this.resultsWanted = true;
      return;
    }
    this.resultsInFlight = true;
    this.send("RESULTS", {
      sentAt: this.clock.now(),
      onReply: (reply) => {
        const count = reply.kind === "S" ? Number(reply.fields[0] ?? "0") : 0;
        // The result lines follow at once; read them before any other reply.
        if (count > 0 && Number.isSafeInteger(count)) this.collecting = count;
        else this.finishResults();
      },
      onError: () => {},
    });
  }

  private finishResults(): void {
    this.resultsInFlight = false;
    if (this.resultsWanted) {
      this.resultsWanted = false;
      this.requestResults();
    }
  }

  private onResultLine(fields: string[]): void {
    // The id comes off the front in place: the rest is the result, without copying the array.
    const idText = fields.shift() ?? "";
    const id = Number(idText);
    const call = this.calls.get(id);
    if (call === undefined) {
      this.options.log?.(`result for unknown request id ${idText}`);
      return;
    }
    this.calls.delete(id);
    this.disarmSweepIfIdle();
    if (!call.abandoned) call.resolve(fields);
  }

  /** Polls `RESULTS` while calls are pending, for servers without async mode. */
  private startPolling(): void {
    if (this.asyncMode || this.pollTimer !== undefined) return;
    this.pollTimer = this.clock.setTimeout(() => {
      this.pollTimer = undefined;
      if (this.dead || this.calls.size === 0) return;
      this.requestResults();
      this.startPolling();
    }, this.options.pollIntervalMs ?? 1000);
  }

  /** Arms the call-timeout sweep for `deadline` unless one is due sooner. */
  private armSweep(deadline: number): void {
    if (deadline >= this.sweepAt) return;
    if (this.sweepTimer !== undefined) this.clock.clearTimeout(this.sweepTimer);
    this.sweepAt = deadline;
    this.sweepTimer = this.clock.setTimeout(this.sweep, Math.max(0, deadline - this.clock.now()));
  }

  /** No call pending: no timer should keep the event loop alive. */
  private disarmSweepIfIdle(): void {
    if (this.calls.size > 0 || this.sweepTimer === undefined) return;
    this.clock.clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    this.sweepAt = Number.POSITIVE_INFINITY;
  }

  /** One timer for all call timeouts: expire what is due, re-arm for the next deadline. */
  private readonly sweep = (): void => {
    this.sweepTimer = undefined;
    this.sweepAt = Number.POSITIVE_INFINITY;
    const now = this.clock.now();
    let next = Number.POSITIVE_INFINITY;
    for (const call of this.calls.values()) {
      if (call.abandoned) continue;
      const requestId = call.requestId;
      if (call.deadline <= now) {
        call.abandoned = true;
        call.reject(
          new GahpTimeoutError(
            `${call.command} (request ${requestId}) got no result within ${call.timeoutMs} ms`,
            call.command,
          ),
        );
      } else if (call.deadline < next) next = call.deadline;
    }
    if (next !== Number.POSITIVE_INFINITY) this.armSweep(next);
  };

  private armResponseTimer(): void {
    if (this.responseTimer !== undefined || this.waiters.length === 0 || this.dead) return;
    const limit = this.options.responseTimeoutMs ?? 20_000;
    this.responseTimer = this.clock.setTimeout(
      () => {
        this.responseTimer = undefined;
        const head = this.waiters.peek();
        if (head === undefined || this.dead) return;
        if (this.clock.now() - head.sentAt >= limit) {
          this.die(`the GAHP server did not answer within ${limit} ms`, GahpTimeoutError);
          this.server?.kill("SIGKILL");
          return;
        }
        this.armResponseTimer();
      },
      Math.max(10, Math.floor(limit / 4)),
    );
  }

  /** Declares the server gone: every waiter and pending call is rejected with the reason. */
  private die(reason: string, kind: new (message: string) => GahpError = GahpServerDiedError): void {
    if (this.dead) return;
    const stderr = this.server?.stderrTail().trim() ?? "";
    const detail = stderr === "" ? "" : ` (stderr: ${stderr.slice(-500)})`;
    const error = new kind(`${reason}${detail}`);
    this.dead = error;
    if (this.closeTimer !== undefined) this.clock.clearTimeout(this.closeTimer);
    if (this.responseTimer !== undefined) this.clock.clearTimeout(this.responseTimer);
    if (this.pollTimer !== undefined) this.clock.clearTimeout(this.pollTimer);
    if (this.sweepTimer !== undefined) this.clock.clearTimeout(this.sweepTimer);
    this.bannerWaiter?.reject(error);
    this.bannerWaiter = undefined;
    for (const waiter of this.waiters.drain()) waiter.onError(error);
    for (const call of this.calls.values()) {
      if (!call.abandoned) call.reject(error);
    }
    this.calls.clear();
  }
}

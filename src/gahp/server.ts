import { arityAccepts, CommandTable, describeArity } from "./command-table.js";
import { escapeArg, type FramedLine, joinArgs, LineSplitter, splitArgs } from "./framing.js";
import { LineWriter } from "./line-writer.js";
import { RequestTable } from "./request-table.js";
import { ResultQueue } from "./result-queue.js";
import { standardCommands } from "./standard-commands.js";
import { GahpStatistics } from "./statistics.js";
import type {
  AsyncCommand,
  AsyncCommandContext,
  Clock,
  GahpCommand,
  GahpReply,
  ResultFields,
  SyncCommand,
} from "./types.js";
import { systemClock } from "./types.js";

/** Longest request line accepted by default (bytes, without the line end). */
export const DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024;

/** How long shutdown waits by default for acknowledged work to finish. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;

/** Most asynchronous requests in flight (running or uncollected) by default. */
export const DEFAULT_MAX_REQUESTS_IN_FLIGHT = 100_000;

/** Why a server closed. */
export type CloseReason = "quit" | "eof" | "signal" | "parent-exit";

/**
 * Connection states: `new` until the banner is written, `running` while it answers requests,
 * `draining` after `QUIT`/EOF/shutdown while acknowledged work finishes, then `closed`.
 */
export type ServerState = "new" | "running" | "draining" | "closed";

export interface GahpServerOptions {
  /** Commands besides the standard ones (annex commands, `ANNEX_PING`, …). */
  readonly commands?: Iterable<GahpCommand>;
  /** Receives protocol output in batches of whole lines. */
  readonly write: (chunk: string) => void;
  /** The version banner, first line of output (escaped, e.g. `$GahpVersion: … $`). */
  readonly banner: string;
  /** Reply to `CONDOR_VERSION` (unescaped, e.g. `$CondorVersion: 0.1.0 Nov 26 2026 … $`). */
  readonly condorVersion: string;
  readonly clock?: Clock;
  /** Schedules a batched flush of output written outside input handling (default setImmediate). */
  readonly defer?: (callback: () => void) => void;
  /** Longest accepted request line in bytes; longer lines get `E` (default 4 MiB). */
  readonly maxLineBytes?: number;
  /**
   * Most asynchronous requests in flight — running, or with a result not yet collected — before
   * new ones are refused with `F` (default 100,000), so a client that never sends `RESULTS`
   * cannot grow the queue without bound.
   */
  readonly maxRequestsInFlight?: number;
  /** How long shutdown waits for running handlers before aborting them (default 10 s). */
  readonly drainTimeoutMs?: number;
  /** Counters reported by `STATISTICS`; share it with the code that calls the service. */
  readonly statistics?: GahpStatistics;
  /** Log for notable events (errors answered with `E`, shutdown, undelivered results). */
  readonly log?: (message: string) => void;
  /** Log for every line in and out; leave unset unless full debugging is wanted. */
  readonly debug?: (message: string) => void;
  /** Called once, when the server is closed and no handler is running any more. */
  readonly onClosed?: (reason: CloseReason) => void;
}

const LOGGED_LINE_CHARS = 200;
const FLUSH_EVERY_LINES = 128;

/**
 * The GAHP protocol server: a function of (bytes in, clock) → lines out over a command table.
 * It never touches `process`; the host feeds it input with `receive`/`end` and gives it a
 * `write` sink. Every request line gets exactly one reply line, written in order; asynchronous
 * results are queued for `RESULTS` with the async-mode `R` rule.
 */
export class GahpServer {
  private readonly table: CommandTable;
  private readonly writer: LineWriter;
  private readonly queue: ResultQueue;
  private readonly splitter: LineSplitter;
  private readonly clock: Clock;
  private readonly statistics: GahpStatistics;
  private readonly log: (message: string) => void;
  private readonly debug: ((message: string) => void) | undefined;
  /** Asynchronous requests in flight: running, or settled with the result not yet collected. */
  private readonly inFlight = new RequestTable<RequestContext>();
  private running = 0;
  private afterReplyActions: (() => void)[] = [];
  /** Accepted asynchronous requests whose handlers have not been started yet (see runAsync). */
  private acceptedRequests: RequestContext[] = [];
  private linesSinceFlush = 0;
  private currentState: ServerState = "new";
  private closing: Promise<void> | undefined;
  private wakeDrain: (() => void) | undefined;

  constructor(private readonly options: GahpServerOptions) {
    this.clock = options.clock ?? systemClock;
    this.statistics = options.statistics ?? new GahpStatistics();
    this.log = options.log ?? (() => {});
    this.debug = options.debug;
    this.writer = new LineWriter(options.write, options.defer);
    this.queue = new ResultQueue(() => {
      this.writer.line("R");
      this.writer.flushSoon();
    });
    this.splitter = new LineSplitter(options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    this.table = new CommandTable(
      standardCommands({
        banner: options.banner,
        condorVersion: options.condorVersion,
        commandNames: () => this.table.names(),
        afterReply: (action) => this.afterReplyActions.push(action),
        setResponsePrefix: (prefix) => {
          this.writer.prefix = prefix === "" ? "" : escapeArg(prefix);
        },
        setAsyncMode: (on) => this.queue.setAsyncMode(on),
        takeResults: () => this.takeResults(),
        writeLines: (lines) => {
          for (const line of lines) this.writer.line(line);
        },
        quit: () => void this.close("quit"),
        statistics: () => this.statistics.snapshot(),
        log: this.log,
      }),
    );
    for (const command of options.commands ?? []) this.table.register(command);
  }

  /**
   * Adds a command after construction (e.g. commands whose module loads after the banner).
   * Register before feeding input that uses it.
   */
  register(command: GahpCommand): void {
    this.table.register(command);
  }

  /** The connection state. */
  get state(): ServerState {
    return this.currentState;
  }

  /** Asynchronous requests whose handler is still running. */
  get runningCount(): number {
    return this.running;
  }

  /** Results waiting for `RESULTS`. */
  get pendingResultCount(): number {
    return this.queue.size;
  }

  /** Writes the banner and starts answering. */
  start(): void {
    if (this.currentState !== "new") return;
    this.currentState = "running";
    this.writer.line(this.options.banner, true);
    this.writer.flush();
  }

  /** Feeds raw input; complete lines are answered and the replies written before it returns. */
  receive(chunk: Buffer): void {
    if (this.currentState !== "running") {
      if (this.currentState === "new") throw new Error("GahpServer.receive called before start()");
      return;
    }
    this.splitter.push(chunk, this.onLine);
    this.writer.flush();
    if (this.acceptedRequests.length > 0) {
      this.startAccepted();
      this.writer.flush();
    }
  }

  /** The input has ended: answers a final unterminated line, then closes as if on `QUIT`. */
  end(): Promise<void> {
    if (this.currentState === "running") {
      this.splitter.end(this.onLine);
      this.writer.flush();
      this.startAccepted();
    }
    return this.close("eof");
  }

  /**
   * Stops answering, waits up to the drain timeout for running handlers (their results are
   * logged, since no client will collect them), aborts what is left, logs results that were
   * never collected, and calls `onClosed`. Idempotent.
   */
  close(reason: CloseReason): Promise<void> {
    if (this.closing) return this.closing;
    if (this.currentState === "running") this.startAccepted();
    this.currentState = "draining";
    this.writer.flush();
    this.log(
      `closing (${reason}): ${this.running} request(s) running, ${this.queue.size} result(s) uncollected`,
    );
    this.closing = this.drain(reason);
    return this.closing;
  }

  private async drain(reason: CloseReason): Promise<void> {
    if (this.running > 0) {
      const timeoutMs = this.options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
      await new Promise<void>((resolve) => {
        const timer = this.clock.setTimeout(resolve, timeoutMs);
        this.wakeDrain = () => {
          this.clock.clearTimeout(timer);
          resolve();
        };
      });
      this.wakeDrain = undefined;
      for (const context of this.inFlight.values()) {
        if (context.settled) continue;
        const requestId = context.requestId;
        this.log(`request ${requestId} abandoned: still running after ${timeoutMs} ms of shutdown`);
        context.abort();
      }
      this.running = 0;
    }
    for (const { line } of this.queue.take()) this.log(`result never collected: ${line}`);
    this.inFlight.clear();
    this.currentState = "closed";
    this.log(`closed (${reason})`);
    this.options.onClosed?.(reason);
  }

  private readonly onLine = (framed: FramedLine): void => {
    if (this.currentState !== "running") {
      this.debug?.("ignored input after shutdown began");
      return;
    }
    if (framed.kind === "overlong") {
      this.reject(`request line of ${framed.bytes} bytes exceeds the limit`);
      return;
    }
    // Within a large input chunk, hand replies over every so often rather than only at its
    // end, so the first requests of a burst are not held back by the last ones.
    if (++this.linesSinceFlush >= FLUSH_EVERY_LINES) {
      this.linesSinceFlush = 0;
      this.writer.flush();
    }
    this.debug?.(`<- ${truncate(framed.text)}`);
    const args = splitArgs(framed.text);
    const name = args[0];
    if (name === undefined) {
      this.reject("empty request line");
      return;
    }
    const command = this.table.lookup(name);
    if (command === undefined) {
      this.reject(`unknown command ${truncate(name)}`);
    } else if (command.kind === "sync") {
      // A synchronous command sees every earlier request started (RESULTS, QUIT, STATISTICS).
      if (this.acceptedRequests.length > 0) this.startAccepted();
      this.runSync(command, args);
    } else {
      this.runAsync(command, args);
    }
    if (this.afterReplyActions.length > 0) {
      const actions = this.afterReplyActions;
      this.afterReplyActions = [];
      for (const action of actions) action();
    }
  };

  private runSync(command: SyncCommand, args: string[]): void {
    const given = args.length - 1;
    if (!arityAccepts(command.args, given)) {
      this.reject(`${command.name} takes ${describeArity(command.args)} argument(s), got ${given}`);
      return;
    }
    let reply: GahpReply;
    try {
      reply = command.handle(args.slice(1), this.context);
    } catch (error) {
      this.afterReplyActions = [];
      this.log(`${command.name} failed: ${messageOf(error)}`);
      reply = { kind: "F", error: messageOf(error) };
    }
    this.writeReply(reply);
  }

  private runAsync(command: AsyncCommand, args: string[]): void {
    const requestId = parseRequestId(args[1]);
    if (requestId === undefined) {
      this.reject(
        `${command.name} needs a positive integer request id, got ${truncate(args[1] ?? "nothing")}`,
      );
      return;
    }
    const given = args.length - 2;
    if (!arityAccepts(command.args, given)) {
      this.reject(
        `${command.name} takes a request id and ${describeArity(command.args)} argument(s), got ${given}`,
      );
      return;
    }
    if (this.inFlight.has(requestId)) {
      this.reject(`${command.name}: request id ${requestId} is already in flight`);
      return;
    }
    if (this.inFlight.size >= (this.options.maxRequestsInFlight ?? DEFAULT_MAX_REQUESTS_IN_FLIGHT)) {
      this.writeReply({ kind: "F", error: "too many requests in flight; collect results with RESULTS" });
      this.log(`${command.name} ${requestId} refused: too many requests in flight`);
      return;
    }
    this.writer.line("S");
    this.debug?.("-> S");
    const context = new RequestContext(requestId, command, args, this.clock, this.log);
    this.inFlight.set(context);
    this.running++;
    // The handler starts once the S replies of this input chunk are written (or before the next
    // synchronous command): a burst of requests is acknowledged first, so the immediate reply
    // never waits for the work of the requests ahead of it.
    this.acceptedRequests.push(context);
  }

  /** Starts the handlers of accepted requests, in order. */
  private startAccepted(): void {
    const accepted = this.acceptedRequests;
    this.acceptedRequests = [];
    for (const context of accepted) this.startHandler(context);
  }

  private startHandler(context: RequestContext): void {
    const command = context.command;
    let outcome: ResultFields | Promise<ResultFields>;
    try {
      outcome = command.handle(context.takeArgs().slice(2), context);
    } catch (error) {
      outcome = internalError(command.name, error, this.log);
    }
    if (isPromiseLike(outcome)) {
      outcome.then(
        (fields) => this.complete(context, fields),
        (error: unknown) => this.complete(context, internalError(command.name, error, this.log)),
      );
    } else {
      this.complete(context, outcome);
    }
  }

  private complete(context: RequestContext, fields: ResultFields): void {
    const requestId = context.requestId;
    const line = fields.length === 0 ? String(requestId) : `${requestId} ${joinArgs(fields)}`;
    // A handler abandoned at shutdown may still settle later; its context is no longer ours.
    if (context.settled || this.inFlight.get(requestId) !== context) {
      this.log(`late result of abandoned request: ${truncate(line)}`);
      return;
    }
    context.settled = true;
    this.running--;
    if (this.currentState !== "running") {
      this.inFlight.delete(requestId);
      this.log(`result after shutdown began (not deliverable): ${truncate(line)}`);
      if (this.running === 0) this.wakeDrain?.();
      return;
    }
    this.queue.enqueue(requestId, line);
  }

  private takeResults(): string[] {
    const taken = this.queue.take();
    const lines: string[] = new Array(taken.length);
    for (let i = 0; i < taken.length; i++) {
      const entry = taken[i];
      if (entry === undefined) continue;
      this.inFlight.delete(entry.requestId);
      lines[i] = entry.line;
    }
    return lines;
  }

  private writeReply(reply: GahpReply): void {
    let line: string;
    if (reply.kind === "S") {
      line = reply.fields === undefined || reply.fields.length === 0 ? "S" : `S ${joinArgs(reply.fields)}`;
    } else if (reply.kind === "F") {
      line = reply.error === undefined ? "F" : `F ${escapeArg(reply.error)}`;
    } else {
      line = "E";
    }
    this.writer.line(line);
    this.debug?.(`-> ${truncate(line)}`);
  }

  private reject(reason: string): void {
    this.writer.line("E");
    this.log(`E: ${reason}`);
  }

  private readonly context = {
    now: () => this.clock.now(),
    log: (message: string) => this.log(message),
  };
}

const NO_ARGS: readonly string[] = Object.freeze([]);

/** Per-request context; the AbortController is made only if the handler asks for the signal. */
class RequestContext implements AsyncCommandContext {
  private controller: AbortController | undefined;
  private aborted = false;
  /** The handler has settled (its result is queued, or was logged after shutdown). */
  settled = false;

  constructor(
    readonly requestId: number,
    readonly command: AsyncCommand,
    /** The request line's arguments (command name and request id first), until the handler starts. */
    private args: readonly string[],
    private readonly clock: Clock,
    private readonly logSink: (message: string) => void,
  ) {}

  /** Hands the arguments over to the handler, keeping no reference to them. */
  takeArgs(): readonly string[] {
    const args = this.args;
    this.args = NO_ARGS;
    return args;
  }

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(new Error("GAHP server shut down"));
    }
    return this.controller.signal;
  }

  now(): number {
    return this.clock.now();
  }

  log(message: string): void {
    this.logSink(message);
  }

  abort(): void {
    this.aborted = true;
    this.controller?.abort(new Error("GAHP server shut down"));
  }
}

/** Parses a request id: a positive decimal integer no larger than 2^53-1. */
export function parseRequestId(text: string | undefined): number | undefined {
  if (text === undefined || !/^[0-9]{1,16}$/.test(text)) return undefined;
  const value = Number(text);
  return value > 0 && Number.isSafeInteger(value) ? value : undefined;
}

function internalError(command: string, error: unknown, log: (message: string) => void): ResultFields {
  log(`${command} handler failed: ${error instanceof Error && error.stack ? error.stack : messageOf(error)}`);
  return ["1", "E_INTERNAL", messageOf(error)];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isPromiseLike<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown }).then === "function";
}

function truncate(text: string): string {
  return text.length > LOGGED_LINE_CHARS ? `${text.slice(0, LOGGED_LINE_CHARS)}…` : text;
}

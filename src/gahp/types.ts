/** Types shared by the GAHP server, its command table and the client. */
import type { escapeArg } from "./framing.js";

/**
 * How many arguments a command takes: an exact count, or a range (`max` omitted = no upper
 * bound). For asynchronous commands the request id is not counted.
 */
export type Arity = number | { readonly min: number; readonly max?: number };

/** One field of a reply or result line; `null` is written as `NULL`. */
export type Field = string | null;

/**
 * The immediate reply to a request line: `S` (success, or "queued" for an asynchronous
 * command) with optional fields, `E` (malformed request), or `F` (failure) with an optional
 * error text.
 */
export type GahpReply =
  | { readonly kind: "S"; readonly fields?: readonly Field[] }
  | { readonly kind: "E" }
  | { readonly kind: "F"; readonly error?: string };

/** What a synchronous handler and the server share: the clock and a log. */
export interface CommandContext {
  /** Milliseconds since the epoch, from the injected clock. */
  now(): number;
  /** Writes a line to the helper's log (never to the protocol channel). */
  log(message: string): void;
}

/** What an asynchronous handler receives besides its arguments. */
export interface AsyncCommandContext extends CommandContext {
  /** The request id the client chose. */
  readonly requestId: number;
  /** Aborted when the server shuts down before the handler settles (after the drain period). */
  readonly signal: AbortSignal;
}

/**
 * A result field already in wire form (escaped by {@link escapeArg}), for handlers that build a
 * result from pre-escaped constant pieces rather than escaping the whole text on every call.
 */
export class EscapedField {
  constructor(readonly wire: string) {}
}

/** One field of a result line: plain text (escaped when written), `null` (`NULL`), or wire form. */
export type ResultField = Field | EscapedField;

/**
 * The result of an asynchronous command: the fields after the request id. By convention
 * `["0", ...values]` on success and `["1", code, message]` on failure.
 */
export type ResultFields = readonly ResultField[];

/** A command answered on the spot. */
export interface SyncCommand {
  readonly kind: "sync";
  /** Case-insensitive on the wire; listed by `COMMANDS` as written here. */
  readonly name: string;
  readonly args: Arity;
  /** Computes the reply from the (unescaped) arguments after the command name. */
  handle(args: readonly string[], context: CommandContext): GahpReply;
}

/**
 * A command that answers `S` at once and queues `<reqid> <fields…>` for `RESULTS` when its
 * handler settles. A handler that throws or rejects yields `<reqid> 1 E_INTERNAL <message>`.
 */
export interface AsyncCommand {
  readonly kind: "async";
  readonly name: string;
  /** Arguments after the request id. */
  readonly args: Arity;
  handle(args: readonly string[], context: AsyncCommandContext): ResultFields | Promise<ResultFields>;
}

/** Any entry of the command table. */
export type GahpCommand = SyncCommand | AsyncCommand;

/** An injectable clock: wall time and timers, so tests can drive time. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

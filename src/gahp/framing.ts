/**
 * GAHP framing: how bytes become request lines and lines become arguments, and back.
 *
 * Input lines end at an unescaped LF (a CR before it is an ordinary separator, so CRLF and LF
 * both work); a backslash makes the next byte literal, including LF, which then continues the
 * line. Arguments are separated by unescaped space, tab or CR. Output escapes space, tab,
 * backslash, CR and LF with a backslash and ends every line with a bare LF. The literal `NULL`
 * (any case) stands for "no value".
 */

import { EscapedField, type ResultField } from "./types.js";

const LF = 0x0a;
const BACKSLASH = 0x5c;

/** One framed input line: its text, or the fact that it was longer than the limit. */
export type FramedLine =
  | { readonly kind: "line"; readonly text: string }
  | { readonly kind: "overlong"; readonly bytes: number };

/**
 * Streaming splitter from bytes to lines. It holds at most `maxLineBytes` bytes of one line;
 * the rest of an over-long line is discarded as it streams and the line is reported once, at
 * its end, as `overlong` so that the server can still answer it in order.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private length = 0;
  /** Length of the run of backslashes at the end of the bytes seen so far in this line. */
  private trailingBackslashes = 0;
  private discarding = false;

  constructor(private readonly maxLineBytes: number) {}

  /** Feeds a chunk; calls `emit` for every line it completes, in order. */
  push(chunk: Buffer, emit: (line: FramedLine) => void): void {
    let start = 0;
    let searchFrom = 0;
    while (searchFrom < chunk.length) {
      const lf = chunk.indexOf(LF, searchFrom);
      if (lf < 0) break;
      if (this.isEscaped(chunk, start, lf)) {
        searchFrom = lf + 1;
        continue;
      }
      this.finishLine(chunk, start, lf, emit);
      start = lf + 1;
      searchFrom = start;
    }
    if (start < chunk.length) this.keep(chunk, start, chunk.length);
  }

  /** Ends the input: a final line without its LF still counts as a line. */
  end(emit: (line: FramedLine) => void): void {
    if (this.length > 0 || this.discarding) this.finishLine(Buffer.alloc(0), 0, 0, emit);
  }

  /** Whether the LF at `lf` is preceded by an odd run of backslashes (and so is data). */
  private isEscaped(chunk: Buffer, start: number, lf: number): boolean {
    let run = 0;
    let i = lf - 1;
    while (i >= start && chunk[i] === BACKSLASH) {
      run++;
      i--;
    }
    if (i < start) run += this.trailingBackslashes;
    return run % 2 === 1;
  }

  private keep(chunk: Buffer, from: number, to: number): void {
    let run = 0;
    let i = to - 1;
    while (i >= from && chunk[i] === BACKSLASH) {
      run++;
      i--;
    }
    this.trailingBackslashes = i < from ? this.trailingBackslashes + run : run;
    this.length += to - from;
    if (this.discarding) return;
    if (this.length > this.maxLineBytes) {
      this.discarding = true;
      this.parts = [];
      return;
    }
    // Copy: the caller may reuse its buffer, and a slice would pin the whole chunk.
    this.parts.push(Buffer.from(chunk.subarray(from, to)));
  }

  private finishLine(chunk: Buffer, from: number, to: number, emit: (line: FramedLine) => void): void {
    const total = this.length + (to - from);
    let line: FramedLine;
    if (this.discarding || total > this.maxLineBytes) {
      line = { kind: "overlong", bytes: total };
    } else if (this.parts.length === 0) {
      line = { kind: "line", text: chunk.toString("utf8", from, to) };
    } else {
      this.parts.push(chunk.subarray(from, to));
      line = { kind: "line", text: Buffer.concat(this.parts).toString("utf8") };
    }
    this.parts = [];
    this.length = 0;
    this.trailingBackslashes = 0;
    this.discarding = false;
    emit(line);
  }
}

/**
 * Splits one request line into its arguments, undoing the escapes. Unescaped space, tab and
 * CR separate arguments; a backslash makes the next character literal; a backslash at the very
 * end of the line escapes nothing and is dropped.
 */
export function splitArgs(line: string): string[] {
  if (!line.includes("\\")) {
    // Fast path (no escapes): slice between separators, without a regex, into an array of the
    // exact size (fields often outlive a young-generation collection; a pushed-to array carries
    // spare capacity).
    const fields: string[] = new Array(countFields(line));
    let n = 0;
    let start = -1;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0d) {
        if (start >= 0) {
          fields[n++] = line.slice(start, i);
          start = -1;
        }
      } else if (start < 0) {
        start = i;
      }
    }
    if (start >= 0) fields[n++] = start === 0 ? line : line.slice(start);
    return fields;
  }
  // Slow path: find the fields first (an escaped character never separates), then unescape
  // each one in place.
  const args: string[] = [];
  let start = -1;
  let escapes = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === BACKSLASH) {
      if (start < 0) start = i;
      escapes = true;
      i++;
    } else if (c === 0x20 || c === 0x09 || c === 0x0d) {
      if (start >= 0) {
        args.push(escapes ? unescapeRange(line, start, i) : line.slice(start, i));
        start = -1;
        escapes = false;
      }
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) args.push(escapes ? unescapeRange(line, start, line.length) : line.slice(start));
  // An exact-size copy: the pushed-to array carries spare capacity (see the fast path).
  return args.slice();
}

/** How many fields an escape-free line has (runs of characters other than space, tab and CR). */
function countFields(line: string): number {
  let count = 0;
  let inField = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    const separator = c === 0x20 || c === 0x09 || c === 0x0d;
    if (!separator && !inField) count++;
    inField = !separator;
  }
  return count;
}

/** Scratch space for {@link unescapeRange}: fields up to this size are unescaped through it. */
const SCRATCH = Buffer.allocUnsafe(64 * 1024);

/**
 * Undoes the escapes of `line[start, end)`; a backslash at its very end escapes nothing and is
 * dropped. A field of Latin-1 characters (all protocol text, and every escaped ClassAd) is copied
 * into a scratch buffer and decoded once: about twice as fast as `replaceAll`, and the result is
 * one flat string, where `replaceAll` and `+=` make trees of cons strings that cost several times
 * the memory (a result line's fields often outlive a young-generation collection: in the client a
 * resolved promise holds them). Other fields are joined from their pieces.
 */
function unescapeRange(line: string, start: number, end: number): string {
  // Latin-1 text (the usual case) is copied into a byte buffer in one pass: a small reused one,
  // or a fresh one for a long argument (a queue snapshot holds millions of escapes, and a slice
  // per escape would cost more than the parse).
  const target = end - start <= SCRATCH.length ? SCRATCH : Buffer.allocUnsafe(end - start);
  let n = 0;
  for (let i = start; i < end; i++) {
    let c = line.charCodeAt(i);
    if (c === BACKSLASH) {
      if (++i >= end) break;
      c = line.charCodeAt(i);
    }
    if (c > 0xff) {
      n = -1;
      break;
    }
    target[n++] = c;
  }
  if (n >= 0) return target.toString("latin1", 0, n);
  const parts: string[] = [];
  let from = start;
  for (let i = start; i < end; i++) {
    if (line.charCodeAt(i) === BACKSLASH) {
      parts.push(line.slice(from, i));
      from = i + 1;
      i++;
    }
  }
  parts.push(line.slice(from, end));
  return parts.join("");
}

/**
 * Escapes one argument for the wire. `null` and the empty string (which the line format
 * cannot carry) are written as `NULL`.
 */
export function escapeArg(value: string | null): string {
  if (value === null || value === "") return "NULL";
  // Plain loops, not a regex replace: this runs for every field of every reply, and
  // `replace(/…/g, "\\$&")` was the server's largest cost in profiles.
  let spaces = 0;
  let others = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x20) spaces++;
    else if (c === 0x5c || c === 0x0d || c === 0x0a || c === 0x09) others++;
  }
  if (others === 0) return spaces === 0 ? value : value.replaceAll(" ", "\\ ");
  let out = "";
  let from = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x20 || c === 0x5c || c === 0x0d || c === 0x0a || c === 0x09) {
      out += `${value.slice(from, i)}\\`;
      from = i;
    }
  }
  return out + value.slice(from);
}

/** Joins arguments into one line of escaped fields (wire-form fields as they are), without the line end. */
export function joinArgs(fields: readonly ResultField[]): string {
  let line = "";
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) line += " ";
    const field = fields[i] ?? null;
    line += field instanceof EscapedField ? field.wire : escapeArg(field);
  }
  return line;
}

/** Whether an argument is the protocol's `NULL` ("no value"), compared case-insensitively. */
export function isNullArg(arg: string): boolean {
  return arg.length === 4 && arg.toUpperCase() === "NULL";
}

/** The argument, or `null` when it is `NULL`. */
export function nullableArg(arg: string): string | null {
  return isNullArg(arg) ? null : arg;
}

/**
 * The old ("long") ClassAd format, as `condor_q -long` prints it and HTCondor's
 * CondorClassAdFileParseHelper reads it: one `Name = value` line per attribute, `#` comment lines,
 * a blank line between ads. Values use the old syntax (backslash literal except in `\"`) and
 * HTCondor's old semantics (leading-zero integers are errors, `;` may separate arguments).
 *
 * The reader is incremental: it consumes a stream chunk by chunk and holds only the current ad,
 * so a queue dump of any size is never held in memory (let alone twice).
 */
import type { Readable } from "node:stream";
import type { Expr, RecordExpr } from "./ast.js";
import { ClassAd } from "./classad.js";
import { ClassAdSyntaxError, type ParseResult } from "./errors.js";
import { parseExpression } from "./parse.js";
import { parseOldExpressionFast } from "./parse-fast.js";
import { compareCaseInsensitive, unparseOld } from "./unparse.js";

export type { ParseResult } from "./errors.js";

/** Options of the old-format readers. */
export interface OldFormatOptions {
  /**
   * Disable the fast paths (plain literals, and the hand-written parser of parse-fast.ts) and
   * send every value through the full chevrotain grammar. The results are identical (a differential test proves it); this
   * exists for that test and for benchmarking.
   */
  fullGrammarOnly?: boolean;
}

const NON_ASCII = /[\u0080-\uffff]/;
// Shared nodes for the commonest constants (ASTs are immutable).
const TRUE_EXPR: Expr = Object.freeze({
  kind: "literal",
  value: Object.freeze({ type: "boolean", value: true }),
});
const FALSE_EXPR: Expr = Object.freeze({
  kind: "literal",
  value: Object.freeze({ type: "boolean", value: false }),
});
const UNDEFINED_EXPR: Expr = Object.freeze({ kind: "literal", value: Object.freeze({ type: "undefined" }) });
const SMALL_INTEGERS: readonly Expr[] = Array.from({ length: 10 }, (_, i) =>
  Object.freeze({ kind: "literal", value: Object.freeze({ type: "integer", value: BigInt(i) }) }),
);

const SIMPLE_REAL = /^-?(?:0|[1-9][0-9]*)\.[0-9]+(?:[eE][+-]?[0-9]+)?$/;

/**
 * The fast path for the literal values that make up most of a job ad, reading `text[start, end)`
 * in place. Returns null when the value is anything else, so a parser decides (and reports errors).
 */
function fastLiteral(text: string, start: number, end: number, inputIsBytes: boolean): Expr | null {
  const c = text.charCodeAt(start);
  if (c === 34) {
    // "…" without backslash or inner quote: the old syntax reads it verbatim.
    const last = end - 1;
    if (last <= start || text.charCodeAt(last) !== 34) return null;
    for (let i = start + 1; i < last; i++) {
      const d = text.charCodeAt(i);
      if (d === 34 || d === 92 || d === 10) return null;
    }
    const raw = text.slice(start + 1, last);
    const value = !inputIsBytes && NON_ASCII.test(raw) ? Buffer.from(raw, "utf8").toString("latin1") : raw;
    return { kind: "literal", value: { type: "string", value } };
  }
  if ((c >= 48 && c <= 57) || c === 45) {
    // -?(0|[1-9][0-9]*) with at most 15 digits: exact as a double, and BigInt(number) is fast.
    const negative = c === 45;
    const first = negative ? start + 1 : start;
    const n = end - first;
    let plain = n > 0 && n <= 15 && !(n > 1 && text.charCodeAt(first) === 48);
    let v = 0;
    for (let i = first; plain && i < end; i++) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) plain = false;
      else v = v * 10 + d;
    }
    if (plain) {
      if (!negative && n === 1) return SMALL_INTEGERS[v] ?? null;
      return { kind: "literal", value: { type: "integer", value: BigInt(negative ? -v : v) } };
    }
    const image = text.slice(start, end);
    if (SIMPLE_REAL.test(image)) return { kind: "literal", value: { type: "real", value: Number(image) } };
    return null;
  }
  const len = end - start;
  if (len === 4 || len === 5 || len === 9) {
    const lower = text.slice(start, end).toLowerCase();
    if (lower === "true") return TRUE_EXPR;
    if (lower === "false") return FALSE_EXPR;
    if (lower === "undefined") return UNDEFINED_EXPR;
  }
  return null;
}

/** Parses the value side of one long-form line (old syntax, old semantics). */
export function parseOldValue(
  text: string,
  options: OldFormatOptions & { inputIsBytes?: boolean } = {},
): ParseResult<Expr> {
  const inputIsBytes = options.inputIsBytes ?? false;
  if (!options.fullGrammarOnly) {
    const fast =
      fastLiteral(text, 0, text.length, inputIsBytes) ?? parseOldExpressionFast(text, inputIsBytes);
    if (fast !== null) return { ok: true, value: fast };
  }
  return parseExpression(text, { oldSyntax: true, oldSemantics: true, inputIsBytes });
}

/**
 * Collects long-form lines into ads. Feed lines with {@link push}; a finished ad (or the first
 * error inside it) comes back from `push` when its blank delimiter line arrives, or from
 * {@link finish} at the end of input.
 */
export class OldAdAssembler {
  private ad = new ClassAd();
  private error: ClassAdSyntaxError | null = null;
  private adIndex = 0;
  private lineNumber = 0;
  private readonly fast: boolean;
  private readonly inputIsBytes: boolean;
  /** Parsed non-literal values by their text, shared between ads of this stream. */
  private readonly expressionCache = new Map<string, Expr>();

  constructor(private readonly options: OldFormatOptions & { inputIsBytes?: boolean } = {}) {
    this.fast = !options.fullGrammarOnly;
    this.inputIsBytes = options.inputIsBytes ?? false;
  }

  /** Adds one line (without its `\n`). Returns a completed ad when the line ends one. */
  push(line: string): ParseResult<ClassAd> | null {
    return this.pushRange(line, 0, line.length);
  }

  /** Adds the line `text[from, to)` (without its `\n`); avoids slicing the line out first. */
  pushRange(text: string, from: number, to: number): ParseResult<ClassAd> | null {
    this.lineNumber++;
    let end = to;
    if (end > from && text.charCodeAt(end - 1) === 13) end--;
    let start = from;
    while (start < end && isWhite(text.charCodeAt(start))) start++;
    if (start === end) return this.endAd(); // blank line: the ad delimiter
    if (this.error !== null) return null; // the rest of a bad ad is skipped
    if (text.charCodeAt(start) === 35) return null; // # comment
    let eq = text.indexOf("=", start);
    if (eq >= end) eq = -1;
    if (eq < 0) {
      const line = text.slice(from, end);
      start -= from;
      this.error = new ClassAdSyntaxError({
        message: "expected 'Name = value'",
        line: this.lineNumber,
        column: start + 1,
        offendingText: line.slice(start, start + 60),
        expected: ["'='"],
        adIndex: this.adIndex,
      });
      return null;
    }
    let nameEnd = eq;
    while (nameEnd > start && isWhite(text.charCodeAt(nameEnd - 1))) nameEnd--;
    const name = text.slice(start, nameEnd);
    if (name.length === 0) {
      this.error = new ClassAdSyntaxError({
        message: "missing attribute name before '='",
        line: this.lineNumber,
        column: eq - from + 1,
        offendingText: "=",
        expected: ["an attribute name"],
        adIndex: this.adIndex,
      });
      return null;
    }
    let valueStart = eq + 1;
    while (valueStart < end && isWhite(text.charCodeAt(valueStart))) valueStart++;
    let valueEnd = end;
    while (valueEnd > valueStart && isWhite(text.charCodeAt(valueEnd - 1))) valueEnd--;
    const literal = this.fast ? fastLiteral(text, valueStart, valueEnd, this.inputIsBytes) : null;
    if (literal !== null) {
      this.ad.set(name, literal);
      return null;
    }
    const valueText = text.slice(valueStart, valueEnd);
    // Identical expressions recur from ad to ad (one cluster's Requirements, Rank, policy
    // expressions); like libclassad's expression cache, ads share one immutable tree.
    const shared = this.fast ? this.expressionCache.get(valueText) : undefined;
    if (shared !== undefined) {
      this.ad.set(name, shared);
      return null;
    }
    const parsed = parseOldValue(valueText, this.options);
    if (parsed.ok && this.fast) {
      if (this.expressionCache.size >= EXPRESSION_CACHE_LIMIT) this.expressionCache.clear();
      this.expressionCache.set(valueText, parsed.value);
    }
    if (!parsed.ok) {
      this.error = parsed.error.locatedIn({
        adIndex: this.adIndex,
        attribute: name,
        line: this.lineNumber,
        columnOffset: valueStart - from,
      });
      return null;
    }
    this.ad.set(name, parsed.value);
    return null;
  }

  /** Ends the input; returns the last ad if one is pending. */
  finish(): ParseResult<ClassAd> | null {
    return this.endAd();
  }

  private endAd(): ParseResult<ClassAd> | null {
    const error = this.error;
    const ad = this.ad;
    if (error === null && ad.size === 0) return null;
    this.error = null;
    this.ad = new ClassAd();
    this.adIndex++;
    if (error !== null) return { ok: false, error };
    return { ok: true, value: ad };
  }
}

/** Entries of the per-stream expression cache before it is emptied (bounds memory). */
const EXPRESSION_CACHE_LIMIT = 4096;

function isWhite(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

/** Any source of chunks: a Node Readable, or any (async) iterable of strings or bytes. */
export type ChunkSource = Readable | AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

/**
 * Reads a stream of long-form ads incrementally. Yields one result per ad, in order: the ad, or
 * the first syntax error in it (with the ad index, attribute name and absolute line); reading
 * continues with the next ad after an error. Byte chunks are taken as bytes (latin1), so string
 * values are byte strings exactly as in the file; string chunks are UTF-8 encoded as needed.
 */
export async function* parseOldAds(
  source: ChunkSource,
  options: OldFormatOptions = {},
): AsyncGenerator<ParseResult<ClassAd>> {
  let assembler: OldAdAssembler | null = null;
  let pending = "";
  for await (const chunk of source as AsyncIterable<string | Uint8Array>) {
    const text =
      typeof chunk === "string"
        ? chunk
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("latin1");
    if (assembler === null)
      assembler = new OldAdAssembler({ ...options, inputIsBytes: typeof chunk !== "string" });
    let start = 0;
    let nl = text.indexOf("\n");
    if (nl >= 0 && pending.length > 0) {
      const r = assembler.push(pending + text.slice(0, nl));
      pending = "";
      if (r !== null) yield r;
      start = nl + 1;
      nl = text.indexOf("\n", start);
    }
    while (nl >= 0) {
      const r = assembler.pushRange(text, start, nl);
      if (r !== null) yield r;
      start = nl + 1;
      nl = text.indexOf("\n", start);
    }
    pending += text.slice(start);
  }
  if (assembler === null) return;
  if (pending.length > 0) {
    const r = assembler.push(pending);
    if (r !== null) yield r;
  }
  const last = assembler.finish();
  if (last !== null) yield last;
}

/** Parses every long-form ad in `text` (synchronously). */
export function parseOldAdsFromText(
  text: string,
  options: OldFormatOptions & { inputIsBytes?: boolean } = {},
): ParseResult<ClassAd>[] {
  const assembler = new OldAdAssembler(options);
  const out: ParseResult<ClassAd>[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf("\n", start);
    const lineEnd = nl < 0 ? text.length : nl;
    if (nl >= 0 || lineEnd > start) {
      const r = assembler.pushRange(text, start, lineEnd);
      if (r !== null) out.push(r);
    }
    if (nl < 0) break;
    start = nl + 1;
  }
  const last = assembler.finish();
  if (last !== null) out.push(last);
  return out;
}

/** Parses exactly one long-form ad (blank lines inside are not allowed to split it). */
export function parseOldClassAd(
  text: string,
  options: OldFormatOptions & { inputIsBytes?: boolean } = {},
): ParseResult<ClassAd> {
  const results = parseOldAdsFromText(text, options);
  const first = results[0];
  if (first === undefined) return { ok: true, value: new ClassAd() };
  if (!first.ok) return first;
  const second = results[1];
  if (second !== undefined) {
    return second.ok
      ? {
          ok: false,
          error: new ClassAdSyntaxError({
            message: "more than one ad in the input (a blank line separates ads)",
            line: 1,
            column: 1,
            offendingText: "",
            expected: ["one ad"],
            adIndex: 1,
          }),
        }
      : second;
  }
  return first;
}

/**
 * Prints one ad in the long form, as `condor_q -long` does: `Name = value` lines, names in
 * case-insensitive order (ties: byte order), no trailing blank line. Returns a byte string.
 */
export function formatOldAd(ad: ClassAd | RecordExpr): string {
  const attributes = ad instanceof ClassAd ? [...ad.attributes()] : [...ad.attributes];
  attributes.sort(
    (a, b) => compareCaseInsensitive(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  let out = "";
  for (const a of attributes) out += `${a.name} = ${unparseOld(a.expr)}\n`;
  return out;
}

/** Prints ads in the long form with a blank line after each ad (the `condor_q -long` layout). */
export function formatOldAds(ads: Iterable<ClassAd | RecordExpr>): string {
  let out = "";
  for (const ad of ads) out += `${formatOldAd(ad)}\n`;
  return out;
}

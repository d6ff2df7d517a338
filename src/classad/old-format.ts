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
import { type Attribute, type Expr, type RecordExpr, SHARED_LITERALS } from "./ast.js";
import { attributeKey, ClassAd } from "./classad.js";
import { ClassAdSyntaxError, type ParseResult } from "./errors.js";
import { parseExpression } from "./parse.js";
import { compareCaseInsensitive, unparseOld } from "./unparse.js";

export type { ParseResult } from "./errors.js";

/** Options of the old-format readers. */
export interface OldFormatOptions {
  /**
   * Disable the fast paths (repeated values, plain literals, the expression cache) and send every
   * value through the chevrotain grammar. The results are identical (differential tests prove
   * it); this exists for those tests and for benchmarking.
   */
  fullGrammarOnly?: boolean;
}

const NON_ASCII = /[\u0080-\uffff]/;
const {
  true: TRUE_EXPR,
  false: FALSE_EXPR,
  undefined: UNDEFINED_EXPR,
  smallIntegers: SMALL_INTEGERS,
} = SHARED_LITERALS;

const SIMPLE_REAL = /^-?(?:0|[1-9][0-9]*)\.[0-9]+(?:[eE][+-]?[0-9]+)?$/;

/**
 * Whether the input at `start` continues with the `length` characters at `sourceStart` of an
 * earlier chunk. Both sides are chunk regions, never slices. Byte input is compared four bytes at
 * a time through DataViews (about three times faster in V8 than charCodeAt, which beats
 * `startsWith`); string input one code unit at a time.
 */
function sameRegion(
  text: string,
  bytes: DataView | null,
  start: number,
  source: string,
  sourceBytes: DataView | null,
  sourceStart: number,
  length: number,
): boolean {
  if (start + length > text.length) return false;
  let i = 0;
  if (bytes !== null && sourceBytes !== null) {
    for (; i + 4 <= length; i += 4) {
      if (bytes.getUint32(start + i) !== sourceBytes.getUint32(sourceStart + i)) return false;
    }
  }
  for (; i < length; i++) {
    if (text.charCodeAt(start + i) !== source.charCodeAt(sourceStart + i)) return false;
  }
  return true;
}

/**
 * The fast path for the literal values that make up most of a job ad, reading `text[start, end)`
 * in place. Returns null when the value is anything else, so a parser decides (and reports errors).
 */
function fastLiteral(text: string, start: number, end: number, inputIsBytes: boolean): Expr | null {
  const c = text.charCodeAt(start);
  if (c === 34) {
    // One old-syntax string filling the value: backslash is literal, except that \" is a quote
    // when more text follows (a \" at the very end is a backslash and the closing quote).
    const last = end - 1;
    if (last <= start || text.charCodeAt(last) !== 34) return null;
    let raw = "";
    let run = start + 1;
    for (let i = run; i < last; i++) {
      const d = text.charCodeAt(i);
      if (d === 92) {
        if (text.charCodeAt(i + 1) === 34 && i + 1 < last) {
          raw += `${text.slice(run, i)}"`;
          run = ++i + 1;
        }
      } else if (d === 34 || d === 10 || d === 13) return null;
    }
    raw = run === start + 1 ? text.slice(run, last) : raw + text.slice(run, last);
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
    const fast = fastLiteral(text, 0, text.length, inputIsBytes);
    if (fast !== null) return { ok: true, value: fast };
  }
  return parseExpression(text, { oldSyntax: true, oldSemantics: true, inputIsBytes });
}

/**
 * One attribute name seen in this stream: its spelling, where it was read (`source`,
 * `sourceStart`), its case-insensitive key, the name that followed it last time, and its last
 * value. Ads of one queue list the same names in the same order and repeat most values (Owner,
 * Cmd, Requirements, policy expressions, zeros), so the next line is first compared in place with
 * the predicted name and that name's last value: a hit slices, hashes and allocates nothing, and
 * the ads share the value's immutable tree.
 */
interface NameEntry {
  readonly name: string;
  readonly key: string;
  readonly source: string;
  readonly sourceBytes: DataView | null;
  readonly sourceStart: number;
  next: NameEntry | null;
  /** The last value as an attribute (name and tree; immutable, so ads share it), and the chunk and range holding its text. */
  attribute: Attribute | null;
  valueSource: string;
  valueBytes: DataView | null;
  valueStart: number;
  valueLength: number;
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
  /** Every name of this stream by spelling (bounded like the expression cache). */
  private readonly names = new Map<string, NameEntry>();
  /** The first name of the previous ad, and the entry of the previous line of this ad. */
  private firstEntry: NameEntry | null = null;
  private previousEntry: NameEntry | null = null;

  constructor(private readonly options: OldFormatOptions & { inputIsBytes?: boolean } = {}) {
    this.fast = !options.fullGrammarOnly;
    this.inputIsBytes = options.inputIsBytes ?? false;
  }

  /** Adds one line (without its `\n`). Returns a completed ad when the line ends one. */
  push(line: string): ParseResult<ClassAd> | null {
    return this.pushRange(line, 0, line.length);
  }

  /**
   * Adds the line `text[from, to)` (without its `\n`); avoids slicing the line out first. When
   * `text` was decoded as latin1 from bytes, `bytes` may view those bytes (same offsets): names and
   * repeated values are then recognised faster.
   */
  pushRange(
    text: string,
    from: number,
    to: number,
    bytes: DataView | null = null,
  ): ParseResult<ClassAd> | null {
    this.lineNumber++;
    let end = to;
    if (end > from && text.charCodeAt(end - 1) === 13) end--;
    let start = from;
    while (start < end && isWhite(text.charCodeAt(start))) start++;
    if (start === end) return this.endAd(); // blank line: the ad delimiter
    if (this.error !== null) return null; // the rest of a bad ad is skipped
    if (text.charCodeAt(start) === 35) return null; // # comment
    const previous = this.previousEntry;
    let entry = previous === null ? this.firstEntry : previous.next;
    let eq = entry === null ? -1 : predictedEquals(text, bytes, start, end, entry);
    if (eq < 0) {
      eq = text.indexOf("=", start);
      if (eq >= end) eq = -1;
      if (eq < 0) {
        this.fail(
          "expected 'Name = value'",
          start - from + 1,
          text.slice(start, Math.min(end, start + 60)),
          "'='",
        );
        return null;
      }
      let nameEnd = eq;
      while (nameEnd > start && isWhite(text.charCodeAt(nameEnd - 1))) nameEnd--;
      if (nameEnd === start) {
        this.fail("missing attribute name before '='", eq - from + 1, "=", "an attribute name");
        return null;
      }
      entry = this.entryFor(text, bytes, start, nameEnd);
      if (previous === null) this.firstEntry = entry;
      else previous.next = entry;
    }
    this.previousEntry = entry;
    const name = (entry as NameEntry).name;
    const key = (entry as NameEntry).key;
    let valueStart = eq + 1;
    while (valueStart < end && isWhite(text.charCodeAt(valueStart))) valueStart++;
    let valueEnd = end;
    while (valueEnd > valueStart && isWhite(text.charCodeAt(valueEnd - 1))) valueEnd--;
    if (!this.fast) return this.parseValue(text, valueStart, valueEnd, name, from);
    const known = entry as NameEntry;
    const length = valueEnd - valueStart;
    if (
      known.attribute !== null &&
      length === known.valueLength &&
      sameRegion(text, bytes, valueStart, known.valueSource, known.valueBytes, known.valueStart, length)
    ) {
      this.ad.setAttribute(key, known.attribute);
      return null;
    }
    let expr = fastLiteral(text, valueStart, valueEnd, this.inputIsBytes);
    if (expr === null) {
      const valueText = text.slice(valueStart, valueEnd);
      // Identical expressions recur from ad to ad (one cluster's Requirements, Rank, policy
      // expressions); like libclassad's expression cache, ads share one immutable tree. Lists
      // and records mostly hold per-job data, so they are parsed afresh rather than cached.
      const first = text.charCodeAt(valueStart);
      const cacheable = first !== 123 && first !== 91; // not { or [
      expr = cacheable ? (this.expressionCache.get(valueText) ?? null) : null;
      if (expr === null) {
        const parsed = parseOldValue(valueText, this.options);
        if (!parsed.ok) {
          this.failValue(parsed.error, name, valueStart - from);
          return null;
        }
        expr = parsed.value;
        if (cacheable) {
          if (this.expressionCache.size >= EXPRESSION_CACHE_LIMIT) this.expressionCache.clear();
          this.expressionCache.set(valueText, expr);
        }
      }
    }
    const attribute: Attribute = { name, expr };
    known.attribute = attribute;
    known.valueSource = text;
    known.valueBytes = bytes;
    known.valueStart = valueStart;
    known.valueLength = length;
    this.ad.setAttribute(key, attribute);
    return null;
  }

  /** Ends the input; returns the last ad if one is pending. */
  finish(): ParseResult<ClassAd> | null {
    return this.endAd();
  }

  /** The full grammar on one value, without the fast paths or caches. */
  private parseValue(text: string, valueStart: number, valueEnd: number, name: string, from: number): null {
    const parsed = parseOldValue(text.slice(valueStart, valueEnd), this.options);
    if (parsed.ok) this.ad.set(name, parsed.value);
    else this.failValue(parsed.error, name, valueStart - from);
    return null;
  }

  /** Records a bad value as this ad's error, placed at its ad, attribute, line and column. */
  private failValue(error: ClassAdSyntaxError, attribute: string, columnOffset: number): void {
    this.error = error.locatedIn({ adIndex: this.adIndex, attribute, line: this.lineNumber, columnOffset });
  }

  private entryFor(text: string, bytes: DataView | null, start: number, end: number): NameEntry {
    const name = text.slice(start, end);
    let entry = this.names.get(name);
    if (entry === undefined) {
      if (this.names.size >= NAME_TABLE_LIMIT) this.names.clear();
      entry = {
        name,
        key: attributeKey(name),
        source: text,
        sourceBytes: bytes,
        sourceStart: start,
        next: null,
        attribute: null,
        valueSource: "",
        valueBytes: null,
        valueStart: 0,
        valueLength: 0,
      };
      this.names.set(name, entry);
    }
    return entry;
  }

  private fail(message: string, column: number, offendingText: string, expected: string): void {
    this.error = new ClassAdSyntaxError({
      message,
      line: this.lineNumber,
      column,
      offendingText,
      expected: [expected],
      adIndex: this.adIndex,
    });
  }

  private endAd(): ParseResult<ClassAd> | null {
    this.previousEntry = null;
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

/**
 * Where the `=` of a line that starts with the predicted `name` is (`name`, optional blanks,
 * `=`), or -1. Names never contain `=`, so this is the same `=` a search from `start` finds.
 */
function predictedEquals(
  text: string,
  bytes: DataView | null,
  start: number,
  end: number,
  entry: NameEntry,
): number {
  const n = entry.name.length;
  if (!sameRegion(text, bytes, start, entry.source, entry.sourceBytes, entry.sourceStart, n)) return -1;
  let p = start + n;
  while (p < end && isWhite(text.charCodeAt(p))) p++;
  return p < end && text.charCodeAt(p) === 61 ? p : -1;
}

/** Distinct names of one stream before the name table is emptied (bounds memory). */
const NAME_TABLE_LIMIT = 4096;

/** Entries of the per-stream expression cache before it is emptied (bounds memory). */
const EXPRESSION_CACHE_LIMIT = 4096;

function toDataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

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
  // The unfinished last line of the previous chunks, and whether all of it came from bytes.
  let pending = "";
  let pendingFromBytes = true;
  for await (const chunk of source as AsyncIterable<string | Uint8Array>) {
    let text: string;
    let bytes: DataView | null = null;
    if (typeof chunk === "string") text = chunk;
    else {
      text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("latin1");
      bytes = toDataView(chunk);
    }
    if (assembler === null) assembler = new OldAdAssembler({ ...options, inputIsBytes: bytes !== null });
    let start = 0;
    let nl = text.indexOf("\n");
    if (nl >= 0 && pending.length > 0) {
      const line = pending + text.slice(0, nl);
      let r: ParseResult<ClassAd> | null;
      if (bytes !== null && pendingFromBytes) {
        // A flat copy with its bytes, so this line is compared as fast as the others.
        const lineBytes = Buffer.from(line, "latin1");
        r = assembler.pushRange(lineBytes.toString("latin1"), 0, line.length, toDataView(lineBytes));
      } else r = assembler.push(line);
      pending = "";
      pendingFromBytes = true;
      if (r !== null) yield r;
      start = nl + 1;
      nl = text.indexOf("\n", start);
    }
    while (nl >= 0) {
      const r = assembler.pushRange(text, start, nl, bytes);
      if (r !== null) yield r;
      start = nl + 1;
      nl = text.indexOf("\n", start);
    }
    if (start < text.length) {
      pending += text.slice(start);
      pendingFromBytes &&= bytes !== null;
    }
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

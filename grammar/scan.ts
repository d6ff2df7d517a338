/**
 * Character-level scanners shared by the chevrotain custom token matchers: numbers (with the
 * context-sensitive negative sign), string literals and quoted names in the new and old syntax.
 * They return where a token ends and what it means; the matchers in tokens.ts wrap them.
 *
 * Problems found while scanning (`08`, `1.`, a NUL escape, an unterminated string) do not stop the
 * lexer: the token is still produced and the first problem is recorded in {@link lexState}, so
 * the parse API can report it as a syntax error with its position.
 */

/** Per-run lexer state: options and the first problem seen. Reset by {@link resetLexState}. */
export interface LexState {
  /** Old semantics: multi-digit integers with a leading `0` are errors. */
  oldSemantics: boolean;
  /** The input is already a byte string (char codes 0–255), e.g. a latin1-decoded file. */
  inputIsBytes: boolean;
  /** The first lexical problem of this run, if any. */
  problem: LexProblem | null;
}

/** A lexical problem: where it starts, how long the offending text is, and what was wrong. */
export interface LexProblem {
  offset: number;
  length: number;
  message: string;
  expected: readonly string[];
}

export const lexState: LexState = { oldSemantics: false, inputIsBytes: false, problem: null };

/** Prepares {@link lexState} for a new tokenize run. */
export function resetLexState(oldSemantics: boolean, inputIsBytes: boolean): void {
  lexState.oldSemantics = oldSemantics;
  lexState.inputIsBytes = inputIsBytes;
  lexState.problem = null;
}

/** Records `problem` unless an earlier one was already recorded. */
export function reportProblem(problem: LexProblem): void {
  if (lexState.problem === null || problem.offset < lexState.problem.offset) lexState.problem = problem;
}

const C_0 = 48;
const C_9 = 57;
const C_DOT = 46;
const C_MINUS = 45;
const C_BACKSLASH = 92;

function isDigit(c: number): boolean {
  return c >= C_0 && c <= C_9;
}

/** C `isspace`: space, \t, \n, \v, \f, \r. */
export function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** The kind of number found by {@link scanNumber}. */
export type NumberKind = "integer" | "real";

/** Result of scanning a number: its kind and the offset just past it. */
export interface NumberScan {
  kind: NumberKind;
  end: number;
}

/**
 * Scans a numeric literal at `offset` (which may start with `-` when the caller allows folding).
 * Integers: decimal digits, or `0x…` (which libclassad reads as 0, see tokens.ts). Reals: digits
 * `.` digits [exp], `.` digits [exp], or digits exp. A `.` or exponent marker that is not followed
 * by a digit makes the literal broken: it is returned as a real and a problem is recorded.
 * Returns null when no number starts here.
 */
export function scanNumber(text: string, offset: number): NumberScan | null {
  let i = offset;
  const n = text.length;
  if (text.charCodeAt(i) === C_MINUS) i++;
  const intStart = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  const intDigits = i - intStart;
  let c = text.charCodeAt(i);
  if (intDigits === 0) {
    // `.5` form: a dot immediately followed by a digit.
    if (c !== C_DOT || !isDigit(text.charCodeAt(i + 1))) return null;
  }
  if (intDigits === 1 && text.charCodeAt(intStart) === C_0 && (c === 120 || c === 88)) {
    // 0x / 0X: libclassad's lexer takes the hexadecimal digits as part of the token.
    let j = i + 1;
    while (j < n && /[0-9a-fA-F]/.test(text.charAt(j))) j++;
    if (j > i + 1) return { kind: "integer", end: j };
  }
  let kind: NumberKind = "integer";
  if (c === C_DOT) {
    kind = "real";
    i++;
    const fracStart = i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    if (i === fracStart) {
      reportProblem({
        offset,
        length: i - offset,
        message: `malformed real number "${text.slice(offset, i)}": a digit must follow the decimal point`,
        expected: ["a digit after '.'"],
      });
      return { kind, end: i };
    }
    c = text.charCodeAt(i);
  }
  if (c === 101 || c === 69) {
    kind = "real";
    i++;
    c = text.charCodeAt(i);
    if (c === 43 || c === C_MINUS) i++;
    const expStart = i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    if (i === expStart) {
      reportProblem({
        offset,
        length: i - offset,
        message: `malformed real number "${text.slice(offset, i)}": the exponent has no digits`,
        expected: ["exponent digits"],
      });
    }
  }
  return { kind, end: i };
}

/** Result of scanning a quoted literal: the decoded byte string and the offset past it. */
export interface QuotedScan {
  value: string;
  end: number;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
};

const NON_ASCII = /[\u0080-\uffff]/;

/** UTF-8 bytes of a run of source text, as a byte string. */
function bytesOf(chunk: string): string {
  return !lexState.inputIsBytes && NON_ASCII.test(chunk)
    ? Buffer.from(chunk, "utf8").toString("latin1")
    : chunk;
}

/**
 * Scans a new-syntax quoted literal (`"…"` string or `'…'` name) at `offset`, including adjacent
 * literals with the same quote separated only by whitespace (`"abc" "def"` → `abcdef`).
 * Escapes: `\a \b \f \n \r \t \v`, octal `\o \oo \ooo` (a third digit only when the first is
 * 0–3), any other `\c` → `c`. An escape that yields NUL, or a missing closing quote, records a
 * problem. Returns null when `offset` does not hold `quote`.
 */
export function scanQuotedNew(text: string, offset: number, quote: number): QuotedScan | null {
  if (text.charCodeAt(offset) !== quote) return null;
  const n = text.length;
  let i = offset;
  let value = "";
  for (;;) {
    // i is at an opening quote.
    i++;
    let runStart = i;
    for (;;) {
      if (i >= n) {
        reportProblem({
          offset,
          length: n - offset,
          message: `unterminated ${quote === 34 ? "string literal" : "quoted name"}`,
          expected: [quote === 34 ? "'\"'" : '"\'"'],
        });
        return { value: value + bytesOf(text.slice(runStart, n)), end: n };
      }
      const c = text.charCodeAt(i);
      if (c === quote) break;
      if (c !== C_BACKSLASH) {
        i++;
        continue;
      }
      value += bytesOf(text.slice(runStart, i));
      i++;
      if (i >= n) continue; // reported as unterminated on the next turn
      const e = text.charAt(i);
      const ec = text.charCodeAt(i);
      if (ec >= C_0 && ec <= 55) {
        let code = ec - C_0;
        let j = i + 1;
        const d2 = text.charCodeAt(j);
        if (d2 >= C_0 && d2 <= 55) {
          code = code * 8 + (d2 - C_0);
          j++;
          const d3 = text.charCodeAt(j);
          if (ec <= 51 && d3 >= C_0 && d3 <= 55) {
            code = code * 8 + (d3 - C_0);
            j++;
          }
        }
        if (code === 0) {
          reportProblem({
            offset: i - 1,
            length: j - i + 1,
            message: "a string may not contain a NUL byte (octal escape with value 0)",
            expected: ["a non-zero octal escape"],
          });
        }
        value += String.fromCharCode(code);
        i = j;
      } else {
        value += SIMPLE_ESCAPES[e] ?? bytesOf(text.slice(i, i + (ec >= 0xd800 && ec <= 0xdbff ? 2 : 1)));
        i += ec >= 0xd800 && ec <= 0xdbff ? 2 : 1;
      }
      runStart = i;
    }
    value += bytesOf(text.slice(runStart, i));
    i++; // closing quote
    // Adjacent literal with the same quote, separated only by whitespace, continues this one.
    let j = i;
    while (j < n && isSpace(text.charCodeAt(j))) j++;
    if (text.charCodeAt(j) !== quote) return { value, end: i };
    i = j;
  }
}

/**
 * Scans an old-syntax quoted literal (`"…"` string, or `'…'` name with `quote` 39), as libclassad's
 * tokenizeStringOld does: backslash is not an escape, except that a backslash right before the
 * quote makes the quote literal when more text follows; a `\"` at the end of the line (or input)
 * is a backslash followed by the closing quote. No concatenation of adjacent literals.
 */
export function scanStringOld(text: string, offset: number, quote = 34): QuotedScan | null {
  if (text.charCodeAt(offset) !== quote) return null;
  const n = text.length;
  let i = offset + 1;
  let value = "";
  let runStart = i;
  for (;;) {
    if (i >= n) {
      reportProblem({
        offset,
        length: i - offset,
        message: `unterminated ${quote === 34 ? "string literal" : "quoted name"}`,
        expected: [quote === 34 ? "'\"'" : '"\'"'],
      });
      return { value: value + bytesOf(text.slice(runStart, i)), end: i };
    }
    const c = text.charCodeAt(i);
    if (c === quote) break;
    if (c === C_BACKSLASH && text.charCodeAt(i + 1) === quote) {
      if (i + 2 >= n || text.charCodeAt(i + 2) === 10) {
        i++; // the backslash is literal; the quote closes
        break;
      }
      value += bytesOf(text.slice(runStart, i)) + String.fromCharCode(quote);
      i += 2;
      runStart = i;
      continue;
    }
    i++;
  }
  value += bytesOf(text.slice(runStart, i));
  return { value, end: i + 1 };
}

/** Converts an offset into a 1-based line and column. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

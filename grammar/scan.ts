/**
 * Character-level scanners used by the lexer (lexer.ts): numbers, string literals and quoted
 * names in the new and old syntax. They return where a token ends and what it means.
 *
 * Problems found while scanning (`08`, `1.`, a NUL escape, an unterminated string) do not stop the
 * lexer: the token is still produced and the first problem is recorded in the run's
 * {@link LexRun}, so the parse API can report it as a syntax error with its position.
 */

/** A lexical problem: where it starts, how long the offending text is, and what was wrong. */
export interface LexProblem {
  offset: number;
  length: number;
  message: string;
  expected: readonly string[];
}

/**
 * The state of one lexing run that the scanners read and write: whether the input is already a
 * byte string, and the first problem seen. One object per run (never module state), so parses
 * cannot see each other's problems.
 */
export interface LexRun {
  /** The input is already a byte string (char codes 0–255), e.g. a latin1-decoded file. */
  readonly inputIsBytes: boolean;
  /** The first (leftmost) lexical problem of this run, if any. */
  problem: LexProblem | null;
}

/** Records `problem` in `run` unless an earlier one was already recorded. */
export function reportProblem(run: LexRun, problem: LexProblem): void {
  if (run.problem === null || problem.offset < run.problem.offset) run.problem = problem;
}

const C_0 = 48;
const C_7 = 55;
const C_BACKSLASH = 92;

/** Result of scanning a quoted literal: the decoded byte string and the offset past it. */
export interface QuotedScan {
  value: string;
  end: number;
}

const SIMPLE_ESCAPES: Readonly<Record<number, string>> = {
  97: "\x07", // a
  98: "\b",
  102: "\f",
  110: "\n",
  114: "\r",
  116: "\t",
  118: "\v",
};

/**
 * Decodes the escapes of a new-syntax string body (a byte string), as libclassad's
 * convert_escapes does: `\a \b \f \n \r \t \v`, octal `\o \oo \ooo` (a third digit only while
 * the value is below 0x20, i.e. the first digit is 0–3), any other `\c` → `c`, and a backslash
 * at the very end stays. An escape that yields NUL is a problem, reported where the escape is when
 * `bodyOffset` (where `body` starts in the source) is known (≥ 0), else at `literalOffset`.
 */
export function decodeEscapes(run: LexRun, body: string, bodyOffset: number, literalOffset: number): string {
  const n = body.length;
  let out = "";
  let runStart = 0;
  for (let i = 0; i < n; i++) {
    if (body.charCodeAt(i) !== C_BACKSLASH || i === n - 1) continue;
    out += body.slice(runStart, i);
    const escapeStart = i;
    i++;
    const e = body.charCodeAt(i);
    if (e >= C_0 && e <= C_7) {
      let code = e - C_0;
      const d2 = body.charCodeAt(i + 1);
      if (d2 >= C_0 && d2 <= C_7) {
        i++;
        code = code * 8 + (d2 - C_0);
        const d3 = body.charCodeAt(i + 1);
        if (code < 0x20 && d3 >= C_0 && d3 <= C_7) {
          i++;
          code = code * 8 + (d3 - C_0);
        }
      }
      if (code === 0) {
        reportProblem(run, {
          offset: bodyOffset >= 0 ? bodyOffset + escapeStart : literalOffset,
          length: bodyOffset >= 0 ? i - escapeStart + 1 : 1,
          message: "a string may not contain a NUL byte (octal escape with value 0)",
          expected: ["a non-zero octal escape"],
        });
      }
      out += String.fromCharCode(code & 0xff);
    } else {
      out += SIMPLE_ESCAPES[e] ?? body.charAt(i);
    }
    runStart = i + 1;
  }
  return runStart === 0 ? body : out + body.slice(runStart);
}

const NON_ASCII = /[\u0080-\uffff]/;

/** UTF-8 bytes of a run of source text, as a byte string. */
function bytesOf(run: LexRun, chunk: string): string {
  return !run.inputIsBytes && NON_ASCII.test(chunk) ? Buffer.from(chunk, "utf8").toString("latin1") : chunk;
}

/**
 * Scans an old-syntax quoted literal (`"…"` string, or `'…'` name with `quote` 39), as libclassad's
 * tokenizeStringOld does: backslash is not an escape, except that a backslash right before the
 * quote makes the quote literal when more text follows; a `\"` at the end of the line (or input)
 * is a backslash followed by the closing quote. No concatenation of adjacent literals.
 */
export function scanStringOld(run: LexRun, text: string, offset: number, quote = 34): QuotedScan {
  const n = text.length;
  let i = offset + 1;
  let value = "";
  let runStart = i;
  for (;;) {
    if (i >= n) {
      reportProblem(run, {
        offset,
        length: i - offset,
        message: `unterminated ${quote === 34 ? "string literal" : "quoted name"}`,
        expected: [quote === 34 ? "'\"'" : '"\'"'],
      });
      return { value: value + bytesOf(run, text.slice(runStart, i)), end: i };
    }
    const c = text.charCodeAt(i);
    if (c === quote) break;
    if (c === C_BACKSLASH && text.charCodeAt(i + 1) === quote) {
      if (i + 2 >= n || text.charCodeAt(i + 2) === 10) {
        i++; // the backslash is literal; the quote closes
        break;
      }
      value += bytesOf(run, text.slice(runStart, i)) + String.fromCharCode(quote);
      i += 2;
      runStart = i;
      continue;
    }
    i++;
  }
  value += bytesOf(run, text.slice(runStart, i));
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

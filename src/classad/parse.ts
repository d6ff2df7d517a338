/**
 * Parse APIs for ClassAd text: one expression, one new-syntax ad `[ … ]`, or ads back to back.
 * Every syntax goes through the one grammar (grammar/lexer.ts → grammar/parser.ts); the old-format
 * stream reader (old-format.ts) calls {@link parseExpression} with `oldSyntax` for its values.
 * Errors are returned as values ({@link ParseResult}) with line, column, offending text and what
 * was expected.
 */
import { EOF, type IParserErrorMessageProvider, type IToken, type TokenType } from "chevrotain";
import { Lexer, type Lexing } from "../../grammar/lexer.js";
import { ClassAdParser, markLoneOperands, type ParseRun, type RecordParts } from "../../grammar/parser.js";
import { lineColumnAt } from "../../grammar/scan.js";
import type { Expr, RecordExpr } from "./ast.js";
import { ClassAd } from "./classad.js";
import { ClassAdSyntaxError, type ParseResult } from "./errors.js";

/** Line and column (1-based) of a UTF-16 offset in `text`. */
export { lineColumnAt } from "../../grammar/scan.js";
export type { ParseResult } from "./errors.js";
export { ClassAdSyntaxError } from "./errors.js";

/** Options shared by the parse functions. */
export interface ParseOptions {
  /**
   * HTCondor's old semantics (its default): multi-digit integers with a leading zero are errors,
   * and `;` may separate function arguments. Off by default (libclassad's strict parser).
   */
  oldSemantics?: boolean;
  /** Old (long-form) string syntax: backslash is literal except in `\"`. Implied by old-format.ts. */
  oldSyntax?: boolean;
  /**
   * The text is a byte string (char codes 0–255, e.g. a file decoded as latin1): string contents
   * are taken byte for byte instead of being UTF-8 encoded. Columns then count bytes.
   */
  inputIsBytes?: boolean;
  /**
   * Record where things are: `offset` on every node and `nameOffset` on every attribute (see
   * `Located` in ast.ts), for messages that point into the text. Off by default: the nodes of
   * constant literals are then shared between parses.
   */
  offsets?: boolean;
  /**
   * Read runs of record attributes `name = operand;` as one token each (grammar/lexer.ts,
   * `attributes`), as every parse does by default. Off sends every token through the grammar; the
   * results and errors are the same (test/classad/grammar-shortcuts.test.ts). For tests.
   */
  attributeTokens?: boolean;
}

function labelOf(t: TokenType): string {
  return t === EOF ? "end of input" : (t.LABEL ?? t.name);
}

function describe(tok: IToken | undefined): string {
  if (tok === undefined || tok.tokenType === EOF) return "end of input";
  return `'${tok.image}'`;
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

/** Chevrotain's error messages, recording what was expected in the parse in progress. */
function messagesFor(current: () => ParseRun): IParserErrorMessageProvider {
  return {
    buildMismatchTokenMessage({ expected, actual }) {
      current().expected = [labelOf(expected)];
      return `unexpected ${describe(actual)}; expected ${current().expected[0]}`;
    },
    buildNotAllInputParsedMessage({ firstRedundant }) {
      current().expected = ["end of input"];
      return `unexpected ${describe(firstRedundant)} after a complete expression; expected end of input`;
    },
    buildNoViableAltMessage({ expectedPathsPerAlt, actual }) {
      let expected = unique(expectedPathsPerAlt.flat().map((path) => labelOf(path[0] ?? EOF)));
      // The `;` argument separator is gated on old semantics: do not offer it when it is off.
      if (!current().oldSemantics) expected = expected.filter((e) => e !== "';'" || expected.length === 1);
      current().expected = expected;
      return `unexpected ${describe(actual[0])}; expected ${expected.join(", ")}`;
    },
    buildEarlyExitMessage({ expectedIterationPaths, actual }) {
      current().expected = unique(expectedIterationPaths.map((path) => labelOf(path[0] ?? EOF)));
      return `unexpected ${describe(actual[0])}; expected ${current().expected.join(", ")}`;
    },
  };
}

/** The grammar instance for ordinary texts, reused by every parse. */
const grammar: ClassAdParser = new ClassAdParser(messagesFor(() => grammar.run));

/** From this length on, the lexer streams into the parser ({@link ClassAdParser.beginStreaming}). */
const STREAM_FROM = 256 * 1024;

function offendingSlice(text: string, offset: number, length: number): string {
  const s = text.slice(offset, offset + Math.max(length, 0));
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function errorAtOffset(
  text: string,
  offset: number,
  length: number,
  message: string,
  expected: readonly string[],
): ClassAdSyntaxError {
  const { line, column } = lineColumnAt(text, offset);
  return new ClassAdSyntaxError({
    message,
    line,
    column,
    offendingText: offendingSlice(text, offset, length),
    expected,
  });
}

function tooDeep(text: string): ClassAdSyntaxError {
  return errorAtOffset(text, 0, 0, "expression nested too deeply to parse", ["less nesting"]);
}

/** The leftmost of the lexer's problems and its unlexable text, as a syntax error to report. */
function lexicalError(text: string, lexing: Lexing): Candidate | null {
  const problem = lexing.problem;
  const unlexable = lexing.errors[0];
  if (problem === null && unlexable === undefined) return null;
  if (problem !== null && (unlexable === undefined || problem.offset <= unlexable.offset)) {
    return {
      offset: problem.offset,
      error: () => errorAtOffset(text, problem.offset, problem.length, problem.message, problem.expected),
    };
  }
  const u = unlexable as { offset: number; length: number };
  return {
    offset: u.offset,
    error: () =>
      errorAtOffset(
        text,
        u.offset,
        u.length,
        `unexpected character '${text.slice(u.offset, u.offset + u.length)}'`,
        ["a token"],
      ),
  };
}

type Entry = "expressionEntry" | "recordEntry" | "recordSequenceEntry";
type EntryResult = {
  expressionEntry: Expr;
  recordEntry: RecordParts;
  recordSequenceEntry: RecordParts[];
};

/** A syntax error found at `offset`, built only if it is the one reported. */
interface Candidate {
  readonly offset: number;
  readonly error: () => ClassAdSyntaxError;
}

/** Lexes and parses `text` from `entry`; returns the value or the leftmost error. */
function run<E extends Entry>(text: string, entry: E, options: ParseOptions): ParseResult<EntryResult[E]> {
  const settings = { oldSemantics: options.oldSemantics ?? false, offsets: options.offsets ?? false };
  const lexer = new Lexer(text, options, options.attributeTokens ?? true);
  let parse: ParseRun;
  if (text.length >= STREAM_FROM) parse = grammar.beginStreaming(lexer, settings);
  else {
    lexer.run();
    markLoneOperands(lexer.tokens);
    parse = grammar.begin(lexer.tokens, settings, lexer);
  }
  let value: EntryResult[E];
  try {
    value = grammar[entry]() as EntryResult[E];
  } catch (e) {
    // Deep nesting exhausts the stack inside the recursive descent: report, don't crash.
    if (!(e instanceof RangeError)) throw e;
    grammar.input = [];
    return { ok: false, error: lexicalError(text, lexer)?.error() ?? tooDeep(text) };
  }
  const candidates: Candidate[] = [];
  // After the parse: a streaming lexer has then read as far as the parser got.
  const lexical = lexicalError(text, lexer);
  if (lexical !== null) candidates.push(lexical);
  const parseError = grammar.errors[0];
  if (parseError !== undefined) {
    const tok = parseError.token;
    const offset = tok.tokenType === EOF || Number.isNaN(tok.startOffset) ? text.length : tok.startOffset;
    const expected = parse.expected;
    candidates.push({
      offset,
      error: () => errorAtOffset(text, offset, tok.image.length, parseError.message, expected),
    });
  }
  const action = parse.actionError;
  if (action !== null) {
    candidates.push({
      offset: action.offset,
      error: () => errorAtOffset(text, action.offset, action.length, action.message, action.expected),
    });
  }
  if (candidates.length === 0) return { ok: true, value };
  // The leftmost problem is the one to report (ties: lexical first, then the grammar's).
  let first = candidates[0] as Candidate;
  for (const c of candidates) if (c.offset < first.offset) first = c;
  return { ok: false, error: first.error() };
}

/** Parses one ClassAd expression (new syntax unless `options.oldSyntax`). */
export function parseExpression(text: string, options: ParseOptions = {}): ParseResult<Expr> {
  return run(text, "expressionEntry", options);
}

/** Parses one new-syntax record `[ … ]` into its AST node. */
export function parseRecord(text: string, options: ParseOptions = {}): ParseResult<RecordExpr> {
  const r = run(text, "recordEntry", options);
  return r.ok ? { ok: true, value: grammar.recordNode(r.value) } : r;
}

/** Parses one new-syntax ClassAd `[ a = 1; b = 2 ]`. */
export function parseClassAd(text: string, options: ParseOptions = {}): ParseResult<ClassAd> {
  const r = run(text, "recordEntry", options);
  return r.ok ? { ok: true, value: ClassAd.adopt(r.value.byKey) } : r;
}

/** Parses new-syntax ads written back to back (`[ a = 3; ][ b = 4; ]`), as libclassad's offset API allows. */
export function parseClassAds(text: string, options: ParseOptions = {}): ParseResult<ClassAd[]> {
  const r = run(text, "recordSequenceEntry", options);
  return r.ok ? { ok: true, value: r.value.map((record) => ClassAd.adopt(record.byKey)) } : r;
}

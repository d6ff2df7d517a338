/**
 * Parse APIs for ClassAd text: one expression, or one new-syntax ad `[ … ]`. Errors are returned
 * as values ({@link ParseResult}) with line, column, offending text and what was expected.
 * Old-format streams (`condor_q -long`) are in old-format.ts, JSON in json.ts.
 */
import {
  type CstNode,
  EOF,
  type IParserErrorMessageProvider,
  type IRecognitionException,
  type IToken,
  type TokenType,
} from "chevrotain";
import { tokenize } from "../../grammar/lexer.js";
import { ClassAdGrammar } from "../../grammar/parser.js";
import { lexState, lineColumnAt } from "../../grammar/scan.js";
import type { Expr, RecordExpr } from "./ast.js";
import { ClassAd } from "./classad.js";
import { buildExpression, buildRecord } from "./cst-to-ast.js";
import { ClassAdSyntaxError, type ParseResult } from "./errors.js";

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

/** Expected-token names of the last parser error (chevrotain builds messages, we keep the data). */
let lastExpected: string[] = [];

const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    lastExpected = [labelOf(expected)];
    return `unexpected ${describe(actual)}; expected ${lastExpected[0]}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    lastExpected = ["end of input"];
    return `unexpected ${describe(firstRedundant)} after a complete expression; expected end of input`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual }) {
    lastExpected = unique(expectedPathsPerAlt.flat().map((path) => labelOf(path[0] ?? EOF)));
    // The `;` argument separator is gated on old semantics: do not offer it when it is off.
    if (!grammar.oldSemantics)
      lastExpected = lastExpected.filter((e) => e !== "';'" || lastExpected.length === 1);
    return `unexpected ${describe(actual[0])}; expected ${lastExpected.join(", ")}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual }) {
    lastExpected = unique(expectedIterationPaths.map((path) => labelOf(path[0] ?? EOF)));
    return `unexpected ${describe(actual[0])}; expected ${lastExpected.join(", ")}`;
  },
};

/** The one grammar instance, reused by every parse. */
const grammar = new ClassAdGrammar(messages);

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

type Entry = "expressionEntry" | "classAdEntry" | "classAdSequenceEntry";

function tooDeep(text: string): ClassAdSyntaxError {
  return errorAtOffset(text, 0, 0, "expression nested too deeply to parse", ["less nesting"]);
}

/** Runs an AST builder, turning stack exhaustion on very deep trees into a syntax error. */
function build<T>(text: string, f: () => T): ParseResult<T> {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (e instanceof RangeError) return { ok: false, error: tooDeep(text) };
    throw e;
  }
}

/** Lexes and parses `text` with the given entry rule; returns the CST or the earliest error. */
function parseCst(text: string, entry: Entry, options: ParseOptions) {
  const lexed = tokenize(text, options);
  let best: { offset: number; make: () => ClassAdSyntaxError } | null = null;
  const consider = (offset: number, make: () => ClassAdSyntaxError) => {
    if (best === null || offset < best.offset) best = { offset, make };
  };
  const problem = lexState.problem;
  if (problem !== null) {
    consider(problem.offset, () =>
      errorAtOffset(text, problem.offset, problem.length, problem.message, problem.expected),
    );
  }
  for (const e of lexed.errors) {
    consider(e.offset, () =>
      errorAtOffset(
        text,
        e.offset,
        e.length,
        `unexpected character '${text.slice(e.offset, e.offset + e.length)}'`,
        ["a token"],
      ),
    );
  }
  grammar.oldSemantics = options.oldSemantics ?? false;
  grammar.input = lexed.tokens;
  lastExpected = [];
  let cst: CstNode;
  try {
    cst = grammar[entry]();
  } catch (e) {
    // Deep nesting exhausts the stack inside chevrotain's recursive descent: report, don't crash.
    if (!(e instanceof RangeError)) throw e;
    grammar.input = [];
    return { ok: false as const, error: tooDeep(text) };
  }
  const parseError: IRecognitionException | undefined = grammar.errors[0];
  if (parseError !== undefined) {
    const tok = parseError.token;
    const offset = tok.tokenType === EOF || Number.isNaN(tok.startOffset) ? text.length : tok.startOffset;
    const expected = lastExpected;
    consider(offset, () => errorAtOffset(text, offset, tok.image.length, parseError.message, expected));
  }
  const found = best as { offset: number; make: () => ClassAdSyntaxError } | null;
  if (found !== null) return { ok: false as const, error: found.make() };
  return { ok: true as const, cst };
}

/** Parses one ClassAd expression (new syntax unless `options.oldSyntax`). */
export function parseExpression(text: string, options: ParseOptions = {}): ParseResult<Expr> {
  const r = parseCst(text, "expressionEntry", options);
  if (!r.ok) return r;
  const expression = r.cst.children.expression?.[0];
  if (expression === undefined || !("children" in expression)) {
    return { ok: false, error: errorAtOffset(text, 0, 0, "empty expression", ["an expression"]) };
  }
  return build(text, () => buildExpression(expression));
}

/** Parses one new-syntax record `[ … ]` into its AST node. */
export function parseRecord(text: string, options: ParseOptions = {}): ParseResult<RecordExpr> {
  const r = parseCst(text, "classAdEntry", options);
  if (!r.ok) return r;
  const record = r.cst.children.record?.[0];
  if (record === undefined || !("children" in record)) {
    return { ok: false, error: errorAtOffset(text, 0, 0, "expected a ClassAd", ["'['"]) };
  }
  return build(text, () => buildRecord(record));
}

/** Parses one new-syntax ClassAd `[ a = 1; b = 2 ]`. */
export function parseClassAd(text: string, options: ParseOptions = {}): ParseResult<ClassAd> {
  const r = parseRecord(text, options);
  if (!r.ok) return r;
  return { ok: true, value: ClassAd.fromRecord(r.value) };
}

/** Parses new-syntax ads written back to back (`[ a = 3; ][ b = 4; ]`), as libclassad's offset API allows. */
export function parseClassAds(text: string, options: ParseOptions = {}): ParseResult<ClassAd[]> {
  const r = parseCst(text, "classAdSequenceEntry", options);
  if (!r.ok) return r;
  return build(text, () =>
    (r.cst.children.record ?? []).map((node) => {
      if (!("children" in node)) throw new Error("CST: token where a record was expected");
      return ClassAd.fromRecord(buildRecord(node));
    }),
  );
}

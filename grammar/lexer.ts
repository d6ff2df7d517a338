/**
 * The two ClassAd lexers: new syntax (C-like string escapes) and old syntax (the `condor_q -long`
 * form, where backslash is literal except in `\"`). Both share every other token.
 */
import { type ILexingResult, Lexer } from "chevrotain";
import { resetLexState } from "./scan.js";
import { newSyntaxTokens, oldSyntaxTokens, resetNumberCache } from "./tokens.js";

const lexerConfig = { positionTracking: "full", ensureOptimizations: true } as const;

const newSyntaxLexer = new Lexer(newSyntaxTokens, lexerConfig);
const oldSyntaxLexer = new Lexer(oldSyntaxTokens, lexerConfig);

/** Options of one tokenize run. */
export interface TokenizeOptions {
  /** Old (long-form) string syntax. */
  oldSyntax?: boolean;
  /** Old semantics: leading-zero integers are errors. */
  oldSemantics?: boolean;
  /** The text is already a byte string (char codes are bytes): string contents are not re-encoded. */
  inputIsBytes?: boolean;
}

/**
 * Tokenizes `text`. Lexical problems that chevrotain cannot see (bad escapes, malformed numbers)
 * are recorded in `lexState.problem` (see scan.ts) for the caller to report.
 */
export function tokenize(text: string, options: TokenizeOptions = {}): ILexingResult {
  resetLexState(options.oldSemantics ?? false, options.inputIsBytes ?? false);
  resetNumberCache();
  return (options.oldSyntax ? oldSyntaxLexer : newSyntaxLexer).tokenize(text);
}

import { setFlagsFromString } from "node:v8";

/**
 * Bounds regular-expression backtracking for the whole process. ClassAd `regexp()` patterns come
 * from job ads (anyone who can submit), and V8's backtracking engine has no match limit: a
 * pattern like `(a+)+b` against a long run of `a`s runs for hours, freezing the helper's demand
 * loop. With this V8 flag, a match that backtracks too much (50,000 backtracks by default) is
 * re-run on V8's linear-time engine, which gives the same answer without the blow-up. PCRE2
 * (libclassad) stops such a match at its match limit and makes the call `error`; a pattern the
 * linear engine cannot run (back-references, lookaround) keeps backtracking, but those are
 * served by our own matcher, which has PCRE2's match limit (src/classad/builtins/pcre-match.ts).
 *
 * Called first by both programs' `main`; V8 reads the flag at match time, so it also covers
 * patterns compiled before the call.
 */
export function boundRegExpBacktracking(): void {
  setFlagsFromString("--enable-experimental-regexp-engine-on-excessive-backtracks");
}

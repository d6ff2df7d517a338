/**
 * Regular expressions as libclassad runs them: PCRE2 in 8-bit mode without UTF (a pattern and a
 * subject are byte strings), C-locale character tables (only ASCII letters have case), newline
 * LF, and the rules of the pcre2 release the pinned HTCondor wheel ships (10.3x–10.42: every
 * branch of a lookbehind has a fixed length; `{,n}` is literal text).
 *
 * JavaScript's RegExp differs in many corners (inline options, POSIX classes, possessive
 * quantifiers and atomic groups, `$` before a final newline, `.` and `\r`, octal escapes that are
 * back-references, what is a compile error…), so a pattern is parsed here with PCRE2's rules into a
 * small tree and written out as a JavaScript pattern that means the same over byte strings:
 * options are applied while parsing (case folding and `.` become explicit byte sets, anchors become
 * lookarounds), and possessive or atomic parts become a capturing lookahead plus a back-reference.
 * A pattern with back-references of its own is matched over the tree instead (pcre-match.ts):
 * JavaScript's back-references differ from PCRE2's. A pattern PCRE2 refuses gives {@link PCRE_ERROR}; the few PCRE2 features JavaScript cannot express
 * (recursion, conditionals, `\K`, `\G`, branch reset, callouts, verbs, Unicode properties) give
 * {@link PCRE_UNSUPPORTED}, which callers treat as an error too.
 */

import { hasBackref, PcreMatchLimit, TreeMatcher } from "./pcre-match.js";
import { type Node, Parser, type PcreFlags, PcreSyntaxError, PcreUnsupported } from "./pcre-parse.js";
import { type WrittenPattern, writeJs } from "./pcre-write.js";

export { PcreMatchLimit } from "./pcre-match.js";
export type { PcreFlags } from "./pcre-parse.js";

/** A pattern PCRE2 would refuse to compile. */
export const PCRE_ERROR = "error";
/** A pattern PCRE2 accepts that this translation cannot express. */
export const PCRE_UNSUPPORTED = "unsupported";

/** One match: its span and every capture group (index 0 is the whole match). */
export interface PcreMatch {
  readonly start: number;
  readonly end: number;
  /** `groups[n]` is group n's text, or undefined when it did not take part. */
  readonly groups: readonly (string | undefined)[];
  /** What pcre2_match returns: one more than the highest group that took part. */
  readonly count: number;
}

/**
 * How to look for a match: pcre2_match's options as libclassad uses them. `anchored` with
 * `notEmpty` is PCRE2_ANCHORED | PCRE2_NOTEMPTY_ATSTART (the same thing when anchored).
 */
export interface PcreMatchOptions {
  /** PCRE2_ANCHORED: only at the start offset. */
  readonly anchored?: boolean;
  /** PCRE2_NOTEMPTY: no empty match. */
  readonly notEmpty?: boolean;
}

/** A PCRE2 pattern ready to match byte strings. */
export class PcrePattern {
  readonly #regexes: (RegExp | undefined)[] = [undefined, undefined, undefined, undefined];

  private constructor(
    /** The JavaScript forms (null when the tree matcher serves the pattern). */
    private readonly js: { readonly plain: WrittenPattern; readonly nonEmpty: WrittenPattern } | null,
    /** The pattern's capture groups. */
    readonly groupCount: number,
    /** For patterns with back-references: PCRE2's semantics need the tree matcher. */
    private readonly tree: TreeMatcher | null,
  ) {}

  /** Compiles `pattern`; {@link PCRE_ERROR} when PCRE2 would refuse it, {@link PCRE_UNSUPPORTED} when it cannot be expressed. */
  static compile(
    pattern: string,
    flags: PcreFlags,
  ): PcrePattern | typeof PCRE_ERROR | typeof PCRE_UNSUPPORTED {
    let parser: Parser;
    let tree: Node;
    try {
      parser = new Parser(pattern);
      tree = parser.parse(flags);
    } catch (e) {
      if (e instanceof PcreSyntaxError) return PCRE_ERROR;
      if (e instanceof PcreUnsupported) return PCRE_UNSUPPORTED;
      if (e instanceof RangeError) return PCRE_UNSUPPORTED; // nesting deeper than the stack
      throw e;
    }
    if (hasBackref(tree))
      return new PcrePattern(null, parser.groups, new TreeMatcher(tree, parser.groups, parser.names));
    const plain = writeJs(tree, 1);
    // For "not empty": capture the rest of the subject at the start, and refuse an end where
    // the rest is still all of it (the match would be empty).
    const nonEmpty = writeJs(tree, 2);
    const nonEmptyForm = { source: `(?=([\\s\\S]*))(?:${nonEmpty.source})(?!\\1$)`, map: nonEmpty.map };
    return new PcrePattern({ plain, nonEmpty: nonEmptyForm }, parser.groups, null);
  }

  /** The first match at or after `from` (exactly at `from` when anchored), or null. */
  match(subject: string, from: number, options: PcreMatchOptions = {}): PcreMatch | null {
    if (this.tree !== null) {
      const found = this.tree.exec(subject, from, options);
      if (found === null) return null;
      return this.result(subject, found.start, found.end, (n) => {
        const span = found.caps[n];
        return span === undefined ? undefined : subject.slice(span[0], span[1]);
      });
    }
    const js = this.js as NonNullable<typeof this.js>;
    const nonEmpty = options.notEmpty ?? false;
    const anchored = options.anchored ?? false;
    const form = nonEmpty ? js.nonEmpty : js.plain;
    // Four variants, each built on first use: plain or non-empty, searching or anchored.
    const slot = (nonEmpty ? 2 : 0) + (anchored ? 1 : 0);
    let re = this.#regexes[slot];
    if (re === undefined) {
      re = new RegExp(form.source, anchored ? "y" : "g");
      this.#regexes[slot] = re;
    }
    re.lastIndex = from;
    const m = re.exec(subject);
    if (m === null) return null;
    return this.result(subject, m.index, m.index + m[0].length, (n) => m[form.map[n] ?? 0]);
  }

  /** Whether the pattern matches anywhere in `subject` (throws {@link PcreMatchLimit} past PCRE2's limits). */
  test(subject: string): boolean {
    return this.match(subject, 0) !== null;
  }

  /** A match from its span and each group's text; `count` as pcre2_match returns it. */
  private result(
    subject: string,
    start: number,
    end: number,
    group: (n: number) => string | undefined,
  ): PcreMatch {
    const groups: (string | undefined)[] = [subject.slice(start, end)];
    let count = 1;
    for (let n = 1; n <= this.groupCount; n++) {
      const text = group(n);
      groups.push(text);
      if (text !== undefined) count = n + 1;
    }
    return { start, end, groups, count };
  }
}

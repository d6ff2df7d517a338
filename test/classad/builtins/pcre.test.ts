import { describe, expect, it } from "vitest";
import {
  PCRE_ERROR,
  PCRE_UNSUPPORTED,
  type PcreFlags,
  PcreMatchLimit,
  PcrePattern,
} from "../../../src/classad/builtins/pcre.js";

const NONE: PcreFlags = { caseless: false, multiline: false, dotall: false, extended: false };

function compile(pattern: string, flags: Partial<PcreFlags> = {}): PcrePattern {
  const compiled = PcrePattern.compile(pattern, { ...NONE, ...flags });
  if (typeof compiled === "string") throw new Error(`${pattern}: ${compiled}`);
  return compiled;
}

// The parity table (test/classad/parity/regular-expressions.txt) pins what libclassad answers;
// these check the matcher's own interface: spans, groups, PCRE2's match count and options.
describe("PCRE2 patterns over byte strings", () => {
  it("reports spans, groups and PCRE2's count (one more than the highest group that took part)", () => {
    const m = compile("(b)(x)?(c)?").match("abcb", 0);
    expect(m).toEqual({ start: 1, end: 3, groups: ["bc", "b", undefined, "c"], count: 4 });
    expect(compile("(b)(x)?(c)?").match("abcb", 3)).toEqual({
      start: 3,
      end: 4,
      groups: ["b", "b", undefined, undefined],
      count: 2,
    });
  });

  it("numbers groups as PCRE2 does even where the translation adds its own", () => {
    // A possessive quantifier and an atomic group each become a capturing lookahead in JavaScript.
    const m = compile("(a)++(?>(b))(c)\\3").match("aabcc", 0);
    expect(m?.groups).toEqual(["aabcc", "a", "b", "c"]);
  });

  it("anchors and refuses empty matches on request", () => {
    const star = compile("x*");
    expect(star.match("ab", 1)).toMatchObject({ start: 1, end: 1 });
    expect(star.match("ab", 1, { anchored: true, notEmpty: true })).toBeNull();
    expect(compile("x*|b").match("ab", 1, { anchored: true, notEmpty: true })).toMatchObject({
      start: 1,
      end: 2,
    });
    expect(compile("b").match("ab", 0, { anchored: true })).toBeNull();
    expect(compile("b*").match("abb", 0, { notEmpty: true })).toMatchObject({ start: 1, end: 3 });
  });

  it("folds only ASCII letters and treats every byte as a character", () => {
    expect(compile("é", { caseless: true }).test("\u00c9")).toBe(false);
    expect(compile("[a-c]+", { caseless: true }).match("xABCx", 0)).toMatchObject({ start: 1, end: 4 });
    expect(compile("^.$").test("\r")).toBe(true);
    expect(compile("^.$").test("\n")).toBe(false);
    expect(compile("^\\s$").test("\u00a0")).toBe(false);
  });

  it("says which patterns PCRE2 refuses and which it accepts but cannot be translated", () => {
    for (const bad of ["(", "a)", "[z-a]", "a**", "(a)\\2", "\\y", "(?<=a+)b", "[[:nope:]]", "x{2,1}"]) {
      expect(PcrePattern.compile(bad, NONE), bad).toBe(PCRE_ERROR);
    }
    for (const unsupported of ["(?R)", "a\\Kb", "(?|(a)|(b))", "(?(1)a|b)", "\\G", "(*FAIL)"]) {
      expect(PcrePattern.compile(unsupported, NONE), unsupported).toBe(PCRE_UNSUPPORTED);
    }
  });
});

describe("back-references (PCRE2's own semantics, matched over the tree)", () => {
  it("fail when their group has not taken part, and ignore case under (?i)", () => {
    expect(compile("(a)|b\\1").test("b")).toBe(false);
    expect(compile("(x)?\\1?z").match("z", 0)).toMatchObject({ start: 0, end: 1, count: 1 });
    expect(compile("(a)\\1", { caseless: true }).test("aA")).toBe(true);
    expect(compile("(a)\\1").test("aA")).toBe(false);
    expect(compile("(?<n>b+)-\\k<n>").match("xbb-bb", 0)).toEqual({
      start: 1,
      end: 6,
      groups: ["bb-bb", "bb"],
      count: 2,
    });
  });

  it("stop at PCRE2's match limit instead of running on, unless a required character is absent", () => {
    const explosive = compile("(a|aa)*(a|aa)*(a|aa)*(a|aa)*\\1[bc]");
    expect(() => explosive.test("a".repeat(40))).toThrow(PcreMatchLimit);
    // PCRE2 looks for a required literal first: without a "b" there is nothing to search.
    expect(compile("^(a|aa)*(a|aa)*(a|aa)*(a|aa)*\\1b$").test("a".repeat(40))).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import {
  PCRE_ERROR,
  PCRE_UNSUPPORTED,
  type PcreFlags,
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

import { describe, expect, it } from "vitest";
import { parseClassAd, parseClassAds, parseExpression, parseRecord } from "../../src/classad/parse.js";
import { unparse } from "../../src/classad/unparse.js";
import { expressionCases } from "./syntax-cases/expressions.js";
import { sexpr } from "./syntax-cases/sexpr.js";

describe("ClassAd parser (expression table)", () => {
  for (const c of expressionCases) {
    it(`parses ${JSON.stringify(c.input)} as ${c.tree} and prints ${JSON.stringify(c.print ?? c.input)}`, () => {
      const r = parseExpression(c.input, { oldSemantics: c.oldSemantics ?? false });
      if (!r.ok) throw r.error;
      expect(sexpr(r.value)).toBe(c.tree);
      expect(unparse(r.value)).toBe(c.print ?? c.input);
    });
  }
});

describe("ClassAd parse APIs", () => {
  it("parseClassAd returns a ClassAd with case-insensitive lookup and the last duplicate", () => {
    const r = parseClassAd('[A = 1; a = 2; b = "x"]');
    if (!r.ok) throw r.error;
    expect(r.value.size).toBe(2);
    expect(r.value.get("A")).toEqual({ kind: "literal", value: { type: "integer", value: 2n } });
  });

  it("parseClassAd requires a record and end of input", () => {
    expect(parseClassAd("1 + 2").ok).toBe(false);
    const twoAds = parseClassAd("[ a = 3; ][ b = 4; ]");
    expect(twoAds.ok).toBe(false);
    if (!twoAds.ok) expect(twoAds.error.column).toBe(11);
  });

  it("parseRecord gives the record node in source order", () => {
    const r = parseRecord("[b = 1; a = 2]");
    if (!r.ok) throw r.error;
    expect(r.value.attributes.map((a) => a.name)).toEqual(["b", "a"]);
  });

  it("decodes non-ASCII source text to UTF-8 bytes in strings and names", () => {
    const r = parseExpression('"é"');
    if (!r.ok) throw r.error;
    expect(r.value).toEqual({ kind: "literal", value: { type: "string", value: "\xc3\xa9" } });
    expect(unparse(r.value)).toBe('"\\303\\251"');
  });

  it("takes byte-string input byte for byte with inputIsBytes", () => {
    const r = parseExpression('"\xc3\xa9"', { inputIsBytes: true });
    if (!r.ok) throw r.error;
    expect(r.value).toEqual({ kind: "literal", value: { type: "string", value: "\xc3\xa9" } });
  });

  it("reuses one parser: a failed parse does not disturb the next", () => {
    expect(parseExpression("1 +").ok).toBe(false);
    const r = parseExpression("1 + 2");
    expect(r.ok).toBe(true);
  });

  it("parseClassAds reads ads back to back, as libclassad's offset API does", () => {
    const r = parseClassAds("[ a = 3; ][ b = 4; ]");
    if (!r.ok) throw r.error;
    expect(r.value.map((ad) => unparse(ad.toRecord()))).toEqual(["[ a = 3 ]", "[ b = 4 ]"]);
    const none = parseClassAds("  // nothing\n");
    expect(none.ok && none.value.length).toBe(0);
    const bad = parseClassAds("[a = 1] 3");
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.column).toBe(9);
  });

  it("does not offer ';' as an argument separator without old semantics", () => {
    const r = parseExpression("f(1; 2)");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.expected).toEqual(["','"]);
  });
});

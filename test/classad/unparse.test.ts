import { describe, expect, it } from "vitest";
import type { Expr } from "../../src/classad/ast.js";
import { formatJsonAd } from "../../src/classad/json.js";
import { formatOldAd } from "../../src/classad/old-format.js";
import { parseExpression } from "../../src/classad/parse.js";
import { compareAttributeNames, formatName, unparse, unparseOld } from "../../src/classad/unparse.js";
import { printCases } from "./syntax-cases/printing.js";

function jsonValue(e: Expr): string {
  const ad = formatJsonAd({ kind: "record", attributes: [{ name: "v", expr: e }] });
  return ad.replace(/^\{\n {2}"v": /, "").replace(/\n\}$/, "");
}

describe("printing every literal kind in the three forms", () => {
  for (const c of printCases) {
    const e: Expr = { kind: "literal", value: c.value };
    it(`prints ${c.what} as ${c.new} (new), ${JSON.stringify(c.old)} (old), ${c.json} (JSON)`, () => {
      expect(unparse(e)).toBe(c.new);
      expect(unparseOld(e)).toBe(c.old);
      expect(jsonValue(e)).toBe(c.json);
    });
  }
});

describe("operator spelling per syntax", () => {
  const cases: [string, string, string][] = [
    ["a is b", "a is b", "a =?= b"],
    ["a isnt b", "a isnt b", "a =!= b"],
    ["a =?= b", "a is b", "a =?= b"],
    ["a =!= b", "a isnt b", "a =!= b"],
    ["-x", " -x", " -x"],
    ["a ?: b", "a ?: b", "a ?: b"],
    ['{ "a\\tb" }', '{ "a\\tb" }', '{ "a\tb" }'],
    ["[x = 1.5]", "[ x = 1.500000000000000E+00 ]", "[ x = 1.5 ]"],
  ];
  for (const [input, newForm, oldForm] of cases) {
    it(`${input} prints as ${JSON.stringify(newForm)} (new) and ${JSON.stringify(oldForm)} (old)`, () => {
      const r = parseExpression(input);
      if (!r.ok) throw r.error;
      expect(unparse(r.value)).toBe(newForm);
      expect(unparseOld(r.value)).toBe(oldForm);
    });
  }
});

describe("attribute names", () => {
  const cases: [string, string][] = [
    ["abc", "abc"],
    ["_x1", "_x1"],
    ["parent", "'parent'"],
    ["Parent", "'Parent'"],
    ["true", "'true'"],
    ["FALSE", "'FALSE'"],
    ["undefined", "'undefined'"],
    ["error", "'error'"],
    ["is", "'is'"],
    ["isnt", "'isnt'"],
    ["my", "my"],
    ["target", "target"],
    ["a b", "'a b'"],
    ["1a", "'1a'"],
    ["", "''"],
    ["a'b", "'a\\'b'"],
    ["a\nb", "'a\\nb'"],
    ["\xc3\xa9", "'\\303\\251'"],
  ];
  for (const [name, printed] of cases) {
    it(`name ${JSON.stringify(name)} prints as ${printed}`, () => expect(formatName(name)).toBe(printed));
  }
});

describe("record print order (libclassad's flat map: length, then case-insensitive)", () => {
  it("sorts shorter names first", () => expect(compareAttributeNames("zz", "aaa")).toBeLessThan(0));
  it("sorts equal lengths case-insensitively", () => {
    expect(compareAttributeNames("B", "a")).toBeGreaterThan(0);
    expect(compareAttributeNames("a", "B")).toBeLessThan(0);
    expect(compareAttributeNames("Ab", "aB")).toBe(0);
  });
  it("orders '_' after letters as strcasecmp does on lower-cased bytes", () => {
    expect(compareAttributeNames("_a", "za")).toBeLessThan(0); // '_' (95) < 'z' (122)
    expect(compareAttributeNames("_a", "Za")).toBeLessThan(0); // 'Z' folds to 'z'
  });
  it("prints the long form in case-insensitive name order", () => {
    const r = parseExpression("[b = 1; A = 2; cc = 3; Ba = 4]");
    if (!r.ok || r.value.kind !== "record") throw new Error("parse");
    expect(formatOldAd(r.value)).toBe("A = 2\nb = 1\nBa = 4\ncc = 3\n");
  });
});

import { describe, expect, it } from "vitest";
import {
  formatJsonAd,
  formatJsonAds,
  formatJsonLines,
  parseJsonAds,
  parseJsonValue,
} from "../../src/classad/json.js";
import { parseClassAd } from "../../src/classad/parse.js";
import { unparse } from "../../src/classad/unparse.js";
import { sexpr } from "./syntax-cases/sexpr.js";

function tree(text: string): string {
  const r = parseJsonValue(text);
  if (!r.ok) throw r.error;
  return sexpr(r.value);
}

describe("reading HTCondor JSON", () => {
  const cases: [string, string][] = [
    ["1", "1"],
    ["-5", "-5"],
    ["1.5", "1.5r"],
    ["1e3", "1000r"],
    ["true", "true"],
    ["false", "false"],
    ["null", "undefined"],
    ['"abc"', '"abc"'],
    ['"a\\u00e9"', '"a\xc3\xa9"'],
    ['"\\ud83d\\ude00"', '"\xf0\x9f\x98\x80"'],
    ['"a\\/b"', '"a/b"'],
    ['"\\/Expr(a + 1)\\/"', "(+ a 1)"],
    ['"/Expr(x is undefined)/"', "(=?= x undefined)"],
    ['"\\/Expr(real(\\"NaN\\"))\\/"', '(call real "NaN")'],
    ['"\\/Expr(error)\\/"', "error"],
    ["[1, [2], {}]", "{1 {2} []}"],
    ['{"a": 1, "A": 2}', "[A=2]"],
    ['{"b": {"c": null}}', "[b=[c=undefined]]"],
    ["99999999999999999999", "0"],
  ];
  for (const [input, expected] of cases) {
    it(`reads ${input} as ${expected}`, () => expect(tree(input)).toBe(expected));
  }

  const bad: [string, string][] = [
    ["undefined", "unexpected character"],
    ["01", "leading zero"],
    ['"abc', "unterminated"],
    ["[1,]", "unexpected character in JSON"],
    ['{"a" 1}', "':'"],
    ['"\\x"', "bad escape"],
    ['"\\/Expr(1 +)\\/"', "bad expression"],
    ["1 2", "after the JSON value"],
    ["", "end of JSON input"],
  ];
  for (const [input, message] of bad) {
    it(`rejects ${JSON.stringify(input)} (${message})`, () => {
      const r = parseJsonValue(input);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toContain(message);
    });
  }

  it("reads an array of ads, or a single ad", () => {
    const many = parseJsonAds('[{"A": 1}, {"B": "x"}]');
    expect(many.ok && many.value.length).toBe(2);
    const single = parseJsonAds('{"A": 1}');
    expect(single.ok && single.value.length).toBe(1);
    expect(parseJsonAds("[1]").ok).toBe(false);
    expect(parseJsonAds("3").ok).toBe(false);
  });

  it("reports the line and column of an error", () => {
    const r = parseJsonAds('[\n  {"A": 1,\n   "B": @}\n]');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.line).toBe(3);
      expect(r.error.column).toBe(9);
    }
  });
});

describe("writing HTCondor JSON", () => {
  it("writes literals directly and other expressions as \\/Expr(...)\\/", () => {
    const ad = parseClassAd(
      '[A = 1; B = "x"; C = a + 1; D = undefined; E = {1, b}; F = [g = 2.5]; H = error]',
    );
    if (!ad.ok) throw ad.error;
    expect(formatJsonAd(ad.value)).toBe(
      [
        "{",
        '  "A": 1,',
        '  "B": "x",',
        '  "C": "\\/Expr(a + 1)\\/",',
        '  "D": null,',
        '  "E": [',
        "    1,",
        '    "\\/Expr(b)\\/"',
        "  ],",
        '  "F": {',
        '    "g": 2.5',
        "  },",
        '  "H": "\\/Expr(error)\\/"',
        "}",
      ].join("\n"),
    );
  });

  it("writes an array of ads and reads it back to the same ads", () => {
    const ad = parseClassAd('[Req = TARGET.Memory >= 100 && Owner == "a\\"b"; L = {}; R = [ ]; S = "\\t"]');
    if (!ad.ok) throw ad.error;
    const text = formatJsonAds([ad.value, ad.value]);
    const back = parseJsonAds(text);
    if (!back.ok) throw back.error;
    expect(back.value.map((a) => unparse(a.toRecord()))).toEqual([
      unparse(ad.value.toRecord()),
      unparse(ad.value.toRecord()),
    ]);
  });

  it("closes empty lists and ads on their own line, as jsonSink does", () => {
    const ad = parseClassAd("[L = {}; R = []]");
    if (!ad.ok) throw ad.error;
    expect(formatJsonAd(ad.value)).toBe('{\n  "L": [\n  ],\n  "R": {\n  }\n}');
  });

  it("writes one ad per line for -jsonl", () => {
    const ad = parseClassAd('[A = 1; L = {1, 2}; R = [x = "y"]]');
    if (!ad.ok) throw ad.error;
    expect(formatJsonLines([ad.value, ad.value])).toBe(
      '{"A": 1,"L": [1,2],"R": {"x": "y"}}\n{"A": 1,"L": [1,2],"R": {"x": "y"}}\n',
    );
  });
});

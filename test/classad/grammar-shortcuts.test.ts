/**
 * The parser's shortcuts must not change a single result: attribute tokens (a run of
 * `name = operand;` as one token), remembered values and guessed names (grammar/names.ts), plain
 * operands (markLoneOperands) and the lexer's sequential copy of its text. Parses with attribute
 * tokens are compared with the same parses made token by token (`attributeTokens: false`): the
 * same tree, offsets included, or the same error.
 */
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { tokenize } from "../../grammar/lexer.js";
import { markLoneOperands } from "../../grammar/parser.js";
import type { ParseOptions, ParseResult } from "../../src/classad/parse.js";
import { parseClassAd, parseClassAds, parseExpression, parseRecord } from "../../src/classad/parse.js";
import { unparse } from "../../src/classad/unparse.js";
import { adRecord } from "./arbitrary-ast.js";
import { errorCases } from "./syntax-cases/errors.js";
import { expressionCases } from "./syntax-cases/expressions.js";

vi.setConfig({ testTimeout: 120_000 });

const runs = Number(process.env.ANNEX_FUZZ_RUNS ?? 500);

/** AST nodes, as the parser builds them without offsets. */
const int = (n: bigint) => ({ kind: "literal", value: { type: "integer", value: n } });
const str = (value: string) => ({ kind: "literal", value: { type: "string", value } });
const attr = (name: string) => ({ kind: "attr", name, absolute: false });
const plus = (left: unknown, right: unknown) => ({ kind: "binary", op: "+", left, right });

/** A parse result in comparable form: the value, or the error's every field. */
function outcome<T>(r: ParseResult<T>): unknown {
  if (r.ok) return { ok: r.value };
  const { message, line, column, offendingText, expected } = r.error;
  return { error: { message, line, column, offendingText, expected } };
}

/** Every entry point, in both semantics, with and without offsets: shortcut vs token by token. */
function sameWithAndWithoutAttributeTokens(text: string): void {
  for (const oldSemantics of [false, true]) {
    for (const offsets of [false, true]) {
      const base: ParseOptions = { oldSemantics, offsets };
      const off: ParseOptions = { ...base, attributeTokens: false };
      expect(outcome(parseExpression(text, base)), text).toEqual(outcome(parseExpression(text, off)));
      expect(outcome(parseRecord(text, base)), text).toEqual(outcome(parseRecord(text, off)));
      const ad = parseClassAd(text, base);
      const adOff = parseClassAd(text, off);
      expect(outcome(ad.ok ? { ok: true, value: ad.value.toRecord() } : ad), text).toEqual(
        outcome(adOff.ok ? { ok: true, value: adOff.value.toRecord() } : adOff),
      );
      const ads = parseClassAds(text, base);
      const adsOff = parseClassAds(text, off);
      expect(ads.ok ? ads.value.map((a) => a.toRecord()) : outcome(ads), text).toEqual(
        adsOff.ok ? adsOff.value.map((a) => a.toRecord()) : outcome(adsOff),
      );
    }
  }
}

/** The token types of `text` lexed as the parser lexes it. */
function typesOf(text: string, oldSemantics = false): string {
  const { tokens } = tokenize(text, { attributes: true, oldSemantics });
  markLoneOperands(tokens);
  return tokens
    .map((t) => (t.run === null ? t.tokenType.name : `Attributes(${t.run.names.length})`))
    .join(" ");
}

/** Pieces of records, so random sequences land in and around attribute positions. */
const FRAGMENTS = [
  "[",
  "]",
  "[ ",
  " ]",
  ";",
  "; ",
  "a",
  "Owner",
  "b2",
  "true",
  "is",
  "'q'",
  "''",
  " = ",
  "=",
  "==",
  "=?=",
  "=!=",
  "=!",
  "1",
  "-1",
  "- 1",
  "010",
  "1.5",
  "1e3",
  "1.",
  ".5",
  '"s"',
  '"a\\"b"',
  '"x" "y"',
  '"é"',
  '"',
  "x",
  "f(",
  "(",
  ")",
  "{",
  "}",
  ",",
  ".",
  "+",
  "?",
  ":",
  "?:",
  "/* c */",
  "// c\n",
  "\n",
  "\t",
  "@",
];

const soup = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 30 }).map((xs) => xs.join(""));

describe("attribute tokens (runs of name = operand ;)", () => {
  it.each([
    // Taken as one token after `[` and `;` of a record, with the `;` (not the `]`).
    ['[ a = 1; b = "x"; c = d; e = true ]', "LBracket Attributes(4) RBracket"],
    ["[a=-2;b=1.5e3]", "LBracket Attributes(2) RBracket"],
    ['[ s = "x" "y"; ]', "LBracket Attributes(1) RBracket"],
    [
      "[ a = 1; b = x + 1; c = 2; d = 3 ]",
      "LBracket Attributes(1) PlainName Assign PlainName Plus LoneLiteral Semicolon Attributes(2) RBracket",
    ],
    // Not when the value goes on, or is not an operand, or is not alone.
    [
      "[ a = b + 1; c = 2 ]",
      "LBracket PlainName Assign PlainName Plus LoneLiteral Semicolon Attributes(1) RBracket",
    ],
    ["[ a = f(x) ]", "LBracket PlainName Assign Identifier LParen LoneName RParen RBracket"],
    ["[ a = 1 b = 2 ]", "LBracket PlainName Assign PlainLiteral PlainName Assign LoneLiteral RBracket"],
    ["[ a = /* c */ 1 ]", "LBracket PlainName Assign LoneLiteral RBracket"],
    ["[ a = is; ]", "LBracket PlainName Assign Is Semicolon RBracket"],
    ["[ a == 1 ]", "LBracket PlainName Equal LoneLiteral RBracket"],
    ["[ true = 1 ]", "LBracket PlainLiteral Assign LoneLiteral RBracket"],
    ["[ 'q' = 1 ]", "LBracket PlainName Assign LoneLiteral RBracket"],
    // Not where the grammar is not at a record attribute: a subscript, function arguments.
    ["x[a = 1]", "Identifier LBracket PlainName Assign LoneLiteral RBracket"],
    [
      "[ r = f(a; b = 1; c) ]",
      "LBracket PlainName Assign Identifier LParen LoneName Semicolon PlainName Assign LoneLiteral Semicolon LoneName RParen RBracket",
    ],
    // Nested records have them too.
    [
      "[ r = [ n = 1 ]; s = { [ m = 2 ] } ]",
      "LBracket PlainName Assign LBracket Attributes(1) RBracket Semicolon PlainName Assign LBrace LBracket Attributes(1) RBracket RBrace RBracket",
    ],
  ])("%s", (text, types) => {
    expect(typesOf(text, true)).toBe(types);
  });

  it("parse every syntax case and error case as token by token does", () => {
    for (const c of expressionCases) sameWithAndWithoutAttributeTokens(c.input);
    for (const c of errorCases) sameWithAndWithoutAttributeTokens(c.input);
  });

  it("parse generated ads as token by token does", () => {
    fc.assert(
      fc.property(adRecord(), (record) => sameWithAndWithoutAttributeTokens(unparse(record))),
      { numRuns: runs },
    );
  });

  it("parse record fragment soup (mostly errors) as token by token does", () => {
    fc.assert(
      fc.property(soup, (text) => sameWithAndWithoutAttributeTokens(text)),
      { numRuns: runs * 4 },
    );
  });

  it("parse a long, streamed text (runs across the lexer's batches) as token by token does", () => {
    const job = (i: number) =>
      `[ ${Array.from({ length: 40 }, (_, k) => `A${k} = ${k % 3 === 0 ? `"v${i % 5}"` : k % 3 === 1 ? i * k : `B${k}`}`).join("; ")}${i % 4 === 0 ? "; X = a + 1" : ""} ]`;
    const text = `[ Jobs = { ${Array.from({ length: 1500 }, (_, i) => job(i)).join(",\n")} }; N = 1 ]`;
    expect(text.length).toBeGreaterThan(256 * 1024);
    for (const offsets of [false, true]) {
      const on = parseRecord(text, { offsets });
      const off = parseRecord(text, { offsets, attributeTokens: false });
      expect(on.ok).toBe(true);
      expect(on).toEqual(off);
    }
  });

  it("keep a redefined name's first spelling and its last value", () => {
    const r = parseClassAd("[ Foo = 1; FOO = 2; foo = x ]");
    expect(r.ok && r.value.toRecord()).toEqual({
      kind: "record",
      attributes: [{ name: "Foo", expr: attr("x") }],
    });
    // Run and rule definitions mixed, records nested (each record its own names), in both modes.
    const text = "[ a = 1; B = y + 1; r = [ A = 2; a = x + 3; b = 4 ]; A = z + 4; b = 5; AA = 6; aa = 7 ]";
    for (const attributeTokens of [true, false]) {
      const nested = parseRecord(text, { attributeTokens });
      expect(nested.ok && nested.value.attributes).toEqual([
        { name: "a", expr: plus(attr("z"), int(4n)) },
        { name: "B", expr: int(5n) },
        {
          name: "r",
          expr: {
            kind: "record",
            attributes: [
              { name: "A", expr: plus(attr("x"), int(3n)) },
              { name: "b", expr: int(4n) },
            ],
          },
        },
        { name: "AA", expr: int(7n) },
      ]);
    }
  });

  it("record where the name and the value start", () => {
    const r = parseRecord("[\n  Cpus =  4;\n  Owner = Name ]", { offsets: true });
    expect(r.ok && r.value.attributes).toEqual([
      {
        name: "Cpus",
        nameOffset: 4,
        expr: { kind: "literal", value: { type: "integer", value: 4n }, offset: 12 },
      },
      { name: "Owner", nameOffset: 17, expr: { kind: "attr", name: "Name", absolute: false, offset: 25 } },
    ]);
  });
});

describe("remembered values (the value a name had in the last ad)", () => {
  /** The value of `a` in `text`, parsed with `options`: its node, or the error message. */
  const valueOfA = (text: string, options: ParseOptions = {}): unknown => {
    const r = parseRecord(text, options);
    return r.ok ? r.value.attributes.find((x) => x.name === "a")?.expr : r.error.message;
  };

  it("are used only for the whole value", () => {
    expect(valueOfA("[ a = 12; ]")).toEqual(int(12n));
    expect(valueOfA("[ a = 12; ]")).toEqual(int(12n));
    expect(valueOfA("[ a = 123; ]")).toEqual(int(123n));
    expect(valueOfA("[ a = 123 + 1; ]")).toMatchObject({ kind: "binary", op: "+" });
    expect(valueOfA("[ a = 123.5; ]")).toEqual({ kind: "literal", value: { type: "real", value: 123.5 } });
    expect(valueOfA('[ a = "x"; ]')).toEqual(str("x"));
    expect(valueOfA('[ a = "x" "y"; ]')).toEqual(str("xy"));
    expect(valueOfA("[ a = x; ]")).toEqual(attr("x"));
    expect(valueOfA("[ a = x1; ]")).toEqual({ kind: "attr", name: "x1", absolute: false });
    expect(valueOfA("[ a = x.y; ]")).toMatchObject({ kind: "select", name: "y" });
    expect(valueOfA("[ a = true; ]")).toEqual({ kind: "literal", value: { type: "boolean", value: true } });
    expect(valueOfA("[ a = TRUE ]")).toEqual({ kind: "literal", value: { type: "boolean", value: true } });
  });

  it("never carry one parse's options into another", () => {
    // 0x1F reads as 0 with new semantics; with old semantics it is an error, remembered or not.
    expect(valueOfA("[ a = 0x1F; ]")).toEqual(int(0n));
    expect(valueOfA("[ a = 0x1F; ]", { oldSemantics: true })).toContain("leading zero");
    expect(valueOfA("[ a = 7; ]", { oldSemantics: true })).toEqual(int(7n));
    expect(valueOfA("[ a = 07; ]", { oldSemantics: true })).toContain("leading zero");
    // An escape reads differently in the old syntax: such strings are never remembered.
    expect(valueOfA('[ a = "p\\\\q"; ]')).toEqual(str("p\\q"));
    expect(valueOfA('[ a = "p\\\\q"; ]', { oldSyntax: true })).toEqual(str("p\\\\q"));
    expect(valueOfA('[ a = "p\\\\q"; ]')).toEqual(str("p\\q"));
    // Nor is anything from a parse with a lexical problem.
    expect(valueOfA("[ b = 1.; a = 5; ]")).toContain("malformed real");
    expect(valueOfA("[ a = 5; ]")).toEqual(int(5n));
  });

  it("give each parse its own offsets", () => {
    parseRecord("[ a = 42; ]");
    const r = parseRecord("[\n a =   42 ]", { offsets: true });
    expect(r.ok && r.value.attributes[0]?.expr).toEqual({ ...int(42n), offset: 9 });
  });
  describe("of expressions the parser read", () => {
    /** `x + right`. */
    const sum = (right: unknown) => plus(attr("x"), right);

    it("share the node when the next ad repeats the text, and only the whole value", () => {
      const first = valueOfA("[ a = x + 1; b = 2 ]");
      expect(first).toEqual(sum(int(1n)));
      expect(valueOfA("[ b = 3; a = x + 1 ]")).toBe(first);
      expect(valueOfA("[ a =x + 1  ; ]")).toBe(first);
      // The same text followed by more of the expression, or by anything but `;` or `]`.
      expect(valueOfA("[ a = x + 12; ]")).toEqual(sum(int(12n)));
      expect(valueOfA("[ a = x + 1 ]")).toEqual(sum(int(1n)));
      expect(valueOfA("[ a = x + 1 * 2; ]")).toEqual(
        sum({ kind: "binary", op: "*", left: int(1n), right: int(2n) }),
      );
      expect(valueOfA("[ a = x + 1 ]")).toEqual(sum(int(1n)));
      expect(valueOfA("[ a = x + 1 ? 2 : 3; ]")).toMatchObject({ kind: "ternary", ifTrue: int(2n) });
      expect(valueOfA("[ a = x + 1 ]")).toEqual(sum(int(1n)));
      expect(valueOfA("[ a = x + 1 /* c */ ; ]")).toEqual(sum(int(1n)));
      expect(valueOfA("[ a = x + 1 b = 2 ]")).toBe("line 1, column 13: unexpected 'b'; expected ';', ']'");
      // Nested records and lists are expressions too.
      const nested = valueOfA("[ a = [ n = { 1, y + 2 }; m = z ]; ]");
      expect(valueOfA("[ a = [ n = { 1, y + 2 }; m = z ]; ]")).toBe(nested);
      expect(valueOfA("[ a = [ n = { 1, y + 2 }; m = z ].n; ]")).toMatchObject({ kind: "select", name: "n" });
    });

    it("never carry one parse's options into another", () => {
      // `;` separates arguments only with old semantics.
      const call = { kind: "call", name: "f", args: [int(1n), int(2n)] };
      expect(valueOfA("[ a = f(1; 2) ]", { oldSemantics: true })).toEqual(call);
      expect(valueOfA("[ a = f(1; 2) ]")).toBe("line 1, column 10: unexpected ';'; expected ','");
      expect(valueOfA("[ a = f(1; 2) ]", { oldSemantics: true })).toEqual(call);
      // A backslash is literal in the old syntax.
      const escaped = (value: string) => sum(str(value));
      expect(valueOfA('[ a = x + "p\\\\q" ]')).toEqual(escaped("p\\q"));
      expect(valueOfA('[ a = x + "p\\\\q" ]', { oldSyntax: true })).toEqual(escaped("p\\\\q"));
      expect(valueOfA('[ a = x + "p\\\\q" ]')).toEqual(escaped("p\\q"));
      // Non-ASCII text: strings are UTF-8 encoded, unless the text is bytes already.
      expect(valueOfA('[ a = x + "é" ]')).toEqual(escaped("Ã©"));
      expect(valueOfA('[ a = x + "é" ]', { inputIsBytes: true })).toEqual(escaped("é"));
      expect(valueOfA('[ a = x + "é" ]')).toEqual(escaped("Ã©"));
      // Offsets are per parse: a parse with offsets neither takes nor leaves a remembered node.
      valueOfA("[ a = x + 1 ]");
      expect(valueOfA("[\n a = x + 1 ]", { offsets: true })).toEqual({
        ...sum({ ...int(1n), offset: 11 }),
        left: { kind: "attr", name: "x", absolute: false, offset: 7 },
        offset: 7,
      });
      expect(valueOfA("[ a = x + 1 ]")).toEqual(sum(int(1n)));
    });

    it("are not taken from a parse that found a problem, wherever it was", () => {
      // Each twice in a row: a remembered value would be taken the second time.
      const twice = (text: string): unknown[] => [valueOfA(text), valueOfA(text)];
      const unexpectedAt = "line 1, column 9: unexpected character '@'";
      expect(twice("[ a = x @ + 1 ]")).toEqual([unexpectedAt, unexpectedAt]);
      const notATime = "line 1, column 7: invalid absTime() literal: the text is not a time";
      expect(twice('[ a = absTime("x") + 1 ]')).toEqual([notATime, notATime]);
      // The problem may come after the value: the lexer has read on.
      const malformed =
        'line 1, column 18: malformed real number "1.": a digit must follow the decimal point';
      expect(twice("[ a = x + 2; b = 1. ]")).toEqual([malformed, malformed]);
      // A definition after a missing `;` is an error, not a value to remember.
      expect(valueOfA("[ b = 1 a = x + 3 ]")).toBe("line 1, column 9: unexpected 'a'; expected ';', ']'");
      expect(valueOfA("[ b = 1 a = x + 3 ]")).toBe("line 1, column 9: unexpected 'a'; expected ';', ']'");
    });
  });
});

describe("plain operands", () => {
  it("are literals and names that no `.`, `[`, `(` or `?:` extends", () => {
    expect(typesOf("a + 1 * x.y - f(2) + l[0] + (z ?: 3) - -4")).toBe(
      "PlainName Plus PlainLiteral Star Identifier Dot PlainName Minus Identifier LParen LoneLiteral RParen Plus Identifier LBracket LoneLiteral RBracket Plus LParen Identifier Elvis LoneLiteral RParen Minus LoneLiteral",
    );
  });
});

describe("guessed names (the name that followed this one last time)", () => {
  it("are checked, not trusted: a guess that is a prefix, an extension or another case is not taken", () => {
    const spellings = (text: string): string[] => {
      const { tokens } = tokenize(text, {});
      return tokens.filter((t) => t.name !== null).map((t) => t.name?.name ?? "");
    };
    // Teach `Request` → `RequestCpus`, then meet `Request`, `RequestCp`, `requestcpus`, `RequestCpusX`.
    expect(spellings("Request + RequestCpus")).toEqual(["Request", "RequestCpus"]);
    expect(spellings("Request + Request")).toEqual(["Request", "Request"]);
    expect(spellings("Request + RequestCpus")).toEqual(["Request", "RequestCpus"]);
    expect(spellings("Request + RequestCp")).toEqual(["Request", "RequestCp"]);
    expect(spellings("Request + RequestCpus")).toEqual(["Request", "RequestCpus"]);
    expect(spellings("Request + requestcpus")).toEqual(["Request", "requestcpus"]);
    expect(spellings("Request + RequestCpus")).toEqual(["Request", "RequestCpus"]);
    expect(spellings("Request + RequestCpusX")).toEqual(["Request", "RequestCpusX"]);
    expect(spellings("Request + RequestCpus2")).toEqual(["Request", "RequestCpus2"]);
  });

  it("give the keyword token when the guess is a keyword", () => {
    typesOf("x + true"); // teaches x → true
    expect(typesOf("x + true")).toBe("PlainName Plus LoneLiteral");
    expect(typesOf("x + True1")).toBe("PlainName Plus LoneName");
  });
});

describe("the lexer's sequential copy of its text", () => {
  it("parses slices and concatenations exactly as the text itself", () => {
    const whole = `#[ Owner = "erin"; Cpus = 4; Requirements = TARGET.Memory >= 1024 && Cpus > 1 ]#`;
    const slice = whole.slice(1, -1);
    const joined = `[ Owner = "erin"; ${["Cpus = 4;", " Requirements = TARGET.Memory >= 1024 && Cpus > 1 ]"].join("")}`;
    const expected = parseRecord(slice.split("").join(""), { offsets: true });
    expect(expected.ok).toBe(true);
    expect(parseRecord(slice, { offsets: true })).toEqual(expected);
    expect(parseRecord(joined, { offsets: true })).toEqual(expected);
  });

  it("keeps non-ASCII text as it is (no copy): strings are UTF-8 encoded as before", () => {
    const r = parseExpression(`"${"x".repeat(70)}é"`);
    expect(r.ok && r.value).toEqual({
      kind: "literal",
      value: { type: "string", value: `${"x".repeat(70)}Ã©` },
    });
  });
});

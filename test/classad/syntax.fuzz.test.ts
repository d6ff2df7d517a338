/**
 * No input may crash or hang the parsers: random text, token soup and mutated valid ads all
 * come back as a value (ok or a ClassAdSyntaxError) in bounded time. `ANNEX_FUZZ_RUNS` scales
 * the run count (npm run fuzz).
 */
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { ClassAdSyntaxError } from "../../src/classad/errors.js";
import { parseJsonAds } from "../../src/classad/json.js";
import { parseOldAdsFromText } from "../../src/classad/old-format.js";
import { parseClassAd, parseExpression } from "../../src/classad/parse.js";
import { unparse } from "../../src/classad/unparse.js";
import { expression } from "./arbitrary-ast.js";

// Property and corpus tests: generous timeouts so a busy machine does not fail them.
vi.setConfig({ testTimeout: 120_000 });

const runs = Number(process.env.ANNEX_FUZZ_RUNS ?? 500);

const FRAGMENTS = [
  "a",
  "B_1",
  "true",
  "FALSE",
  "undefined",
  "error",
  "is",
  "isnt",
  "parent",
  "1",
  "0",
  "010",
  "08",
  "-",
  "+",
  "*",
  "/",
  "%",
  "1.5",
  ".5",
  "1.",
  "1e",
  "1e5",
  "0x1F",
  "-5",
  '"',
  '"s"',
  "'",
  "'q'",
  "\\",
  "\\0",
  "\\101",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ",",
  ";",
  ".",
  "?",
  ":",
  "?:",
  "=",
  "==",
  "!=",
  "=?=",
  "=!=",
  "=?",
  "=!",
  "<",
  "<=",
  ">",
  ">=",
  "<<",
  ">>",
  ">>>",
  "&",
  "&&",
  "|",
  "||",
  "^",
  "~",
  "!",
  "/*",
  "*/",
  "//",
  "\n",
  " ",
  "\t",
  "#",
  "@",
  "é",
  "\u0000",
  "absTime(",
  'relTime("1d")',
  "f(",
  "x.y",
  "[a=1]",
];

const soup = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 }).map((xs) => xs.join(""));

/** A generous bound: catches hangs and quadratic blow-ups, not slowness on a busy machine. */
function parsesToValue(text: string, limitMs = 5000): void {
  const started = Date.now();
  const results = [
    parseExpression(text),
    parseExpression(text, { oldSemantics: true, oldSyntax: true }),
    parseClassAd(text),
    parseJsonAds(text),
    ...parseOldAdsFromText(text),
  ];
  for (const r of results) {
    if (!r.ok) {
      expect(r.error).toBeInstanceOf(ClassAdSyntaxError);
      expect(r.error.line).toBeGreaterThanOrEqual(1);
      expect(r.error.column).toBeGreaterThanOrEqual(1);
    }
  }
  expect(Date.now() - started).toBeLessThan(limitMs);
}

describe("the parsers never crash or hang", () => {
  it("on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (t) => parsesToValue(t)),
      { numRuns: runs },
    );
  });

  it("on token soup", () => {
    fc.assert(
      fc.property(soup, (t) => parsesToValue(t)),
      { numRuns: runs },
    );
  });

  it("on mutated printed expressions", () => {
    const mutated = fc
      .tuple(expression(), fc.nat(), fc.nat({ max: 5 }), fc.constantFrom(...FRAGMENTS))
      .map(([e, at, del, ins]) => {
        const s = unparse(e);
        const i = s.length === 0 ? 0 : at % s.length;
        return s.slice(0, i) + ins + s.slice(i + del);
      });
    fc.assert(
      fc.property(mutated, (t) => parsesToValue(t)),
      { numRuns: runs },
    );
  });

  it("on deep nesting (an error value, not a stack overflow)", () => {
    for (const [open, close] of [
      ["(", ")"],
      ["{", "}"],
      ["[a=", "]"],
      ["f(", ")"],
      ["- ", ""],
      ["a ?: ", ""],
      ["!", ""],
    ] as const) {
      parsesToValue(`${open.repeat(20000)}1${close.repeat(20000)}`, 10_000);
    }
    parsesToValue(`${"[".repeat(100000)}`, 10_000);
    parsesToValue(`{"a":${"[".repeat(5000)}1${"]".repeat(5000)}}`, 10_000);
  }, 120_000);

  it("on very long inputs (linear time)", () => {
    parsesToValue(`"${"x".repeat(1_000_000)}`, 10_000);
    parsesToValue(`/*${" ".repeat(1_000_000)}`, 10_000);
    parsesToValue(`${"1 + ".repeat(20_000)}1`, 10_000);
    parsesToValue(`A = ${"/* ".repeat(100_000)}`, 10_000);
  }, 60_000);
});

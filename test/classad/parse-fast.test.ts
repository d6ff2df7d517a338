/**
 * The hand-written long-form parser (parse-fast.ts) must agree with the chevrotain grammar:
 * whenever it returns a tree, the grammar returns the same tree; it never accepts what the
 * grammar rejects. Differential tests over generated, mutated and real-looking values.
 */
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { formatOldAds, parseOldAdsFromText } from "../../src/classad/old-format.js";
import { parseExpression } from "../../src/classad/parse.js";
import { parseOldExpressionFast } from "../../src/classad/parse-fast.js";
import { unparseOld } from "../../src/classad/unparse.js";
import { generateJobAds } from "../support/job-ads.js";
import { expression } from "./arbitrary-ast.js";

// Property and corpus tests: generous timeouts so a busy machine does not fail them.
vi.setConfig({ testTimeout: 120_000 });

const runs = Number(process.env.ANNEX_PROPERTY_RUNS ?? 500);

function agree(text: string): boolean {
  const fast = parseOldExpressionFast(text, true);
  if (fast === null) return false;
  const full = parseExpression(text, { oldSyntax: true, oldSemantics: true, inputIsBytes: true });
  if (!full.ok)
    throw new Error(`fast path accepted what the grammar rejects: ${text}\n${full.error.message}`);
  expect(fast).toEqual(full.value);
  return true;
}

const FRAGMENTS = [
  "a",
  "is",
  "isnt",
  "TRUE",
  "undefined",
  "error",
  "1",
  "0",
  "01",
  "-",
  "-1",
  "1.5",
  "1.",
  "1e",
  "2E-3",
  "0x1",
  '"s"',
  '"',
  "\\",
  '\\"',
  "'",
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
  "? :",
  "=",
  "==",
  "=?=",
  "=!=",
  "=?",
  "!",
  "!=",
  "<",
  "<=",
  "<<",
  ">>>",
  ">",
  "&&",
  "&",
  "||",
  "|",
  "^",
  "~",
  "+",
  "*",
  "/",
  "%",
  " ",
  "\t",
  "/*",
  "//",
  "f(",
  "absTime(",
  'relTime("1s")',
  ".x",
  "x.y",
  "[a=1]",
  "é",
];

describe("the long-form fast parser agrees with the chevrotain grammar", () => {
  it("on printed canonical ASTs (and handles most of them itself)", () => {
    let handled = 0;
    let total = 0;
    fc.assert(
      fc.property(expression({ old: true }), (x) => {
        total++;
        if (agree(unparseOld(x))) handled++;
      }),
      { numRuns: runs },
    );
    expect(handled / total).toBeGreaterThan(0.5);
  });

  it("on token soup", () => {
    const soup = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 30 }).map((xs) => xs.join(""));
    fc.assert(
      fc.property(soup, (text) => {
        agree(text);
      }),
      { numRuns: runs * 4 },
    );
  });

  it("on mutated printed expressions", () => {
    const mutated = fc
      .tuple(expression({ old: true }), fc.nat(), fc.nat({ max: 4 }), fc.constantFrom(...FRAGMENTS))
      .map(([e, at, del, ins]) => {
        const s = unparseOld(e);
        const i = s.length === 0 ? 0 : at % s.length;
        return s.slice(0, i) + ins + s.slice(i + del);
      });
    fc.assert(
      fc.property(mutated, (text) => {
        agree(text);
      }),
      { numRuns: runs * 4 },
    );
  });

  it("handles every value of generated job ads itself", () => {
    for (const ad of generateJobAds(50, 3)) {
      for (const a of ad.attributes()) {
        const text = unparseOld(a.expr);
        expect(agree(text), `${a.name} = ${text}`).toBe(true);
      }
    }
  });

  const edge: [string, boolean][] = [
    ['"tail\\"', true],
    ['"a\\"b"', true],
    ['"a\\tb"', true],
    ["x*-5", true],
    ["3 -5", true],
    ["a ? : b", true],
    ["f(1; 2)", true],
    ["[a=!b]", true],
    ["010", false],
    ["1.", false],
    ['absTime("2020-01-01")', false],
    ["'q'", false],
    ["a /* c */", false],
    ["0x10", false],
    ["99999999999999999999", false],
  ];
  for (const [text, handled] of edge) {
    it(`${handled ? "handles" : "defers"} ${JSON.stringify(text)}`, () => {
      expect(agree(text)).toBe(handled);
    });
  }

  it("whole long-form dumps read the same with and without the fast paths", () => {
    const dump = formatOldAds(generateJobAds(6, 11));
    const lines = dump.split("\n");
    const mutatedDumps = [dump];
    for (let i = 0; i < 20; i++) {
      const copy = [...lines];
      const at = (i * 37) % copy.length;
      copy[at] = `${copy[at] ?? ""}${FRAGMENTS[i % FRAGMENTS.length] ?? ""}`;
      mutatedDumps.push(copy.join("\n"));
    }
    for (const text of mutatedDumps) {
      const show = (rs: ReturnType<typeof parseOldAdsFromText>) =>
        rs.map((r) => (r.ok ? formatOldAds([r.value]) : `${r.error.message}`));
      expect(show(parseOldAdsFromText(text, { inputIsBytes: true }))).toEqual(
        show(parseOldAdsFromText(text, { inputIsBytes: true, fullGrammarOnly: true })),
      );
    }
  }, 60_000);
});

import { describe, expect, it } from "vitest";
import { ClassAd } from "../../../src/classad/classad.js";
import { Evaluator } from "../../../src/classad/evaluate.js";
import { parseClassAd, parseExpression } from "../../../src/classad/parse.js";
import { unparse } from "../../../src/classad/unparse.js";
import { exprFromValue } from "../../../src/classad/value-to-expr.js";
import { type ParityCase, readParityCases } from "./parity-table.js";

/** Evaluates one parity case the way the table specifies and prints the value. */
function evaluateCase(c: ParityCase): string {
  const parsed = parseExpression(c.expression, { oldSemantics: true });
  if (!parsed.ok) return "PARSE_ERROR";
  const ad = (text: string | null): ClassAd | null => {
    if (text === null) return null;
    const result = parseClassAd(text);
    if (!result.ok) throw new Error(`${c.file}:${c.line}: bad ad ${text}: ${result.error.message}`);
    return result.value;
  };
  const my = ad(c.my) ?? new ClassAd();
  const target = ad(c.target);
  const evaluator = new Evaluator({ semantics: c.semantics, circularReference: c.circular });
  if (target !== null) evaluator.bindMatch(my, target);
  return unparse(exprFromValue(evaluator.evaluate(parsed.value, my)));
}

const cases = readParityCases();

describe("parity with libclassad: the pinned expression tables", () => {
  it("holds at least 800 pinned cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(800);
    expect(cases.filter((c) => c.expected === "?").map((c) => `${c.file}:${c.line}`)).toEqual([]);
  });

  const files = new Map<string, ParityCase[]>();
  for (const c of cases) files.set(c.file, [...(files.get(c.file) ?? []), c]);
  for (const [file, fileCases] of files) {
    describe(file, () => {
      it.each(fileCases.map((c) => [`${c.expression}  (line ${c.line})`, c] as const))("%s", (_, c) => {
        expect(evaluateCase(c)).toBe(c.expected);
      });
    });
  }
});

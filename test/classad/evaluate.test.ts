import { describe, expect, it } from "vitest";
import type { Expr } from "../../src/classad/ast.js";
import { ClassAd } from "../../src/classad/classad.js";
import { Evaluator, evaluate, evaluateAttribute } from "../../src/classad/evaluate.js";
import { parseClassAd, parseExpression } from "../../src/classad/parse.js";
import { unparse } from "../../src/classad/unparse.js";
import type { Value } from "../../src/classad/value.js";
import { exprFromValue } from "../../src/classad/value-to-expr.js";

function expr(text: string): Expr {
  const parsed = parseExpression(text, { oldSemantics: true });
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

function ad(text: string): ClassAd {
  const parsed = parseClassAd(text);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

const printed = (v: Value) => unparse(exprFromValue(v));
const lit = (n: bigint): Expr => ({ kind: "literal", value: { type: "integer", value: n } });

describe("evaluate", () => {
  it("evaluates an expression with no ad at all", () => {
    expect(printed(evaluate(expr("1 + 2 * 3")))).toBe("7");
  });

  it("evaluates an expression as if it were an attribute of the scope ad", () => {
    expect(printed(evaluate(expr("a + b"), ad("[ a = 1; b = 2 ]")))).toBe("3");
  });

  it("evaluates a named attribute in its own ad, case-insensitively", () => {
    expect(printed(evaluateAttribute(ad("[ Mem = 4; Twice = mem * 2 ]"), "TWICE"))).toBe("8");
    expect(evaluateAttribute(ad("[ a = 1 ]"), "missing")).toEqual({ kind: "undefined" });
  });

  it("keeps list elements unevaluated, as libclassad prints list values", () => {
    expect(printed(evaluate(expr("{ 1, 1 + 1 }")))).toBe("{ 1,1 + 1 }");
  });
});

describe("deep nesting never overflows the stack", () => {
  it("turns a 100,000-deep parenthesised expression into the error value instead of throwing", () => {
    let node: Expr = lit(1n);
    for (let i = 0; i < 100_000; i++) node = { kind: "paren", inner: node };
    expect(evaluate(node)).toEqual({ kind: "error" });
  });

  it("turns a 100,000-deep unary chain into the error value", () => {
    let node: Expr = lit(1n);
    for (let i = 0; i < 100_000; i++) node = { kind: "unary", op: "-", operand: node };
    expect(evaluate(node)).toEqual({ kind: "error" });
  });

  it("turns a 100,000-long attribute chain a1 = a2 + 1; … into the error value", () => {
    const chain = new ClassAd();
    for (let i = 1; i < 100_000; i++) {
      chain.set(`a${i}`, {
        kind: "binary",
        op: "+",
        left: { kind: "attr", name: `a${i + 1}`, absolute: false },
        right: lit(1n),
      });
    }
    chain.set("a100000", lit(1n));
    expect(evaluateAttribute(chain, "a1")).toEqual({ kind: "error" });
  }, 30_000);

  it("still evaluates moderately long chains exactly", () => {
    const chain = new ClassAd();
    for (let i = 1; i < 300; i++) chain.set(`a${i}`, expr(`a${i + 1} + 1`));
    chain.set("a300", lit(1n));
    expect(printed(evaluateAttribute(chain, "a1"))).toBe("300");
  });

  it("honours a configured depth limit", () => {
    const e = expr("((((1))))");
    expect(new Evaluator({ maxDepth: 3 }).evaluate(e)).toEqual({ kind: "error" });
    expect(printed(new Evaluator({ maxDepth: 10 }).evaluate(e))).toBe("1");
  });

  it("leaves the evaluator usable after hitting the limit", () => {
    const evaluator = new Evaluator({ maxDepth: 3 });
    expect(evaluator.evaluate(expr("((((1))))"))).toEqual({ kind: "error" });
    expect(printed(evaluator.evaluate(expr("2")))).toBe("2");
  });
});

describe("circular references", () => {
  const cyclic = ad("[ a = b; b = a; c = c + 1; d = 1 ]");

  it("evaluate to undefined by default (libclassad V25.13.2 and later)", () => {
    expect(evaluateAttribute(cyclic, "a")).toEqual({ kind: "undefined" });
    expect(evaluateAttribute(cyclic, "c")).toEqual({ kind: "undefined" });
  });

  it("evaluate to error with circularReference: error (HTCondor 24.x)", () => {
    expect(evaluateAttribute(cyclic, "a", { circularReference: "error" })).toEqual({ kind: "error" });
    expect(printed(evaluateAttribute(cyclic, "d", { circularReference: "error" }))).toBe("1");
  });

  it("do not confuse repeated, non-circular use of one attribute with a cycle", () => {
    expect(printed(evaluate(expr("d + d + d"), cyclic))).toBe("3");
  });
});

describe("old versus strict semantics", () => {
  const scope = ad("[ a = 1; b = MY.a ]");

  it("old semantics (default): MY names the current ad and CurrentTime is time()", () => {
    expect(printed(evaluateAttribute(scope, "b"))).toBe("1");
    const now = new Evaluator({ now: () => 1_700_000_000 });
    expect(printed(now.evaluate(expr("CurrentTime"), scope))).toBe("1700000000");
    expect(printed(now.evaluate(expr("time()"), scope))).toBe("1700000000");
  });

  it("strict semantics: MY and CurrentTime are ordinary names", () => {
    expect(evaluateAttribute(scope, "b", { semantics: "strict" })).toEqual({ kind: "undefined" });
    expect(evaluate(expr("CurrentTime"), scope, { semantics: "strict" })).toEqual({ kind: "undefined" });
  });
});

describe("unknown functions", () => {
  it("evaluate to error rather than failing", () => {
    expect(evaluate(expr("noSuchFunction(1, 2)"))).toEqual({ kind: "error" });
  });
});

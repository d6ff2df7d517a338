/**
 * Fuzzing of the ClassAd language beyond the parser fuzz of test/classad/syntax.fuzz.test.ts
 * (which this reuses the AST generators of): the lexer on arbitrary and byte-mangled text, and
 * the evaluator on random expressions that call the real builtins, refer to each other inside an
 * ad (cycles included) and are printed, mutated and re-parsed. Every input must give a value —
 * never a throw, a hang (per-input time bound) or retained memory (heap bound over the run).
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { tokenize } from "../../grammar/lexer.js";
import type { Expr } from "../../src/classad/ast.js";
import { builtinNames } from "../../src/classad/builtins/index.js";
import { evaluate, evaluateAttribute } from "../../src/classad/evaluate.js";
import { parseClassAd, parseExpression } from "../../src/classad/parse.js";
import { unparse } from "../../src/classad/unparse.js";
import { expression } from "../classad/arbitrary-ast.js";
import { FuzzMeter, fuzzParameters, fuzzTimeout, MAX_HEAP_GROWTH_BYTES } from "./budget.js";

const VALUE_KINDS = new Set([
  "undefined",
  "error",
  "boolean",
  "integer",
  "real",
  "string",
  "list",
  "classad",
  "absTime",
  "relTime",
]);

const BUILTINS = builtinNames();

/** Expressions whose calls name real builtins (with arbitrary, often wrong, arguments). */
const builtinCall: fc.Arbitrary<Expr> = fc
  .tuple(fc.constantFrom(...BUILTINS), fc.array(expression(), { maxLength: 4 }))
  .map(([name, args]): Expr => ({ kind: "call", name, args }));

const evaluable: fc.Arbitrary<Expr> = fc.oneof(
  expression(),
  builtinCall,
  fc.tuple(builtinCall, builtinCall).map(([a, b]): Expr => ({ kind: "binary", op: "+", left: a, right: b })),
);

/** An ad of three attributes a, b, c that may refer to one another (and to themselves). */
const selfReferentialAd = fc
  .tuple(evaluable, evaluable, evaluable, fc.constantFrom("a", "b", "c", "x", "MY.a", "TARGET.b"))
  .map(
    ([a, b, c, ref]) =>
      `[ a = ${unparse(a)}; b = ${unparse(b)} + ${ref}; c = ifThenElse(isUndefined(${ref}), ${unparse(c)}, a) ]`,
  );

const MUTATIONS = [
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ",",
  ";",
  "=",
  '"',
  "\\",
  "/*",
  "'",
  ".",
  "?",
  ":",
  "\0",
  "é",
];

/** Printed expressions with one random edit (insert, delete or replace a span). */
const mutatedText = fc
  .tuple(evaluable, fc.nat(), fc.nat({ max: 4 }), fc.constantFrom(...MUTATIONS))
  .map(([e, at, del, ins]) => {
    const s = unparse(e);
    const i = s.length === 0 ? 0 : at % (s.length + 1);
    return s.slice(0, i) + ins + s.slice(i + del);
  });

/** Bytes as a latin-1 string: what the lexer sees for byte input. */
const byteText = fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString("latin1"));

function isValue(value: { kind: string }): void {
  if (!VALUE_KINDS.has(value.kind)) throw new Error(`not a value: ${JSON.stringify(value).slice(0, 200)}`);
}

describe("ClassAd fuzzing", () => {
  const meters: Record<string, FuzzMeter> = {};
  const meter = (name: string) => {
    const m = new FuzzMeter();
    meters[name] = m;
    return m;
  };
  afterAll(() => {
    const lines = Object.entries(meters).map(
      ([name, m]) => `${name}: ${m.inputs} inputs, slowest ${m.slowestMs.toFixed(1)} ms`,
    );
    process.stdout.write(`[fuzz] classad ${lines.join("; ")}\n`);
  });

  it(
    "the lexer tokenizes any text and any bytes without throwing, in both syntaxes",
    () => {
      const m = meter("lexer");
      fc.assert(
        fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), byteText, mutatedText), (text) =>
          m.time(text, (t) => {
            for (const options of [{}, { oldSemantics: true }, { oldSyntax: true, inputIsBytes: true }]) {
              const result = tokenize(t, options);
              for (const token of result.tokens) {
                if (!(token.startOffset >= 0 && token.startOffset <= t.length)) {
                  throw new Error(`token ${token.image} at offset ${token.startOffset} outside the text`);
                }
              }
            }
          }),
        ),
        fuzzParameters(0.12),
      );
      expect(m.heapGrowth()).toBeLessThan(MAX_HEAP_GROWTH_BYTES);
    },
    fuzzTimeout(0.12),
  );

  it(
    "the evaluator gives a value for any expression, builtin calls with any arguments included",
    () => {
      const m = meter("evaluate");
      fc.assert(
        fc.property(evaluable, (expr) =>
          m.time(expr, (e) => {
            isValue(evaluate(e));
            isValue(evaluate(e, null, { semantics: "strict" }));
          }),
        ),
        fuzzParameters(0.18),
      );
      expect(m.heapGrowth()).toBeLessThan(MAX_HEAP_GROWTH_BYTES);
    },
    fuzzTimeout(0.18),
  );

  it(
    "attributes that refer to each other (cycles included) evaluate to values",
    () => {
      const m = meter("ads");
      fc.assert(
        fc.property(selfReferentialAd, (text) =>
          m.time(text, (t) => {
            const parsed = parseClassAd(t);
            if (!parsed.ok) return; // a generated literal may not print back (byte strings): fine
            for (const name of ["a", "b", "c", "missing"]) isValue(evaluateAttribute(parsed.value, name));
          }),
        ),
        fuzzParameters(0.1),
      );
      expect(m.heapGrowth()).toBeLessThan(MAX_HEAP_GROWTH_BYTES);
    },
    fuzzTimeout(0.1),
  );

  it(
    "mutated expressions parse to a value or a positioned error, and what parses evaluates",
    () => {
      const m = meter("mutated");
      fc.assert(
        fc.property(mutatedText, (text) =>
          m.time(text, (t) => {
            for (const options of [{}, { oldSyntax: true, oldSemantics: true }]) {
              const parsed = parseExpression(t, options);
              if (parsed.ok) isValue(evaluate(parsed.value));
              else if (!(parsed.error.line >= 1 && parsed.error.column >= 1))
                throw new Error("unpositioned error");
            }
          }),
        ),
        fuzzParameters(0.12),
      );
      expect(m.heapGrowth()).toBeLessThan(MAX_HEAP_GROWTH_BYTES);
    },
    fuzzTimeout(0.12),
  );
});

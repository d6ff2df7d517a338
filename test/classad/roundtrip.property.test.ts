import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import type { Expr } from "../../src/classad/ast.js";
import { formatJsonAd, parseJsonValue } from "../../src/classad/json.js";
import { formatOldAd, parseOldClassAd } from "../../src/classad/old-format.js";
import { parseExpression } from "../../src/classad/parse.js";
import { compareCaseInsensitive, unparse, unparseOld } from "../../src/classad/unparse.js";
import { adRecord, expression, jsonAd } from "./arbitrary-ast.js";

// Property and corpus tests: generous timeouts so a busy machine does not fail them.
vi.setConfig({ testTimeout: 120_000 });

const runs = Number(process.env.ANNEX_PROPERTY_RUNS ?? 300);

function reparse(text: string, old: boolean): Expr {
  const r = parseExpression(text, old ? { oldSyntax: true, oldSemantics: true, inputIsBytes: true } : {});
  if (!r.ok) throw new Error(`${r.error.message}\n${text}`);
  return r.value;
}

describe("parse(print(x)) == x for generated ASTs", () => {
  it("new syntax: expressions", () => {
    fc.assert(
      fc.property(expression(), (x) => {
        expect(reparse(unparse(x), false)).toEqual(x);
      }),
      { numRuns: runs },
    );
  });

  it("new syntax: printing is stable (print(parse(print(x))) == print(x))", () => {
    fc.assert(
      fc.property(expression(), (x) => {
        const once = unparse(x);
        expect(unparse(reparse(once, false))).toBe(once);
      }),
      { numRuns: runs },
    );
  });

  it("old syntax: expressions under old semantics", () => {
    fc.assert(
      fc.property(expression({ old: true }), (x) => {
        expect(reparse(unparseOld(x), true)).toEqual(x);
      }),
      { numRuns: runs },
    );
  });

  it("old syntax: whole long-form ads", () => {
    fc.assert(
      fc.property(adRecord({ old: true }), (ad) => {
        const text = formatOldAd(ad);
        const r = parseOldClassAd(text, { inputIsBytes: true });
        if (!r.ok) throw new Error(`${r.error.message}\n${text}`);
        const expected = [...ad.attributes].sort((a, b) => compareCaseInsensitive(a.name, b.name));
        expect([...r.value.attributes()].sort((a, b) => compareCaseInsensitive(a.name, b.name))).toEqual(
          expected,
        );
      }),
      { numRuns: runs },
    );
  });

  it("JSON: whole ads", () => {
    fc.assert(
      fc.property(jsonAd(), (ad) => {
        const text = formatJsonAd(ad);
        const r = parseJsonValue(text, { inputIsBytes: true });
        if (!r.ok) throw new Error(`${r.error.message}\n${text}`);
        expect(r.value).toEqual(ad);
      }),
      { numRuns: runs },
    );
  });
});

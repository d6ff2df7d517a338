import { describe, expect, it } from "vitest";
import type { Expr } from "../../../src/classad/ast.js";
import { type BuiltinEntry, builtinNames, lookupBuiltin } from "../../../src/classad/builtins/index.js";
import { Evaluator } from "../../../src/classad/evaluate.js";
import { parseClassAd, parseExpression } from "../../../src/classad/parse.js";
import { unparse } from "../../../src/classad/unparse.js";
import type { Value } from "../../../src/classad/value.js";
import { readParityCases } from "../parity/parity-table.js";

/**
 * Keeps the builtin table (src/classad/builtins/index.ts), the evaluator's dispatch and the parity
 * tables (test/classad/parity/*.txt) in step: the table's counts are the ones the evaluator
 * enforces, its strict flags match what the functions do with undefined and error, every builtin
 * is pinned by a parity case, and every function a parity case calls is a builtin.
 */

const NAMES = builtinNames();

/** Table names no parity case calls, and why: their values are not fixed. */
const NOT_IN_PARITY = new Map([
  ["time", "reads the clock"],
  ["currenttime", "reads the clock"],
  ["daytime", "reads the clock"],
  ["timezoneoffset", "depends on the local zone"],
  ["random", "random"],
]);

/** Names parity cases call that are deliberately not builtins, and why. */
const DELIBERATELY_UNKNOWN = new Map([
  ["nosuchfunction", "an unknown function evaluates to error"],
  ["f", "an unresolved reference for unresolved(), never evaluated"],
]);

function entryOf(name: string): BuiltinEntry {
  const entry = lookupBuiltin(name);
  if (entry === undefined) throw new Error(`${name} is not in the table`);
  return entry;
}

function expr(text: string): Expr {
  const parsed = parseExpression(text, { oldSemantics: true });
  if (!parsed.ok) throw new Error(`bad expression ${text}`);
  return parsed.value;
}

const call = (name: string, args: readonly Expr[]): Expr => ({ kind: "call", name, args });

/** Argument samples: undefined and error first, then one value of each other shape. */
const SAMPLES = ["undefined", "error", "1", '"a"', '{ "a" }', "[ a = 1 ]"].map(expr);

/** Every list of `n` samples. */
function* sampleLists(n: number): Generator<Expr[]> {
  if (n === 0) {
    yield [];
    return;
  }
  for (const rest of sampleLists(n - 1)) for (const sample of SAMPLES) yield [sample, ...rest];
}

/** What a strict builtin gives for these arguments without running: error, undefined, or null. */
function strictRule(args: readonly Expr[]): Value["kind"] | null {
  const kinds = args.map((arg) => (arg.kind === "literal" ? arg.value.type : "other"));
  if (kinds.includes("error")) return "error";
  if (kinds.includes("undefined")) return "undefined";
  return null;
}

describe("the builtin table", () => {
  it("names every builtin once, in lower case, with sound counts", () => {
    expect(NAMES.length).toBeGreaterThanOrEqual(90);
    for (const name of NAMES) {
      const { minArgs, maxArgs } = entryOf(name);
      expect(name).toBe(name.toLowerCase());
      expect(Number.isInteger(minArgs) && minArgs >= 0, name).toBe(true);
      expect(maxArgs === Number.POSITIVE_INFINITY || Number.isInteger(maxArgs), name).toBe(true);
      expect(maxArgs, name).toBeGreaterThanOrEqual(minArgs);
    }
    expect(lookupBuiltin("StrCat")).toBe(lookupBuiltin("strcat"));
    expect(lookupBuiltin("noSuchFunction")).toBeUndefined();
  });
});

describe("dispatch: a wrong count is error before any argument is evaluated", () => {
  /** Evaluates `name` with `n` arguments `time()`; returns the value and how often the clock was read. */
  function withClockArgs(name: string, n: number): { value: Value; reads: number } {
    let reads = 0;
    const ev = new Evaluator({
      now: () => {
        reads++;
        return 0;
      },
    });
    const value = ev.evaluate(
      call(
        name,
        Array.from({ length: n }, () => expr("time()")),
      ),
    );
    return { value, reads };
  }

  it("counts evaluations through the clock", () => {
    expect(withClockArgs("int", 1)).toEqual({ value: { kind: "integer", value: 0n }, reads: 1 });
  });

  it.each(NAMES)("%s", (name) => {
    const { minArgs, maxArgs } = entryOf(name);
    const wrong = [minArgs - 1, maxArgs + 1].filter((n) => n >= 0 && Number.isFinite(n));
    if (minArgs > 0 || Number.isFinite(maxArgs)) expect(wrong.length).toBeGreaterThan(0);
    for (const n of wrong)
      expect(withClockArgs(name, n), `${name} with ${n}`).toEqual({ value: { kind: "error" }, reads: 0 });
  });
});

describe("dispatch: valid counts reach the function; strict ones follow the strict rule", () => {
  const evaluator = new Evaluator();

  it.each(NAMES)("%s", (name) => {
    const entry = entryOf(name);
    const failures: string[] = [];
    let departures = 0;
    for (let n = entry.minArgs; n <= Math.min(entry.maxArgs, entry.minArgs + 2); n++) {
      for (const args of sampleLists(n)) {
        const text = unparse(call(name, args));
        let value: Value;
        try {
          value = evaluator.evaluate(call(name, args));
        } catch (cause) {
          failures.push(`${text} threw ${String(cause)}`);
          continue;
        }
        const rule = strictRule(args);
        if (rule === null || value.kind === rule) continue;
        departures++;
        if (entry.strict) failures.push(`${text} gives ${value.kind}, not ${rule}`);
      }
    }
    expect(failures).toEqual([]);
    // A non-strict builtin that follows the strict rule on every sample should be strict (or the
    // samples miss what makes it non-strict).
    if (!entry.strict && entry.maxArgs > 0)
      expect(departures, `${name} never departs from the strict rule`).toBeGreaterThan(0);
  });
});

describe("the parity tables and the table agree", () => {
  /** Lower-cased names of the functions an expression calls. */
  function calledNames(e: Expr, into: Set<string>): Set<string> {
    const children: readonly Expr[] = (() => {
      switch (e.kind) {
        case "literal":
        case "attr":
          return [];
        case "call":
          into.add(e.name.toLowerCase());
          return e.args;
        case "select":
          return [e.base];
        case "subscript":
          return [e.base, e.index];
        case "unary":
          return [e.operand];
        case "binary":
          return [e.left, e.right];
        case "ternary":
          return [e.cond, e.ifTrue, e.ifFalse];
        case "paren":
          return [e.inner];
        case "list":
          return e.items;
        case "record":
          return e.attributes.map((a) => a.expr);
      }
    })();
    for (const child of children) calledNames(child, into);
    return into;
  }

  const cases = readParityCases();
  const called = new Set<string>();
  for (const c of cases) {
    const parsed = parseExpression(c.expression, { oldSemantics: true });
    if (parsed.ok) calledNames(parsed.value, called);
  }
  for (const text of new Set(cases.flatMap((c) => [c.my ?? "", c.target ?? ""]))) {
    const ad = parseClassAd(text);
    if (ad.ok) for (const { expr: e } of ad.value.attributes()) calledNames(e, called);
  }

  it("finds the calls of the parity cases", () => {
    expect(called.size).toBeGreaterThanOrEqual(80);
  });

  it("pins every builtin in a parity case, or says why not", () => {
    const table = new Set(NAMES);
    expect(NAMES.filter((name) => !called.has(name) && !NOT_IN_PARITY.has(name))).toEqual([]);
    // The exceptions stay exceptions: builtins, and not pinned after all.
    expect([...NOT_IN_PARITY.keys()].filter((name) => !table.has(name) || called.has(name))).toEqual([]);
  });

  it("calls only builtins, or names deliberately unknown", () => {
    const table = new Set(NAMES);
    expect([...called].filter((name) => !table.has(name) && !DELIBERATELY_UNKNOWN.has(name))).toEqual([]);
    for (const name of DELIBERATELY_UNKNOWN.keys()) {
      expect(table.has(name), name).toBe(false);
      expect(called.has(name), name).toBe(true);
      expect(new Evaluator().evaluate(call(name, []))).toEqual({ kind: "error" });
    }
  });
});

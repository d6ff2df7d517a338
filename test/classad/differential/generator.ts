/**
 * A grammar-based generator of random ClassAd expressions (as text) for the differential test.
 * Deterministic for a seed (mulberry32). It covers every operator, the scope names, lists,
 * records, selection, subscripts and the deterministic builtins, with arities that are sometimes
 * wrong on purpose. Time-dependent and random builtins are excluded.
 */

import { seededRandom } from "../../support/seeded-random.js";

/** The scope ad every generated expression is evaluated in (new syntax). */
export const DIFFERENTIAL_SCOPE =
  '[ a = 3; b = 2.5; s = "Hello"; t = "hello"; l = { 1,2.5,"x" }; r = [ p = 1; q = "z"; w = a + 1 ]; ' +
  'u = undefined; e = error; bt = true; n = -7; big = 9223372036854775807; ls = "a, b, c"; c1 = c2; c2 = c1 ]';

const INTEGERS = [
  "0",
  "1",
  "2",
  "3",
  "7",
  "-1",
  "-7",
  "10",
  "64",
  "100",
  "9223372036854775807",
  "-9223372036854775808",
];
const TIMES = [
  "absTime(1700000000)",
  "absTime(86400, 3600)",
  "absTime(0, -18000)",
  "relTime(3661)",
  "relTime(-90)",
];
const REALS = ["0.5", "1.5", "-2.25", "0.0", "1e10", "3.0", "-0.5", "1e308", "2.5e-3"];
const STRINGS = [
  '"abc"',
  '"ABC"',
  '"a"',
  '"B"',
  '""',
  '"x y"',
  '"1.5"',
  '"10"',
  '"a,b"',
  '"Hello"',
  '"true"',
];
const NAMES = [
  "a",
  "b",
  "s",
  "t",
  "l",
  "r",
  "u",
  "e",
  "bt",
  "n",
  "x",
  "big",
  "ls",
  "c1",
  "MY.a",
  "TARGET.a",
  "r.p",
  "r.q",
  "r.w",
  "self.a",
  "toplevel.b",
  ".n",
];
const BINARY = [
  "+",
  "-",
  "*",
  "/",
  "%",
  "==",
  "!=",
  "<",
  "<=",
  ">",
  ">=",
  "=?=",
  "=!=",
  "is",
  "isnt",
  "&&",
  "||",
  "&",
  "|",
  "^",
  "<<",
  ">>",
  ">>>",
];
const UNARY = ["-", "+", "!", "~"];
const SHIFT_COUNTS = ["0", "1", "2", "3", "7", "31", "63", "a", "bt", "u", "1.5", '"x"'];

/** Deterministic builtins with the arities they accept (the generator also tries others). */
const FUNCTIONS: readonly [string, number][] = [
  ["isUndefined", 1],
  ["isError", 1],
  ["isString", 1],
  ["isInteger", 1],
  ["isReal", 1],
  ["isList", 1],
  ["isClassAd", 1],
  ["isBoolean", 1],
  ["member", 2],
  ["identicalMember", 2],
  ["size", 1],
  ["sum", 1],
  ["avg", 1],
  ["min", 1],
  ["max", 1],
  ["strcat", 2],
  ["join", 2],
  ["toUpper", 1],
  ["toLower", 1],
  ["substr", 3],
  ["strcmp", 2],
  ["stricmp", 2],
  ["versioncmp", 2],
  ["versionLT", 2],
  ["versionGE", 2],
  ["int", 1],
  ["real", 1],
  ["string", 1],
  ["bool", 1],
  ["floor", 1],
  ["ceiling", 1],
  ["round", 1],
  ["pow", 2],
  ["ifThenElse", 3],
  ["quantize", 2],
  ["interval", 1],
  ["relTime", 1],
  ["getYear", 1],
  ["getHours", 1],
  ["getDays", 1],
  ["sum", 1],
  ["anyCompare", 3],
  ["allCompare", 3],
  ["regexp", 2],
  ["replaceAll", 3],
  ["stringListSum", 1],
  ["stringListAvg", 1],
  ["stringListMax", 1],
  ["stringListSubsetMatch", 2],
  ["splitSlotName", 1],
  ["argsToList", 1],
  ["listToArgs", 1],
  ["eval", 1],
  ["isAbsTime", 1],
  ["stringListSize", 1],
  ["stringListMember", 2],
  ["stringListIMember", 2],
  ["split", 1],
  ["splitUserName", 1],
  ["stringListsIntersect", 2],
  ["isRelTime", 1],
  ["unknownFn", 1],
];

/** Generates `count` expressions from `seed`. */
export function generateExpressions(seed: number, count: number): string[] {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const leaf = (): string => {
    const r = rnd();
    if (r < 0.25) return pick(INTEGERS);
    if (r < 0.38) return pick(REALS);
    if (r < 0.52) return pick(STRINGS);
    if (r < 0.58) return pick(["true", "false", "TRUE", "undefined", "error"]);
    if (r < 0.6) return pick(TIMES);
    return pick(NAMES);
  };
  const expr = (depth: number): string => {
    if (depth <= 0 || rnd() < 0.25) return leaf();
    const r = rnd();
    if (r < 0.35) {
      const op = pick(BINARY);
      // Shift counts outside 0–63 are undefined behaviour in C++: keep them in range.
      const right = op.startsWith("<<") || op.startsWith(">>") ? pick(SHIFT_COUNTS) : expr(depth - 1);
      return `${expr(depth - 1)} ${op} ${right}`;
    }
    if (r < 0.45) return `${pick(UNARY)}${rnd() < 0.5 ? " " : ""}${expr(depth - 1)}`;
    if (r < 0.52) return `(${expr(depth - 1)})`;
    if (r < 0.57) return `${expr(depth - 1)} ? ${expr(depth - 1)} : ${expr(depth - 1)}`;
    if (r < 0.61) return `${expr(depth - 1)} ?: ${expr(depth - 1)}`;
    if (r < 0.68) {
      const items = Array.from({ length: Math.floor(rnd() * 4) }, () => expr(depth - 1));
      return `{ ${items.join(", ")} }`;
    }
    if (r < 0.72) {
      const n = Math.floor(rnd() * 3);
      const attrs = Array.from(
        { length: n },
        (_, i) => `${pick(["p", "q", "a", "z"])}${i} = ${expr(depth - 1)}`,
      );
      return `[ ${attrs.join("; ")} ]${rnd() < 0.5 ? `.${pick(["p0", "q1", "a", "z0", "s"])}` : ""}`;
    }
    if (r < 0.76)
      return `${pick(["l", "{ 1, 2, 3 }", "r", "s"])}[${pick(["0", "1", "2", "3", "-1", '"p"', '"Q"', "true", "1.0"])}]`;
    const [name, arity] = pick(FUNCTIONS);
    const n = rnd() < 0.85 ? arity : Math.floor(rnd() * 4);
    // relTime("…")/absTime("…") with a string literal are parse-time literals (the parser's
    // business, not the evaluator's): give the runtime functions computed arguments only.
    const args = Array.from({ length: n }, () => {
      const a = expr(depth - 1);
      if (name !== "relTime") return a;
      // Huge relTimes print through an int overflow in libclassad ("--24855+-3:-14:-8").
      return a.startsWith('"') ? `strcat(${a})` : `(${a}) % 100000`;
    });
    return `${rnd() < 0.2 ? name.toUpperCase() : name}(${args.join(", ")})`;
  };
  return Array.from({ length: count }, () => expr(1 + Math.floor(rnd() * 4)));
}

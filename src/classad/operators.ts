import type { BinaryOp } from "./ast.js";
import { cInt } from "./number-format.js";
import { compareBytesIgnoringCase } from "./strings.js";
import {
  booleanValue,
  ERROR,
  FALSE,
  INT64_MAX,
  INT64_MIN,
  integerValue,
  realValue,
  TRUE,
  UNDEFINED,
  type Value,
} from "./value.js";

/**
 * The strict operators of libclassad (§5 of the reference): arithmetic, comparison, bitwise,
 * shifts and identity. The non-strict logical operators live in the evaluator because they
 * decide whether their right operand is evaluated at all.
 */

/** The strict binary operators handled here (everything except `&&`, `||` and Elvis). */
export type StrictBinaryOp = Exclude<BinaryOp, "&&" | "||" | "?:">;

/** Error wins over undefined; either makes the operation's result. */
function strictCheck(a: Value, b: Value): Value | null {
  if (a.kind === "error" || b.kind === "error") return ERROR;
  if (a.kind === "undefined" || b.kind === "undefined") return UNDEFINED;
  return null;
}

/** Applies a binary operator other than `&&`, `||`, `?:` to two evaluated operands. */
export function applyBinary(op: StrictBinaryOp, a: Value, b: Value): Value {
  switch (op) {
    case "=?=":
      return identical(a, b);
    case "=!=": {
      const same = identical(a, b);
      return same.kind === "boolean" ? booleanValue(!same.value) : same;
    }
    case "+":
    case "-":
    case "*":
    case "/":
    case "%":
      return arithmetic(op, a, b);
    case "==":
    case "!=":
    case "<":
    case "<=":
    case ">":
    case ">=":
      return compare(op, a, b);
    case "&":
    case "|":
    case "^":
    case "<<":
    case ">>":
    case ">>>":
      return bitwise(op, a, b);
  }
}

/** `=?=`: same type and same value; never undefined; lists and ads are an error. */
export function identical(a: Value, b: Value): Value {
  if (a.kind !== b.kind) return FALSE;
  switch (a.kind) {
    case "undefined":
    case "error":
      return TRUE;
    case "boolean":
      return booleanValue(a.value === (b as typeof a).value);
    case "integer":
      return booleanValue(a.value === (b as typeof a).value);
    case "real":
      return booleanValue(a.value === (b as typeof a).value);
    case "string":
      return booleanValue(a.value === (b as typeof a).value);
    case "absTime": {
      const other = b as typeof a;
      return booleanValue(a.seconds === other.seconds && a.offset === other.offset);
    }
    case "relTime":
      return booleanValue(a.seconds === (b as typeof a).seconds);
    case "list":
      return a.built === (b as typeof a).built ? ERROR : FALSE;
    case "classad":
      return ERROR;
  }
}

type Numeric = { int: true; value: bigint } | { int: false; value: number };

/** Integers, reals and booleans (promoted to 0/1) as numbers; anything else is null. */
function numeric(v: Value): Numeric | null {
  switch (v.kind) {
    case "integer":
      return { int: true, value: v.value };
    case "boolean":
      return { int: true, value: v.value ? 1n : 0n };
    case "real":
      return { int: false, value: v.value };
    default:
      return null;
  }
}

function toDouble(n: Numeric): number {
  return n.int ? Number(n.value) : n.value;
}

/** `+ - * / %` with int64 wrapping, the +Inf → error rule, and time arithmetic. */
export function arithmetic(op: "+" | "-" | "*" | "/" | "%", a: Value, b: Value): Value {
  const strict = strictCheck(a, b);
  if (strict) return strict;
  if (a.kind === "absTime" || a.kind === "relTime" || b.kind === "absTime" || b.kind === "relTime") {
    return timeArithmetic(op, a, b);
  }
  const x = numeric(a);
  const y = numeric(b);
  if (!x || !y) return ERROR;
  if (x.int && y.int) return integerArithmetic(op, x.value, y.value);
  if (op === "%") return ERROR;
  const p = toDouble(x);
  const q = toDouble(y);
  let r: number;
  switch (op) {
    case "+":
      r = p + q;
      break;
    case "-":
      r = p - q;
      break;
    case "*":
      r = p * q;
      break;
    case "/":
      r = p / q;
      break;
  }
  // libclassad reports a result of +Inf as an error, while -Inf and NaN survive.
  if (r === Number.POSITIVE_INFINITY) return ERROR;
  return realValue(r);
}

function integerArithmetic(op: "+" | "-" | "*" | "/" | "%", x: bigint, y: bigint): Value {
  switch (op) {
    case "+":
      return integerValue(x + y);
    case "-":
      return integerValue(x - y);
    case "*":
      return integerValue(x * y);
    case "/":
      if (y === 0n) return ERROR;
      if (x === INT64_MIN && y === -1n) return integerValue(INT64_MAX);
      return integerValue(x / y);
    case "%":
      if (y === 0n) return ERROR;
      if (y === -1n) return integerValue(0n);
      return integerValue(x % y);
  }
}

function timeArithmetic(op: "+" | "-" | "*" | "/" | "%", a: Value, b: Value): Value {
  if (op === "+") {
    if (a.kind === "absTime" && b.kind === "relTime") {
      return { kind: "absTime", seconds: a.seconds + Math.trunc(b.seconds), offset: a.offset };
    }
    if (a.kind === "relTime" && b.kind === "absTime") {
      return { kind: "absTime", seconds: b.seconds + Math.trunc(a.seconds), offset: b.offset };
    }
    if (a.kind === "relTime" && b.kind === "relTime") {
      return { kind: "relTime", seconds: cInt(a.seconds + b.seconds) };
    }
    return ERROR;
  }
  if (op === "-") {
    if (a.kind === "absTime" && b.kind === "absTime") {
      return { kind: "relTime", seconds: cInt(a.seconds - b.seconds) };
    }
    if (a.kind === "absTime" && b.kind === "relTime") {
      return { kind: "absTime", seconds: a.seconds - Math.trunc(b.seconds), offset: a.offset };
    }
    if (a.kind === "relTime" && b.kind === "relTime") {
      return { kind: "relTime", seconds: cInt(a.seconds - b.seconds) };
    }
    return ERROR;
  }
  if (op === "*" || op === "/") {
    if (a.kind === "relTime") {
      const y = numeric(b);
      if (!y || b.kind === "boolean") return ERROR;
      const q = toDouble(y);
      return { kind: "relTime", seconds: cInt(op === "*" ? a.seconds * q : a.seconds / q) };
    }
    if (op === "*" && b.kind === "relTime") {
      const x = numeric(a);
      if (!x || a.kind === "boolean") return ERROR;
      return { kind: "relTime", seconds: cInt(toDouble(x) * b.seconds) };
    }
  }
  return ERROR;
}

/** `== != < <= > >=`: case-insensitive strings, boolean promotion, time with its own type. */
export function compare(op: "==" | "!=" | "<" | "<=" | ">" | ">=", a: Value, b: Value): Value {
  const strict = strictCheck(a, b);
  if (strict) return strict;
  if (a.kind === "list" || a.kind === "classad" || b.kind === "list" || b.kind === "classad") return ERROR;
  if (a.kind === "string" || b.kind === "string") {
    if (a.kind !== "string" || b.kind !== "string") return ERROR;
    return booleanValue(ordered(op, compareBytesIgnoringCase(a.value, b.value)));
  }
  if (a.kind === "absTime" || b.kind === "absTime") {
    if (a.kind !== "absTime" || b.kind !== "absTime") return ERROR;
    return booleanValue(compareNumbers(op, a.seconds, b.seconds));
  }
  if (a.kind === "relTime" || b.kind === "relTime") {
    if (a.kind !== "relTime" || b.kind !== "relTime") return ERROR;
    return booleanValue(compareNumbers(op, a.seconds, b.seconds));
  }
  const x = numeric(a);
  const y = numeric(b);
  if (!x || !y) return ERROR;
  if (x.int && y.int) {
    const c = x.value === y.value ? 0 : x.value < y.value ? -1 : 1;
    return booleanValue(ordered(op, c));
  }
  return booleanValue(compareNumbers(op, toDouble(x), toDouble(y)));
}

function ordered(op: "==" | "!=" | "<" | "<=" | ">" | ">=", c: number): boolean {
  switch (op) {
    case "==":
      return c === 0;
    case "!=":
      return c !== 0;
    case "<":
      return c < 0;
    case "<=":
      return c <= 0;
    case ">":
      return c > 0;
    case ">=":
      return c >= 0;
  }
}

function compareNumbers(op: "==" | "!=" | "<" | "<=" | ">" | ">=", p: number, q: number): boolean {
  switch (op) {
    case "==":
      return p === q;
    case "!=":
      return p !== q;
    case "<":
      return p < q;
    case "<=":
      return p <= q;
    case ">":
      return p > q;
    case ">=":
      return p >= q;
  }
}

/** `& | ^ << >> >>>`: integers only; shift counts are masked to 0–63 as on x86-64. */
export function bitwise(op: "&" | "|" | "^" | "<<" | ">>" | ">>>", a: Value, b: Value): Value {
  const strict = strictCheck(a, b);
  if (strict) return strict;
  if (a.kind !== "integer" || b.kind !== "integer") return ERROR;
  const x = a.value;
  const y = b.value;
  switch (op) {
    case "&":
      return integerValue(x & y);
    case "|":
      return integerValue(x | y);
    case "^":
      return integerValue(x ^ y);
    case "<<":
      return integerValue(x << (y & 63n));
    case ">>":
      // Counts outside 0–63 are undefined behaviour in C++; these follow libclassad on x86-64
      // for counts ≥ 64 (sign fill) and keep the value for negative counts.
      if (x >= 0n) return integerValue(x >> (y & 63n));
      return y < 0n ? integerValue(x) : integerValue(x >> y);
    case ">>>": {
      // libclassad shifts arithmetically and masks off the sign bits with ~(~0 << (64 - n)),
      // x86-64 masking both counts to 0–63.
      if (x >= 0n) return integerValue(x >> (y & 63n));
      const mask = ~(-1n << ((64n - y) & 63n));
      return integerValue((x >> (y & 63n)) & mask);
    }
  }
}

/** Unary `-`, `+`, `~` (strict) and `!` (three-valued). */
export function applyUnary(op: "-" | "+" | "~" | "!", v: Value): Value {
  if (v.kind === "error" || v.kind === "undefined") return v;
  switch (op) {
    case "-":
      if (v.kind === "integer") return integerValue(-v.value);
      if (v.kind === "real") return realValue(-v.value);
      if (v.kind === "relTime") return { kind: "relTime", seconds: cInt(-v.seconds) };
      return ERROR;
    case "+":
      if (v.kind === "integer" || v.kind === "real" || v.kind === "relTime") return v;
      return ERROR;
    case "~":
      if (v.kind === "integer") return integerValue(~v.value);
      return ERROR;
    case "!": {
      const t = truthiness(v);
      return t === null ? ERROR : booleanValue(!t);
    }
  }
}

/**
 * A value as a condition for `&&`, `||`, `!`, `?:`: booleans as themselves, numbers as
 * non-zero; null for anything else (which the logical operators turn into error).
 */
export function truthiness(v: Value): boolean | null {
  switch (v.kind) {
    case "boolean":
      return v.value;
    case "integer":
      return v.value !== 0n;
    case "real":
      return v.value !== 0;
    default:
      return null;
  }
}

/**
 * Whether a value counts as true where libclassad tests a match's Requirements: true, a
 * non-zero number, or a non-zero relTime; everything else (undefined and error included) is false.
 */
export function isTrueEquivalent(v: Value): boolean {
  if (v.kind === "relTime") return v.seconds !== 0;
  return (v.kind === "boolean" || v.kind === "integer" || v.kind === "real") && truthiness(v) === true;
}

import type { Expr } from "./ast.js";
import type { ClassAd } from "./classad.js";

/**
 * A ClassAd value, the result of evaluation: a discriminated union on `kind`.
 * Strings are byte strings (see ast.ts). Integers are int64 as `bigint`, always wrapped with
 * `BigInt.asIntN(64, …)`.
 */
export type Value =
  | { readonly kind: "undefined" }
  | { readonly kind: "error" }
  | { readonly kind: "boolean"; readonly value: boolean }
  | { readonly kind: "integer"; readonly value: bigint }
  | { readonly kind: "real"; readonly value: number }
  | { readonly kind: "string"; readonly value: string }
  /**
   * Lists hold unevaluated expressions (libclassad evaluates elements lazily, and prints a list
   * value with its element expressions: `string({1, 1+1})` → `"{ 1,1 + 1 }"`). `scope` is the
   * ad the elements are evaluated in.
   */
  | {
      readonly kind: "list";
      readonly items: readonly Expr[];
      readonly scope: ClassAd | null;
      /**
       * Set on lists built by a function (split, argsToList, …): libclassad holds those as a
       * separate value type (SLIST), so `=?=` between a built list and a literal list is false,
       * while two lists of the same representation are an error.
       */
      readonly built?: true;
    }
  | { readonly kind: "classad"; readonly ad: ClassAd }
  /** Seconds since the epoch and the zone offset (seconds east of UTC). */
  | { readonly kind: "absTime"; readonly seconds: number; readonly offset: number }
  | { readonly kind: "relTime"; readonly seconds: number };

/** The kinds of {@link Value}. */
export type ValueKind = Value["kind"];

export const UNDEFINED: Value = Object.freeze({ kind: "undefined" });
export const ERROR: Value = Object.freeze({ kind: "error" });
export const TRUE: Value = Object.freeze({ kind: "boolean", value: true });
export const FALSE: Value = Object.freeze({ kind: "boolean", value: false });

/** The largest and smallest int64 values, as bigints. */
export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

/** An integer value, wrapped to int64 (two's complement), as libclassad's arithmetic does. */
export function integerValue(value: bigint): Value {
  return { kind: "integer", value: BigInt.asIntN(64, value) };
}

/** An integer value from a JS number (truncated toward zero; NaN → 0; clamped like a C cast). */
export function integerFromNumber(value: number): Value {
  return { kind: "integer", value: bigintFromNumber(value) };
}

/**
 * Converts a double to int64 like the C++ library's casts on x86-64: truncation toward zero,
 * with NaN and out-of-range values becoming INT64_MIN (the "integer indefinite" value).
 */
export function bigintFromNumber(value: number): bigint {
  if (!Number.isFinite(value) || value >= 2 ** 63 || value < -(2 ** 63)) {
    return INT64_MIN;
  }
  return BigInt(Math.trunc(value));
}

/** A real value. */
export function realValue(value: number): Value {
  return { kind: "real", value };
}

/** A string value (byte string). */
export function stringValue(value: string): Value {
  return { kind: "string", value };
}

/** A boolean value (shared frozen instances). */
export function booleanValue(value: boolean): Value {
  return value ? TRUE : FALSE;
}

/** Whether a value is an integer or a real (booleans are not numbers here). */
export function isNumber(value: Value): value is Extract<Value, { kind: "integer" | "real" }> {
  return value.kind === "integer" || value.kind === "real";
}

/** The numeric value of an integer or real as a double. */
export function numberOf(value: Extract<Value, { kind: "integer" | "real" }>): number {
  return value.kind === "integer" ? Number(value.value) : value.value;
}

/**
 * A value in words for error messages: `the integer 4`, `the string "x"`, `a list`, `undefined`.
 * Strings are shown as JSON of their bytes.
 */
export function describeValue(value: Value): string {
  switch (value.kind) {
    case "string":
      return `the string ${JSON.stringify(value.value)}`;
    case "integer":
      return `the integer ${value.value}`;
    case "real":
      return `the real ${value.value}`;
    case "boolean":
      return `the boolean ${value.value}`;
    case "classad":
      return "a nested ad";
    case "list":
      return "a list";
    case "absTime":
      return "a time value";
    case "relTime":
      return "a duration value";
    default:
      return value.kind;
  }
}

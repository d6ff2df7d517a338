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
  | { readonly kind: "list"; readonly items: readonly Expr[]; readonly scope: ClassAd | null }
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

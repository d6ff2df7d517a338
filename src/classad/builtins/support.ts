import type { Expr } from "../ast.js";
import type { ClassAd } from "../classad.js";
import type { Evaluator } from "../evaluate.js";
import { cTimeT } from "../number-format.js";
import { formatRealExponent, strtod } from "../strings.js";
import { formatAbsTime, formatRelTime } from "../time.js";
import { unparse } from "../unparse.js";
import { ERROR, UNDEFINED, type Value } from "../value.js";
import { exprFromValue } from "../value-to-expr.js";

/**
 * An argument list of at least `N` items: `AtLeast<Expr, 2>` is `readonly [Expr, Expr, ...Expr[]]`,
 * so a builtin destructures the arguments its arity guarantees without checks or assertions.
 */
export type AtLeast<T, N extends number, R extends readonly T[] = []> = R["length"] extends N
  ? readonly [...R, ...T[]]
  : AtLeast<T, N, readonly [...R, T]>;

/**
 * A builtin's implementation over its arguments (of type `A`): the evaluator, at least `N`
 * arguments (the evaluator checks the table's counts before the call, see index.ts), the current
 * scope and the name as written.
 */
type Builtin<A, N extends number> = (
  ev: Evaluator,
  args: AtLeast<A, N>,
  scope: ClassAd | null,
  name: string,
) => Value;

/**
 * A non-strict builtin: receives its argument expressions unevaluated (some builtins are lazy,
 * like `ifThenElse`; others decide undefined and error in their own way).
 */
export type BuiltinFunction<N extends number = 0> = Builtin<Expr, N>;

/**
 * A strict builtin: receives the values of its arguments, none of them undefined or error (the
 * evaluator answers those itself, see {@link undefinedOrError}).
 */
export type StrictBuiltin<N extends number = 0> = Builtin<Value, N>;

/** Evaluates every argument in order; the values keep the shape of the argument list. */
export function evalArgs<A extends readonly Expr[]>(
  ev: Evaluator,
  args: A,
  scope: ClassAd | null,
): { readonly [K in keyof A]: Value } {
  const out: Value[] = [];
  for (const arg of args) out.push(ev.evaluateIn(arg, scope));
  return out as { readonly [K in keyof A]: Value };
}

/**
 * A strict function's result when its arguments decide it: error if any is error, else undefined
 * if any is undefined, else null (the function runs).
 */
export function undefinedOrError(values: readonly Value[]): Value | null {
  let decided: Value | null = null;
  for (const v of values) {
    if (v.kind === "error") return ERROR;
    if (v.kind === "undefined") decided = UNDEFINED;
  }
  return decided;
}

/** Evaluates the items of a list value in the list's scope. */
export function listItems(ev: Evaluator, list: Extract<Value, { kind: "list" }>): Value[] {
  const out: Value[] = [];
  for (const item of list.items) out.push(ev.evaluateIn(item, list.scope));
  return out;
}

/** A real as libclassad prints it inside `string()`/`strcat()`. */
export function realText(x: number): string {
  if (Number.isNaN(x)) return 'real("NaN")';
  if (x === Number.POSITIVE_INFINITY) return 'real("INF")';
  if (x === Number.NEGATIVE_INFINITY) return 'real("-INF")';
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  return formatRealExponent(x);
}

/**
 * `string()` conversion of a value: the text, or the undefined/error value itself.
 * Lists and ads are unparsed; times use their literal text without the constructor.
 */
export function stringOf(v: Value): string | Value {
  switch (v.kind) {
    case "undefined":
    case "error":
      return v;
    case "string":
      return v.value;
    case "boolean":
      return v.value ? "true" : "false";
    case "integer":
      return v.value.toString();
    case "real":
      return realText(v.value);
    case "absTime":
      return formatAbsTime(v.seconds, v.offset);
    case "relTime":
      return formatRelTime(v.seconds);
    case "list":
    case "classad":
      return unparse(exprFromValue(v));
  }
}

/** A number for math builtins: ints, reals, bools (0/1), strings via strtod; else null. */
export function numberFrom(v: Value): { int: boolean; value: number; big?: bigint } | null {
  switch (v.kind) {
    case "integer":
      return { int: true, value: Number(v.value), big: v.value };
    case "real":
      return { int: false, value: v.value };
    case "boolean":
      return { int: true, value: v.value ? 1 : 0, big: v.value ? 1n : 0n };
    case "string": {
      const parsed = strtod(v.value);
      return parsed.consumed === 0 ? null : { int: false, value: parsed.value };
    }
    case "absTime":
      return { int: false, value: v.seconds };
    case "relTime":
      // libclassad converts a relTime through a time_t: relTime(1.5) is 1 here.
      return { int: false, value: cTimeT(v.seconds) };
    default:
      return null;
  }
}

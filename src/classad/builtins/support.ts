import type { Expr } from "../ast.js";
import type { ClassAd } from "../classad.js";
import type { Evaluator } from "../evaluate.js";
import { cTimeT } from "../number-format.js";
import { formatRealExponent, strtod } from "../strings.js";
import { formatAbsTime, formatRelTime } from "../time.js";
import { unparse } from "../unparse.js";
import type { Value } from "../value.js";
import { exprFromValue } from "../value-to-expr.js";

/**
 * A builtin function: receives its argument expressions unevaluated (some builtins are lazy,
 * like `ifThenElse`), the evaluator, the current scope and the name as written.
 */
export type BuiltinFunction = (
  ev: Evaluator,
  args: readonly Expr[],
  scope: ClassAd | null,
  name: string,
) => Value;

/** Evaluates every argument in order. */
export function evalArgs(ev: Evaluator, args: readonly Expr[], scope: ClassAd | null): Value[] {
  const out: Value[] = [];
  for (const arg of args) out.push(ev.evaluateIn(arg, scope));
  return out;
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

/** Returns error for a wrong argument count (libclassad's arity checks). */
export function arity(args: readonly Expr[], min: number, max = min): boolean {
  return args.length >= min && args.length <= max;
}

import { truthiness } from "../operators.js";
import { parseExpression } from "../parse.js";
import { unparse as unparseExpr } from "../unparse.js";
import { ERROR, stringValue } from "../value.js";
import { type BuiltinFunction, stringOf } from "./support.js";

/** `ifThenElse(c, a, b)`: lazy, with the ternary's rules for the condition. */
export const ifThenElse: BuiltinFunction = (ev, args, scope) => {
  const [c, a, b] = args;
  if (args.length !== 3 || c === undefined || a === undefined || b === undefined) return ERROR;
  const cond = ev.evaluateIn(c, scope);
  if (cond.kind === "undefined" || cond.kind === "error") return cond;
  const t = truthiness(cond);
  if (t === null) return ERROR;
  return ev.evaluateIn(t ? a : b, scope);
};

/** `eval(s)`: parses the string and evaluates it in the current scope. */
export const evalString: BuiltinFunction = (ev, args, scope) => {
  const [arg] = args;
  if (args.length !== 1 || arg === undefined) return ERROR;
  // The argument is converted as by string() and parsed: eval(3) → 3, but eval of an absTime
  // parses its bare text and fails.
  const text = stringOf(ev.evaluateIn(arg, scope));
  if (typeof text !== "string") return ERROR;
  const parsed = parseExpression(text, { oldSemantics: ev.oldSemantics, inputIsBytes: true });
  if (!parsed.ok) return ERROR;
  return ev.evaluateIn(parsed.value, scope);
};

/** `unparse(attr)`: the unevaluated text of the referenced attribute ("" when absent). */
export const unparse: BuiltinFunction = (ev, args, scope) => {
  const [arg] = args;
  if (args.length !== 1 || arg === undefined || arg.kind !== "attr") return ERROR;
  const found = arg.absolute ? null : ev.lookupInScope(scope, arg.name);
  if (found === null || !("expr" in found)) return stringValue("");
  return stringValue(unparseExpr(found.expr));
};

/** `debug(x)`: evaluates to x (libclassad also logs the evaluation). */
export const debug: BuiltinFunction = (ev, args, scope) => {
  const [arg] = args;
  if (args.length !== 1 || arg === undefined) return ERROR;
  return ev.evaluateIn(arg, scope);
};

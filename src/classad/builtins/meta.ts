import { readFileSync } from "node:fs";
import type { Expr } from "../ast.js";
import type { ClassAd } from "../classad.js";
import type { Evaluator } from "../evaluate.js";
import { truthiness } from "../operators.js";
import { parseExpression } from "../parse.js";
import { compareBytesIgnoringCase } from "../strings.js";
import { unparsePretty } from "../unparse.js";
import { booleanValue, ERROR, stringValue, UNDEFINED } from "../value.js";
import { compileRegex, matchingBuiltin } from "./strings.js";
import { type BuiltinFunction, type StrictBuiltin, stringOf } from "./support.js";

/** `ifThenElse(c, a, b)`: lazy, with the ternary's rules for the condition. */
export const ifThenElse: BuiltinFunction<3> = (ev, [c, a, b], scope) => {
  const cond = ev.evaluateIn(c, scope);
  if (cond.kind === "undefined" || cond.kind === "error") return cond;
  const t = truthiness(cond);
  if (t === null) return ERROR;
  return ev.evaluateIn(t ? a : b, scope);
};

/** `eval(s)`: parses the string and evaluates it in the current scope. */
export const evalString: BuiltinFunction<1> = (ev, [arg], scope) => {
  // The argument is converted as by string() and parsed: eval(3) → 3, but eval of an absTime
  // parses its bare text and fails.
  const text = stringOf(ev.evaluateIn(arg, scope));
  if (typeof text !== "string") return ERROR;
  const parsed = parseExpression(text, { oldSemantics: ev.oldSemantics, inputIsBytes: true });
  if (!parsed.ok) return ERROR;
  return ev.evaluateIn(parsed.value, scope);
};

/** `unparse(attr)`: the unevaluated text of the referenced attribute ("" when absent). */
export const unparse: BuiltinFunction<1> = (ev, [arg], scope) => {
  // libclassad's attribute reference covers `x.y` too; it looks the reference's text up as a
  // name, which a selection never is, so that prints "".
  if (arg.kind === "select") return stringValue("");
  if (arg.kind !== "attr") return ERROR;
  const found = arg.absolute ? null : ev.lookupInScope(scope, arg.name);
  if (found === null || !("expr" in found)) return stringValue("");
  return stringValue(unparsePretty(found.expr));
};

/** `debug(x)` (strict): evaluates to x (libclassad also logs the evaluation). */
export const debug: StrictBuiltin<1> = (_ev, [v]) => v;

/** Names an expression refers to that resolve nowhere (libclassad's external references). */
function externalReferences(
  ev: Evaluator,
  expr: Expr,
  scope: ClassAd | null,
  seen: Set<Expr>,
  out: Map<string, string>,
): void {
  const add = (name: string) => {
    const key = name.toLowerCase();
    if (!out.has(key)) out.set(key, name);
  };
  const follow = (name: string) => {
    const found = ev.lookupInScope(scope, name);
    if (found === null) add(name);
    else if ("expr" in found && !seen.has(found.expr)) {
      seen.add(found.expr);
      externalReferences(ev, found.expr, found.scope, seen, out);
    }
  };
  switch (expr.kind) {
    case "literal":
      return;
    case "attr":
      if (!expr.absolute) follow(expr.name);
      return;
    case "select": {
      if (expr.base.kind === "attr" && !expr.base.absolute) {
        const base = expr.base.name.toLowerCase();
        if (base === "target" || base === "other") {
          add(expr.name);
          return;
        }
        if (base === "my" || base === "self") {
          follow(expr.name);
          return;
        }
        if (ev.lookupInScope(scope, expr.base.name) === null) {
          add(`${expr.base.name}.${expr.name}`);
          return;
        }
      }
      externalReferences(ev, expr.base, scope, seen, out);
      return;
    }
    case "subscript":
      externalReferences(ev, expr.base, scope, seen, out);
      externalReferences(ev, expr.index, scope, seen, out);
      return;
    case "unary":
      externalReferences(ev, expr.operand, scope, seen, out);
      return;
    case "binary":
      externalReferences(ev, expr.left, scope, seen, out);
      externalReferences(ev, expr.right, scope, seen, out);
      return;
    case "ternary":
      externalReferences(ev, expr.cond, scope, seen, out);
      externalReferences(ev, expr.ifTrue, scope, seen, out);
      externalReferences(ev, expr.ifFalse, scope, seen, out);
      return;
    case "paren":
      externalReferences(ev, expr.inner, scope, seen, out);
      return;
    case "call":
      for (const a of expr.args) externalReferences(ev, a, scope, seen, out);
      return;
    case "list":
      for (const item of expr.items) externalReferences(ev, item, scope, seen, out);
      return;
    case "record":
      return;
  }
}

/**
 * `unresolved(attr [, regex])`: the comma-separated, case-insensitively sorted names the
 * attribute depends on (following its internal references) that resolve nowhere; with a regex,
 * whether any of them matches it.
 */
export const unresolved: BuiltinFunction<1> = matchingBuiltin((ev, [arg, patternArg], scope) => {
  if (arg.kind !== "attr" && arg.kind !== "select") return ERROR;
  const target = dereference(ev, arg, scope);
  if (target === null) return UNDEFINED;
  const out = new Map<string, string>();
  if (target !== "values") externalReferences(ev, target.expr, target.scope, new Set([target.expr]), out);
  const names = [...out.values()].sort((a, b) => compareBytesIgnoringCase(a, b));
  if (patternArg === undefined) return stringValue(names.join(","));
  const pattern = ev.evaluateIn(patternArg, scope);
  if (pattern.kind !== "string") return ERROR;
  const re = compileRegex(pattern.value, {
    caseless: true,
    multiline: false,
    dotall: false,
    extended: false,
  });
  if (re === null) return ERROR;
  // PCRE2_NOTEMPTY: a pattern that can only match empty text matches no name.
  return booleanValue(names.some((n) => re.match(n, 0, { notEmpty: true }) !== null));
});

/**
 * What an attribute reference points at, as libclassad's AttributeReference::Deref finds it:
 * `name` in scope; for `base.name` the base is evaluated first — an ad is searched for the name,
 * a list becomes a list of values (which refer to nothing), anything else finds nothing.
 */
function dereference(
  ev: Evaluator,
  ref: Extract<Expr, { kind: "attr" | "select" }>,
  scope: ClassAd | null,
): { readonly expr: Expr; readonly scope: ClassAd | null } | "values" | null {
  if (ref.kind === "attr") {
    const found = ev.lookupInScope(scope, ref.name);
    return found !== null && "expr" in found ? found : null;
  }
  const base = ev.evaluateIn(ref.base, scope);
  if (base.kind === "list") return "values";
  if (base.kind !== "classad") return null;
  const found = ev.lookupInScope(base.ad, ref.name);
  // The references are then resolved from the caller's ad, as libclassad does.
  return found !== null && "expr" in found ? { expr: found.expr, scope } : null;
}

/** Home directories from the password database (/etc/passwd), read once. */
let passwdHomes: Map<string, string> | null = null;

function homeOf(user: string): string | undefined {
  if (passwdHomes === null) {
    passwdHomes = new Map();
    try {
      for (const line of readFileSync("/etc/passwd", "latin1").split("\n")) {
        const fields = line.split(":");
        const [name] = fields;
        const home = fields[5];
        if (name && home !== undefined && !passwdHomes.has(name)) passwdHomes.set(name, home);
      }
    } catch {
      // No password database: every lookup falls back to the default.
    }
  }
  return passwdHomes.get(user);
}

/** `userHome(user [, default])`: the user's home directory on this host, else the default. */
export const userHome: BuiltinFunction<1> = (ev, [userArg, defaultArg], scope) => {
  const user = ev.evaluateIn(userArg, scope);
  const fallback = defaultArg === undefined ? UNDEFINED : ev.evaluateIn(defaultArg, scope);
  if (user.kind === "undefined") return fallback;
  if (user.kind !== "string") return ERROR;
  const home = homeOf(user.value);
  return home === undefined ? fallback : stringValue(home);
};

/**
 * `userMap(map, input [, preferred [, default]])`: HTCondor's CLASSAD_USER_MAP lookups. No user
 * maps are configured here, so the result is the default argument, or undefined.
 */
export const userMap: BuiltinFunction<2> = (ev, args, scope) => {
  const defaultArg = args[3];
  return defaultArg === undefined ? UNDEFINED : ev.evaluateIn(defaultArg, scope);
};

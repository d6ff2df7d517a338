import { arithmetic, compare, identical } from "../operators.js";
import {
  booleanValue,
  ERROR,
  FALSE,
  integerValue,
  realValue,
  TRUE,
  UNDEFINED,
  type Value,
} from "../value.js";
import { type BuiltinFunction, evalArgs, listItems, type StrictBuiltin } from "./support.js";

/** `member(x, list)` (uses `==`) and `identicalMember(x, list)` (uses `=?=`). */
export const member: BuiltinFunction<2> = (ev, args, scope, name) => {
  const [x, list] = evalArgs(ev, args, scope);
  const identicalTest = name.toLowerCase() === "identicalmember";
  if (identicalTest) {
    // identicalMember compares undefined and error like any other value with =?=.
    if (list.kind === "undefined") return UNDEFINED;
    if (list.kind !== "list") return ERROR;
    if (x.kind === "list" || x.kind === "classad") return ERROR;
  } else {
    if (x.kind === "undefined" || list.kind === "undefined") return UNDEFINED;
    if (x.kind === "error" || list.kind === "error") return ERROR;
    if (list.kind !== "list" || x.kind === "list" || x.kind === "classad") return ERROR;
  }
  for (const item of listItems(ev, list)) {
    const r = identicalTest ? identical(x, item) : compare("==", x, item);
    if (r.kind === "boolean" && r.value) return TRUE;
  }
  return FALSE;
};

/** `size(x)` (strict): string bytes, list length, number of attributes. */
export const size: StrictBuiltin<1> = (_ev, [v]) => {
  switch (v.kind) {
    case "string":
      return integerValue(BigInt(v.value.length));
    case "list":
      return integerValue(BigInt(v.items.length));
    case "classad":
      return integerValue(BigInt(v.ad.size));
    default:
      return ERROR;
  }
};

const isSummable = (v: Value): boolean => v.kind === "integer" || v.kind === "real" || v.kind === "boolean";

/** `sum(list)`, `avg(list)` (strict): undefined elements skipped; empty → 0. */
export const sumAvg: StrictBuiltin<1> = (ev, [list], _scope, name) => {
  if (list.kind !== "list") return ERROR;
  let total: Value | null = null;
  let count = 0;
  for (const item of listItems(ev, list)) {
    if (item.kind === "undefined") continue;
    if (!isSummable(item)) return ERROR;
    total = total === null ? item : arithmetic("+", total, item);
    count++;
    if (total.kind === "error") return ERROR;
  }
  if (total === null) return integerValue(0n);
  if (name.toLowerCase() === "avg") {
    const n =
      total.kind === "integer"
        ? Number(total.value)
        : total.kind === "real"
          ? total.value
          : total.kind === "boolean"
            ? Number(total.value)
            : Number.NaN;
    return realValue(n / count);
  }
  return total;
};

/** `min(list)`, `max(list)` (strict): empty → undefined; real if any element is real. */
export const minMax: StrictBuiltin<1> = (ev, [list], _scope, name) => {
  if (list.kind !== "list") return ERROR;
  const isMin = name.toLowerCase() === "min";
  let best: Value | null = null;
  let anyReal = false;
  let several = false;
  for (const item of listItems(ev, list)) {
    if (item.kind === "undefined") continue;
    if (!isSummable(item)) return ERROR;
    if (item.kind === "real") anyReal = true;
    if (best === null) {
      best = item;
      continue;
    }
    several = true;
    const better = compare(isMin ? "<" : ">", item, best);
    if (better.kind === "boolean" && better.value) best = item;
  }
  if (best === null) return UNDEFINED;
  if (anyReal)
    return realValue(
      best.kind === "integer"
        ? Number(best.value)
        : best.kind === "real"
          ? best.value
          : best.kind === "boolean"
            ? Number(best.value)
            : 0,
    );
  if (several && best.kind === "boolean") return integerValue(best.value ? 1n : 0n);
  return best;
};

const COMPARE_OPS = new Set(["<", "<=", "!=", "==", ">", ">=", "is", "isnt"]);

/** `anyCompare(op, list, v)` / `allCompare(op, list, v)`. */
export const listCompare: BuiltinFunction<3> = (ev, args, scope, name) => {
  const [op, list, target] = evalArgs(ev, args, scope);
  // Checked in this order (pinned against libclassad): the operator, then the list, then the
  // value; undefined wins over error only within one argument's own check.
  if (op.kind === "undefined") return UNDEFINED;
  if (op.kind !== "string" || !COMPARE_OPS.has(op.value)) return ERROR;
  if (list.kind === "undefined") return UNDEFINED;
  if (list.kind !== "list") return ERROR;
  // The value itself is not checked: an error value makes a comparison error, if there is one.
  const all = name.toLowerCase() === "allcompare";
  for (const item of listItems(ev, list)) {
    let r: Value;
    if (op.value === "is") r = identical(item, target);
    else if (op.value === "isnt") {
      const same = identical(item, target);
      r = same.kind === "boolean" ? booleanValue(!same.value) : same;
    } else r = compare(op.value as "<", item, target);
    // An undefined comparison ends both walks with false (libclassad's listCompare).
    if (r.kind === "undefined") return FALSE;
    if (r.kind !== "boolean") return ERROR;
    if (all && !r.value) return FALSE;
    if (!all && r.value) return TRUE;
  }
  return all ? TRUE : FALSE;
};

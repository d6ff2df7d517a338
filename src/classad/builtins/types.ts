import { cInt, cTimeT } from "../number-format.js";
import { asciiLower, strtod } from "../strings.js";
import { localOffsetAt } from "../time.js";
import {
  bigintFromNumber,
  booleanValue,
  ERROR,
  FALSE,
  integerValue,
  realValue,
  TRUE,
  UNDEFINED,
  type Value,
} from "../value.js";
import { type BuiltinFunction, type StrictBuiltin, stringOf } from "./support.js";

/** Type predicates (one argument; not strict: they inspect undefined and error too). */
function predicate(kind: Value["kind"]): BuiltinFunction<1> {
  return (ev, [arg], scope) => booleanValue(ev.evaluateIn(arg, scope).kind === kind);
}

/** `isUndefined(x)`, `isError(x)`, …: lower-cased name → predicate. */
export const typePredicates: Record<string, BuiltinFunction<1>> = {
  isundefined: predicate("undefined"),
  iserror: predicate("error"),
  isstring: predicate("string"),
  isinteger: predicate("integer"),
  isreal: predicate("real"),
  islist: predicate("list"),
  isclassad: predicate("classad"),
  isboolean: predicate("boolean"),
  isabstime: predicate("absTime"),
  isreltime: predicate("relTime"),
};

/** `int(x)` (strict): truncation; strings through strtod. */
export const convertInt: StrictBuiltin<1> = (_ev, [v]) => {
  switch (v.kind) {
    case "integer":
      return v;
    case "boolean":
      return integerValue(v.value ? 1n : 0n);
    case "real":
      return { kind: "integer", value: bigintFromNumber(v.value) };
    case "string": {
      const parsed = strtod(v.value);
      if (parsed.consumed === 0) return ERROR;
      return { kind: "integer", value: bigintFromNumber(parsed.value) };
    }
    case "absTime":
    case "relTime":
      return { kind: "integer", value: bigintFromNumber(v.seconds) };
    default:
      return ERROR;
  }
};

/** `real(x)` (strict): strings through strtod (accepting INF, -INF, NaN). */
export const convertReal: StrictBuiltin<1> = (_ev, [v]) => {
  switch (v.kind) {
    case "real":
      return v;
    case "boolean":
      return realValue(v.value ? 1 : 0);
    case "integer":
      return realValue(Number(v.value));
    case "string": {
      const parsed = strtod(v.value);
      if (parsed.consumed === 0) return ERROR;
      return realValue(parsed.value);
    }
    case "absTime":
      return realValue(v.seconds);
    case "relTime":
      return realValue(cTimeT(v.seconds)); // through a time_t, as libclassad converts it
    default:
      return ERROR;
  }
};

/** `string(x)` (strict). */
export const convertString: StrictBuiltin<1> = (_ev, [v]) => {
  const s = stringOf(v);
  return typeof s === "string" ? { kind: "string", value: s } : s;
};

/** `bool(x)` (strict): numbers non-zero; "true"/"false" case-insensitively; other strings undefined. */
export const convertBool: StrictBuiltin<1> = (_ev, [v]) => {
  switch (v.kind) {
    case "boolean":
      return v;
    case "integer":
      return booleanValue(v.value !== 0n);
    case "real":
      return booleanValue(v.value !== 0);
    case "relTime":
      return booleanValue(cTimeT(v.seconds) !== 0);
    case "string": {
      const s = asciiLower(v.value);
      if (s === "true") return TRUE;
      if (s === "false") return FALSE;
      return UNDEFINED;
    }
    default:
      return ERROR;
  }
};

/** `absTime()`, `absTime(secs [, offset])`, `absTime(string)`, `absTime(absTime)`. */
export const convertAbsTime: BuiltinFunction = (ev, [first, second], scope) => {
  if (first === undefined) {
    const now = ev.now();
    return { kind: "absTime", seconds: now, offset: localOffsetAt(now) };
  }
  const v = ev.evaluateIn(first, scope);
  let offset: number | null = null;
  if (second !== undefined) {
    // The offset must be a number or relTime (undefined included: error); libclassad keeps it
    // in a C int.
    const o = ev.evaluateIn(second, scope);
    if (o.kind === "integer") offset = Number(BigInt.asIntN(32, o.value));
    else if (o.kind === "real") offset = Math.abs(o.value) < 2 ** 31 ? Math.trunc(o.value) : -(2 ** 31);
    else if (o.kind === "relTime") offset = Math.trunc(o.seconds);
    else return ERROR;
  }
  switch (v.kind) {
    case "undefined":
    case "error":
      return v;
    case "integer":
    case "real": {
      // Through a C int, as libclassad reads the seconds (an int64 keeps its low 32 bits).
      const seconds = v.kind === "integer" ? Number(BigInt.asIntN(32, v.value)) : cInt(v.value);
      // libclassad takes an integer's offset of -1 for "no offset" and fails the evaluation.
      if (v.kind === "integer" && offset === -1) return ERROR;
      return { kind: "absTime", seconds, offset: offset ?? localOffsetAt(seconds) };
    }
    case "relTime": {
      const seconds = cTimeT(v.seconds);
      return { kind: "absTime", seconds, offset: offset ?? localOffsetAt(seconds) };
    }
    case "absTime":
      return v; // an explicit offset does not re-zone an absTime
    case "string":
      // libclassad quirk: a computed string argument is returned unchanged (only a string
      // literal is converted, at parse time).
      return v;
    default:
      return ERROR;
  }
};

/** `relTime(secs)` (strict; truncated to whole seconds), `relTime(string)`, `relTime(relTime)`. */
export const convertRelTime: StrictBuiltin<1> = (_ev, [v]) => {
  switch (v.kind) {
    case "relTime":
      return v;
    // An integer goes through a C int (int64 keeps its low 32 bits); a real keeps its fraction
    // (libclassad's relative times are doubles); an absTime gives its epoch seconds.
    case "integer":
      return { kind: "relTime", seconds: Number(BigInt.asIntN(32, v.value)) };
    case "real":
      return { kind: "relTime", seconds: v.value };
    case "absTime":
      return { kind: "relTime", seconds: v.seconds };
    case "string": {
      // libclassad quirk: only a string literal argument is converted (folded at parse time);
      // a computed string gives relTime 0.
      return { kind: "relTime", seconds: 0 };
    }
    default:
      return ERROR;
  }
};

import type { Expr } from "../ast.js";
import type { ClassAd } from "../classad.js";
import type { Evaluator } from "../evaluate.js";
import { isTrueEquivalent } from "../operators.js";
import { asciiLower, compareBytes, compareBytesIgnoringCase, strtod } from "../strings.js";
import {
  bigintFromNumber,
  booleanValue,
  ERROR,
  integerValue,
  realValue,
  stringValue,
  TRUE,
  UNDEFINED,
  type Value,
} from "../value.js";
import { exprFromValue } from "../value-to-expr.js";
import { compileRegex, matchingBuiltin, regexFlags, splitStringList } from "./strings.js";
import { type BuiltinFunction, evalArgs, listItems, type StrictBuiltin } from "./support.js";

/**
 * The HTCondor-only functions (registered by HTCondor's compat layer and by the `htcondor` Python
 * package, not by standalone libclassad): string lists, split, user/slot names, evaluation in
 * each ad of a list, and the argument/environment converters.
 */

const LIST_DELIMS = ", ";
const FLT_MAX = 3.4028234663852886e38;
const FLT_MIN = 1.1754943508222875e-38;
const MEMBER_DELIMS = ", \t\r\n";

function strings(values: readonly Value[]): string[] | Value {
  const out: string[] = [];
  for (const v of values) {
    if (v.kind === "error") return ERROR;
    if (v.kind !== "string") return ERROR;
    out.push(v.value);
  }
  return out;
}

/** `stringListSize(list [, delims])`. */
export const stringListSize: BuiltinFunction<1> = (ev, args, scope) => {
  const s = strings(evalArgs(ev, args, scope));
  if (!Array.isArray(s)) return s;
  return integerValue(BigInt(splitStringList(s[0] ?? "", s[1] ?? LIST_DELIMS).length));
};

/** `stringListSum/Avg/Min/Max(list [, delims])`. */
export const stringListSummarize: BuiltinFunction<1> = (ev, args, scope, name) => {
  const s = strings(evalArgs(ev, args, scope));
  if (!Array.isArray(s)) return s;
  const items = splitStringList(s[0] ?? "", s[1] ?? LIST_DELIMS);
  const op = name.toLowerCase().slice("stringlist".length);
  let isReal = false;
  const numbers: number[] = [];
  for (const item of items) {
    // Items go through strtod: a numeric prefix is enough, no number at all is an error.
    const parsed = strtod(item);
    if (parsed.consumed === 0) return ERROR;
    if (/[^+\-0-9]/.test(item)) isReal = true;
    numbers.push(parsed.value);
  }
  if (numbers.length === 0) return op === "min" || op === "max" ? UNDEFINED : realValue(0);
  let acc: number;
  // libclassad seeds min/max with FLT_MAX and FLT_MIN (the smallest positive float), so a list
  // of negative numbers has max FLT_MIN (0 as an integer).
  if (op === "min") acc = Math.min(FLT_MAX, ...numbers);
  else if (op === "max") acc = Math.max(FLT_MIN, ...numbers);
  else {
    acc = numbers.reduce((x, y) => x + y, 0);
    if (op === "avg") acc = isReal ? acc / numbers.length : Math.trunc(acc / numbers.length);
  }
  return isReal ? realValue(acc) : integerValue(bigintFromNumber(acc));
};

/**
 * `stringListMember(x, list [, delims])`, `stringListIMember`, and the subset matches
 * `stringListSubsetMatch(l1, l2 [, delims])`, `stringListISubsetMatch`.
 */
export const stringListMember: BuiltinFunction<2> = (ev, args, scope, name) => {
  const [a, b, d] = evalArgs(ev, args, scope);
  if (d !== undefined && d.kind !== "undefined" && d.kind !== "string") return ERROR;
  if (a.kind === "undefined" && b.kind === "undefined") return UNDEFINED;
  const text = (v: Value): string | null =>
    v.kind === "undefined" ? "" : v.kind === "string" ? v.value : null;
  const x = text(a);
  const list = text(b);
  if (x === null || list === null) return ERROR;
  let delims = MEMBER_DELIMS;
  if (d !== undefined && d.kind !== "undefined") {
    if (d.kind !== "string") return ERROR;
    delims = d.value;
  }
  const lower = name.toLowerCase();
  const ignoreCase = lower === "stringlistimember" || lower === "stringlistisubsetmatch";
  const items = splitStringList(list, delims);
  const has = (item: string) =>
    items.some((candidate) =>
      ignoreCase ? compareBytesIgnoringCase(candidate, item) === 0 : candidate === item,
    );
  if (lower.endsWith("subsetmatch")) {
    // The empty string is a subset of anything; a non-empty one needs at least one item.
    if (x === "") return TRUE;
    const subset = splitStringList(x, delims);
    return booleanValue(subset.length > 0 && subset.every(has));
  }
  return booleanValue(has(x));
};

/**
 * `stringList_regexpMember(pattern, list [, delims] [, options])`, as HTCondor's compat_classad:
 * every argument must be a string (undefined included: error); option letters in either case;
 * an empty list gives undefined.
 */
export const stringListRegexpMember: BuiltinFunction<2> = matchingBuiltin((ev, args, scope) => {
  const values = evalArgs(ev, args, scope);
  const texts: string[] = [];
  for (const v of values) {
    if (v.kind !== "string") return ERROR;
    texts.push(v.value);
  }
  const [pattern = "", list = "", delims = LIST_DELIMS, options = ""] = texts;
  const re = compileRegex(pattern, regexFlags(asciiLower(options)));
  if (re === null) return ERROR;
  const items = splitStringList(list, delims);
  if (items.length === 0) return UNDEFINED;
  return booleanValue(items.some((item) => re.test(item)));
});

const stringLiteral = (value: string): Expr => ({ kind: "literal", value: { type: "string", value } });

/** `split(s [, delims])`: a list of strings; repeated non-space delimiters give empty items. */
export const split: BuiltinFunction<1> = (ev, args, scope) => {
  const s = strings(evalArgs(ev, args, scope));
  if (!Array.isArray(s)) return s;
  const text = s[0] ?? "";
  const seps = s[1] ?? ", ";
  const items: string[] = [];
  let last = 0;
  let prevSep = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!seps.includes(text.charAt(i))) continue;
    if (i > last) items.push(text.slice(last, i));
    else if (c === prevSep && !/\s/.test(text.charAt(i))) items.push("");
    if (!/\s/.test(text.charAt(i))) prevSep = c;
    last = i + 1;
  }
  if (text.length > last) items.push(text.slice(last));
  return { kind: "list", items: items.map(stringLiteral), scope: null, built: true };
};

/** `splitUserName(n)` → {user, domain}; `splitSlotName(n)` → {slot, machine}. */
export const splitAt: BuiltinFunction<1> = (ev, [arg], scope, name) => {
  const v = ev.evaluateIn(arg, scope);
  if (v.kind !== "string") return ERROR;
  const at = v.value.indexOf("@");
  let pair: [string, string];
  if (at >= 0) pair = [v.value.slice(0, at), v.value.slice(at + 1)];
  else pair = name.toLowerCase() === "splitslotname" ? ["", v.value] : [v.value, ""];
  return { kind: "list", items: pair.map(stringLiteral), scope: null, built: true };
};

/**
 * `evalInEachContext(expr, ads)` and `countMatches(expr, ads)`, as HTCondor's
 * evalInEachContext_func: an attribute reference is first replaced by the expression it is bound
 * to (so `countMatches(RequireGPUs, AvailableGPUs)` evaluates the job's expression in each GPU
 * ad); each element must be an ad (an undefined element gives undefined, anything else error);
 * an undefined list gives undefined, or 0 matches.
 */
export const inEachContext: BuiltinFunction<2> = (ev, [exprArg, listArg], scope, name) => {
  const count = name.toLowerCase() === "countmatches";
  const expr =
    exprArg.kind === "attr" || exprArg.kind === "select"
      ? (ev.dereference(exprArg, scope) ?? exprArg)
      : exprArg;
  let elements: Value[];
  if (listArg.kind === "list") {
    elements = listArg.items.map((item) => ev.evaluateIn(item, scope));
  } else {
    const list = ev.evaluateIn(listArg, scope);
    if (list.kind === "undefined") return count ? integerValue(0n) : UNDEFINED;
    if (list.kind !== "list") return ERROR;
    elements = listItems(ev, list);
  }
  const results: Expr[] = [];
  let matches = 0n;
  for (const element of elements) {
    let r: Value;
    if (element.kind === "classad") r = ev.evaluateIn(expr, element.ad);
    else r = element.kind === "undefined" ? UNDEFINED : ERROR;
    if (count) {
      // Unlike a match's Requirements, a relTime does not count here (pinned against libclassad).
      if (r.kind !== "relTime" && isTrueEquivalent(r)) matches++;
    } else results.push(exprFromValue(r));
  }
  return count ? integerValue(matches) : { kind: "list", items: results, scope, built: true };
};

/** Quotes one argument for HTCondor's V2 argument syntax (whitespace runs and `'` quoted). */
function quoteArgV2(arg: string): string {
  if (arg === "") return "''";
  return arg.replace(/'|\s+/g, (run) => (run === "'" ? "''''" : `'${run}'`));
}

/** The optional argument-syntax version (1 or 2; default 2); null when invalid. */
function argsVersion(ev: Evaluator, arg: Expr | undefined, scope: ClassAd | null): 1 | 2 | null {
  if (arg === undefined) return 2;
  const v = ev.evaluateIn(arg, scope);
  if (v.kind !== "integer" || (v.value !== 1n && v.value !== 2n)) return null;
  return v.value === 1n ? 1 : 2;
}

/** `listToArgs(list [, version])`: an argument string (V2 quoting by default, V1 plain). */
export const listToArgs: BuiltinFunction<1> = (ev, [arg, versionArg], scope) => {
  const v = ev.evaluateIn(arg, scope);
  const version = argsVersion(ev, versionArg, scope);
  if (v.kind !== "list" || version === null) return ERROR;
  const parts: string[] = [];
  for (const item of listItems(ev, v)) {
    if (item.kind !== "string") return ERROR;
    parts.push(version === 2 ? quoteArgV2(item.value) : item.value);
  }
  return stringValue(parts.join(" "));
};

/** Parses a V2 argument string: whitespace separates; `'…'` quotes; `''` is a literal quote. */
function parseArgsV2(text: string): string[] | null {
  const out: string[] = [];
  let current = "";
  let inArg = false;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (quoted) {
      if (ch === "'") {
        if (text.charAt(i + 1) === "'") {
          current += "'";
          i++;
        } else quoted = false;
      } else current += ch;
    } else if (ch === "'") {
      quoted = true;
      inArg = true;
    } else if (/\s/.test(ch)) {
      if (inArg) out.push(current);
      current = "";
      inArg = false;
    } else {
      current += ch;
      inArg = true;
    }
  }
  if (quoted) return null;
  if (inArg) out.push(current);
  return out;
}

/** `argsToList(s [, version])`: the arguments of a V2 (default) or V1 argument string. */
export const argsToList: BuiltinFunction<1> = (ev, [arg, versionArg], scope) => {
  const v = ev.evaluateIn(arg, scope);
  const version = argsVersion(ev, versionArg, scope);
  if (v.kind !== "string" || version === null) return ERROR;
  // V1 syntax: whitespace separates, nothing quotes.
  const parsed =
    version === 1 ? v.value.split(/[ \t\n\r\v\f]+/).filter((a) => a !== "") : parseArgsV2(v.value);
  if (parsed === null) return ERROR;
  return { kind: "list", items: parsed.map(stringLiteral), scope: null, built: true };
};

/** An environment entry: a name and its value, or null for a `$$(…)` macro kept verbatim. */
type EnvEntry = readonly [string, string | null];

/** Env::SetEnvWithErrorMessage: `name=value`, or a `$$(…)` macro without `=`; null when malformed. */
function envEntry(text: string): EnvEntry | null {
  const eq = text.indexOf("=");
  if (eq < 0) return text.includes("$$") ? [text, null] : null;
  return eq === 0 ? null : [text.slice(0, eq), text.slice(eq + 1)];
}

/** The characters a V1 environment may start with to name its own delimiter (env.cpp). */
const V1_DELIMITERS = "!#$%&*+,-/:;<>?@^`|~\x1F";

/**
 * Env::MergeFromV1AutoDelim: `;`-separated entries (or the delimiter the text starts with),
 * newlines separate too, leading white space of an entry is dropped, empty entries skipped.
 */
function envEntriesV1(text: string): EnvEntry[] | null {
  let delimiter = ";";
  let at = 0;
  const first = text[0];
  if (first === delimiter) at = 1;
  else if (first !== undefined && V1_DELIMITERS.includes(first)) {
    delimiter = first;
    at = 1;
  }
  const entries: EnvEntry[] = [];
  while (at < text.length) {
    while (at < text.length && " \t\n\r".includes(text[at] as string)) at++;
    let end = at;
    while (end < text.length && text[end] !== "\n" && text[end] !== delimiter) end++;
    const raw = text.slice(at, end);
    at = end + 1;
    if (raw === "") continue;
    const entry = envEntry(raw);
    if (entry === null) return null;
    entries.push(entry);
  }
  return entries;
}

/** Env::MergeFromV2Raw: V2 arguments, each an entry (an empty one is malformed). */
function envEntriesV2(text: string): EnvEntry[] | null {
  const args = parseArgsV2(text);
  if (args === null) return null;
  const entries: EnvEntry[] = [];
  for (const arg of args) {
    const entry = arg === "" ? null : envEntry(arg);
    if (entry === null) return null;
    entries.push(entry);
  }
  return entries;
}

/** An environment as HTCondor's Env holds it (a std::map: names in byte order, later wins), in V2 form. */
function envV2Text(table: ReadonlyMap<string, string | null>): string {
  return [...table.entries()]
    .sort(([a], [b]) => compareBytes(a, b))
    .map(([name, value]) => quoteArgV2(value === null ? name : `${name}=${value}`))
    .join(" ");
}

/** `envV1ToV2(s)` (strict): `A=1;B=2` → `A=1 B=2`; malformed text is an error. */
export const envV1ToV2: StrictBuiltin<1> = (_ev, [v]) => {
  if (v.kind !== "string") return ERROR;
  const entries = envEntriesV1(v.value);
  return entries === null ? ERROR : stringValue(envV2Text(new Map(entries)));
};

/** `mergeEnvironment(env…)`: V2 environments merged left to right (later names win; undefined skipped). */
export const mergeEnvironment: BuiltinFunction = (ev, args, scope) => {
  const merged = new Map<string, string | null>();
  for (const v of evalArgs(ev, args, scope)) {
    if (v.kind === "undefined") continue;
    if (v.kind !== "string") return ERROR;
    const entries = envEntriesV2(v.value);
    if (entries === null) return ERROR;
    for (const [name, value] of entries) merged.set(name, value);
  }
  return stringValue(envV2Text(merged));
};

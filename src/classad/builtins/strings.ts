import type { ClassAd } from "../classad.js";
import type { Evaluator } from "../evaluate.js";
import { asciiLower, asciiUpper, compareBytes, compareBytesIgnoringCase } from "../strings.js";
import {
  booleanValue,
  ERROR,
  FALSE,
  integerValue,
  stringValue,
  TRUE,
  UNDEFINED,
  type Value,
} from "../value.js";
import { type PcreFlags, PcreMatchLimit, PcrePattern } from "./pcre.js";
import { type BuiltinFunction, evalArgs, listItems, type StrictBuiltin, stringOf } from "./support.js";

/** `strcat(args…)`: each argument through `string()`; undefined or error decides. */
export const strcat: BuiltinFunction = (ev, args, scope) => {
  let out = "";
  for (const v of evalArgs(ev, args, scope)) {
    const s = stringOf(v);
    if (typeof s !== "string") return s;
    out += s;
  }
  return stringValue(out);
};

/** `join(sep, args…)`, `join(sep, list)`, `join(list)`: undefined and empty items skipped. */
export const join: BuiltinFunction = (ev, args, scope) => {
  const values = evalArgs(ev, args, scope);
  const [first, second] = values;
  if (first === undefined) return stringValue("");
  let sep = "";
  let items: readonly Value[];
  if (values.length === 1) {
    if (first.kind === "undefined" || first.kind === "error") return first;
    if (first.kind !== "list") return stringValue("");
    items = listItems(ev, first);
  } else {
    const s = stringOf(first);
    if (typeof s !== "string" && s.kind === "error") return s;
    if (values.length === 2 && second?.kind === "undefined") return UNDEFINED;
    sep = typeof s === "string" ? s : "";
    if (values.length === 2 && second?.kind === "list") items = listItems(ev, second);
    else items = values.slice(1);
  }
  // Undefined when every item is undefined (and there is at least one), or when an undefined
  // separator has nothing to join (pinned against libclassad).
  if (items.length > 0 && items.every((i) => i.kind === "undefined")) return UNDEFINED;
  if (items.length === 0 && values.length > 1 && first.kind === "undefined") return UNDEFINED;
  // libclassad adds the separator only once something has been written: empty items vanish.
  let out = "";
  for (const item of items) {
    if (item.kind === "undefined") continue;
    const s = stringOf(item);
    if (typeof s !== "string") return s;
    if (out !== "") out += sep;
    out += s;
  }
  return stringValue(out);
};

/** `toUpper(x)` / `toLower(x)` (strict): ASCII only, with `string()` coercion. */
export const changeCase: StrictBuiltin<1> = (_ev, [v], _scope, name) => {
  const s = stringOf(v);
  if (typeof s !== "string") return s;
  return stringValue(name.toLowerCase() === "toupper" ? asciiUpper(s) : asciiLower(s));
};

/** `substr(s, offset [, length])` with Perl-like negative offset and length. */
export const substr: BuiltinFunction<2> = (ev, args, scope) => {
  const [s, off, len] = evalArgs(ev, args, scope);
  if (s.kind === "undefined" || off.kind === "undefined" || len?.kind === "undefined") return UNDEFINED;
  if (s.kind !== "string" || off.kind !== "integer") return ERROR;
  if (len !== undefined && len.kind !== "integer") return ERROR;
  const size = s.value.length;
  // Offset and length pass through C ints (low 32 bits), as in libclassad.
  let start = Number(BigInt.asIntN(32, off.value));
  if (start < 0) start += size;
  if (start < 0) start = 0;
  if (start > size) return stringValue("");
  let end = size;
  if (len !== undefined && len.kind === "integer") {
    const l = Number(BigInt.asIntN(32, len.value));
    end = l < 0 ? size + l : start + l;
  }
  if (end > size) end = size;
  if (end <= start) return stringValue("");
  return stringValue(s.value.slice(start, end));
};

/** `strcmp(a, b)` / `stricmp(a, b)`: −1, 0 or 1, with `string()` coercion. */
export const strcmp: BuiltinFunction<2> = (ev, args, scope, name) => {
  const [a, b] = evalArgs(ev, args, scope);
  if (a.kind === "undefined" || b.kind === "undefined") return UNDEFINED;
  const x = stringOf(a);
  if (typeof x !== "string") return x;
  const y = stringOf(b);
  if (typeof y !== "string") return y;
  const c = name.toLowerCase() === "stricmp" ? compareBytesIgnoringCase(x, y) : compareBytes(x, y);
  return integerValue(BigInt(c));
};

/** Natural ("version") ordering as `strverscmp`: digit runs compare numerically. */
export function versionCompare(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (i === a.length && i === b.length) return 0;
  const isDigit = (s: string, k: number) => k < s.length && s.charCodeAt(k) >= 48 && s.charCodeAt(k) <= 57;
  let n = i;
  while (n > 0 && isDigit(a, n - 1)) n--;
  const ca = i < a.length ? a.charCodeAt(i) : 0;
  const cb = i < b.length ? b.charCodeAt(i) : 0;
  if (n === i && (!isDigit(a, i) || !isDigit(b, i))) return ca - cb;
  let za = n;
  while (a[za] === "0") za++;
  let zb = n;
  while (b[zb] === "0") zb++;
  if (za > n && !isDigit(a, za)) za--;
  if (zb > n && !isDigit(b, zb)) zb--;
  if (za - n !== zb - n) return zb - n - (za - n);
  if (za > n) return ca - cb;
  let ea = za;
  while (isDigit(a, ea)) ea++;
  let eb = zb;
  while (isDigit(b, eb)) eb++;
  if (ea - n !== eb - n) return ea - n - (eb - n);
  return ca - cb;
}

/** `versioncmp`, `versionLT/LE/GT/GE/EQ`. */
export const compareVersion: BuiltinFunction<2> = (ev, args, scope, name) => {
  const [a, b] = evalArgs(ev, args, scope);
  if (a.kind === "undefined" || b.kind === "undefined") return UNDEFINED;
  const x = stringOf(a);
  if (typeof x !== "string") return x;
  const y = stringOf(b);
  if (typeof y !== "string") return y;
  const c = versionCompare(x, y);
  switch (name.toLowerCase()) {
    case "versionlt":
      return booleanValue(c < 0);
    case "versionle":
      return booleanValue(c <= 0);
    case "versiongt":
      return booleanValue(c > 0);
    case "versionge":
      return booleanValue(c >= 0);
    case "versioneq":
      return booleanValue(c === 0);
    default:
      return integerValue(BigInt(c));
  }
};

/**
 * `version_in_range(v, min, max)`, as libclassad: an undefined bound gives undefined (before
 * anything else); then all three are converted as `string()` does (numbers and lists included),
 * and any that does not become a string (an undefined or error `v`) gives error.
 */
export const versionInRange: BuiltinFunction<3> = (ev, args, scope) => {
  const [v, lo, hi] = evalArgs(ev, args, scope);
  if (lo.kind === "undefined" || hi.kind === "undefined") return UNDEFINED;
  const [sv, slo, shi] = [stringOf(v), stringOf(lo), stringOf(hi)];
  if (typeof sv !== "string" || typeof slo !== "string" || typeof shi !== "string") return ERROR;
  return booleanValue(versionCompare(slo, sv) <= 0 && versionCompare(sv, shi) <= 0);
};

/** A compiled pattern, or null when libclassad's pcre2_compile would fail (the result is error). */
export type CompiledRegex = PcrePattern | null;

const regexCache = new Map<string, CompiledRegex>();
const REGEX_CACHE_LIMIT = 512;

/**
 * Compiles a pattern as libclassad does (PCRE2, see pcre.ts), cached: policy expressions apply
 * the same few patterns to every ad. Patterns PCRE2 accepts but this port cannot express count as
 * errors too (documented in docs/classad-evaluation.md).
 */
export function compileRegex(pattern: string, flags: PcreFlags): CompiledRegex {
  const key = `${flags.caseless ? "i" : ""}${flags.multiline ? "m" : ""}${flags.dotall ? "s" : ""}${flags.extended ? "x" : ""}/${pattern}`;
  let compiled = regexCache.get(key);
  if (compiled === undefined) {
    const result = PcrePattern.compile(pattern, flags);
    compiled = typeof result === "string" ? null : result;
    if (regexCache.size >= REGEX_CACHE_LIMIT) regexCache.clear();
    regexCache.set(key, compiled);
  }
  return compiled;
}

/** libclassad's option letters: i, m, s, x, exactly as written (other letters are ignored). */
export function regexFlags(options: string): PcreFlags {
  return {
    caseless: options.includes("i"),
    multiline: options.includes("m"),
    dotall: options.includes("s"),
    extended: options.includes("x"),
  };
}

/**
 * A builtin that matches regular expressions: past PCRE2's match limit (or the stack) libclassad's
 * pcre2_match fails and the result is error.
 */
export function matchingBuiltin<A>(
  fn: (ev: Evaluator, args: A, scope: ClassAd | null, name: string) => Value,
) {
  return (ev: Evaluator, args: A, scope: ClassAd | null, name: string): Value => {
    try {
      return fn(ev, args, scope, name);
    } catch (e) {
      if (e instanceof PcreMatchLimit) return ERROR;
      throw e;
    }
  };
}

/** An optional options argument: its text, "" when absent, or the value to return. */
function regexOptions(opt: Value | undefined): string | Value {
  if (opt === undefined) return "";
  if (opt.kind !== "string") return ERROR;
  return opt.value;
}

/** `regexp(pattern, target [, options])` (strict). */
export const regexp: StrictBuiltin<2> = matchingBuiltin((_ev, [pat, target, opt]) => {
  const options = regexOptions(opt);
  if (typeof options !== "string") return options;
  if (pat.kind !== "string" || target.kind !== "string") return ERROR;
  const re = compileRegex(pat.value, regexFlags(options));
  if (re === null) return ERROR;
  return booleanValue(re.test(target.value));
});

/**
 * `regexpMember(pattern, list [, options])` (strict): true when an item matches; undefined items
 * make a miss undefined; any other non-string item is an error. A pattern that does not compile
 * matches nothing (libclassad reads the error result as "no match" and goes on).
 */
export const regexpMember: StrictBuiltin<2> = matchingBuiltin((ev, [pat, list, opt]) => {
  const options = regexOptions(opt);
  if (typeof options !== "string") return options;
  if (pat.kind !== "string" || list.kind !== "list") return ERROR;
  const re = compileRegex(pat.value, regexFlags(options));
  let couldBeUndefined = false;
  for (const item of listItems(ev, list)) {
    if (item.kind === "undefined") couldBeUndefined = true;
    else if (item.kind !== "string") return ERROR;
    else if (re?.test(item.value)) return TRUE;
  }
  return couldBeUndefined ? UNDEFINED : FALSE;
});

/**
 * libclassad's substitution loop (regexp_helper): each match's replacement — `\0`…`\9` are groups,
 * a group past the last one that took part is an error, any other backslash is literal — with the
 * text between matches when `fullTarget` (option f), for every match when `findAll` (option g).
 * After an empty match every later try is anchored and may not be empty (libclassad never clears
 * that but when such a try fails); when one fails one byte is copied, and at the end of the
 * subject PCRE2 is then asked to start past it, which is an error.
 */
function substituteAll(
  re: PcrePattern,
  target: string,
  replacement: string,
  fullTarget: boolean,
  findAll: boolean,
): string | null {
  let output = "";
  let at = 0;
  let afterEmpty = false;
  do {
    const m = re.match(target, at, afterEmpty ? { anchored: true, notEmpty: true } : {});
    if (afterEmpty && m === null) {
      if (at >= target.length) return null;
      output += target[at];
      at++;
      afterEmpty = false;
      continue;
    }
    if (m === null) break;
    if (fullTarget) output += target.slice(at, m.start);
    for (let i = 0; i < replacement.length; i++) {
      const c = replacement.charCodeAt(i);
      const next = replacement.charCodeAt(i + 1);
      if (c === 0x5c && next >= 0x30 && next <= 0x39) {
        const group = next - 0x30;
        if (group >= m.count) return null;
        output += m.groups[group] ?? "";
        i++;
      } else output += replacement[i];
    }
    at = m.end;
    // Once set, only the failed retry clears it: after an empty match every later try is
    // anchored and non-empty, as in regexp_helper.
    if (m.start === m.end) afterEmpty = true;
  } while (findAll);
  return fullTarget ? output + target.slice(at) : output;
}

/**
 * `regexps(pat, s, subst [, opts])`, `replace(…)` (option f added), `replaceAll(…)` (f and g
 * added); strict.
 */
export const substitute: StrictBuiltin<3> = matchingBuiltin(
  (_ev, [pat, target, subst, opt], _scope, name) => {
    let options = regexOptions(opt);
    if (typeof options !== "string") return options;
    const lower = name.toLowerCase();
    if (lower === "replace") options += "f";
    else if (lower === "replaceall") options += "fg";
    if (pat.kind !== "string" || target.kind !== "string" || subst.kind !== "string") return ERROR;
    const re = compileRegex(pat.value, regexFlags(options));
    if (re === null) return ERROR;
    const out = substituteAll(re, target.value, subst.value, options.includes("f"), options.includes("g"));
    return out === null ? ERROR : stringValue(out);
  },
);

/** Splits an HTCondor string list: any delimiter character separates; items are trimmed. */
export function splitStringList(text: string, delimiters: string): string[] {
  const out: string[] = [];
  let current = "";
  for (const ch of text) {
    if (delimiters.includes(ch)) {
      const item = current.trim();
      if (item !== "") out.push(item);
      current = "";
    } else current += ch;
  }
  const item = current.trim();
  if (item !== "") out.push(item);
  return out;
}

/** `stringListsIntersect(l1, l2 [, delim])` (strict). */
export const stringListsIntersect: StrictBuiltin<2> = (_ev, values) => {
  if (values.some((v) => v.kind !== "string")) return ERROR;
  const [a, b, d] = values.map((v) => (v.kind === "string" ? v.value : "")) as [
    string,
    string,
    string | undefined,
  ];
  const delims = d ?? ", ";
  const left = new Set(splitStringList(a, delims));
  return booleanValue(splitStringList(b, delims).some((item) => left.has(item)));
};

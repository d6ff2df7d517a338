import * as condor from "./condor.js";
import * as lists from "./lists.js";
import * as math from "./math.js";
import * as meta from "./meta.js";
import * as strings from "./strings.js";
import type { BuiltinFunction, StrictBuiltin } from "./support.js";
import * as time from "./time.js";
import * as types from "./types.js";

export type { BuiltinFunction, StrictBuiltin } from "./support.js";

/**
 * One builtin: its implementation, how many arguments it takes, and whether it is strict. The
 * evaluator checks the count before every call (a wrong count is error, as in libclassad) and,
 * for a strict builtin, evaluates the arguments and answers error if any is error, else undefined
 * if any is undefined, without calling `fn`. A non-strict builtin gets the unevaluated arguments.
 */
export type BuiltinEntry = {
  readonly minArgs: number;
  /** `Infinity` for a variadic builtin. */
  readonly maxArgs: number;
} & (
  | { readonly strict: true; readonly fn: StrictBuiltin }
  | { readonly strict: false; readonly fn: BuiltinFunction }
);

/** A table entry before filing: `fn` may rely on `minArgs` arguments being there. */
type BuiltinSpec<N extends number> = { readonly minArgs: N; readonly maxArgs: number } & (
  | { readonly strict: true; readonly fn: StrictBuiltin<NoInfer<N>> }
  | { readonly strict: false; readonly fn: BuiltinFunction<NoInfer<N>> }
);

/**
 * Files one builtin. The type ties the arguments `fn` destructures to `minArgs`; the table then
 * forgets that count, which is sound because the evaluator never calls `fn` with fewer.
 */
function builtin<N extends number>(spec: BuiltinSpec<N>): BuiltinEntry {
  return spec as unknown as BuiltinEntry;
}

/** The same entry under several names. */
function each(names: readonly string[], entry: BuiltinEntry): [string, BuiltinEntry][] {
  return names.map((name) => [name, entry]);
}

/**
 * The function table, the one place arity lives: lower-cased name → entry. Core libclassad
 * functions first, then the HTCondor-only ones (reference §8.1 and §8.2). A name not in the table
 * evaluates to error. Each non-strict entry says (after `//`) what keeps it from being strict.
 */
const TABLE: ReadonlyMap<string, BuiltinEntry> = new Map<string, BuiltinEntry>([
  // They inspect undefined and error.
  ...Object.entries(types.typePredicates).map(
    ([name, fn]) => [name, builtin({ fn, minArgs: 1, maxArgs: 1, strict: false })] as const,
  ),
  // member(error, undefined) is undefined; identicalMember compares undefined and error with =?=.
  ...each(
    ["member", "identicalmember"],
    builtin({ fn: lists.member, minArgs: 2, maxArgs: 2, strict: false }),
  ),
  ["size", builtin({ fn: lists.size, minArgs: 1, maxArgs: 1, strict: true })],
  ...each(["sum", "avg"], builtin({ fn: lists.sumAvg, minArgs: 1, maxArgs: 1, strict: true })),
  ...each(["min", "max"], builtin({ fn: lists.minMax, minArgs: 1, maxArgs: 1, strict: true })),
  // The operator is checked, then the list; the value is not checked.
  ...each(
    ["anycompare", "allcompare"],
    builtin({ fn: lists.listCompare, minArgs: 3, maxArgs: 3, strict: false }),
  ),
  // The clock readers take no arguments (strict, vacuously).
  ["time", builtin({ fn: time.epochTime, minArgs: 0, maxArgs: 0, strict: true })],
  ["currenttime", builtin({ fn: time.currentTime, minArgs: 0, maxArgs: 0, strict: true })],
  ["timezoneoffset", builtin({ fn: time.timeZoneOffset, minArgs: 0, maxArgs: 0, strict: true })],
  ["daytime", builtin({ fn: time.dayTime, minArgs: 0, maxArgs: 0, strict: true })],
  // getYear(undefined) is error.
  ...each(
    [
      "getyear",
      "getmonth",
      "getdayofyear",
      "getdayofmonth",
      "getdayofweek",
      "getdays",
      "gethours",
      "getminutes",
      "getseconds",
    ],
    builtin({ fn: time.getField, minArgs: 1, maxArgs: 1, strict: false }),
  ),
  ["splittime", builtin({ fn: time.splitTime, minArgs: 1, maxArgs: 1, strict: true })],
  // formatTime(undefined) is error.
  ["formattime", builtin({ fn: time.formatTime, minArgs: 0, maxArgs: 2, strict: false })],
  // interval(undefined) is error.
  ["interval", builtin({ fn: time.interval, minArgs: 1, maxArgs: 1, strict: false })],
  // The first undefined or error argument decides (strcat(undefined, error) is undefined).
  ["strcat", builtin({ fn: strings.strcat, minArgs: 0, maxArgs: Number.POSITIVE_INFINITY, strict: false })],
  // Undefined items are skipped.
  ["join", builtin({ fn: strings.join, minArgs: 0, maxArgs: Number.POSITIVE_INFINITY, strict: false })],
  ...each(["toupper", "tolower"], builtin({ fn: strings.changeCase, minArgs: 1, maxArgs: 1, strict: true })),
  // Undefined wins over error (substr, strcmp, the version comparisons).
  ["substr", builtin({ fn: strings.substr, minArgs: 2, maxArgs: 3, strict: false })],
  ...each(["strcmp", "stricmp"], builtin({ fn: strings.strcmp, minArgs: 2, maxArgs: 2, strict: false })),
  ...each(
    ["versioncmp", "versionle", "versionlt", "versionge", "versiongt", "versioneq"],
    builtin({ fn: strings.compareVersion, minArgs: 2, maxArgs: 2, strict: false }),
  ),
  // An undefined bound is undefined, an undefined version error.
  ["version_in_range", builtin({ fn: strings.versionInRange, minArgs: 3, maxArgs: 3, strict: false })],
  ["regexp", builtin({ fn: strings.regexp, minArgs: 2, maxArgs: 3, strict: true })],
  ["regexpmember", builtin({ fn: strings.regexpMember, minArgs: 2, maxArgs: 3, strict: true })],
  ...each(
    ["regexps", "replace", "replaceall"],
    builtin({ fn: strings.substitute, minArgs: 3, maxArgs: 4, strict: true }),
  ),
  [
    "stringlistsintersect",
    builtin({ fn: strings.stringListsIntersect, minArgs: 2, maxArgs: 3, strict: true }),
  ],
  ["int", builtin({ fn: types.convertInt, minArgs: 1, maxArgs: 1, strict: true })],
  ["real", builtin({ fn: types.convertReal, minArgs: 1, maxArgs: 1, strict: true })],
  ["string", builtin({ fn: types.convertString, minArgs: 1, maxArgs: 1, strict: true })],
  ["bool", builtin({ fn: types.convertBool, minArgs: 1, maxArgs: 1, strict: true })],
  // An undefined offset is error.
  ["abstime", builtin({ fn: types.convertAbsTime, minArgs: 0, maxArgs: 2, strict: false })],
  ["reltime", builtin({ fn: types.convertRelTime, minArgs: 1, maxArgs: 1, strict: true })],
  // It takes an attribute reference, unevaluated.
  ["unparse", builtin({ fn: meta.unparse, minArgs: 1, maxArgs: 1, strict: false })],
  // Undefined is error (floor, ceil, round, pow, quantize, random; eval below).
  ...each(
    ["floor", "ceil", "ceiling", "round"],
    builtin({ fn: math.rounding, minArgs: 1, maxArgs: 1, strict: false }),
  ),
  ["pow", builtin({ fn: math.pow, minArgs: 2, maxArgs: 2, strict: false })],
  ["quantize", builtin({ fn: math.quantize, minArgs: 2, maxArgs: 2, strict: false })],
  ["random", builtin({ fn: math.random, minArgs: 0, maxArgs: 1, strict: false })],
  // Lazy: only the chosen branch is evaluated.
  ["ifthenelse", builtin({ fn: meta.ifThenElse, minArgs: 3, maxArgs: 3, strict: false })],
  ["eval", builtin({ fn: meta.evalString, minArgs: 1, maxArgs: 1, strict: false })],
  ["debug", builtin({ fn: meta.debug, minArgs: 1, maxArgs: 1, strict: true })],
  // It takes an attribute reference, unevaluated.
  ["unresolved", builtin({ fn: meta.unresolved, minArgs: 1, maxArgs: 2, strict: false })],
  // HTCondor-only (compat layer). Undefined is error for the string-list functions, split,
  // splitUserName/splitSlotName, listToArgs and argsToList.
  ["stringlistsize", builtin({ fn: condor.stringListSize, minArgs: 1, maxArgs: 2, strict: false })],
  ...each(
    ["stringlistsum", "stringlistavg", "stringlistmin", "stringlistmax"],
    builtin({ fn: condor.stringListSummarize, minArgs: 1, maxArgs: 2, strict: false }),
  ),
  // Undefined counts as "" here.
  ...each(
    ["stringlistmember", "stringlistimember", "stringlistsubsetmatch", "stringlistisubsetmatch"],
    builtin({ fn: condor.stringListMember, minArgs: 2, maxArgs: 3, strict: false }),
  ),
  [
    "stringlist_regexpmember",
    builtin({ fn: condor.stringListRegexpMember, minArgs: 2, maxArgs: 4, strict: false }),
  ],
  ["split", builtin({ fn: condor.split, minArgs: 1, maxArgs: 2, strict: false })],
  ...each(
    ["splitusername", "splitslotname"],
    builtin({ fn: condor.splitAt, minArgs: 1, maxArgs: 1, strict: false }),
  ),
  // The expression is evaluated in each ad, not here.
  ...each(
    ["evalineachcontext", "countmatches"],
    builtin({ fn: condor.inEachContext, minArgs: 2, maxArgs: 2, strict: false }),
  ),
  ["listtoargs", builtin({ fn: condor.listToArgs, minArgs: 1, maxArgs: 2, strict: false })],
  ["argstolist", builtin({ fn: condor.argsToList, minArgs: 1, maxArgs: 2, strict: false })],
  ["envv1tov2", builtin({ fn: condor.envV1ToV2, minArgs: 1, maxArgs: 1, strict: true })],
  // Undefined environments are skipped.
  [
    "mergeenvironment",
    builtin({ fn: condor.mergeEnvironment, minArgs: 0, maxArgs: Number.POSITIVE_INFINITY, strict: false }),
  ],
  // An undefined user gives the default.
  ["userhome", builtin({ fn: meta.userHome, minArgs: 1, maxArgs: 2, strict: false })],
  // Only the default (fourth) argument is evaluated.
  ["usermap", builtin({ fn: meta.userMap, minArgs: 2, maxArgs: 4, strict: false })],
]);

/** The table entry of a builtin function (case-insensitive name), or undefined. */
export function lookupBuiltin(name: string): BuiltinEntry | undefined {
  const direct = TABLE.get(name);
  return direct ?? TABLE.get(name.toLowerCase());
}

/** Names of every builtin function (lower case). */
export function builtinNames(): string[] {
  return [...TABLE.keys()];
}

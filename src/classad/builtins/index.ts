import * as condor from "./condor.js";
import * as lists from "./lists.js";
import * as math from "./math.js";
import * as meta from "./meta.js";
import * as strings from "./strings.js";
import type { BuiltinFunction } from "./support.js";
import * as time from "./time.js";
import * as types from "./types.js";

export type { BuiltinFunction } from "./support.js";

/**
 * The function table: lower-cased name → implementation. Core libclassad functions first, then
 * the HTCondor-only ones (reference §8.1 and §8.2). A name not in the table evaluates to error.
 */
const TABLE: ReadonlyMap<string, BuiltinFunction> = new Map<string, BuiltinFunction>([
  ...Object.entries(types.typePredicates),
  ["member", lists.member],
  ["identicalmember", lists.member],
  ["size", lists.size],
  ["sum", lists.sumAvg],
  ["avg", lists.sumAvg],
  ["min", lists.minMax],
  ["max", lists.minMax],
  ["anycompare", lists.listCompare],
  ["allcompare", lists.listCompare],
  ["time", time.epochTime],
  ["currenttime", time.currentTime],
  ["timezoneoffset", time.timeZoneOffset],
  ["daytime", time.dayTime],
  ["getyear", time.getField],
  ["getmonth", time.getField],
  ["getdayofyear", time.getField],
  ["getdayofmonth", time.getField],
  ["getdayofweek", time.getField],
  ["getdays", time.getField],
  ["gethours", time.getField],
  ["getminutes", time.getField],
  ["getseconds", time.getField],
  ["splittime", time.splitTime],
  ["formattime", time.formatTime],
  ["interval", time.interval],
  ["strcat", strings.strcat],
  ["join", strings.join],
  ["toupper", strings.changeCase],
  ["tolower", strings.changeCase],
  ["substr", strings.substr],
  ["strcmp", strings.strcmp],
  ["stricmp", strings.strcmp],
  ["versioncmp", strings.compareVersion],
  ["versionle", strings.compareVersion],
  ["versionlt", strings.compareVersion],
  ["versionge", strings.compareVersion],
  ["versiongt", strings.compareVersion],
  ["versioneq", strings.compareVersion],
  ["version_in_range", strings.versionInRange],
  ["regexp", strings.regexp],
  ["regexpmember", strings.regexpMember],
  ["regexps", strings.substitute],
  ["replace", strings.substitute],
  ["replaceall", strings.substitute],
  ["stringlistsintersect", strings.stringListsIntersect],
  ["int", types.convertInt],
  ["real", types.convertReal],
  ["string", types.convertString],
  ["bool", types.convertBool],
  ["abstime", types.convertAbsTime],
  ["reltime", types.convertRelTime],
  ["unparse", meta.unparse],
  ["floor", math.rounding],
  ["ceil", math.rounding],
  ["ceiling", math.rounding],
  ["round", math.rounding],
  ["pow", math.pow],
  ["quantize", math.quantize],
  ["random", math.random],
  ["ifthenelse", meta.ifThenElse],
  ["eval", meta.evalString],
  ["debug", meta.debug],
  ["unresolved", meta.unresolved],
  // HTCondor-only (compat layer).
  ["stringlistsize", condor.stringListSize],
  ["stringlistsum", condor.stringListSummarize],
  ["stringlistavg", condor.stringListSummarize],
  ["stringlistmin", condor.stringListSummarize],
  ["stringlistmax", condor.stringListSummarize],
  ["stringlistmember", condor.stringListMember],
  ["stringlistimember", condor.stringListMember],
  ["stringlistsubsetmatch", condor.stringListMember],
  ["stringlistisubsetmatch", condor.stringListMember],
  ["stringlist_regexpmember", condor.stringListRegexpMember],
  ["split", condor.split],
  ["splitusername", condor.splitAt],
  ["splitslotname", condor.splitAt],
  ["evalineachcontext", condor.inEachContext],
  ["countmatches", condor.inEachContext],
  ["listtoargs", condor.listToArgs],
  ["argstolist", condor.argsToList],
  ["envv1tov2", condor.envV1ToV2],
  ["mergeenvironment", condor.mergeEnvironment],
  ["userhome", meta.userHome],
  ["usermap", meta.userMap],
]);

/** The implementation of a builtin function (case-insensitive name), or undefined. */
export function lookupBuiltin(name: string): BuiltinFunction | undefined {
  const direct = TABLE.get(name);
  return direct ?? TABLE.get(name.toLowerCase());
}

/** Names of every builtin function (lower case). */
export function builtinNames(): string[] {
  return [...TABLE.keys()];
}

/**
 * The second generator of the differential test: edge cases rather than random trees. Every
 * deterministic builtin of the function table is called with 0–4 arguments drawn from a pool of
 * awkward values — empty and blank strings, `undefined`, `error`, nested and mixed lists,
 * records, reals with fractions, integers beyond 32 bits, regular-expression syntax (PCRE2
 * options, POSIX classes, possessive quantifiers, back-references), version strings, time values
 * and format strings — plus the syntax and operator corners: `..`, chained `?:`, redefined names,
 * selection over lists, huge subscripts, and `unparse` of nested values.
 * Deterministic for a seed.
 */
import { seededRandom } from "../../support/seeded-random.js";

/** Builtins whose result does not depend on the clock, randomness, the user database or logs. */
export const EDGE_FUNCTIONS: readonly string[] = [
  "isUndefined",
  "isError",
  "isString",
  "isInteger",
  "isReal",
  "isList",
  "isClassAd",
  "isBoolean",
  "isAbsTime",
  "isRelTime",
  "member",
  "identicalMember",
  "size",
  "sum",
  "avg",
  "min",
  "max",
  "anyCompare",
  "allCompare",
  "getYear",
  "getMonth",
  "getDayOfYear",
  "getDayOfMonth",
  "getDayOfWeek",
  "getDays",
  "getHours",
  "getMinutes",
  "getSeconds",
  "splitTime",
  "formatTime",
  "interval",
  "strcat",
  "join",
  "toUpper",
  "toLower",
  "substr",
  "strcmp",
  "stricmp",
  "versioncmp",
  "versionLE",
  "versionLT",
  "versionGE",
  "versionGT",
  "versionEQ",
  "version_in_range",
  "regexp",
  "regexpMember",
  "regexps",
  "replace",
  "replaceAll",
  "stringListsIntersect",
  "int",
  "real",
  "string",
  "bool",
  "absTime",
  "relTime",
  "unparse",
  "floor",
  "ceil",
  "ceiling",
  "round",
  "pow",
  "quantize",
  "ifThenElse",
  "eval",
  "unresolved",
  "stringListSize",
  "stringListSum",
  "stringListAvg",
  "stringListMin",
  "stringListMax",
  "stringListMember",
  "stringListIMember",
  "stringListSubsetMatch",
  "stringListISubsetMatch",
  "stringList_regexpMember",
  "split",
  "splitUserName",
  "splitSlotName",
  "evalInEachContext",
  "countMatches",
  "listToArgs",
  "argsToList",
  "envV1ToV2",
  "mergeEnvironment",
];

const SCALARS = [
  '""',
  '" "',
  '"a"',
  '"A"',
  '"abc"',
  '"a,b"',
  '"a, ,b"',
  '","',
  '" a b "',
  '"1.5"',
  '"10"',
  '"-3"',
  '"1e3"',
  '"true"',
  "undefined",
  "error",
  "true",
  "false",
  "0",
  "1",
  "-1",
  "2",
  "7",
  "31",
  "4294967296",
  "-4294967297",
  "9223372036854775807",
  "-9223372036854775808",
  "0.0",
  "1.5",
  "-0.5",
  "2.75",
  "-2.5",
  "0.125",
  "1e300",
  "-1e-5",
];
const LISTS = [
  "{}",
  "{ 1, 2, 3 }",
  '{ "a", "b", "A" }',
  '{ "", "a" }',
  '{ undefined, "a" }',
  "{ undefined }",
  "{ error, 1 }",
  "{ 1, 2.5, 3 }",
  "{ { 1 }, 2 }",
  "{ { 1, 2 }, { 3 } }",
  '{ [ a = 1 ], [ a = 2; b = "x" ] }',
  "{ [ a = undefined ], [ b = 1 ] }",
  "{ [ a = { 1, 2 } ], 3 }",
  "{ true, false }",
  '{ "8.9.1", "10.0" }',
  "{ 1.5, -0.5 }",
];
const RECORDS = ["[]", "[ a = 1 ]", '[ a = 1; b = "x"; c = { 1 } ]', "[ a = undefined ]", "[ A = 1; a = 2 ]"];
const REGEXES = [
  '"(?i)ABC"',
  '"[[:digit:]]+"',
  '"[[:alpha:]]"',
  '"[[:space:]]"',
  '"a++"',
  '"a*+"',
  '"a*"',
  '"^"',
  '"$"',
  '""',
  '"(a)\\\\2"',
  '"(a)\\\\1"',
  '"(a)|b"',
  '"\\\\d+"',
  '"\\\\w"',
  '"a.c"',
  '"(?s)a.c"',
  '"(?m)^b"',
  '"(?x) a b "',
  '"[z-a]"',
  '"("',
  '"A"',
  '"(b)(c)?"',
];
const OPTIONS = ['"i"', '"I"', '"f"', '"F"', '"g"', '"fi"', '"m"', '"s"', '"x"', '"gi"', '"q"', '""', '"ig"'];
const TARGETS = ['"abc"', '"ABC abc"', '"a1b22c333"', '"aaa"', '"a\\nb"', '""', '"xbx"', '"a c"'];
const REPLACEMENTS = ['"X"', '""', '"\\\\1"', '"[\\\\0]"', '"\\\\2"', '"$1"', '"\\\\\\\\"'];
const VERSIONS = [
  '"8.9.1"',
  '"10.0"',
  '"8.10"',
  '"8.9"',
  '"9"',
  '"8.9.1-1"',
  '"v1"',
  '""',
  "8",
  "8.9",
  "undefined",
];
const RANGES = ['"8.0.0"', '"8.9.0"', '"10.0.0"', '"8.9.1"', "8", "9.5", "{ 8 }", "undefined", '"a"'];
const TIMES = [
  "relTime(1.5)",
  "relTime(-90.25)",
  "relTime(3661.75)",
  "relTime(-3661)",
  "relTime(0.001)",
  "relTime(86399.999)",
  "relTime(-0.5)",
  "absTime(1700000000.5)",
  "absTime(1700000000)",
  "absTime(-1)",
  "absTime(0.25)",
  'absTime("2024-01-01T00:00:00")',
  'absTime("2024-01-01T00:00:00+02:00")',
  'absTime("2024-13-45T25:61:61")',
  'absTime("2024-02-30")',
  'absTime("not a time")',
  'absTime("")',
  'relTime("1d")',
  'relTime("1d2h3m4.5s")',
  'relTime("-1:30")',
  'relTime("90")',
  'relTime("90.5")',
  'relTime("garbage")',
  'relTime("")',
  'relTime("+1d")',
  'relTime("2:3:4:5")',
];
const FORMATS = ['"%Y-%m-%d %H:%M:%S"', '"%c"', '"%%"', '"%s"', '"%j %a %b"', '""', '"%"', '"%e"', '"x"'];
const SPLIT_TIMES = ["splitTime(relTime(90.5))", "splitTime(absTime(1700000000))", "[ Seconds = 5 ]"];
const NAMES = ["a", "s", "l", "r", "u", "e", "ls", "MY.a", "r.p"];

/** The argument pool of one function, by what its arguments mean. */
function argumentPool(name: string): readonly string[][] {
  const lower = name.toLowerCase();
  const general = [SCALARS, LISTS, RECORDS, TIMES, NAMES];
  if (lower.startsWith("regexp") || lower === "stringlist_regexpmember")
    return [REGEXES, TARGETS, OPTIONS, LISTS];
  if (lower === "regexps" || lower.startsWith("replace")) return [REGEXES, TARGETS, REPLACEMENTS, OPTIONS];
  if (lower.startsWith("version")) return [VERSIONS, RANGES, SCALARS];
  if (lower === "formattime") return [TIMES, FORMATS, SCALARS, SPLIT_TIMES];
  if (lower.startsWith("get") || lower === "splittime" || lower === "interval" || lower.endsWith("time"))
    return [TIMES, SCALARS, SPLIT_TIMES];
  if (lower === "anycompare" || lower === "allcompare")
    return [['"<"', '"=="', '"is"', '"isnt"', '">="', '"!="', '"x"', "undefined"], LISTS, SCALARS];
  if (lower === "unparse" || lower === "string" || lower === "eval") return [LISTS, RECORDS, SCALARS, TIMES];
  return general;
}

/** Syntax and operator corners, used as whole expressions or as arguments. */
const SYNTAX = [
  "a..b",
  "r..p",
  "..5",
  "-..5",
  "1..2",
  "1.",
  ".5",
  "-.5",
  "a ? 1 : 2 ? 3 : 4",
  "u ? 1 : 2 ? 3 : 4",
  "true ? false ? 1 : 2 : 3",
  "a ?: b ?: c",
  "u ?: u ?: 3",
  "u ?: e ?: 3",
  "1 ? 2 : 3 ?: 4",
  "[ A = 1; a = 2 ]",
  "[ A = 1; a = 2 ].a",
  "unparse([ A = 1; a = 2 ])",
  "[ '' = 1 ]",
  "[ 'x' = 1; '' = 2 ]",
  "''",
  "x.''",
  "{ [ a = 1 ], [ a = 2 ] }.a",
  "{ [ a = 1 ], undefined }.a",
  "{ [ a = 1 ], { [ a = 3 ] } }.a",
  "{ 1, 2 }.a",
  "{}.a",
  "{ { [ a = 1 ] } }.a",
  "{ 1, 2, 3 }[4294967296]",
  "{ 1, 2, 3 }[4294967297]",
  "{ 1, 2, 3 }[-4294967295]",
  "{ 1, 2, 3 }[9223372036854775807]",
  "{ 1, 2, 3 }[2147483648]",
  "{ 1, 2, 3 }[1.9]",
  '"abc"[1]',
  "0x1F",
  "-0x1F",
  "010",
  "-010",
  "1e",
  '"a\\101"',
  '"a\\1" "2"',
  "'a' 'b'",
  "a isnt b is c",
  "1 + 2 * 3 - 4 / 5 % 6 << 1 >> 1 >>> 1 < 2 == 3 & 4 ^ 5 | 6 && 7 || 8",
];

const READS_CLOCK_WITHOUT_ARGUMENTS = new Set(["absTime", "formatTime"]);

/**
 * libclassad 25.14.1 dies (SIGSEGV) on countMatches over a list that evalInEachContext computed,
 * e.g. `countMatches(1, evalInEachContext(1, { [ a = 1 ] }))`; these take no nested calls.
 */
const CRASHES_LIBCLASSAD_WITH_CALLS = new Set(["countMatches", "evalInEachContext"]);

/** Builtins that break a time down with gmtime (only for times it can represent). */
const SPLITS_TIMES = new Set([
  "splitTime",
  "formatTime",
  "getYear",
  "getMonth",
  "getDayOfYear",
  "getDayOfMonth",
  "getDayOfWeek",
  "getHours",
  "getMinutes",
  "getSeconds",
]);
const HUGE_INTEGERS = new Set(["9223372036854775807", "-9223372036854775808"]);

/** `count` edge-case expressions from `seed`. */
export function generateEdgeExpressions(seed: number, count: number): string[] {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const call = (depth: number): string => {
    const name = pick(EDGE_FUNCTIONS);
    const pools = argumentPool(name);
    // Without arguments absTime and formatTime read the clock: give them one.
    const n = Math.max(Math.floor(rnd() * 5), READS_CLOCK_WITHOUT_ARGUMENTS.has(name) ? 1 : 0);
    const args = Array.from({ length: n }, (_, i) => {
      const nestable = !CRASHES_LIBCLASSAD_WITH_CALLS.has(name) && !SPLITS_TIMES.has(name);
      if (depth > 0 && rnd() < 0.15 && nestable) return call(depth - 1);
      if (rnd() < 0.05) return pick(SYNTAX);
      // Arguments lean on the pool matching their position, with any other pool sometimes.
      const pool = rnd() < 0.75 ? (pools[Math.min(i, pools.length - 1)] as string[]) : pick(pools);
      const value = pick(pool);
      // gmtime cannot represent ±2^63 seconds and libclassad then prints an uninitialised
      // struct tm (a different answer on every run): keep such times out of the time splitters.
      return SPLITS_TIMES.has(name) && HUGE_INTEGERS.has(value) ? "1" : value;
    });
    return `${rnd() < 0.1 ? name.toUpperCase() : name}(${args.join(", ")})`;
  };
  return Array.from({ length: count }, () => {
    const r = rnd();
    if (r < 0.08) return pick(SYNTAX);
    if (r < 0.15)
      return `${pick(SYNTAX)} ${pick(["+", "==", "=?=", "&&", "||"])} ${pick([...SCALARS, ...NAMES])}`;
    if (r < 0.2) return `${pick([...LISTS, ...RECORDS, "l", "r"])}.${pick(["a", "b", "p", "A"])}`;
    return call(1);
  });
}

import type { Expr } from "../ast.js";
import { ClassAd } from "../classad.js";
import type { Evaluator } from "../evaluate.js";
import { cInt, cTimeT } from "../number-format.js";
import { strtod } from "../strings.js";
import { localOffsetAt } from "../time.js";
import { bigintFromNumber, ERROR, integerValue, stringValue, type Value } from "../value.js";
import type { BuiltinFunction, StrictBuiltin } from "./support.js";

/** `time()`: seconds since the epoch, an integer. */
export const epochTime: StrictBuiltin = (ev) => integerValue(BigInt(Math.floor(ev.now())));

/** `currentTime()`: the current absTime in the local zone. */
export const currentTime: StrictBuiltin = (ev) => {
  const now = Math.floor(ev.now());
  return { kind: "absTime", seconds: now, offset: localOffsetAt(now) };
};

/** `timeZoneOffset()`: the local zone offset as a relTime. */
export const timeZoneOffset: StrictBuiltin = (ev) => ({ kind: "relTime", seconds: localOffsetAt(ev.now()) });

/** `dayTime()`: seconds since local midnight as a relTime. */
export const dayTime: StrictBuiltin = (ev) => {
  const now = Math.floor(ev.now());
  const local = now + localOffsetAt(now);
  return { kind: "relTime", seconds: ((local % 86400) + 86400) % 86400 };
};

/** Broken-down wall time of an absTime in its own offset (like `gmtime(secs + offset)`). */
function brokenDown(seconds: number, offset: number) {
  const d = new Date((seconds + offset) * 1000);
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hours: d.getUTCHours(),
    minutes: d.getUTCMinutes(),
    seconds: d.getUTCSeconds(),
    weekday: d.getUTCDay(),
    yearDay: Math.floor((d.getTime() - start) / 86_400_000),
  };
}

/**
 * A relative time's fields as libclassad's relTimeToClassAd computes them: whole seconds split
 * through C ints, the fraction kept on the seconds, and a negative time's sign on its first
 * non-zero field only (so -3661 is -1 h, 1 min, 1 s).
 */
function relParts(total: number) {
  const negative = total < 0;
  const r = Math.abs(total);
  let days = cInt(r);
  let hours = days % 86400;
  let minutes = hours % 3600;
  let seconds = (minutes % 60) + (r - Math.floor(r));
  days = Math.trunc(days / 86400);
  hours = Math.trunc(hours / 3600);
  minutes = Math.trunc(minutes / 60);
  if (negative) {
    if (days > 0) days = -days;
    else if (hours > 0) hours = -hours;
    else if (minutes > 0) minutes = -minutes;
    else seconds = -seconds;
  }
  return { days, hours, minutes, seconds };
}

/** `getYear(t)`, `getMonth`, …: fields of an absTime, or of a relTime for days…seconds. */
export const getField: BuiltinFunction<1> = (ev, [arg], scope, name) => {
  const v = ev.evaluateIn(arg, scope);
  const field = name.toLowerCase();
  if (v.kind === "absTime") {
    const t = brokenDown(v.seconds, localOffsetAt(v.seconds));
    const map: Record<string, number> = {
      getyear: t.year,
      getmonth: t.month,
      getdayofyear: t.yearDay,
      getdayofmonth: t.day,
      getdayofweek: t.weekday,
      gethours: t.hours,
      getminutes: t.minutes,
      getseconds: t.seconds,
    };
    const out = map[field];
    return out === undefined ? ERROR : integerValue(BigInt(out));
  }
  if (v.kind === "relTime") {
    // C arithmetic on the whole seconds (a time_t): every field keeps the sign.
    const secs = BigInt(cTimeT(v.seconds));
    const map: Record<string, bigint> = {
      getdays: secs / 86400n,
      gethours: (secs % 86400n) / 3600n,
      getminutes: (secs % 3600n) / 60n,
      getseconds: secs % 60n,
    };
    const out = map[field];
    return out === undefined ? ERROR : integerValue(out);
  }
  return ERROR;
};

const lit = (v: bigint | number | string): Expr => {
  if (typeof v === "bigint") return { kind: "literal", value: { type: "integer", value: v } };
  if (typeof v === "number") return { kind: "literal", value: { type: "real", value: v } };
  return { kind: "literal", value: { type: "string", value: v } };
};

/**
 * libclassad's doSplitTime: an integer or a real (truncated) is an absTime in the local zone, an
 * absTime and a relTime give their fields, an ad is taken as it is; anything else, null.
 */
function splitTimeAd(v: Value): ClassAd | null {
  let abs: { seconds: number; offset: number } | null = null;
  if (v.kind === "absTime") abs = v;
  else if (v.kind === "integer" || v.kind === "real") {
    const seconds = v.kind === "integer" ? Number(v.value) : cInt(v.value);
    abs = { seconds, offset: localOffsetAt(seconds) };
  }
  if (abs !== null) {
    const t = brokenDown(abs.seconds, abs.offset);
    return new ClassAd([
      { name: "Type", expr: lit("AbsoluteTime") },
      { name: "Year", expr: lit(BigInt(t.year)) },
      { name: "Month", expr: lit(BigInt(t.month)) },
      { name: "Day", expr: lit(BigInt(t.day)) },
      { name: "Hours", expr: lit(BigInt(t.hours)) },
      { name: "Minutes", expr: lit(BigInt(t.minutes)) },
      { name: "Seconds", expr: lit(BigInt(t.seconds)) },
      { name: "Offset", expr: lit(BigInt(abs.offset)) },
    ]);
  }
  if (v.kind === "relTime") {
    const p = relParts(v.seconds);
    return new ClassAd([
      { name: "Type", expr: lit("RelativeTime") },
      { name: "Days", expr: lit(BigInt(p.days)) },
      { name: "Hours", expr: lit(BigInt(p.hours)) },
      { name: "Minutes", expr: lit(BigInt(p.minutes)) },
      { name: "Seconds", expr: lit(p.seconds) },
    ]);
  }
  if (v.kind === "classad") return v.ad;
  return null;
}

/** `splitTime(t)` (strict): an ad with the fields of an absTime (or epoch seconds) or a relTime. */
export const splitTime: StrictBuiltin<1> = (_ev, [v]) => {
  // An ad is not split again (formatTime takes one; splitTime does not).
  const ad = v.kind === "classad" ? null : splitTimeAd(v);
  return ad === null ? ERROR : { kind: "classad", ad };
};

/** `struct tm` as libclassad's formatTime fills it (fields may be out of range; nothing normalises them). */
interface TmFields {
  readonly year: number;
  /** 1-based, as in the split ad. */
  readonly month: number;
  readonly day: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
  readonly weekday: number;
  readonly yearDay: number;
}

/** libclassad's fixed_from_gregorian (util.cpp): a day count, with C integer division. */
function fixedFromGregorian(year: number, month: number, day: number): number {
  const leap = year % 4 === 0 && year % 400 !== 100 && year % 400 !== 200 && year % 400 !== 300;
  const adjustment = month <= 2 ? 0 : leap ? -1 : -2;
  const y = year - 1;
  return (
    365 * y +
    Math.trunc(y / 4) -
    Math.trunc(y / 100) +
    Math.trunc(y / 400) +
    Math.trunc((367 * month - 362) / 12) +
    adjustment +
    day
  );
}

/** The fields formatTime reads from a split ad: integers only (anything else counts as absent). */
function tmFromSplitAd(ev: Evaluator, ad: ClassAd): TmFields {
  const field = (name: string, absent: number): number => {
    const v = ev.evaluateAttribute(ad, name);
    return v.kind === "integer" ? Number(BigInt.asIntN(32, v.value)) : absent;
  };
  const year = field("Year", 1900);
  const month = field("Month", 1);
  const day = field("Day", 0);
  const fixed = fixedFromGregorian(year, month, day);
  return {
    year,
    month,
    day,
    hours: field("Hours", 0),
    minutes: field("Minutes", 0),
    seconds: field("Seconds", 0),
    weekday: fixed % 7,
    yearDay: fixed - fixedFromGregorian(year, 1, 1),
  };
}

/** The local zone's standard-time abbreviation (C's `tzname[0]`, what glibc prints for %Z here). */
function localZoneName(): string {
  const parts = new Intl.DateTimeFormat("en-US", { timeZoneName: "short" }).formatToParts(
    new Date(Date.UTC(2001, 0, 1)),
  );
  return parts.find((part) => part.type === "timeZoneName")?.value ?? "UTC";
}

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const p2 = (n: number) => String(n).padStart(2, "0");

/**
 * glibc's `strftime` in the C locale over the fields libclassad fills in: %z is always +0000
 * (libclassad leaves tm_gmtoff zero), %Z the local zone's name, %s what mktime makes of the fields.
 */
export function strftime(format: string, t: TmFields): string {
  const name = (names: readonly string[], index: number, length?: number) => {
    const full = names[index];
    return full === undefined ? "?" : full.slice(0, length);
  };
  const conv = (c: string): string | null => {
    switch (c) {
      case "a":
        return name(DAYS, t.weekday, 3);
      case "A":
        return name(DAYS, t.weekday);
      case "b":
      case "h":
        return name(MONTHS, t.month - 1, 3);
      case "B":
        return name(MONTHS, t.month - 1);
      case "c":
        return `${conv("a")} ${conv("b")} ${conv("e")} ${conv("T")} ${t.year}`;
      case "C":
        return p2(Math.floor(t.year / 100));
      case "d":
        return p2(t.day);
      case "D":
        return `${p2(t.month)}/${p2(t.day)}/${p2(t.year % 100)}`;
      case "e":
        return String(t.day).padStart(2, " ");
      case "F":
        return `${t.year}-${p2(t.month)}-${p2(t.day)}`;
      case "H":
        return p2(t.hours);
      case "I":
        return p2(t.hours % 12 === 0 ? 12 : t.hours % 12);
      case "j":
        return String(t.yearDay + 1).padStart(3, "0");
      case "m":
        return p2(t.month);
      case "M":
        return p2(t.minutes);
      case "n":
        return "\n";
      case "p":
        return t.hours < 12 ? "AM" : "PM";
      case "R":
        return `${p2(t.hours)}:${p2(t.minutes)}`;
      case "s": {
        const utc = Date.UTC(t.year, t.month - 1, t.day, t.hours, t.minutes, t.seconds) / 1000;
        return String(utc - localOffsetAt(utc));
      }
      case "S":
        return p2(t.seconds);
      case "t":
        return "\t";
      case "T":
        return `${p2(t.hours)}:${p2(t.minutes)}:${p2(t.seconds)}`;
      case "u":
        return String(t.weekday === 0 ? 7 : t.weekday);
      case "w":
        return String(t.weekday);
      case "x":
        return `${p2(t.month)}/${p2(t.day)}/${p2(t.year % 100)}`;
      case "X":
        return `${p2(t.hours)}:${p2(t.minutes)}:${p2(t.seconds)}`;
      case "y":
        return p2(t.year % 100);
      case "Y":
        return String(t.year);
      case "z":
        return "+0000";
      case "Z":
        return localZoneName();
      case "%":
        return "%";
      default:
        return null;
    }
  };
  let out = "";
  for (let i = 0; i < format.length; i++) {
    const ch = format[i];
    if (ch !== "%" || i + 1 >= format.length) {
      out += ch;
      continue;
    }
    const c = format[++i] ?? "";
    const r = conv(c);
    out += r === null ? `%${c}` : r;
  }
  return out;
}

/**
 * `formatTime([t] [, fmt])`, as libclassad: no argument formats the local time now with %c; a
 * relTime is an error; anything else goes through splitTime and its integer fields, unchecked
 * (a record may say February 30), with the weekday and day of the year computed from them.
 */
export const formatTime: BuiltinFunction = (ev, [first, second], scope) => {
  let tm: TmFields;
  if (first === undefined) {
    const now = Math.floor(ev.now());
    tm = brokenDown(now, localOffsetAt(now));
  } else {
    const v = ev.evaluateIn(first, scope);
    const ad = v.kind === "relTime" ? null : splitTimeAd(v);
    if (ad === null) return ERROR;
    tm = tmFromSplitAd(ev, ad);
  }
  let format = "%c";
  if (second !== undefined) {
    const f = ev.evaluateIn(second, scope);
    if (f.kind !== "string") return ERROR;
    format = f.value;
  }
  return stringValue(strftime(format, tm));
};

/** `interval(secs)`: `[-][days+]h:mm:ss`, dropping leading zero fields. */
export const interval: BuiltinFunction<1> = (ev, [arg], scope) => {
  const v = ev.evaluateIn(arg, scope);
  // libclassad converts to int64 and formats through a C int (low 32 bits).
  let big: bigint;
  if (v.kind === "integer") big = v.value;
  else if (v.kind === "real") big = bigintFromNumber(v.value);
  else if (v.kind === "boolean") big = v.value ? 1n : 0n;
  else if (v.kind === "relTime" || v.kind === "absTime") big = bigintFromNumber(v.seconds);
  else if (v.kind === "string") {
    const parsed = strtod(v.value);
    if (parsed.consumed === 0) return ERROR;
    big = bigintFromNumber(parsed.value);
  } else return ERROR;
  const total = Number(BigInt.asIntN(32, big));
  const sign = total < 0 ? "-" : "";
  const s = Math.abs(total);
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const secs = s % 60;
  let out: string;
  if (days > 0) out = `${days}+${p2(hours)}:${p2(minutes)}:${p2(secs)}`;
  else if (hours > 0) out = `${hours}:${p2(minutes)}:${p2(secs)}`;
  else if (minutes > 0) out = `${minutes}:${p2(secs)}`;
  else out = String(secs);
  return stringValue(sign + out);
};

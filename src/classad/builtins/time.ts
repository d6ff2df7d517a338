import type { Expr } from "../ast.js";
import { ClassAd } from "../classad.js";
import { strtod } from "../strings.js";
import { localOffsetAt } from "../time.js";
import { bigintFromNumber, ERROR, integerValue, stringValue } from "../value.js";
import type { BuiltinFunction } from "./support.js";

/** `time()`: seconds since the epoch, an integer. */
export const epochTime: BuiltinFunction = (ev, args) =>
  args.length === 0 ? integerValue(BigInt(Math.floor(ev.now()))) : ERROR;

/** `currentTime()`: the current absTime in the local zone. */
export const currentTime: BuiltinFunction = (ev, args) => {
  if (args.length !== 0) return ERROR;
  const now = Math.floor(ev.now());
  return { kind: "absTime", seconds: now, offset: localOffsetAt(now) };
};

/** `timeZoneOffset()`: the local zone offset as a relTime. */
export const timeZoneOffset: BuiltinFunction = (ev, args) =>
  args.length === 0 ? { kind: "relTime", seconds: localOffsetAt(ev.now()) } : ERROR;

/** `dayTime()`: seconds since local midnight as a relTime. */
export const dayTime: BuiltinFunction = (ev, args) => {
  if (args.length !== 0) return ERROR;
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

function relParts(total: number) {
  const s = Math.abs(total);
  const sign = total < 0 ? -1 : 1;
  return {
    days: sign * Math.floor(s / 86400),
    hours: sign * Math.floor((s % 86400) / 3600),
    minutes: sign * Math.floor((s % 3600) / 60),
    seconds: sign * (s % 60),
  };
}

/** `getYear(t)`, `getMonth`, …: fields of an absTime, or of a relTime for days…seconds. */
export const getField: BuiltinFunction = (ev, args, scope, name) => {
  const [arg] = args;
  if (args.length !== 1 || arg === undefined) return ERROR;
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
    const p = relParts(v.seconds);
    const map: Record<string, number> = {
      getdays: p.days,
      gethours: p.hours,
      getminutes: p.minutes,
      getseconds: p.seconds,
    };
    const out = map[field];
    return out === undefined ? ERROR : integerValue(BigInt(Math.trunc(out)));
  }
  return ERROR;
};

const lit = (v: bigint | number | string): Expr => {
  if (typeof v === "bigint") return { kind: "literal", value: { type: "integer", value: v } };
  if (typeof v === "number") return { kind: "literal", value: { type: "real", value: v } };
  return { kind: "literal", value: { type: "string", value: v } };
};

/** `splitTime(t)`: an ad with the fields of an absTime (or int seconds) or relTime. */
export const splitTime: BuiltinFunction = (ev, args, scope) => {
  const [arg] = args;
  if (args.length !== 1 || arg === undefined) return ERROR;
  const v = ev.evaluateIn(arg, scope);
  let abs: { seconds: number; offset: number } | null = null;
  if (v.kind === "absTime") abs = v;
  else if (v.kind === "integer") abs = { seconds: Number(v.value), offset: localOffsetAt(Number(v.value)) };
  if (abs !== null) {
    const t = brokenDown(abs.seconds, abs.offset);
    return {
      kind: "classad",
      ad: new ClassAd([
        { name: "Type", expr: lit("AbsoluteTime") },
        { name: "Year", expr: lit(BigInt(t.year)) },
        { name: "Month", expr: lit(BigInt(t.month)) },
        { name: "Day", expr: lit(BigInt(t.day)) },
        { name: "Hours", expr: lit(BigInt(t.hours)) },
        { name: "Minutes", expr: lit(BigInt(t.minutes)) },
        { name: "Seconds", expr: lit(BigInt(t.seconds)) },
        { name: "Offset", expr: lit(BigInt(abs.offset)) },
      ]),
    };
  }
  if (v.kind === "relTime" || v.kind === "real") {
    const p = relParts(v.kind === "relTime" ? v.seconds : v.value);
    return {
      kind: "classad",
      ad: new ClassAd([
        { name: "Type", expr: lit("RelativeTime") },
        { name: "Days", expr: lit(BigInt(p.days)) },
        { name: "Hours", expr: lit(BigInt(p.hours)) },
        { name: "Minutes", expr: lit(BigInt(p.minutes)) },
        { name: "Seconds", expr: lit(p.seconds) },
      ]),
    };
  }
  return v.kind === "undefined" || v.kind === "error" ? v : ERROR;
};

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

/** A C-locale `strftime` for the conversions HTCondor users write. */
export function strftime(format: string, seconds: number, offset: number): string {
  const t = brokenDown(seconds, offset);
  const zone =
    offset === 0
      ? "UTC"
      : `${offset < 0 ? "-" : "+"}${p2(Math.floor(Math.abs(offset) / 3600))}${p2(Math.floor((Math.abs(offset) % 3600) / 60))}`;
  const conv = (c: string): string | null => {
    switch (c) {
      case "a":
        return (DAYS[t.weekday] ?? "").slice(0, 3);
      case "A":
        return DAYS[t.weekday] ?? "";
      case "b":
      case "h":
        return (MONTHS[t.month - 1] ?? "").slice(0, 3);
      case "B":
        return MONTHS[t.month - 1] ?? "";
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
      case "s":
        return String(seconds);
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
        return `${offset < 0 ? "-" : "+"}${p2(Math.floor(Math.abs(offset) / 3600))}${p2(Math.floor((Math.abs(offset) % 3600) / 60))}`;
      case "Z":
        return zone;
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

/** `formatTime([t] [, fmt])`: strftime of an absTime (or epoch seconds), default `%c`. */
export const formatTime: BuiltinFunction = (ev, args, scope) => {
  if (args.length > 2) return ERROR;
  const [first, second] = args;
  let seconds = Math.floor(ev.now());
  let offset = localOffsetAt(seconds);
  if (first !== undefined) {
    const v = ev.evaluateIn(first, scope);
    if (v.kind === "absTime") {
      seconds = v.seconds;
      offset = v.offset;
    } else if (v.kind === "integer") {
      seconds = Number(v.value);
      offset = localOffsetAt(seconds);
    } else return ERROR;
  }
  let format = "%c";
  if (second !== undefined) {
    const f = ev.evaluateIn(second, scope);
    if (f.kind !== "string") return ERROR;
    format = f.value;
  }
  return stringValue(strftime(format, seconds, offset));
};

/** `interval(secs)`: `[-][days+]h:mm:ss`, dropping leading zero fields. */
export const interval: BuiltinFunction = (ev, args, scope) => {
  const [arg] = args;
  if (args.length !== 1 || arg === undefined) return ERROR;
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

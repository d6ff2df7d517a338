/**
 * Text forms of absTime and relTime, as libclassad reads them in folded literals
 * (`absTime("2004-01-01T00:00:00-06:00")`, `relTime("1d2h3m4.5s")`) and prints them.
 */
import { cInt, formatGeneral } from "./number-format.js";

/** An absolute time: seconds since the epoch and the zone offset in seconds east of UTC. */
export interface AbsTimeParts {
  seconds: number;
  offset: number;
}

function isDigitAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 48 && c <= 57;
}

function isSpaceAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c === 32 || (c >= 9 && c <= 13);
}

/** C `atoi` of `text.slice(start, start + length)`: leading digits, 0 when none. */
function atoi(text: string, start: number, length: number): number {
  let v = 0;
  for (let i = start; i < start + length && isDigitAt(text, i); i++) v = v * 10 + text.charCodeAt(i) - 48;
  return v;
}

/** libclassad's extractTimeZone: a final `±hhmm` is taken off and read (hours and minutes). */
function extractZone(text: string): { rest: string; offset: number | null } {
  const n = text.length;
  const sign = text[n - 5];
  if ((sign === "+" || sign === "-") && [1, 2, 3, 4].every((k) => isDigitAt(text, n - 5 + k))) {
    const offset = atoi(text, n - 4, 2) * 3600 + atoi(text, n - 2, 2) * 60;
    return { rest: text.slice(0, n - 5), offset: sign === "-" ? -offset : offset };
  }
  return { rest: text, offset: null };
}

/**
 * Parses the text of an `absTime("…")` literal as libclassad's Literal::MakeAbsTime does: after an
 * optional zone suffix is taken off, the first four digits found are the year, then up to five
 * two-digit fields (month, day, hour, minute, second), each at the next digit, whatever separates
 * them; missing fields are 0 (so a year alone is the day before 1 January), out-of-range fields
 * roll over (month 13 is January of the next year), and a digit left over makes the text invalid.
 * Without a zone the local zone of this machine applies. Null when the text is not a time.
 */
export function parseAbsTimeText(text: string): AbsTimeParts | null {
  const len0 = text.length;
  // The zone forms are found at fixed places from the end of the text, as libclassad looks.
  let zone: { rest: string; offset: number | null } = { rest: text, offset: null };
  let i = len0 - 1;
  while (i >= 0 && isSpaceAt(text, i)) i--;
  const at = (k: number) => text[len0 - k];
  if (i > 0 && (text[i] === "z" || text[i] === "Z"))
    zone = { rest: text.slice(0, i) + text.slice(i + 1), offset: 0 };
  else if (len0 > 5 && (at(5) === "+" || at(5) === "-")) zone = extractZone(text);
  else if (len0 > 6 && (at(6) === "+" || at(6) === "-") && at(3) === ":") {
    zone = extractZone(text.slice(0, len0 - 3) + text.slice(len0 - 2));
  }
  const t = zone.rest;
  const len = t.length;
  i = 0;
  const nextDigit = () => {
    while (i < len && !isDigitAt(t, i)) i++;
  };
  nextDigit();
  if (i > len - 4) return null;
  const year = atoi(t, i, 4);
  i += 4;
  const fields = [0, 0, 0, 0, 0]; // month (1-based), day, hour, minute, second
  for (let f = 0; f < 5; f++) {
    nextDigit();
    if (i <= len - 2) {
      fields[f] = atoi(t, i, 2);
      i += 2;
    }
  }
  nextDigit();
  if (i <= len - 1 && isDigitAt(t, i)) return null;
  const [month = 0, day = 0, hour = 0, minute = 0, second = 0] = fields;
  const parts = [year, month - 1, day, hour, minute, second] as const;
  const utc = Date.UTC(...parts) / 1000;
  if (!Number.isFinite(utc)) return null;
  if (zone.offset !== null)
    return { seconds: utc - zone.offset, offset: zone.offset === 0 ? 0 : zone.offset };
  const local = new Date(...parts).getTime() / 1000;
  return { seconds: local, offset: utc - local };
}

/** `std::from_chars` into a C int: 0 when there are no digits or the value does not fit. */
function cIntOf(digits: string): number {
  if (digits === "") return 0;
  const v = Number(digits);
  return v > 2147483647 ? 0 : v;
}

/**
 * Parses the text of a `relTime("…")` literal as libclassad's Literal::MakeRelTime does, reading
 * backwards: seconds (`ss[.fff]`, optionally followed by `s`), then minutes (before `m` or `:`),
 * hours (`h` or `:`), days (`d` or `+`), then an optional `-`; anything else left over makes the
 * text invalid. Blanks may separate the parts. Returns seconds (fractions kept), or null.
 */
export function parseRelTimeText(text: string): number | null {
  let i = text.length - 1;
  const skipSpace = () => {
    while (i >= 0 && isSpaceAt(text, i)) i--;
  };
  const digitsBefore = (): string => {
    const end = i + 1;
    while (i >= 0 && isDigitAt(text, i)) i--;
    return text.slice(i + 1, end);
  };
  let seconds = 0;
  skipSpace();
  if (i >= 0 && (text[i] === "s" || text[i] === "S" || isDigitAt(text, i))) {
    if (text[i] === "s" || text[i] === "S") i--;
    skipSpace();
    const end = i + 1;
    digitsBefore();
    if (i >= 0 && text[i] === ".") {
      i--;
      digitsBefore();
    }
    const number = text.slice(i + 1, end);
    seconds =
      number === "" || number === "." ? 0 : Number.parseFloat(number.startsWith(".") ? `0${number}` : number);
  }
  const unit = (letters: string): number => {
    skipSpace();
    if (i < 0 || !letters.includes(text[i] as string)) return 0;
    i--;
    skipSpace();
    return cIntOf(digitsBefore());
  };
  const minutes = unit("mM:");
  const hours = unit("hH:");
  const days = unit("dD+");
  skipSpace();
  let negative = false;
  if (i >= 0 && text[i] === "-") {
    negative = true;
    i--;
  }
  skipSpace();
  if (i >= 0) return null;
  const total = days * 86400 + hours * 3600 + minutes * 60 + seconds;
  return negative ? -total : total;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `%02g`: %g with a minimum width of 2, zero padded. */
function g02(x: number): string {
  const s = formatGeneral(x, 6, false);
  return s.length < 2 ? `0${s}` : s;
}

/** C's `%02d`. */
function d02(n: number): string {
  return n >= 0 && n < 10 ? `0${n}` : String(n);
}

/**
 * The text libclassad prints inside `relTime("…")` (util.cpp relTimeToString):
 * `[-][d+]hh:mm:ss`, leading zero fields omitted, a fraction printed `%02g`; the whole seconds go
 * through a C int, so an out-of-range time prints as INT_MIN does (`--24855+-3:-14:-8`).
 */
export function formatRelTimeText(seconds: number): string {
  let r = seconds;
  let sign = "";
  if (r < 0) {
    sign = "-";
    r = -r;
  }
  const fraction = r - Math.floor(r);
  const whole = cInt(r);
  const days = Math.trunc(whole / 86400);
  const hrs = Math.trunc((whole % 86400) / 3600);
  const mins = Math.trunc((whole % 3600) / 60);
  const secs = ((whole % 3600) % 60) + fraction;
  const sec = fraction === 0 ? d02(Math.trunc(secs)) : g02(secs);
  if (days) return `${sign}${days}+${d02(hrs)}:${d02(mins)}:${sec}`;
  if (hrs) return `${sign}${d02(hrs)}:${d02(mins)}:${sec}`;
  if (mins) return `${sign}${d02(mins)}:${sec}`;
  return `${sign}${sec}`;
}

/** The text libclassad prints inside `absTime("…")`: local time at the offset, then `±hh:mm`. */
export function formatAbsTimeText(seconds: number, offset: number): string {
  const d = new Date((seconds + offset) * 1000);
  const date = `${String(d.getUTCFullYear()).padStart(4, "0")}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
  const time = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  const sign = offset > 0 ? "+" : "-";
  const off = Math.abs(offset);
  return `${date}T${time}${sign}${pad2(Math.trunc(off / 3600))}:${pad2(Math.trunc(off / 60) % 60)}`;
}

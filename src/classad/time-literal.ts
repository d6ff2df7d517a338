/**
 * Text forms of absTime and relTime, as libclassad reads them in folded literals
 * (`absTime("2004-01-01T00:00:00-06:00")`, `relTime("1d2h3m4.5s")`) and prints them.
 */
import { formatGeneral } from "./number-format.js";

/** An absolute time: seconds since the epoch and the zone offset in seconds east of UTC. */
export interface AbsTimeParts {
  seconds: number;
  offset: number;
}

const ABS_TIME =
  /^\s*(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2}):?(\d{2})(?::?(\d{2}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$/i;

/**
 * Parses an ISO 8601 date-time (`YYYY-MM-DDTHH:MM:SS±HH:MM`, basic form without separators, `Z`).
 * Without a zone the local zone of this machine applies, as in libclassad. Null if malformed.
 */
export function parseAbsTimeText(text: string): AbsTimeParts | null {
  const m = ABS_TIME.exec(text);
  if (m === null) return null;
  const [, y, mo, d, h = "0", mi = "0", s = "0", zone] = m;
  const fields = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
  if (
    fields[1] > 11 ||
    fields[2] < 1 ||
    fields[2] > 31 ||
    fields[3] > 23 ||
    fields[4] > 59 ||
    fields[5] > 60
  ) {
    return null;
  }
  const utc = Date.UTC(...fields) / 1000;
  if (zone === undefined) {
    const local = new Date(...fields).getTime() / 1000;
    return { seconds: local, offset: utc - local };
  }
  let offset = 0;
  if (zone.toUpperCase() !== "Z") {
    const digits = zone.slice(1).replace(":", "");
    offset =
      (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2) || "0") * 60) * (zone[0] === "-" ? -1 : 1);
  }
  // Normalise -0 (a "-00:00" zone) to 0.
  return { seconds: utc - offset, offset: offset === 0 ? 0 : offset };
}

const REL_UNITS =
  /^\s*(-)?\s*(?:(\d+(?:\.\d*)?)[dD])?\s*(?:(\d+(?:\.\d*)?)[hH])?\s*(?:(\d+(?:\.\d*)?)[mM])?\s*(?:(\d+(?:\.\d*)?)[sS])?\s*$/;
const REL_CLOCK = /^\s*(-)?(?:(\d+)\+)?(?:(\d+):)??(?:(\d+):)?(\d+(?:\.\d*)?)\s*$/;

/**
 * Parses a relative time: `[-]DdHhMmSs` with any parts present (`1d2h3m4.5s`), or the printed
 * form `[-][days+][hh:][mm:]ss[.fff]`. Returns seconds, or null if malformed.
 */
export function parseRelTimeText(text: string): number | null {
  const units = REL_UNITS.exec(text);
  if (units !== null && (units[2] ?? units[3] ?? units[4] ?? units[5]) !== undefined) {
    const [, neg, d = "0", h = "0", m = "0", s = "0"] = units;
    const total = Number(d) * 86400 + Number(h) * 3600 + Number(m) * 60 + Number(s);
    return neg === undefined ? total : -total;
  }
  const clock = REL_CLOCK.exec(text);
  if (clock === null) return null;
  const [, neg, d = "0", h = "0", m = "0", s = "0"] = clock;
  const total = Number(d) * 86400 + Number(h) * 3600 + Number(m) * 60 + Number(s);
  return neg === undefined ? total : -total;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `%02g`: %g with a minimum width of 2, zero padded. */
function g02(x: number): string {
  const s = formatGeneral(x, 6, false);
  return s.length < 2 ? `0${s}` : s;
}

/** The text libclassad prints inside `relTime("…")`: `[-][d+]hh:mm:ss`, leading zero fields omitted. */
export function formatRelTimeText(seconds: number): string {
  let r = seconds;
  let sign = "";
  if (r < 0) {
    sign = "-";
    r = -r;
  }
  const fraction = r - Math.floor(r);
  const whole = Math.trunc(r);
  const days = Math.trunc(whole / 86400);
  const hrs = Math.trunc((whole % 86400) / 3600);
  const mins = Math.trunc((whole % 3600) / 60);
  const secs = (whole % 60) + fraction;
  const sec = fraction === 0 ? pad2(Math.trunc(secs)) : g02(secs);
  if (days) return `${sign}${days}+${pad2(hrs)}:${pad2(mins)}:${sec}`;
  if (hrs) return `${sign}${pad2(hrs)}:${pad2(mins)}:${sec}`;
  if (mins) return `${sign}${pad2(mins)}:${sec}`;
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

/**
 * absTime/relTime text forms of libclassad: `2004-01-01T00:00:00-00:00` (local wall time of the
 * value's offset, then the offset; a zero offset prints as `-00:00`) and `[-][D+][HH:][MM:]SS`
 * with leading zero fields omitted. (Parsing the literal forms is the parser's job: time-literal.ts.)
 */

import { cTimeT } from "./number-format.js";
import { formatRelTimeText } from "./time-literal.js";

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Formats an absTime value (epoch seconds, offset seconds east of UTC). */
export function formatAbsTime(seconds: number, offset: number): string {
  const d = new Date((seconds + offset) * 1000);
  if (Number.isNaN(d.getTime())) return "";
  const year = d.getUTCFullYear();
  const date = `${String(year).padStart(4, "0")}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
  const time = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  const sign = offset > 0 ? "+" : "-";
  const abs = Math.abs(offset);
  return `${date}T${time}${sign}${pad2(Math.floor(abs / 3600))}:${pad2(Math.floor((abs % 3600) / 60))}`;
}

/**
 * A relTime value as text, like libclassad's string conversion: the seconds go through a
 * `time_t` first (so 1.5 prints as `01`), then relTimeToString.
 */
export function formatRelTime(seconds: number): string {
  return formatRelTimeText(cTimeT(seconds));
}

/** The local zone offset (seconds east of UTC) at `seconds` since the epoch. */
export function localOffsetAt(seconds: number): number {
  return -new Date(seconds * 1000).getTimezoneOffset() * 60;
}

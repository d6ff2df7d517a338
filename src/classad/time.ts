/**
 * absTime/relTime text forms of libclassad: `2004-01-01T00:00:00-00:00` (local wall time of the
 * value's offset, then the offset; a zero offset prints as `-00:00`) and `[-][D+][HH:][MM:]SS`
 * with leading zero fields omitted. (Parsing the literal forms is the parser's job: time-literal.ts.)
 */

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

/** Formats a relTime value (seconds). */
export function formatRelTime(seconds: number): string {
  let rest = seconds;
  let out = "";
  if (rest < 0) {
    out = "-";
    rest = -rest;
  }
  const whole = Math.floor(rest);
  const fraction = rest - whole;
  const days = Math.floor(whole / 86400);
  const hours = Math.floor((whole % 86400) / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = whole % 60;
  if (days > 0) out += `${days}+`;
  if (days > 0 || hours > 0) out += `${pad2(hours)}:`;
  if (days > 0 || hours > 0 || minutes > 0) out += `${pad2(minutes)}:`;
  out += fraction > 0 ? String(secs + fraction) : pad2(secs);
  return out;
}

/** The local zone offset (seconds east of UTC) at `seconds` since the epoch. */
export function localOffsetAt(seconds: number): number {
  return -new Date(seconds * 1000).getTimezoneOffset() * 60;
}

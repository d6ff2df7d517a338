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

/**
 * Formats a relTime value (seconds) like libclassad: C int arithmetic on the whole seconds, so
 * INT_MIN (an overflowed relTime) prints as `--24855+-3:-14:-8` just as the C++ library does.
 */
export function formatRelTime(seconds: number): string {
  let out = "";
  let rest = seconds;
  if (rest < 0) {
    out = "-";
    rest = rest === -(2 ** 31) ? rest : -rest; // -INT_MIN overflows to INT_MIN in C
  }
  const whole = Math.trunc(rest);
  const fraction = Math.abs(rest - whole);
  const days = Math.trunc(whole / 86400);
  const hours = Math.trunc((whole % 86400) / 3600);
  const minutes = Math.trunc((whole % 3600) / 60);
  const secs = whole % 60;
  const two = (n: number) => (n >= 0 && n < 10 ? `0${n}` : String(n));
  if (days !== 0) out += `${days}+`;
  if (days !== 0 || hours !== 0) out += `${two(hours)}:`;
  if (days !== 0 || hours !== 0 || minutes !== 0) out += `${two(minutes)}:`;
  out += fraction > 0 ? String(secs + fraction) : two(secs);
  return out;
}

/** The local zone offset (seconds east of UTC) at `seconds` since the epoch. */
export function localOffsetAt(seconds: number): number {
  return -new Date(seconds * 1000).getTimezoneOffset() * 60;
}

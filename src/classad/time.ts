/**
 * absTime/relTime text forms of libclassad: `2004-01-01T00:00:00-00:00` (local wall time of the
 * value's offset, then the offset; a zero offset prints as `-00:00`) and `[-][D+][HH:][MM:]SS`
 * with leading zero fields omitted.
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

/**
 * Parses an absTime string: `YYYY-MM-DD[THH:MM[:SS]][Z|±HH[:]MM]` (also the compact
 * `YYYYMMDDTHHMMSS` form). Without a zone the offset is the local one (`localOffset`).
 */
export function parseAbsTime(text: string, localOffset: number): { seconds: number; offset: number } | null {
  const m =
    /^\s*(\d{4})-?(\d{2})-?(\d{2})(?:[T ]?(\d{2}):?(\d{2})(?::?(\d{2}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$/.exec(
      text,
    );
  if (!m) return null;
  const [, y, mo, d, h, mi, s, zone] = m;
  const wall =
    Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0)) / 1000;
  if (Number.isNaN(wall)) return null;
  let offset = localOffset;
  if (zone === "Z") offset = 0;
  else if (zone !== undefined) {
    const digits = zone.replace(":", "");
    const sign = digits.startsWith("-") ? -1 : 1;
    offset = sign * (Number(digits.slice(1, 3)) * 3600 + Number(digits.slice(3, 5) || "0") * 60);
  }
  return { seconds: wall - offset, offset };
}

/**
 * Parses a relTime string: `[-][D+]HH:MM:SS`, shorter `MM:SS`/`SS` forms, or unit form
 * `1d2h3m4.5s`. Returns seconds or null.
 */
export function parseRelTime(text: string): number | null {
  const t = text.trim();
  const colon = /^(-)?(?:(\d+)\+)?(?:(\d+):)?(?:(\d+):)?(\d+(?:\.\d*)?)$/.exec(t);
  if (colon) {
    const [, neg, days, a, b, secs] = colon;
    let hours = 0;
    let minutes = 0;
    if (a !== undefined && b !== undefined) {
      hours = Number(a);
      minutes = Number(b);
    } else if (a !== undefined) minutes = Number(a);
    const total = Number(days ?? 0) * 86400 + hours * 3600 + minutes * 60 + Number(secs);
    return neg ? -total : total;
  }
  const units =
    /^(-)?(?:(\d+(?:\.\d*)?)[dD])?(?:(\d+(?:\.\d*)?)[hH])?(?:(\d+(?:\.\d*)?)[mM])?(?:(\d+(?:\.\d*)?)[sS])?$/.exec(
      t,
    );
  if (units && t.replace("-", "") !== "") {
    const [, neg, d, h, m, s] = units;
    const total = Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0);
    return neg ? -total : total;
  }
  return null;
}

/** The local zone offset (seconds east of UTC) at `seconds` since the epoch. */
export function localOffsetAt(seconds: number): number {
  return -new Date(seconds * 1000).getTimezoneOffset() * 60;
}

/**
 * C printf number formats used by libclassad's printers: `%1.15E` (new-syntax reals), `%.16G`
 * (old syntax and JSON), `%g` (relTime seconds), from the exact decimal value of the double
 * (strings.ts `formatExponentC`), laid out as C does (two-digit exponents, %G zero stripping).
 */
import { formatExponentC } from "./strings.js";

/**
 * C `%.{precision}E` (e.g. `%1.15E` → `1.500000000000000E+00`), rounded half to even from the
 * exact decimal value as glibc does (JavaScript's toExponential rounds exact ties away from
 * zero). Finite input only.
 */
export function formatExponential(x: number, precision: number): string {
  return formatExponentC(x, precision);
}

/** C `%.{precision}G` / `%.{precision}g` (no `#` flag), rounded as glibc does. Finite input only. */
export function formatGeneral(x: number, precision: number, upper: boolean): string {
  const p = precision === 0 ? 1 : precision;
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  // %G rounds to p significant digits either way; only the layout depends on the exponent.
  const exp = formatExponentC(x, p - 1);
  const e = exp.indexOf("E");
  const X = Number(exp.slice(e + 1));
  const negative = exp.charCodeAt(0) === 45;
  const digits = exp.slice(negative ? 1 : 0, e).replace(".", "");
  if (X < p && X >= -4) {
    const fixed =
      X >= 0
        ? `${digits.slice(0, X + 1)}${X + 1 < digits.length ? `.${digits.slice(X + 1)}` : ""}`
        : `0.${"0".repeat(-X - 1)}${digits}`;
    return `${negative ? "-" : ""}${stripZeros(fixed)}`;
  }
  const mantissa = stripZeros(exp.slice(0, e));
  return `${mantissa}${upper ? "E" : "e"}${exp.slice(e + 1)}`;
}

function stripZeros(s: string): string {
  if (s.indexOf(".") < 0) return s;
  return s.replace(/0+$/, "").replace(/\.$/, "");
}

/** A real as the new-syntax unparser writes it: `0.0`, `-0.0`, `%1.15E`, or `real("NaN")`… */
export function formatRealNew(x: number): string {
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  if (Number.isNaN(x)) return 'real("NaN")';
  if (x === Number.POSITIVE_INFINITY) return 'real("INF")';
  if (x === Number.NEGATIVE_INFINITY) return 'real("-INF")';
  return formatExponential(x, 15);
}

/** A real as the old-syntax (and JSON) unparser writes it: `%.16G`, `.0` added if integral-looking. */
export function formatRealOld(x: number): string {
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  if (Number.isNaN(x)) return 'real("NaN")';
  if (x === Number.POSITIVE_INFINITY) return 'real("INF")';
  if (x === Number.NEGATIVE_INFINITY) return 'real("-INF")';
  const s = formatGeneral(x, 16, true);
  return /[.Ee]/.test(s) ? s : `${s}.0`;
}

/**
 * A double through a C `int` cast, as libclassad converts times: truncation, and INT_MIN for
 * anything out of range (±Inf and NaN included; what x86-64's conversion gives).
 */
export function cInt(x: number): number {
  return Math.abs(x) < 2 ** 31 ? Math.trunc(x) + 0 : -(2 ** 31); // + 0: no negative zero in a C int
}

/** A double through a C `time_t` (int64) cast: truncation, INT64_MIN out of range. */
export function cTimeT(x: number): number {
  return Math.abs(x) < 2 ** 63 ? Math.trunc(x) + 0 : -(2 ** 63);
}

/**
 * C printf number formats used by libclassad's printers: `%1.15E` (new-syntax reals), `%.16G`
 * (old syntax and JSON), `%g` (relTime seconds). JavaScript's toExponential/toFixed give the
 * digits; this module reshapes them into C's layout (two-digit exponents, %G zero stripping).
 */

function cExponent(exp: string): string {
  // JS "e+5" → C "E+05"
  const sign = exp.charAt(0) === "-" ? "-" : "+";
  const digits = exp.replace(/^[+-]/, "");
  return sign + (digits.length < 2 ? `0${digits}` : digits);
}

/** C `%.{precision}E` (e.g. `%1.15E` → `1.500000000000000E+00`). Finite input only. */
export function formatExponential(x: number, precision: number): string {
  const s = x.toExponential(precision);
  const e = s.indexOf("e");
  const mantissa = s.slice(0, e);
  return `${Object.is(x, -0) ? "-" : ""}${mantissa}E${cExponent(s.slice(e + 1))}`;
}

function stripZeros(s: string): string {
  if (s.indexOf(".") < 0) return s;
  return s.replace(/0+$/, "").replace(/\.$/, "");
}

/** C `%.{precision}G` / `%.{precision}g` (no `#` flag). Finite input only. */
export function formatGeneral(x: number, precision: number, upper: boolean): string {
  const p = precision === 0 ? 1 : precision;
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const exp = x.toExponential(p - 1);
  const e = exp.indexOf("e");
  const X = Number(exp.slice(e + 1));
  let out: string;
  if (X < p && X >= -4) {
    out = stripZeros(x.toFixed(p - 1 - X));
  } else {
    out = `${stripZeros(exp.slice(0, e))}${upper ? "E" : "e"}${cExponent(exp.slice(e + 1))}`;
  }
  return out;
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

/**
 * Byte-string helpers with libclassad's semantics: strings are JS strings whose char codes are
 * bytes (see ast.ts); case folding is ASCII only, comparison is byte-wise like `strcmp`.
 */

/** ASCII-only lower-casing, like C `tolower` in the "C" locale. */
export function asciiLower(text: string): string {
  let out = "";
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      out += text.slice(start, i) + String.fromCharCode(c + 32);
      start = i + 1;
    }
  }
  return start === 0 ? text : out + text.slice(start);
}

/** ASCII-only upper-casing, like C `toupper` in the "C" locale. */
export function asciiUpper(text: string): string {
  let out = "";
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 97 && c <= 122) {
      out += text.slice(start, i) + String.fromCharCode(c - 32);
      start = i + 1;
    }
  }
  return start === 0 ? text : out + text.slice(start);
}

/** Byte-wise three-way comparison (`strcmp` sign). */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Byte-wise comparison after ASCII lower-casing (`strcasecmp` sign). */
export function compareBytesIgnoringCase(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 65 && x <= 90) x += 32;
    if (y >= 65 && y <= 90) y += 32;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/**
 * Formats a finite double as C's `%.{precision}E` (`%1.15E` → `1.500000000000000E+00`) from its
 * exact decimal expansion, rounding half to even as glibc's printf does. (JavaScript's
 * toExponential rounds exact ties away from zero: -291.92926025390625 would print ...063.)
 */
export function formatExponentC(x: number, precision: number): string {
  if (x === 0)
    return `${Object.is(x, -0) ? "-" : ""}0${precision > 0 ? `.${"0".repeat(precision)}` : ""}E+00`;
  const { digits, point } = exactDecimal(Math.abs(x));
  const keep = precision + 1;
  let kept = digits.slice(0, keep).padEnd(keep, "0");
  let exponent = point - 1;
  const rest = digits.slice(keep);
  if (rest.length > 0) {
    const first = rest.charCodeAt(0) - 48;
    const tail = /[1-9]/.test(rest.slice(1));
    const lastOdd = (kept.charCodeAt(keep - 1) - 48) % 2 === 1;
    if (first > 5 || (first === 5 && (tail || lastOdd))) {
      const bumped = (BigInt(kept) + 1n).toString();
      if (bumped.length > keep) {
        kept = bumped.slice(0, keep);
        exponent++;
      } else kept = bumped;
    }
  }
  const mantissa = precision > 0 ? `${kept[0]}.${kept.slice(1)}` : kept;
  const sign = exponent < 0 ? "-" : "+";
  const e = String(Math.abs(exponent)).padStart(2, "0");
  return `${x < 0 ? "-" : ""}${mantissa}E${sign}${e}`;
}

/** The exact decimal digits of a positive finite double (no leading zeros) and the position of the decimal point. */
function exactDecimal(x: number): { digits: string; point: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const num = biased === 0 ? fraction : fraction | (1n << 52n);
  const shift = biased === 0 ? 1074 : 1075 - biased; // x = num / 2^shift
  if (shift <= 0) {
    const digits = (num << BigInt(-shift)).toString();
    return { digits: digits.replace(/0+$/, "") || "0", point: digits.length };
  }
  // num / 2^shift = num · 5^shift / 10^shift
  const scaled = (num * 5n ** BigInt(shift)).toString();
  return { digits: scaled.replace(/0+$/, ""), point: scaled.length - shift };
}

/** Formats a double as C's `%1.15E` (`1.500000000000000E+00`); finite input only. */
export function formatRealExponent(value: number): string {
  return formatExponentC(value, 15);
}

/** `isspace` in the C locale. */
export function isCSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/**
 * Parses the longest prefix of `text` that C `strtod` accepts (after leading white space):
 * decimal and hexadecimal floats, `inf`/`infinity`, `nan`. Returns the value and the number
 * of characters consumed (0 when nothing was converted).
 */
export function strtod(text: string): { value: number; consumed: number } {
  let i = 0;
  while (i < text.length && isCSpace(text.charCodeAt(i))) i++;
  let sign = 1;
  if (text[i] === "+" || text[i] === "-") {
    if (text[i] === "-") sign = -1;
    i++;
  }
  const rest = text.slice(i).toLowerCase();
  if (rest.startsWith("infinity")) return { value: sign * Number.POSITIVE_INFINITY, consumed: i + 8 };
  if (rest.startsWith("inf")) return { value: sign * Number.POSITIVE_INFINITY, consumed: i + 3 };
  if (rest.startsWith("nan")) {
    let j = i + 3;
    if (text[j] === "(") {
      const close = text.indexOf(")", j);
      if (close > 0 && /^[A-Za-z0-9_]*$/.test(text.slice(j + 1, close))) j = close + 1;
    }
    return { value: Number.NaN, consumed: j };
  }
  const hex = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?/.exec(text.slice(i));
  if (hex && ((hex[1] ?? "") !== "" || (hex[2] ?? "") !== "")) {
    const intPart = hex[1] ?? "";
    const fracPart = hex[2] ?? "";
    let value = 0;
    for (const ch of intPart + fracPart) value = value * 16 + Number.parseInt(ch, 16);
    value /= 16 ** fracPart.length;
    let consumed = i + 2 + intPart.length + (hex[2] !== undefined ? 1 + fracPart.length : 0);
    if (hex[3] !== undefined) {
      value *= 2 ** Number.parseInt(hex[3], 10);
      consumed = i + hex[0].length;
    }
    return { value: sign * value, consumed };
  }
  const dec = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i));
  if (!dec) return { value: 0, consumed: 0 };
  return { value: sign * Number(dec[0]), consumed: i + dec[0].length };
}

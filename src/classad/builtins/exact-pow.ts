/**
 * A correctly rounded `pow` for the cases where JavaScript's `Math.pow` can be one ulp off the
 * C library's (glibc's pow is correctly rounded in practice; V8's is not): a positive finite base
 * and an exponent m / 2^k with k ≤ 4 and |m| ≤ 256. The candidate from `Math.pow` is checked
 * against the exact value with rational arithmetic on bigints and moved to the nearest double.
 */

const view = new DataView(new ArrayBuffer(8));

/** The next double toward +∞ (for positive finite x). */
function nextUp(x: number): number {
  view.setFloat64(0, x);
  view.setBigUint64(0, view.getBigUint64(0) + 1n);
  return view.getFloat64(0);
}

/** The next double toward 0 (for positive finite x). */
function nextDown(x: number): number {
  view.setFloat64(0, x);
  view.setBigUint64(0, view.getBigUint64(0) - 1n);
  return view.getFloat64(0);
}

/** A positive finite double as an exact fraction num / 2^shift (shift may be negative). */
function dyadic(x: number): { num: bigint; shift: bigint } {
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (exponent === 0) return { num: fraction, shift: 1074n };
  return { num: fraction | (1n << 52n), shift: BigInt(1075 - exponent) };
}

/** Sign of a·2^(-sa) − b·2^(-sb) for non-negative bigints. */
function compareScaled(a: bigint, sa: bigint, b: bigint, sb: bigint): number {
  // a / 2^sa vs b / 2^sb  ⇔  a · 2^sb vs b · 2^sa
  const shift = sb - sa;
  const left = shift >= 0n ? a << shift : a;
  const right = shift >= 0n ? b : b << -shift;
  return left === right ? 0 : left < right ? -1 : 1;
}

/** Sign of v^(2^k) − x^m for positive doubles/rationals given as dyadics. */
function compareToPower(
  v: { num: bigint; shift: bigint },
  k: number,
  x: { num: bigint; shift: bigint },
  m: number,
): number {
  const power = 2n ** BigInt(k);
  const vNum = v.num ** power;
  const vShift = v.shift * power;
  if (m >= 0) {
    const e = BigInt(m);
    return compareScaled(vNum, vShift, x.num ** e, x.shift * e);
  }
  // v^(2^k) vs 1 / x^|m|  ⇔  v^(2^k) · x^|m| vs 1
  const e = BigInt(-m);
  return compareScaled(vNum * x.num ** e, vShift + x.shift * e, 1n, 0n);
}

/** The midpoint of two adjacent positive doubles, exactly. */
function midpoint(a: number, b: number): { num: bigint; shift: bigint } {
  const p = dyadic(a);
  const q = dyadic(b);
  // biome-ignore lint/complexity/useMathMinMax: bigints (Math.max does not take them)
  const common = p.shift > q.shift ? p.shift : q.shift;
  // (a + b) / 2 = (p.num·2^(common−p.shift) + q.num·2^(common−q.shift)) / 2^(common+1)
  return { num: (p.num << (common - p.shift)) + (q.num << (common - q.shift)), shift: common + 1n };
}

/** `x ** y`, correctly rounded where the exact check applies, else `Math.pow`. */
export function powCorrectlyRounded(x: number, y: number): number {
  if (x < 0 && Number.isInteger(y)) {
    // A negative base with an integer exponent: the magnitude, correctly rounded, and the sign.
    const magnitude = powCorrectlyRounded(-x, y);
    return Math.abs(y) % 2 === 1 ? -magnitude : magnitude;
  }
  const r = x ** y;
  if (!(x > 0) || !Number.isFinite(x) || !Number.isFinite(r) || r === 0 || !Number.isFinite(y)) return r;
  let k = 0;
  while (k <= 4 && !Number.isInteger(y * 2 ** k)) k++;
  const m = y * 2 ** k;
  if (k > 4 || Math.abs(m) > 256 || r < 1e-300 || r > 1e300) return r;
  const base = dyadic(x);
  let candidate = r;
  for (let step = 0; step < 4; step++) {
    const up = nextUp(candidate);
    const down = nextDown(candidate);
    const above = compareToPower(midpoint(candidate, up), k, base, m);
    if (above < 0) {
      candidate = up; // the exact value lies above the upper midpoint
      continue;
    }
    const below = compareToPower(midpoint(down, candidate), k, base, m);
    if (below > 0) {
      candidate = down;
      continue;
    }
    // Exactly on a midpoint: round half to even.
    if (above === 0 || below === 0) {
      const other = above === 0 ? up : down;
      view.setFloat64(0, candidate);
      return (view.getBigUint64(0) & 1n) === 0n ? candidate : other;
    }
    return candidate;
  }
  return candidate;
}

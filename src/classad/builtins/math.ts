import { cTimeT } from "../number-format.js";
import { strtod } from "../strings.js";
import { bigintFromNumber, ERROR, INT64_MIN, integerValue, realValue, type Value } from "../value.js";
import { powCorrectlyRounded } from "./exact-pow.js";
import { type BuiltinFunction, evalArgs, listItems, numberFrom } from "./support.js";

/** Round half to even, like C `rint` in the default rounding mode. */
function rint(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `floor`, `ceil`/`ceiling`, `round`: ints unchanged, other numbers through real, → int. */
export const rounding: BuiltinFunction<1> = (ev, [arg], scope, name) => {
  const v = ev.evaluateIn(arg, scope);
  if (v.kind === "integer") return v;
  const n = numberFrom(v);
  if (n === null) return ERROR;
  const lower = name.toLowerCase();
  const f = lower === "floor" ? Math.floor : lower === "round" ? rint : Math.ceil;
  return { kind: "integer", value: bigintFromNumber(f(n.value)) };
};

/** `pow(b, e)`: int when both are ints and e ≥ 0, else real. */
export const pow: BuiltinFunction<2> = (ev, args, scope) => {
  const [b, e] = evalArgs(ev, args, scope);
  if (b.kind === "integer" && e.kind === "integer" && e.value >= 0n) {
    // libclassad computes an integer power in doubles and converts with (int64)(p + 0.5): the
    // truncation makes pow(-7, 3) → -342, and out-of-range results become INT64_MIN.
    const base = Number(b.value);
    const exponent = Number(e.value);
    const magnitude = powCorrectlyRounded(Math.abs(base), exponent);
    const p = base < 0 && exponent % 2 === 1 ? -magnitude : magnitude;
    return { kind: "integer", value: bigintFromNumber(p + 0.5) };
  }
  const x = numberFrom(b);
  const y = numberFrom(e);
  if (x === null || y === null) return ERROR;
  return realValue(powCorrectlyRounded(x.value, y.value));
};

/**
 * A quantize operand: ints stay exact; reals, booleans (0/1) and numeric strings (strtod) are
 * doubles; anything else is null.
 */
function quantum(v: Value): { int: true; value: bigint } | { int: false; value: number } | null {
  if (v.kind === "integer") return { int: true, value: v.value };
  if (v.kind === "real") return { int: false, value: v.value };
  if (v.kind === "boolean") return { int: false, value: v.value ? 1 : 0 };
  if (v.kind === "string") {
    const parsed = strtod(v.value);
    return parsed.consumed === 0 ? null : { int: false, value: parsed.value };
  }
  if (v.kind === "absTime") return { int: false, value: v.seconds };
  if (v.kind === "relTime") return { int: false, value: cTimeT(v.seconds) };
  return null;
}

function quantizeNumber(a: Value, b: Value): Value {
  const x = quantum(a);
  const y = quantum(b);
  if (x === null || y === null) return ERROR;
  // A zero quantum leaves the first argument as it is (whatever its type).
  if (y.int ? y.value === 0n : y.value === 0) return a;
  if (x.int && y.int) {
    // libclassad rounds up with ((a + b - 1) / b) * b in wrapping int64 arithmetic.
    const numerator = BigInt.asIntN(64, x.value + y.value - 1n);
    if (numerator === INT64_MIN && y.value === -1n) return integerValue(INT64_MIN);
    return integerValue((numerator / y.value) * y.value);
  }
  const p = x.int ? Number(x.value) : x.value;
  const d = y.int ? Number(y.value) : y.value;
  return realValue(Math.ceil(p / d) * d);
}

/**
 * `quantize(a, b)` / `quantize(a, list)`: rounds a up to a multiple of b, or to the first list
 * item >= a (beyond the last item: a multiple of the last). Int only when both are ints;
 * booleans and numeric strings count as reals.
 */
export const quantize: BuiltinFunction<2> = (ev, args, scope) => {
  const [a, b] = evalArgs(ev, args, scope);
  const x = quantum(a);
  if (x === null) return ERROR;
  if (b.kind === "list") {
    const av = x.int ? Number(x.value) : x.value;
    let last: Value | null = null;
    for (const item of listItems(ev, b)) {
      const q = quantum(item);
      if (q === null) return ERROR;
      const iv = q.int ? Number(q.value) : q.value;
      if (iv >= av) return item;
      last = item;
    }
    return last === null ? a : quantizeNumber(a, last);
  }
  return quantizeNumber(a, b);
};

/** `random([x])`: int in [0, x) for an int, real in [0, x) for a real, real in [0, 1) without. */
export const random: BuiltinFunction = (ev, [arg], scope) => {
  if (arg === undefined) return realValue(Math.random());
  const v = ev.evaluateIn(arg, scope);
  if (v.kind === "integer") return integerValue(BigInt(Math.floor(Math.random() * Number(v.value))));
  if (v.kind === "real") return realValue(Math.random() * v.value);
  return ERROR;
};

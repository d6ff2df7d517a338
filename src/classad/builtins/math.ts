import { bigintFromNumber, ERROR, integerValue, realValue, type Value } from "../value.js";
import { type BuiltinFunction, evalArgs, listItems, numberFrom } from "./support.js";

/** Round half to even, like C `rint` in the default rounding mode. */
function rint(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `floor`, `ceil`/`ceiling`, `round`: ints unchanged, other numbers through real, → int. */
export const rounding: BuiltinFunction = (ev, args, scope, name) => {
  const [arg] = args;
  if (args.length !== 1 || arg === undefined) return ERROR;
  const v = ev.evaluateIn(arg, scope);
  if (v.kind === "integer") return v;
  const n = numberFrom(v);
  if (n === null) return ERROR;
  const lower = name.toLowerCase();
  const f = lower === "floor" ? Math.floor : lower === "round" ? rint : Math.ceil;
  return { kind: "integer", value: bigintFromNumber(f(n.value)) };
};

/** `pow(b, e)`: int when both are ints and e ≥ 0, else real. */
export const pow: BuiltinFunction = (ev, args, scope) => {
  if (args.length !== 2) return ERROR;
  const [b, e] = evalArgs(ev, args, scope) as [Value, Value];
  if (b.kind === "integer" && e.kind === "integer" && e.value >= 0n) {
    const magnitude = bigintFromNumber(Math.abs(Number(b.value)) ** Number(e.value));
    // libclassad quirk (pinned against the C++ library): a negative base with an odd exponent
    // yields 1 - |b|^e, e.g. pow(-7, 3) → -342.
    if (b.value < 0n && e.value % 2n === 1n) return integerValue(1n - magnitude);
    return { kind: "integer", value: magnitude };
  }
  const x = numberFrom(b);
  const y = numberFrom(e);
  if (x === null || y === null) return ERROR;
  return realValue(x.value ** y.value);
};

function quantizeNumber(a: Value, b: Value): Value {
  if (a.kind === "integer" && b.kind === "integer") {
    if (b.value === 0n) return a;
    let q = a.value / b.value;
    if (q * b.value !== a.value && a.value > 0n === b.value > 0n) q += 1n;
    return integerValue(q * b.value);
  }
  const x = numberFrom(a);
  const y = numberFrom(b);
  if (x === null || y === null || a.kind === "string" || b.kind === "string") return ERROR;
  if (y.value === 0) return a.kind === "integer" ? realValue(x.value) : a;
  return realValue(Math.ceil(x.value / y.value) * y.value);
}

/** `quantize(a, b)` / `quantize(a, list)`: round a up to a multiple of b / the first item ≥ a. */
export const quantize: BuiltinFunction = (ev, args, scope) => {
  if (args.length !== 2) return ERROR;
  const [a, b] = evalArgs(ev, args, scope) as [Value, Value];
  if (a.kind !== "integer" && a.kind !== "real") return ERROR;
  if (b.kind === "list") {
    const items = listItems(ev, b);
    let last: Value | null = null;
    for (const item of items) {
      if (item.kind !== "integer" && item.kind !== "real") return ERROR;
      const iv = item.kind === "integer" ? Number(item.value) : item.value;
      const av = a.kind === "integer" ? Number(a.value) : a.value;
      if (iv >= av) return a.kind === "real" && item.kind === "integer" ? realValue(iv) : item;
      last = item;
    }
    return last === null ? a : quantizeNumber(a, last);
  }
  if (b.kind !== "integer" && b.kind !== "real") return ERROR;
  return quantizeNumber(a, b);
};

/** `random([x])`: int in [0, x) for an int, real in [0, x) for a real, real in [0, 1) without. */
export const random: BuiltinFunction = (ev, args, scope) => {
  if (args.length > 1) return ERROR;
  const [arg] = args;
  if (arg === undefined) return realValue(Math.random());
  const v = ev.evaluateIn(arg, scope);
  if (v.kind === "integer") return integerValue(BigInt(Math.floor(Math.random() * Number(v.value))));
  if (v.kind === "real") return realValue(Math.random() * v.value);
  return ERROR;
};

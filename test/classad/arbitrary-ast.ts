/**
 * fast-check generators of ClassAd ASTs that are *canonical*: every tree is one the parser can
 * produce from its own printed form (parentheses where precedence needs them, unique record
 * names in libclassad's print order, reals with at most 15 significant digits, no unary minus
 * directly on a digit, which would re-lex as a negative literal). Options narrow the trees to
 * what the old syntax can carry (identifier names, no newline in strings).
 */
import fc from "fast-check";
import type { Attribute, BinaryOp, Expr, Literal, UnaryOp } from "../../src/classad/ast.js";
import { compareAttributeNames, unparse } from "../../src/classad/unparse.js";

export interface AstOptions {
  /** Restrict to what the old (long-form) syntax round-trips. */
  old?: boolean;
}

const KEYWORDS = new Set(["true", "false", "undefined", "error", "is", "isnt"]);
const RESERVED = new Set([...KEYWORDS, "parent"]);

const identifier = fc
  .stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/)
  .filter((s) => !RESERVED.has(s.toLowerCase()));

/** Byte strings without NUL (a NUL cannot be written in ClassAd source). */
const byteString = fc
  .array(fc.integer({ min: 1, max: 255 }), { maxLength: 12 })
  .map((codes) => String.fromCharCode(...codes));

function stringValue(options: AstOptions) {
  if (!options.old) return byteString;
  return byteString.filter((s) => !s.includes("\n") && !s.endsWith("\\"));
}

function name(options: AstOptions) {
  return options.old ? identifier : fc.oneof(identifier, byteString);
}

const real15 = fc
  .tuple(
    fc.integer({ min: -999_999_999_999_999, max: 999_999_999_999_999 }),
    fc.integer({ min: -40, max: 40 }),
  )
  .map(([m, e]) => Number(`${m}e${e}`))
  .filter((x) => Number.isFinite(x) && !Object.is(x, -0));

export function literal(options: AstOptions = {}, json = false): fc.Arbitrary<Literal> {
  const parts: fc.Arbitrary<Literal>[] = [
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((value) => ({ type: "integer", value })),
    real15.map((value) => ({ type: "real", value })),
    fc.constantFrom(0, -0).map((value) => ({ type: "real", value })),
    fc.boolean().map((value) => ({ type: "boolean", value })),
    fc.constant({ type: "undefined" }),
    fc.constant({ type: "error" }),
    stringValue(options)
      .filter((s) => !(json && s.startsWith("/Expr(") && s.endsWith(")/")))
      .map((value) => ({ type: "string", value })),
    fc
      .tuple(fc.integer({ min: 0, max: 4_000_000_000 }), fc.integer({ min: -48, max: 48 }))
      .map(([seconds, q]) => ({ type: "absTime", seconds, offset: q * 900 })),
    fc.integer({ min: -10_000_000, max: 10_000_000 }).map((seconds) => ({ type: "relTime", seconds })),
  ];
  return fc.oneof(...parts);
}

/** Precedence of a printed node: 13 primary, 12 Elvis, 11 unary, 10…1 binary, 0 ternary. */
function prec(e: Expr): number {
  switch (e.kind) {
    case "binary":
      return e.op === "?:" ? 12 : BINARY_LEVEL[e.op];
    case "unary":
      return 11;
    case "ternary":
      return 0;
    default:
      return 13;
  }
}

const BINARY_LEVEL: Record<Exclude<BinaryOp, "?:">, number> = {
  "*": 10,
  "/": 10,
  "%": 10,
  "+": 9,
  "-": 9,
  "<<": 8,
  ">>": 8,
  ">>>": 8,
  "<": 7,
  "<=": 7,
  ">": 7,
  ">=": 7,
  "==": 6,
  "!=": 6,
  "=?=": 6,
  "=!=": 6,
  "&": 5,
  "^": 4,
  "|": 3,
  "&&": 2,
  "||": 1,
};

const paren = (inner: Expr): Expr => ({ kind: "paren", inner });
const atLeast = (e: Expr, level: number): Expr => (prec(e) >= level ? e : paren(e));
const isNumber = (e: Expr) => e.kind === "literal" && (e.value.type === "integer" || e.value.type === "real");

function sortedUnique(attrs: Attribute[]): Attribute[] {
  const seen = new Set<string>();
  const out: Attribute[] = [];
  for (const a of attrs) {
    const k = a.name.toLowerCase();
    // A record cannot hold an empty name (libclassad's Insert refuses it; the parser reports it).
    if (a.name === "" || seen.has(k)) continue;
    seen.add(k);
    out.push(a);
  }
  return out.sort((x, y) => compareAttributeNames(x.name, y.name) || (x.name < y.name ? -1 : 1));
}

/** Canonical expressions up to a modest depth. */
export function expression(options: AstOptions = {}): fc.Arbitrary<Expr> {
  const { expr } = fc.letrec<{ expr: Expr; leaf: Expr }>((tie) => ({
    leaf: fc.oneof(
      literal(options).map((value): Expr => ({ kind: "literal", value })),
      name(options).map((n): Expr => ({ kind: "attr", name: n, absolute: false })),
      name(options).map((n): Expr => ({ kind: "attr", name: n, absolute: true })),
    ),
    expr: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      tie("leaf"),
      fc
        .tuple(
          fc.constantFrom(...(Object.keys(BINARY_LEVEL) as Exclude<BinaryOp, "?:">[])),
          tie("expr"),
          tie("expr"),
        )
        .map(([op, l, r]): Expr => {
          const level = BINARY_LEVEL[op];
          return { kind: "binary", op, left: atLeast(l, level), right: atLeast(r, level + 1) };
        }),
      fc.tuple(tie("expr"), tie("expr")).map(
        ([l, r]): Expr => ({
          kind: "binary",
          op: "?:",
          left: atLeast(l, 13),
          right: atLeast(r, 12),
        }),
      ),
      fc.tuple(fc.constantFrom<UnaryOp>("-", "+", "!", "~"), tie("expr")).map(([op, operand]): Expr => {
        let o = atLeast(operand, 11);
        if (op === "-" && /^(\d|\.\d)/.test(unparse(o))) o = paren(o);
        return { kind: "unary", op, operand: o };
      }),
      fc
        .tuple(tie("expr"), tie("expr"), tie("expr"))
        .map(([c, t, o]): Expr => ({ kind: "ternary", cond: atLeast(c, 1), ifTrue: t, ifFalse: o })),
      fc.tuple(tie("expr"), identifier).map(([b, n]): Expr => {
        const base = isNumber(b) ? paren(b) : atLeast(b, 13);
        return { kind: "select", base, name: n };
      }),
      fc
        .tuple(tie("expr"), tie("expr"))
        .map(([b, i]): Expr => ({ kind: "subscript", base: atLeast(b, 13), index: i })),
      tie("expr").map(paren),
      fc
        .tuple(identifier, fc.array(tie("expr"), { maxLength: 3 }))
        .filter(([n]) => !["abstime", "reltime"].includes(n.toLowerCase()))
        .map(([n, args]): Expr => ({ kind: "call", name: n, args })),
      fc.array(tie("expr"), { maxLength: 3 }).map((items): Expr => ({ kind: "list", items })),
      fc.array(fc.tuple(name(options), tie("expr")), { maxLength: 3 }).map(
        (pairs): Expr => ({
          kind: "record",
          attributes: sortedUnique(pairs.map(([n, e]) => ({ name: n, expr: e }))),
        }),
      ),
    ),
  }));
  return expr;
}

/** A top-level ad (record) whose values are canonical expressions. */
export function adRecord(options: AstOptions = {}): fc.Arbitrary<Expr & { kind: "record" }> {
  return fc
    .array(fc.tuple(options.old ? identifier : name(options), expression(options)), { maxLength: 6 })
    .map((pairs) => ({
      kind: "record" as const,
      attributes: sortedUnique(pairs.map(([n, e]) => ({ name: n, expr: e }))),
    }));
}

/** JSON-shaped values: literals, lists and records directly, anything else as an expression. */
export function jsonAd(): fc.Arbitrary<Expr & { kind: "record" }> {
  const { value } = fc.letrec<{ value: Expr }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small" },
      literal({}, true).map((v): Expr => ({ kind: "literal", value: v })),
      expression({}),
      fc.array(tie("value"), { maxLength: 3 }).map((items): Expr => ({ kind: "list", items })),
      fc.array(fc.tuple(name({}), tie("value")), { maxLength: 3 }).map(
        (pairs): Expr => ({
          kind: "record",
          attributes: sortedUnique(pairs.map(([n, e]) => ({ name: n, expr: e }))),
        }),
      ),
    ),
  }));
  return fc.array(fc.tuple(name({}), value), { maxLength: 6 }).map((pairs) => ({
    kind: "record" as const,
    attributes: sortedUnique(pairs.map(([n, e]) => ({ name: n, expr: e }))),
  }));
}

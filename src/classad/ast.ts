/**
 * The ClassAd abstract syntax tree: a small, closed set of node kinds shared by the parser
 * (src/classad/parse*), the printers (src/classad/unparse*) and the evaluator.
 *
 * Strings are **byte strings**, as in HTCondor's C++ library: every string in the tree (string
 * literals, attribute names, function names) is a JavaScript string whose char codes are bytes
 * 0–255 (UTF-8 bytes, "binary string"). `size`, `substr` and comparisons therefore work on bytes
 * without conversion; {@link bytesFromText} and {@link textFromBytes} convert at the edges.
 */

/** Unary operators. A negative numeric literal is a {@link LiteralExpr}, not a unary minus. */
export type UnaryOp = "-" | "+" | "!" | "~";

/**
 * Binary operators. `is`/`isnt` parse to `=?=`/`=!=` (one operator each in libclassad); the
 * new-syntax printer writes them as ` is ` / ` isnt `, the old-syntax printer as `=?=` / `=!=`.
 * `?:` is the Elvis operator (postfix level in the grammar).
 */
export type BinaryOp =
  | "||"
  | "&&"
  | "|"
  | "^"
  | "&"
  | "=="
  | "!="
  | "=?="
  | "=!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "<<"
  | ">>"
  | ">>>"
  | "+"
  | "-"
  | "*"
  | "/"
  | "%"
  | "?:";

/** A literal value as it can appear in source (time literals come from folded calls). */
export type Literal =
  | { readonly type: "undefined" }
  | { readonly type: "error" }
  | { readonly type: "boolean"; readonly value: boolean }
  /** int64; parsers produce values already in range. */
  | { readonly type: "integer"; readonly value: bigint }
  | { readonly type: "real"; readonly value: number }
  /** Byte string (see module comment). */
  | { readonly type: "string"; readonly value: string }
  /** `absTime("…")` folded at parse time: seconds since the epoch and the zone offset in seconds. */
  | { readonly type: "absTime"; readonly seconds: number; readonly offset: number }
  /**
   * `relTime("…")` folded at parse time. Note libclassad's quirk: this literal *evaluates* to a
   * real (`relTime("1d")` → 86400.0) while `relTime(86400)` evaluates to a relTime value.
   */
  | { readonly type: "relTime"; readonly seconds: number };

/**
 * Where a node starts in the text it was parsed from (a UTF-16 offset), when the parser was asked
 * to record it (`ParseOptions.offsets`); absent otherwise and on nodes built by code.
 */
export interface Located {
  readonly offset?: number;
}

export interface LiteralExpr extends Located {
  readonly kind: "literal";
  readonly value: Literal;
}

/** An attribute reference: `name`, or `.name` (absolute: looked up from the root ad). */
export interface AttrRefExpr extends Located {
  readonly kind: "attr";
  /** As written (case preserved); lookup is case-insensitive. Byte string. */
  readonly name: string;
  readonly absolute: boolean;
}

/** `base.name` (also `MY.x`, `TARGET.x`: the scope names resolve at evaluation). */
export interface SelectExpr extends Located {
  readonly kind: "select";
  readonly base: Expr;
  readonly name: string;
}

/** `base[index]`. */
export interface SubscriptExpr extends Located {
  readonly kind: "subscript";
  readonly base: Expr;
  readonly index: Expr;
}

export interface UnaryExpr extends Located {
  readonly kind: "unary";
  readonly op: UnaryOp;
  readonly operand: Expr;
}

export interface BinaryExpr extends Located {
  readonly kind: "binary";
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
}

/** `cond ? ifTrue : ifFalse` (right-grouping). */
export interface TernaryExpr extends Located {
  readonly kind: "ternary";
  readonly cond: Expr;
  readonly ifTrue: Expr;
  readonly ifFalse: Expr;
}

/** Parentheses are kept: libclassad preserves and prints them. */
export interface ParenExpr extends Located {
  readonly kind: "paren";
  readonly inner: Expr;
}

/** A function call; the name keeps its case (functions are looked up case-insensitively). */
export interface CallExpr extends Located {
  readonly kind: "call";
  readonly name: string;
  readonly args: readonly Expr[];
}

export interface ListExpr extends Located {
  readonly kind: "list";
  readonly items: readonly Expr[];
}

/**
 * A record `[ a = 1; b = 2 ]`. Attributes in source order, after duplicate removal: when a
 * case-insensitive name repeats, the last definition wins (which position it then takes is
 * libclassad's print order, pinned by the printers' tests).
 */
export interface RecordExpr extends Located {
  readonly kind: "record";
  readonly attributes: readonly Attribute[];
}

/** One `name = expr` pair of a record or ad. */
export interface Attribute {
  /** As written (case preserved), byte string. */
  readonly name: string;
  readonly expr: Expr;
  /** Where the name starts in the parsed text, when offsets were recorded (see {@link Located}). */
  readonly nameOffset?: number;
}

/** Every expression node. Switch on `kind`; the set is closed. */
export type Expr =
  | LiteralExpr
  | AttrRefExpr
  | SelectExpr
  | SubscriptExpr
  | UnaryExpr
  | BinaryExpr
  | TernaryExpr
  | ParenExpr
  | CallExpr
  | ListExpr
  | RecordExpr;

const NON_ASCII = /[\u0080-\uffff]/;

/** Converts ordinary (UTF-16) text to a byte string of its UTF-8 encoding. ASCII is unchanged. */
export function bytesFromText(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  return Buffer.from(text, "utf8").toString("latin1");
}

/** Converts a byte string back to text, decoding UTF-8 (invalid sequences become U+FFFD). */
export function textFromBytes(bytes: string): string {
  if (!NON_ASCII.test(bytes)) return bytes;
  return Buffer.from(bytes, "latin1").toString("utf8");
}

/**
 * Shared, frozen literal nodes for the commonest constants. ASTs are immutable, so every parse
 * may hand out the same node (the lexer and the long-form reader do).
 */
export const SHARED_LITERALS = {
  true: Object.freeze({ kind: "literal", value: Object.freeze({ type: "boolean", value: true }) }),
  false: Object.freeze({ kind: "literal", value: Object.freeze({ type: "boolean", value: false }) }),
  undefined: Object.freeze({ kind: "literal", value: Object.freeze({ type: "undefined" }) }),
  error: Object.freeze({ kind: "literal", value: Object.freeze({ type: "error" }) }),
  /** The integers 0–63. */
  smallIntegers: Object.freeze(
    Array.from({ length: 64 }, (_, i) =>
      Object.freeze({ kind: "literal", value: Object.freeze({ type: "integer", value: BigInt(i) }) }),
    ),
  ),
} as const satisfies {
  readonly true: LiteralExpr;
  readonly false: LiteralExpr;
  readonly undefined: LiteralExpr;
  readonly error: LiteralExpr;
  readonly smallIntegers: readonly LiteralExpr[];
};

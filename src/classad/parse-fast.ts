/**
 * A hand-written recursive-descent parser for the old (long-form) syntax, used by the long-form
 * reader for speed. It accepts a strict subset of what the chevrotain grammar accepts and builds
 * the very same AST; on anything outside that subset — comments, quoted names, backslashes in
 * strings, unusual numbers, time literals to fold, or any syntax error — it returns `null` and the
 * caller falls back to the full grammar, which is the authority (and reports the errors).
 * test/classad/parse-fast.test.ts proves the equivalence differentially.
 */
import type { BinaryOp, Expr, UnaryOp } from "./ast.js";

// Token kinds. Punctuation uses its own text as kind.
const NAME = "name";
const INT = "int";
const REAL = "real";
const STRING = "string";
const KEYWORD = "keyword"; // true false undefined error
const EOF = "eof";
const ELVIS = "?:";

/** Thrown internally to abandon the fast path. */
const BAIL = new Error("bail");

let text = "";
let pos = 0;
let bytesInput = false;
// Current token.
let kind: string = EOF;
let image = "";
let literal: Expr | null = null;
let prevEndsValue = false;

const NON_ASCII = /[\u0080-\uffff]/;

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const TRUE_EXPR: Expr = { kind: "literal", value: { type: "boolean", value: true } };
const FALSE_EXPR: Expr = { kind: "literal", value: { type: "boolean", value: false } };
const UNDEFINED_EXPR: Expr = { kind: "literal", value: { type: "undefined" } };
const ERROR_EXPR: Expr = { kind: "literal", value: { type: "error" } };

function scanNumber(start: number): void {
  let i = start;
  if (text.charCodeAt(i) === 45) i++;
  const digitsStart = i;
  while (isDigit(text.charCodeAt(i))) i++;
  const nDigits = i - digitsStart;
  if (nDigits === 0) throw BAIL; // ".5" forms: rare, left to the grammar
  let c = text.charCodeAt(i);
  let isReal = false;
  if (c === 46) {
    i++;
    const f = i;
    while (isDigit(text.charCodeAt(i))) i++;
    if (i === f) throw BAIL;
    isReal = true;
    c = text.charCodeAt(i);
  }
  if (c === 101 || c === 69) {
    i++;
    c = text.charCodeAt(i);
    if (c === 43 || c === 45) i++;
    const e = i;
    while (isDigit(text.charCodeAt(i))) i++;
    if (i === e) throw BAIL;
    isReal = true;
  } else if (c === 120 || c === 88) {
    throw BAIL; // 0x…
  }
  image = text.slice(start, i);
  pos = i;
  if (isReal) {
    kind = REAL;
    literal = { kind: "literal", value: { type: "real", value: Number(image) } };
  } else {
    // Leading zeros are errors under old semantics; long literals may overflow: the grammar decides.
    if ((nDigits > 1 && text.charCodeAt(digitsStart) === 48) || nDigits > 18) throw BAIL;
    kind = INT;
    // BigInt of a number is much faster than of a string; exact up to 15 digits.
    const value = nDigits <= 15 ? BigInt(Number(image)) : BigInt(image);
    literal = { kind: "literal", value: { type: "integer", value } };
  }
}

/** Advances to the next token. */
function next(): void {
  const t = text;
  let c = t.charCodeAt(pos);
  while (c === 32 || (c >= 9 && c <= 13)) c = t.charCodeAt(++pos);
  const start = pos;
  literal = null;
  if (pos >= t.length) {
    kind = EOF;
    return;
  }
  if (isIdentStart(c)) {
    let i = pos + 1;
    while (isIdentPart(t.charCodeAt(i))) i++;
    image = t.slice(pos, i);
    pos = i;
    kind = NAME;
    // Keywords: only lower-case when the length and first letter could make one.
    const len = image.length;
    const c0 = c | 0x20;
    if (
      (len === 2 && c0 === 105) ||
      (len === 4 && (c0 === 116 || c0 === 105)) ||
      (len === 5 && (c0 === 102 || c0 === 101)) ||
      (len === 9 && c0 === 117)
    ) {
      switch (image.toLowerCase()) {
        case "true":
          kind = KEYWORD;
          literal = TRUE_EXPR;
          break;
        case "false":
          kind = KEYWORD;
          literal = FALSE_EXPR;
          break;
        case "undefined":
          kind = KEYWORD;
          literal = UNDEFINED_EXPR;
          break;
        case "error":
          kind = KEYWORD;
          literal = ERROR_EXPR;
          break;
        case "is":
          kind = "=?=";
          break;
        case "isnt":
          kind = "=!=";
          break;
      }
    }
    prevEndsValue = kind === NAME || kind === KEYWORD;
    return;
  }
  if (isDigit(c)) {
    scanNumber(start);
    prevEndsValue = true;
    return;
  }
  if (c === 34) {
    // Old-syntax string: backslash is literal, except that \" is a quote when more text follows
    // (a \" at the very end is a backslash and the closing quote).
    let i = pos + 1;
    let raw = "";
    let runStart = i;
    for (;;) {
      const d = t.charCodeAt(i);
      if (d === 34) break;
      if (d === 10 || i >= t.length) throw BAIL;
      if (d === 92 && t.charCodeAt(i + 1) === 34) {
        const after = i + 2;
        if (after >= t.length) {
          i++; // the backslash is literal; the quote closes the string
          break;
        }
        if (t.charCodeAt(after) === 10 || t.charCodeAt(after) === 13) throw BAIL;
        raw += `${t.slice(runStart, i)}"`;
        i += 2;
        runStart = i;
        continue;
      }
      i++;
    }
    raw += t.slice(runStart, i);
    pos = i + 1;
    kind = STRING;
    const value = !bytesInput && NON_ASCII.test(raw) ? Buffer.from(raw, "utf8").toString("latin1") : raw;
    literal = { kind: "literal", value: { type: "string", value } };
    prevEndsValue = true;
    return;
  }
  const c1 = t.charCodeAt(pos + 1);
  if (c === 45 && !prevEndsValue && (isDigit(c1) || c1 === 46)) {
    scanNumber(start);
    prevEndsValue = true;
    return;
  }
  let op: string;
  switch (c) {
    case 61: // =
      if (c1 === 61) op = "==";
      else if (c1 === 63) {
        if (t.charCodeAt(pos + 2) !== 61) throw BAIL;
        op = "=?=";
      } else if (c1 === 33 && t.charCodeAt(pos + 2) === 61) op = "=!=";
      else op = "=";
      break;
    case 33: // !
      op = c1 === 61 ? "!=" : "!";
      break;
    case 60: // <
      op = c1 === 61 ? "<=" : c1 === 60 ? "<<" : "<";
      break;
    case 62: // >
      if (c1 === 61) op = ">=";
      else if (c1 === 62) op = t.charCodeAt(pos + 2) === 62 ? ">>>" : ">>";
      else op = ">";
      break;
    case 38: // &
      op = c1 === 38 ? "&&" : "&";
      break;
    case 124: // |
      op = c1 === 124 ? "||" : "|";
      break;
    case 63: {
      // ? or Elvis (? whitespace :)
      let i = pos + 1;
      let d = t.charCodeAt(i);
      while (d === 32 || (d >= 9 && d <= 13)) d = t.charCodeAt(++i);
      if (d === 58) {
        pos = i + 1;
        kind = ELVIS;
        prevEndsValue = false;
        return;
      }
      op = "?";
      break;
    }
    case 47: // /
      if (c1 === 47 || c1 === 42) throw BAIL; // comments
      op = "/";
      break;
    case 43:
    case 45:
    case 42:
    case 37:
    case 94:
    case 126:
    case 58:
    case 59:
    case 44:
    case 91:
    case 93:
    case 40:
    case 41:
    case 123:
    case 125:
      op = t.charAt(pos);
      break;
    case 46: // .
      if (isDigit(c1)) throw BAIL; // .5
      op = ".";
      break;
    default:
      throw BAIL;
  }
  pos += op.length;
  kind = op;
  prevEndsValue = op === "." || op === "]" || op === ")" || op === "}";
}

function expect(expected: string): void {
  if (kind !== expected) throw BAIL;
  next();
}

/** The current token kind (a call, so TypeScript does not keep a stale narrowing across next()). */
function k(): string {
  return kind;
}

const LEVEL: Record<string, number> = {
  "||": 1,
  "&&": 2,
  "|": 3,
  "^": 4,
  "&": 5,
  "==": 6,
  "!=": 6,
  "=?=": 6,
  "=!=": 6,
  "<": 7,
  "<=": 7,
  ">": 7,
  ">=": 7,
  "<<": 8,
  ">>": 8,
  ">>>": 8,
  "+": 9,
  "-": 9,
  "*": 10,
  "/": 10,
  "%": 10,
};

function expression(): Expr {
  const cond = binary(1);
  if (kind !== "?") return cond;
  next();
  const ifTrue = expression();
  expect(":");
  const ifFalse = expression();
  return { kind: "ternary", cond, ifTrue, ifFalse };
}

function binary(minLevel: number): Expr {
  let left = unary();
  for (;;) {
    const level = LEVEL[kind];
    if (level === undefined || level < minLevel) return left;
    const op = kind as BinaryOp;
    next();
    const right = binary(level + 1);
    left = { kind: "binary", op, left, right };
  }
}

function unary(): Expr {
  if (kind === "-" || kind === "+" || kind === "!" || kind === "~") {
    const op = kind as UnaryOp;
    next();
    return { kind: "unary", op, operand: unary() };
  }
  return postfix();
}

function postfix(): Expr {
  let base = primary();
  for (;;) {
    if (k() === ".") {
      next();
      if (k() !== NAME) throw BAIL;
      base = { kind: "select", base, name: image };
      next();
    } else if (k() === "[") {
      next();
      const index = expression();
      expect("]");
      base = { kind: "subscript", base, index };
    } else if (k() === ELVIS) {
      next();
      base = { kind: "binary", op: "?:", left: base, right: postfix() };
    } else {
      return base;
    }
  }
}

function primary(): Expr {
  if (literal !== null) {
    const l = literal;
    next();
    return l;
  }
  switch (k()) {
    case NAME: {
      const name = image;
      next();
      if (k() !== "(") return { kind: "attr", name, absolute: false };
      next();
      const args: Expr[] = [];
      if (k() !== ")") {
        args.push(expression());
        while (k() === "," || k() === ";") {
          next();
          args.push(expression());
        }
      }
      expect(")");
      if (args.length === 1) {
        const lower = name.length === 7 ? name.toLowerCase() : "";
        if (lower === "abstime" || lower === "reltime") throw BAIL; // literal folding: the grammar's job
      }
      return { kind: "call", name, args };
    }
    case ".": {
      next();
      if (k() !== NAME) throw BAIL;
      const name = image;
      next();
      return { kind: "attr", name, absolute: true };
    }
    case "(": {
      next();
      const inner = expression();
      expect(")");
      return { kind: "paren", inner };
    }
    case "{": {
      next();
      const items: Expr[] = [];
      if (k() !== "}") {
        items.push(expression());
        while (k() === ",") {
          next();
          items.push(expression());
        }
      }
      expect("}");
      return { kind: "list", items };
    }
    case "[": {
      next();
      const byKey = new Map<string, { name: string; expr: Expr }>();
      for (;;) {
        while (k() === ";") next();
        if (k() === "]") break;
        if (k() !== NAME) throw BAIL;
        const name = image;
        next();
        expect("=");
        byKey.set(name.toLowerCase(), { name, expr: expression() });
        if (k() === "]") break;
        if (k() !== ";") throw BAIL;
      }
      next();
      return { kind: "record", attributes: [...byKey.values()] };
    }
    default:
      throw BAIL;
  }
}

/**
 * Parses an old-syntax expression under old semantics, or returns null when the full grammar
 * must decide (anything unusual, and every error).
 */
export function parseOldExpressionFast(source: string, inputIsBytes: boolean): Expr | null {
  text = source;
  pos = 0;
  bytesInput = inputIsBytes;
  prevEndsValue = false;
  try {
    next();
    const e = expression();
    return kind === EOF ? e : null;
  } catch (e) {
    if (e === BAIL || e instanceof RangeError) return null;
    throw e;
  } finally {
    text = "";
  }
}

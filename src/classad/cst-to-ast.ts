/**
 * Turns the chevrotain CST of grammar/parser.ts into the AST of ast.ts: literal values decoded,
 * operators mapped, calls to `absTime`/`relTime` with one string literal folded into time
 * literals, duplicate record names resolved (the last definition wins).
 */
import type { CstElement, CstNode, IToken, TokenType } from "chevrotain";
import * as T from "../../grammar/tokens.js";
import type { Attribute, BinaryOp, Expr, Literal, LiteralExpr, UnaryOp } from "./ast.js";
import { parseAbsTimeText, parseRelTimeText } from "./time-literal.js";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const binaryOps = new Map<TokenType, BinaryOp>([
  [T.OrOr, "||"],
  [T.AndAnd, "&&"],
  [T.Pipe, "|"],
  [T.Caret, "^"],
  [T.Ampersand, "&"],
  [T.Equal, "=="],
  [T.NotEqual, "!="],
  [T.MetaEqual, "=?="],
  [T.Is, "=?="],
  [T.MetaNotEqual, "=!="],
  [T.Isnt, "=!="],
  [T.Less, "<"],
  [T.LessEqual, "<="],
  [T.Greater, ">"],
  [T.GreaterEqual, ">="],
  [T.LeftShift, "<<"],
  [T.RightShift, ">>"],
  [T.URightShift, ">>>"],
  [T.Plus, "+"],
  [T.Minus, "-"],
  [T.Star, "*"],
  [T.Slash, "/"],
  [T.Percent, "%"],
]);

const unaryOps = new Map<TokenType, UnaryOp>([
  [T.Minus, "-"],
  [T.Plus, "+"],
  [T.Bang, "!"],
  [T.Tilde, "~"],
]);

function isToken(e: CstElement): e is IToken {
  return (e as IToken).tokenType !== undefined;
}

function node(children: Record<string, CstElement[]>, key: string, i = 0): CstNode {
  const e = children[key]?.[i];
  if (e === undefined || isToken(e)) throw new Error(`CST: missing node ${key}[${i}]`);
  return e;
}

function token(children: Record<string, CstElement[]>, key: string, i = 0): IToken {
  const e = children[key]?.[i];
  if (e === undefined || !isToken(e)) throw new Error(`CST: missing token ${key}[${i}]`);
  return e;
}

/** The value of an integer literal image as libclassad reads it: base 10, 0 when out of range. */
export function integerFromImage(image: string): bigint {
  const m = /^(-?)(\d+)/.exec(image);
  if (m === null) return 0n;
  const v = BigInt(`${m[1]}${m[2]}`);
  return v < INT64_MIN || v > INT64_MAX ? 0n : v;
}

/** The name (byte string) carried by an identifier or quoted-name token. */
export function nameOf(tok: IToken): string {
  if (tok.tokenType === T.QuotedIdentifier || tok.tokenType === T.QuotedIdentifierOld) {
    return (tok.payload as T.QuotedPayload).value;
  }
  return tok.image;
}

const literal = (value: Literal): LiteralExpr => ({ kind: "literal", value });

function literalOf(tok: IToken): LiteralExpr {
  switch (tok.tokenType) {
    case T.Integer:
      return literal({ type: "integer", value: integerFromImage(tok.image) });
    case T.Real:
      return literal({ type: "real", value: Number(tok.image) });
    case T.True:
      return literal({ type: "boolean", value: true });
    case T.False:
      return literal({ type: "boolean", value: false });
    case T.Undefined:
      return literal({ type: "undefined" });
    case T.ErrorKeyword:
      return literal({ type: "error" });
    default:
      return literal({ type: "string", value: (tok.payload as T.QuotedPayload).value });
  }
}

/** Builds the AST of an `expression` CST node. */
export function buildExpression(cst: CstNode): Expr {
  const c = cst.children;
  const condition = buildBinary(node(c, "condition"));
  if (c.Question === undefined) return condition;
  return {
    kind: "ternary",
    cond: condition,
    ifTrue: buildExpression(node(c, "then")),
    ifFalse: buildExpression(node(c, "otherwise")),
  };
}

function buildBinary(cst: CstNode): Expr {
  if (cst.name === "unary") return buildUnary(cst);
  const operands = cst.children.operands ?? [];
  const first = operands[0];
  if (first === undefined || isToken(first)) throw new Error("CST: binary level without operands");
  let left = buildBinary(first);
  const operators = cst.children.operators ?? [];
  for (let i = 0; i < operators.length; i++) {
    const opTok = operators[i];
    const right = operands[i + 1];
    if (opTok === undefined || !isToken(opTok) || right === undefined || isToken(right)) {
      throw new Error("CST: malformed binary level");
    }
    const op = binaryOps.get(opTok.tokenType);
    if (op === undefined) throw new Error(`CST: unknown operator ${opTok.image}`);
    left = { kind: "binary", op, left, right: buildBinary(right) };
  }
  return left;
}

function buildUnary(cst: CstNode): Expr {
  const c = cst.children;
  if (c.postfix !== undefined) return buildPostfix(node(c, "postfix"));
  const opTok = token(c, "UnaryOp");
  const op = unaryOps.get(opTok.tokenType);
  if (op === undefined) throw new Error(`CST: unknown unary operator ${opTok.image}`);
  return { kind: "unary", op, operand: buildUnary(node(c, "unary")) };
}

function buildPostfix(cst: CstNode): Expr {
  let base = buildPrimary(node(cst.children, "primary"));
  for (const s of cst.children.suffix ?? []) {
    if (isToken(s)) continue;
    const c = s.children;
    if (c.NameToken !== undefined) {
      base = { kind: "select", base, name: nameOf(token(c, "NameToken")) };
    } else if (c.expression !== undefined) {
      base = { kind: "subscript", base, index: buildExpression(node(c, "expression")) };
    } else {
      base = { kind: "binary", op: "?:", left: base, right: buildPostfix(node(c, "postfix")) };
    }
  }
  return base;
}

function buildPrimary(cst: CstNode): Expr {
  const c = cst.children;
  if (c.LiteralToken !== undefined) return literalOf(token(c, "LiteralToken"));
  if (c.absoluteName !== undefined)
    return { kind: "attr", name: nameOf(token(c, "absoluteName")), absolute: true };
  if (c.NameToken !== undefined) {
    const nameTok = token(c, "NameToken");
    const name = nameOf(nameTok);
    if (c.argList === undefined) return { kind: "attr", name, absolute: false };
    const args = (node(c, "argList").children.expression ?? []).map((e) => {
      if (isToken(e)) throw new Error("CST: token in argument list");
      return buildExpression(e);
    });
    return foldTimeLiteral(name, args) ?? { kind: "call", name, args };
  }
  if (c.expression !== undefined) return { kind: "paren", inner: buildExpression(node(c, "expression")) };
  if (c.record !== undefined) return buildRecord(node(c, "record"));
  const items = (node(c, "list").children.expression ?? []).map((e) => {
    if (isToken(e)) throw new Error("CST: token in list");
    return buildExpression(e);
  });
  return { kind: "list", items };
}

/** `absTime("…")` / `relTime("…")` with exactly one string literal fold into a literal (§2.6). */
function foldTimeLiteral(name: string, args: Expr[]): Expr | null {
  const arg = args[0];
  if (args.length !== 1 || arg === undefined || arg.kind !== "literal" || arg.value.type !== "string")
    return null;
  const lower = name.toLowerCase();
  if (lower === "abstime") {
    const t = parseAbsTimeText(arg.value.value);
    return literal(
      t === null ? { type: "error" } : { type: "absTime", seconds: t.seconds, offset: t.offset },
    );
  }
  if (lower === "reltime") {
    const t = parseRelTimeText(arg.value.value);
    return literal(t === null ? { type: "error" } : { type: "relTime", seconds: t });
  }
  return null;
}

/** Builds a record node; a repeated name (case-insensitive) keeps its first position, last value. */
export function buildRecord(cst: CstNode): Expr & { kind: "record" } {
  const byKey = new Map<string, Attribute>();
  for (const a of cst.children.attr ?? []) {
    if (isToken(a)) continue;
    const name = nameOf(token(a.children, "NameToken"));
    byKey.set(name.toLowerCase(), { name, expr: buildExpression(node(a.children, "expression")) });
  }
  return { kind: "record", attributes: [...byKey.values()] };
}

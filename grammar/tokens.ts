/**
 * ClassAd token types (chevrotain). The scanner in lexer.ts produces them; the grammar in
 * parser.ts consumes them. Operators carry categories so a grammar rule can consume "any binary
 * operator" or "any literal" with one lookahead check.
 *
 * No token has a chevrotain pattern: the scanner is hand-written (one pass over the characters,
 * no regular expressions), because ClassAd lexing is context-sensitive — a `-` before a number
 * folds into a negative literal only after an operator, adjacent strings join, `?`-space-`:` is
 * one token — and measured 5–9× faster than chevrotain's `Lexer` with the same token set (see
 * docs/classad-syntax.md, "Speed"). The parser still matches on these types and categories.
 */
import { createToken, Lexer, type TokenType } from "chevrotain";

function category(name: string, label: string): TokenType {
  return createToken({ name, pattern: Lexer.NA, label });
}

/** Literal values accepted by the primary rule. */
export const LiteralToken = category("LiteralToken", "literal");
/** An attribute name: identifier or quoted name. */
export const NameToken = category("NameToken", "name");
/**
 * A token that is a whole operand by itself when nothing binds to it: a literal or a name. The
 * grammar's fast path for values like `12`, `"x"` or `Owner` consumes it in one step.
 */
export const Operand = category("Operand", "operand");
/** Any binary operator from `||` to `%` (precedence is the parser's business). */
export const BinaryOperator = category("BinaryOperator", "operator");
/** `-`, `+`, `!`, `~` in prefix position. */
export const UnaryOperator = category("UnaryOperator", "unary operator");

function token(name: string, label: string, categories: TokenType[] = []): TokenType {
  return createToken({ name, pattern: Lexer.NA, label, categories });
}

export const Identifier = token("Identifier", "identifier", [NameToken, Operand]);
export const QuotedIdentifier = token("QuotedIdentifier", "quoted name", [NameToken, Operand]);
export const True = token("True", "'true'", [LiteralToken, Operand]);
export const False = token("False", "'false'", [LiteralToken, Operand]);
export const Undefined = token("Undefined", "'undefined'", [LiteralToken, Operand]);
export const ErrorKeyword = token("ErrorKeyword", "'error'", [LiteralToken, Operand]);
export const StringLiteral = token("StringLiteral", "string", [LiteralToken, Operand]);
export const Integer = token("Integer", "integer", [LiteralToken, Operand]);
export const Real = token("Real", "real", [LiteralToken, Operand]);

export const OrOr = token("OrOr", "'||'", [BinaryOperator]);
export const AndAnd = token("AndAnd", "'&&'", [BinaryOperator]);
export const Pipe = token("Pipe", "'|'", [BinaryOperator]);
export const Caret = token("Caret", "'^'", [BinaryOperator]);
export const Ampersand = token("Ampersand", "'&'", [BinaryOperator]);
export const Equal = token("Equal", "'=='", [BinaryOperator]);
export const NotEqual = token("NotEqual", "'!='", [BinaryOperator]);
export const MetaEqual = token("MetaEqual", "'=?='", [BinaryOperator]);
export const MetaNotEqual = token("MetaNotEqual", "'=!='", [BinaryOperator]);
export const Is = token("Is", "'is'", [BinaryOperator]);
export const Isnt = token("Isnt", "'isnt'", [BinaryOperator]);
export const Less = token("Less", "'<'", [BinaryOperator]);
export const LessEqual = token("LessEqual", "'<='", [BinaryOperator]);
export const Greater = token("Greater", "'>'", [BinaryOperator]);
export const GreaterEqual = token("GreaterEqual", "'>='", [BinaryOperator]);
export const LeftShift = token("LeftShift", "'<<'", [BinaryOperator]);
export const RightShift = token("RightShift", "'>>'", [BinaryOperator]);
export const URightShift = token("URightShift", "'>>>'", [BinaryOperator]);
export const Plus = token("Plus", "'+'", [BinaryOperator, UnaryOperator]);
export const Minus = token("Minus", "'-'", [BinaryOperator, UnaryOperator]);
export const Star = token("Star", "'*'", [BinaryOperator]);
export const Slash = token("Slash", "'/'", [BinaryOperator]);
export const Percent = token("Percent", "'%'", [BinaryOperator]);
export const Bang = token("Bang", "'!'", [UnaryOperator]);
export const Tilde = token("Tilde", "'~'", [UnaryOperator]);

export const Elvis = token("Elvis", "'?:'");
export const Question = token("Question", "'?'");
export const Colon = token("Colon", "':'");
export const Assign = token("Assign", "'='");
export const Semicolon = token("Semicolon", "';'");
export const Comma = token("Comma", "','");
export const Dot = token("Dot", "'.'");
export const LBracket = token("LBracket", "'['");
export const RBracket = token("RBracket", "']'");
export const LParen = token("LParen", "'('");
export const RParen = token("RParen", "')'");
export const LBrace = token("LBrace", "'{'");
export const RBrace = token("RBrace", "'}'");

/** Every token type, categories included: the parser's vocabulary. */
export const allTokens: TokenType[] = [
  LiteralToken,
  NameToken,
  Operand,
  BinaryOperator,
  UnaryOperator,
  Identifier,
  QuotedIdentifier,
  True,
  False,
  Undefined,
  ErrorKeyword,
  StringLiteral,
  Integer,
  Real,
  OrOr,
  AndAnd,
  Pipe,
  Caret,
  Ampersand,
  Equal,
  NotEqual,
  MetaEqual,
  MetaNotEqual,
  Is,
  Isnt,
  Less,
  LessEqual,
  Greater,
  GreaterEqual,
  LeftShift,
  RightShift,
  URightShift,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Bang,
  Tilde,
  Elvis,
  Question,
  Colon,
  Assign,
  Semicolon,
  Comma,
  Dot,
  LBracket,
  RBracket,
  LParen,
  RParen,
  LBrace,
  RBrace,
];

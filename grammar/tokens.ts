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
/** Any binary operator from `||` to `%` (precedence is the parser's business). */
export const BinaryOperator = category("BinaryOperator", "operator");
/** `-`, `+`, `!`, `~` in prefix position. */
export const UnaryOperator = category("UnaryOperator", "unary operator");

function token(name: string, label: string, categories: TokenType[] = []): TokenType {
  return createToken({ name, pattern: Lexer.NA, label, categories });
}

export const Identifier = token("Identifier", "identifier", [NameToken]);
export const QuotedIdentifier = token("QuotedIdentifier", "quoted name", [NameToken]);
export const True = token("True", "'true'", [LiteralToken]);
export const False = token("False", "'false'", [LiteralToken]);
export const Undefined = token("Undefined", "'undefined'", [LiteralToken]);
export const ErrorKeyword = token("ErrorKeyword", "'error'", [LiteralToken]);
export const StringLiteral = token("StringLiteral", "string", [LiteralToken]);
export const Integer = token("Integer", "integer", [LiteralToken]);
export const Real = token("Real", "real", [LiteralToken]);
/*
 * Operands that nothing extends, retyped by markLoneOperands (parser.ts) before parsing: a Lone
 * literal or name is a whole expression (the next token cannot continue one: `;`, `,`, a closing
 * bracket, `:`, the end); a Plain one is a whole operand (no `.`, `[`, `(` or `?:` follows). The
 * expression, binary and unary rules take such a token in one step instead of descending through
 * unary, postfix and primary (most values of an ad: `12`, `"x"`, `Owner`; `RequestMemory` and
 * `1024` in `RequestMemory > 1024`). They keep the literal / name categories, so every rule that
 * accepts a literal or a name accepts them too.
 */
/** A literal that is a whole expression. */
export const LoneLiteral = token("LoneLiteral", "literal", [LiteralToken]);
/** A name that is a whole expression. */
export const LoneName = token("LoneName", "name", [NameToken]);
/** A literal that is a whole operand. */
export const PlainLiteral = token("PlainLiteral", "literal", [LiteralToken]);
/** A name that is a whole operand. */
export const PlainName = token("PlainName", "name", [NameToken]);

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

/**
 * A run of whole record attributes `name = operand ;` (the last may end before `]`), read as one
 * token by the lexer when asked (lexer.ts, `attributes`), with their AST nodes.
 */
export const Attributes = token("Attributes", "attributes");

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
  LoneLiteral,
  LoneName,
  PlainLiteral,
  PlainName,
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
  Attributes,
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

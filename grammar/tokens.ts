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
 * A literal or name that is a whole expression by itself: the next token cannot continue an
 * expression (`;`, `,`, a closing bracket, `:`, end of input). markLoneOperands (parser.ts)
 * retypes such tokens before parsing, so the grammar takes most values of an ad (`12`, `"x"`,
 * `Owner`) in one step. The two types keep the literal / name categories, so every rule that
 * accepts a literal or a name accepts them too.
 */
export const LoneOperand = category("LoneOperand", "operand");
/**
 * A literal or name that is a whole operand: the next token cannot extend it into a postfix
 * expression (no `.`, `[`, `(` or `?:` follows). Retyped like {@link LoneOperand}, so the unary
 * rule takes an operand of an operator chain (`RequestMemory`, `1024` in `RequestMemory > 1024`)
 * in one step instead of through the postfix and primary rules. Lone operands are plain too.
 */
export const PlainOperand = category("PlainOperand", "operand");
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
/** A literal that is a whole expression (see {@link LoneOperand}). */
export const LoneLiteral = token("LoneLiteral", "literal", [LiteralToken, LoneOperand, PlainOperand]);
/** A name that is a whole expression (see {@link LoneOperand}). */
export const LoneName = token("LoneName", "name", [NameToken, LoneOperand, PlainOperand]);
/** A literal that is a whole operand (see {@link PlainOperand}). */
export const PlainLiteral = token("PlainLiteral", "literal", [LiteralToken, PlainOperand]);
/** A name that is a whole operand (see {@link PlainOperand}). */
export const PlainName = token("PlainName", "name", [NameToken, PlainOperand]);

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
  LoneOperand,
  PlainOperand,
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

/**
 * ClassAd tokens (chevrotain). Keywords are case-insensitive and use `longer_alt` so a longer
 * identifier (`true1`, `is_x`) stays an identifier. Operators carry categories, one per
 * precedence level, so the parser rules consume "any operator of this level".
 *
 * Context-sensitive rules live in custom matchers:
 * - a `-` directly before a number folds into a negative literal unless the previous token ends
 *   a value (literal, identifier, selection `.`, `]`, `)`, `}`): `x*-5`, `(-1)` but `3-5`;
 * - adjacent string literals (and quoted names) separated by whitespace are one token;
 * - `?` whitespace `:` is the single ELVIS token.
 */
import { createToken, type IToken, Lexer, type TokenType } from "chevrotain";
import { isSpace, lexState, reportProblem, scanNumber, scanQuotedNew, scanStringOld } from "./scan.js";

// ---- categories (no pattern: never produced by the lexer itself) ----

/** Literal values accepted by the primary rule. */
export const LiteralToken = createToken({ name: "LiteralToken", pattern: Lexer.NA, label: "literal" });
/** Any string literal (new or old syntax). */
export const StringLiteral = createToken({ name: "StringLiteral", pattern: Lexer.NA, label: "string" });
/** An attribute name: identifier or quoted name. */
export const NameToken = createToken({ name: "NameToken", pattern: Lexer.NA, label: "name" });
export const OrOp = createToken({ name: "OrOp", pattern: Lexer.NA, label: "'||'" });
export const AndOp = createToken({ name: "AndOp", pattern: Lexer.NA, label: "'&&'" });
export const BitOrOp = createToken({ name: "BitOrOp", pattern: Lexer.NA, label: "'|'" });
export const BitXorOp = createToken({ name: "BitXorOp", pattern: Lexer.NA, label: "'^'" });
export const BitAndOp = createToken({ name: "BitAndOp", pattern: Lexer.NA, label: "'&'" });
export const EqualityOp = createToken({ name: "EqualityOp", pattern: Lexer.NA, label: "equality operator" });
export const RelationalOp = createToken({
  name: "RelationalOp",
  pattern: Lexer.NA,
  label: "relational operator",
});
export const ShiftOp = createToken({ name: "ShiftOp", pattern: Lexer.NA, label: "shift operator" });
export const AdditiveOp = createToken({ name: "AdditiveOp", pattern: Lexer.NA, label: "'+' or '-'" });
export const MultiplicativeOp = createToken({
  name: "MultiplicativeOp",
  pattern: Lexer.NA,
  label: "'*', '/' or '%'",
});
export const UnaryOp = createToken({ name: "UnaryOp", pattern: Lexer.NA, label: "unary operator" });

// ---- skipped ----

export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /[ \t\n\v\f\r]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
export const LineComment = createToken({ name: "LineComment", pattern: /\/\/[^\n]*/, group: Lexer.SKIPPED });
export const BlockComment = createToken({
  name: "BlockComment",
  pattern: /\/\*[\s\S]*?\*\//,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

/** Tokens that are errors in themselves: an unterminated comment, `=?` without `=`. */
export const InvalidToken = createToken({
  name: "InvalidToken",
  pattern: (text: string, offset: number) => {
    const c = text.charCodeAt(offset);
    if (c === 47 && text.charCodeAt(offset + 1) === 42) {
      reportProblem({
        offset,
        length: text.length - offset,
        message: "unterminated comment: '/*' has no closing '*/'",
        expected: ["'*/'"],
      });
      return [text.slice(offset)];
    }
    if (c === 61 && text.charCodeAt(offset + 1) === 63 && text.charCodeAt(offset + 2) !== 61) {
      reportProblem({
        offset,
        length: 2,
        message: "'=?' must be followed by '=' (the '=?=' operator)",
        expected: ["'=?='"],
      });
      return ["=?"];
    }
    return null;
  },
  start_chars_hint: ["/", "="],
  line_breaks: true,
  label: "invalid token",
});

// ---- names and keywords ----

export const Identifier = createToken({
  name: "Identifier",
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  categories: [NameToken],
  label: "identifier",
});

function keyword(name: string, word: string, categories: TokenType[]): TokenType {
  return createToken({
    name,
    pattern: new RegExp(word, "i"),
    longer_alt: Identifier,
    categories,
    label: `'${word}'`,
  });
}

export const True = keyword("True", "true", [LiteralToken]);
export const False = keyword("False", "false", [LiteralToken]);
export const Undefined = keyword("Undefined", "undefined", [LiteralToken]);
export const ErrorKeyword = keyword("ErrorKeyword", "error", [LiteralToken]);
export const Isnt = keyword("Isnt", "isnt", [EqualityOp]);
export const Is = keyword("Is", "is", [EqualityOp]);

/** Payload of string and quoted-name tokens: the decoded byte string. */
export interface QuotedPayload {
  value: string;
}

function quotedMatch(scan: { value: string; end: number } | null, text: string, offset: number) {
  if (scan === null) return null;
  const match: [string] & { payload?: QuotedPayload } = [text.slice(offset, scan.end)];
  match.payload = { value: scan.value };
  return match;
}

export const QuotedIdentifier = createToken({
  name: "QuotedIdentifier",
  pattern: (text: string, offset: number) => quotedMatch(scanQuotedNew(text, offset, 39), text, offset),
  start_chars_hint: ["'"],
  line_breaks: true,
  categories: [NameToken],
  label: "quoted name",
});

/** An old-syntax quoted name (no escapes, as old-syntax strings). */
export const QuotedIdentifierOld = createToken({
  name: "QuotedIdentifierOld",
  pattern: (text: string, offset: number) => quotedMatch(scanStringOld(text, offset, 39), text, offset),
  start_chars_hint: ["'"],
  line_breaks: true,
  categories: [NameToken],
  label: "quoted name",
});

/** A new-syntax string literal (C-like escapes, adjacent literals concatenated). */
export const StringNew = createToken({
  name: "StringNew",
  pattern: (text: string, offset: number) => quotedMatch(scanQuotedNew(text, offset, 34), text, offset),
  start_chars_hint: ['"'],
  line_breaks: true,
  categories: [LiteralToken, StringLiteral],
  label: "string",
});

/** An old-syntax string literal (backslash is literal except in `\"`). */
export const StringOld = createToken({
  name: "StringOld",
  pattern: (text: string, offset: number) => quotedMatch(scanStringOld(text, offset), text, offset),
  start_chars_hint: ['"'],
  line_breaks: true,
  categories: [LiteralToken, StringLiteral],
  label: "string",
});

// ---- numbers ----

/** Token types after which a `-` is subtraction, not the sign of a literal. */
const valueEnders = new Set<TokenType>();

function signAllowed(text: string, offset: number, tokens: IToken[]): boolean {
  if (text.charCodeAt(offset) !== 45) return true;
  const last = tokens[tokens.length - 1];
  return last === undefined || !valueEnders.has(last.tokenType);
}

/** Cache so that the Real and Integer matchers scan each position once. */
let lastScanText = "";
let lastScanOffset = -1;
let lastScan: ReturnType<typeof scanNumber> = null;

/** Forgets the scan cache; called before each tokenize run so problems are reported again. */
export function resetNumberCache(): void {
  lastScanText = "";
  lastScanOffset = -1;
  lastScan = null;
}

function numberAt(text: string, offset: number, tokens: IToken[]) {
  if (offset === lastScanOffset && text === lastScanText) return lastScan;
  lastScanText = text;
  lastScanOffset = offset;
  lastScan = signAllowed(text, offset, tokens) ? scanNumber(text, offset) : null;
  return lastScan;
}

const C_0 = 48;

/** A real literal; `-` folded in by context. */
export const Real = createToken({
  name: "Real",
  pattern: (text: string, offset: number, tokens: IToken[]) => {
    const scan = numberAt(text, offset, tokens);
    return scan !== null && scan.kind === "real" ? [text.slice(offset, scan.end)] : null;
  },
  start_chars_hint: ["-", ".", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
  line_breaks: false,
  categories: [LiteralToken],
  label: "real",
});

/**
 * An integer literal; `-` folded in by context. Leading-zero rules: a multi-digit integer starting
 * with `0` is an error under old semantics; otherwise (libclassad since HTCONDOR-2140) it is read
 * as decimal, except that a digit 8 or 9 after the leading `0` is an "illegal octal" error.
 */
export const Integer = createToken({
  name: "Integer",
  pattern: (text: string, offset: number, tokens: IToken[]) => {
    const scan = numberAt(text, offset, tokens);
    if (scan === null || scan.kind !== "integer") return null;
    const image = text.slice(offset, scan.end);
    const digits = image.charCodeAt(0) === 45 ? image.slice(1) : image;
    if (digits.length > 1 && digits.charCodeAt(0) === C_0) {
      if (lexState.oldSemantics) {
        reportProblem({
          offset,
          length: image.length,
          message: `integer literal "${image}" has a leading zero (not allowed with old ClassAd semantics)`,
          expected: ["a decimal integer without leading zeros"],
        });
      } else if (/^0[0-7]*[89]/.test(digits)) {
        reportProblem({
          offset,
          length: image.length,
          message: `illegal octal integer literal "${image}"`,
          expected: ["a decimal integer without leading zeros"],
        });
      }
    }
    return [image];
  },
  start_chars_hint: ["-", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
  line_breaks: false,
  categories: [LiteralToken],
  label: "integer",
});

// ---- operators and punctuation ----

function op(name: string, pattern: string, label: string, categories: TokenType[] = []): TokenType {
  return createToken({ name, pattern, label, categories });
}

export const Elvis = createToken({
  name: "Elvis",
  pattern: /\?[ \t\n\v\f\r]*:/,
  line_breaks: true,
  label: "'?:'",
});
export const MetaEqual = op("MetaEqual", "=?=", "'=?='", [EqualityOp]);
export const MetaNotEqual = op("MetaNotEqual", "=!=", "'=!='", [EqualityOp]);
export const Equal = op("Equal", "==", "'=='", [EqualityOp]);
export const NotEqual = op("NotEqual", "!=", "'!='", [EqualityOp]);
export const Assign = op("Assign", "=", "'='");
export const LessEqual = op("LessEqual", "<=", "'<='", [RelationalOp]);
export const GreaterEqual = op("GreaterEqual", ">=", "'>='", [RelationalOp]);
export const URightShift = op("URightShift", ">>>", "'>>>'", [ShiftOp]);
export const RightShift = op("RightShift", ">>", "'>>'", [ShiftOp]);
export const LeftShift = op("LeftShift", "<<", "'<<'", [ShiftOp]);
export const Less = op("Less", "<", "'<'", [RelationalOp]);
export const Greater = op("Greater", ">", "'>'", [RelationalOp]);
export const OrOr = op("OrOr", "||", "'||'", [OrOp]);
export const AndAnd = op("AndAnd", "&&", "'&&'", [AndOp]);
export const Pipe = op("Pipe", "|", "'|'", [BitOrOp]);
export const Caret = op("Caret", "^", "'^'", [BitXorOp]);
export const Ampersand = op("Ampersand", "&", "'&'", [BitAndOp]);
export const Plus = op("Plus", "+", "'+'", [AdditiveOp, UnaryOp]);
export const Minus = op("Minus", "-", "'-'", [AdditiveOp, UnaryOp]);
export const Star = op("Star", "*", "'*'", [MultiplicativeOp]);
export const Slash = op("Slash", "/", "'/'", [MultiplicativeOp]);
export const Percent = op("Percent", "%", "'%'", [MultiplicativeOp]);
export const Bang = op("Bang", "!", "'!'", [UnaryOp]);
export const Tilde = op("Tilde", "~", "'~'", [UnaryOp]);
export const Question = op("Question", "?", "'?'");
export const Colon = op("Colon", ":", "':'");
export const Semicolon = op("Semicolon", ";", "';'");
export const Comma = op("Comma", ",", "','");
export const Dot = op("Dot", ".", "'.'");
export const LBracket = op("LBracket", "[", "'['");
export const RBracket = op("RBracket", "]", "']'");
export const LParen = op("LParen", "(", "'('");
export const RParen = op("RParen", ")", "')'");
export const LBrace = op("LBrace", "{", "'{'");
export const RBrace = op("RBrace", "}", "'}'");

for (const t of [
  Integer,
  Real,
  True,
  False,
  StringNew,
  StringOld,
  Undefined,
  ErrorKeyword,
  Identifier,
  QuotedIdentifier,
  QuotedIdentifierOld,
  Dot,
  RBracket,
  RParen,
  RBrace,
]) {
  valueEnders.add(t);
}

/** Tokens common to both syntaxes, in match order (quoted tokens inserted per syntax). */
function tokensWith(stringToken: TokenType, quotedName: TokenType): TokenType[] {
  return [
    WhiteSpace,
    LineComment,
    BlockComment,
    InvalidToken,
    stringToken,
    quotedName,
    Real,
    Integer,
    True,
    False,
    Undefined,
    ErrorKeyword,
    Isnt,
    Is,
    Identifier,
    Elvis,
    MetaEqual,
    MetaNotEqual,
    Equal,
    NotEqual,
    Assign,
    LessEqual,
    GreaterEqual,
    URightShift,
    RightShift,
    LeftShift,
    Less,
    Greater,
    OrOr,
    AndAnd,
    Pipe,
    Caret,
    Ampersand,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Bang,
    Tilde,
    Question,
    Colon,
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
}

/** Token order for the new syntax lexer. */
export const newSyntaxTokens: TokenType[] = tokensWith(StringNew, QuotedIdentifier);
/** Token order for the old (long-form) syntax lexer. */
export const oldSyntaxTokens: TokenType[] = tokensWith(StringOld, QuotedIdentifierOld);

/** Every token type, categories included: the parser's vocabulary. */
export const allTokens: TokenType[] = [
  ...tokensWith(StringNew, QuotedIdentifier),
  StringOld,
  QuotedIdentifierOld,
  LiteralToken,
  StringLiteral,
  NameToken,
  OrOp,
  AndOp,
  BitOrOp,
  BitXorOp,
  BitAndOp,
  EqualityOp,
  RelationalOp,
  ShiftOp,
  AdditiveOp,
  MultiplicativeOp,
  UnaryOp,
];

/** `isSpace` re-exported for the old-format reader. */
export { isSpace };

/**
 * The ClassAd lexer: one pass over the characters producing chevrotain tokens for the grammar in
 * parser.ts, following libclassad's lexer (src/classad/lexer.cpp) rule for rule:
 *
 * - a `-` folds into a negative number unless the previous token ends a value (`x*-5`, `(-1)`,
 *   but `3-5`);
 * - numbers: decimal integers; `0…` integers are read in base 10 and are errors with old
 *   semantics (or when they hold an 8 or 9 and are not reals); `0x…` reads as 0; reals with a
 *   fraction and/or exponent; `..` after a value or at the start of a name is one selection dot;
 * - new-syntax strings (and quoted names) concatenate when only whitespace separates them, and
 *   their escapes are decoded over the joined text; old-syntax strings have no escapes but `\"`;
 * - `?` whitespace `:` is the Elvis operator; `is`/`isnt`/`true`/`false`/`undefined`/`error` are
 *   case-insensitive keywords.
 *
 * Literal tokens carry their AST node (the parser returns it as is) and name tokens their decoded
 * name, so the parser never re-reads text. All state lives in the {@link Lexing} of one run.
 */
import type { IToken, TokenType } from "chevrotain";
import { type Attribute, type Expr, type LiteralExpr, SHARED_LITERALS } from "../src/classad/ast.js";
import { attributeKey } from "../src/classad/classad.js";
import {
  ANY_PARSE,
  forgetValue,
  type InternedName,
  internName,
  newName,
  nextHash,
  rememberValue,
} from "./names.js";
import { decodeEscapes, type LexProblem, type LexRun, reportProblem, scanStringOld } from "./scan.js";
import * as T from "./tokens.js";

/** Options of one lexing run. */
export interface TokenizeOptions {
  /** Old (long-form) string syntax. */
  oldSyntax?: boolean;
  /** Old semantics: integers with a leading `0` are errors. */
  oldSemantics?: boolean;
  /** The text is already a byte string (char codes are bytes): string contents are not re-encoded. */
  inputIsBytes?: boolean;
  /**
   * Read record attributes of the form `name = operand ;` into Attributes tokens, one per run of
   * them (see Lexer.attribute). For the parser; off by default, so tokenize() lists every token.
   */
  attributes?: boolean;
  /** With `attributes`: the attributes record where their names and values start (`Located`). */
  offsets?: boolean;
}

/** The attributes an Attributes token holds, in order: their names (for keys) and AST nodes. */
export interface AttributeRun {
  readonly names: InternedName[];
  readonly attributes: Attribute[];
}

/**
 * A token of our lexer: a chevrotain token plus what the parser needs from it. Its image is
 * sliced from the source only when asked (error messages), so lexing allocates no text for
 * punctuation, numbers or strings.
 */
export class Token implements IToken {
  tokenTypeIdx: number;
  constructor(
    public tokenType: TokenType,
    private readonly source: string,
    readonly startOffset: number,
    /** Offset of the token's last character (chevrotain's convention; an Attributes token grows). */
    public endOffset: number,
    /** Name tokens: the (interned) name; null otherwise. */
    readonly name: InternedName | null,
    /** Literal tokens: the AST node of the value; null otherwise. */
    readonly literal: LiteralExpr | null,
    /** Attributes tokens: the attributes; null otherwise. */
    readonly run: AttributeRun | null = null,
  ) {
    this.tokenTypeIdx = tokenType.tokenTypeIdx as number;
  }

  /** Gives the token another type (see markLoneOperands in parser.ts). */
  retype(type: TokenType): void {
    this.tokenType = type;
    this.tokenTypeIdx = type.tokenTypeIdx as number;
  }

  /** The token's text as written. */
  get image(): string {
    return this.source.slice(this.startOffset, this.endOffset + 1);
  }
}

/** Text that no token starts with: its offset and length. */
export interface LexError {
  readonly offset: number;
  readonly length: number;
}

/** What {@link tokenize} found: the tokens, unlexable text, and the first lexical problem. */
export interface Lexing extends LexRun {
  readonly tokens: Token[];
  readonly errors: LexError[];
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const {
  true: TRUE,
  false: FALSE,
  undefined: UNDEFINED,
  error: ERROR,
  smallIntegers: SMALL_INTEGERS,
} = SHARED_LITERALS;

/** Token types after which a `-` is subtraction, not the sign of a number (libclassad's list). */
const valueEnders = new Uint8Array(256);
for (const type of [
  T.Integer,
  T.Real,
  T.True,
  T.False,
  T.StringLiteral,
  T.Undefined,
  T.ErrorKeyword,
  T.Identifier,
  T.QuotedIdentifier,
  T.Dot,
  T.RBracket,
  T.RParen,
  T.RBrace,
]) {
  valueEnders[type.tokenTypeIdx as number] = 1;
}

// Character codes.
const TAB = 9;
const CR = 13;
const SPACE = 32;
const BANG = 33;
const DQUOTE = 34;
const PERCENT = 37;
const AMP = 38;
const SQUOTE = 39;
const LPAREN = 40;
const RPAREN = 41;
const STAR = 42;
const PLUS = 43;
const COMMA = 44;
const MINUS = 45;
const DOT = 46;
const SLASH = 47;
const D0 = 48;
const D7 = 55;
const D9 = 57;
const COLON = 58;
const SEMI = 59;
const LT = 60;
const EQ = 61;
const GT = 62;
const QMARK = 63;
const LBRACKET = 91;
const RBRACKET = 93;
const CARET = 94;
const UNDERSCORE = 95;
const LBRACE = 123;
const PIPE = 124;
const RBRACE = 125;
const TILDE = 126;

function isDigit(c: number): boolean {
  return c >= D0 && c <= D9;
}
/** ASCII character classes: 1 where an identifier may start / continue. */
const NAME_START = new Uint8Array(128);
const NAME_PART = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === UNDERSCORE;
  NAME_START[c] = letter ? 1 : 0;
  NAME_PART[c] = letter || isDigit(c) ? 1 : 0;
}
function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}
/** C `isspace`: space, \t, \n, \v, \f, \r. */
export function isSpace(c: number): boolean {
  return c === SPACE || (c >= TAB && c <= CR);
}

/** Lower-cases an ASCII letter code (other codes change harmlessly or not at all). */
function lower(c: number): number {
  return c | 0x20;
}

/**
 * An attribute with offsets: its name's at `nameOffset`, its value's at `valueOffset` (a copy:
 * the given one, without offsets, may be shared between parses).
 */
function located(attribute: Attribute, nameOffset: number, valueOffset: number): Attribute {
  return { name: attribute.name, expr: { ...attribute.expr, offset: valueOffset } as Expr, nameOffset };
}

/** What an open bracket is (see Lexer.track). */
const RECORD_BRACKET = 0;
const OTHER_BRACKET = 1;

/** Runs of text the lexer produces as one token each, with their fixed images. */
const punctuation: (TokenType | undefined)[] = [];
for (const [c, type] of [
  [STAR, T.Star],
  [PERCENT, T.Percent],
  [PLUS, T.Plus],
  [MINUS, T.Minus],
  [TILDE, T.Tilde],
  [CARET, T.Caret],
  [COLON, T.Colon],
  [SEMI, T.Semicolon],
  [COMMA, T.Comma],
  [LBRACKET, T.LBracket],
  [RBRACKET, T.RBracket],
  [LPAREN, T.LParen],
  [RPAREN, T.RParen],
  [LBRACE, T.LBrace],
  [RBRACE, T.RBrace],
] as const) {
  punctuation[c] = type;
}

/** The lexer: all at once ({@link tokenize}) or a batch at a time ({@link Lexer.advance}). */
export class Lexer implements Lexing {
  readonly tokens: Token[] = [];
  readonly errors: LexError[] = [];
  problem: LexProblem | null = null;
  readonly inputIsBytes: boolean;
  private readonly oldSyntax: boolean;
  private readonly oldSemantics: boolean;
  private pos = 0;
  /** Whether the text is plain: no character ≥ 0x80 and no NUL (computed at the first string). */
  private plain: boolean | null = null;
  /** Where the next backslash is, at or after the last position asked about (n: none). */
  private backslash = -1;

  private readonly text: string;

  /** `attributes`, when given, overrides `options.attributes` (saves the caller a copy). */
  constructor(text: string, options: TokenizeOptions, attributes = options.attributes ?? false) {
    if (text.length >= FLATTEN_FROM) {
      this.plain = isPlain(text);
      // A line cut from a larger text (a slice) or built by concatenation is read character by
      // character about twice as slowly as a sequential copy; plain text is copied in one step.
      if (this.plain) text = Buffer.from(text, "latin1").toString("latin1");
    }
    this.text = text;
    this.inputIsBytes = options.inputIsBytes ?? false;
    this.oldSyntax = options.oldSyntax ?? false;
    this.oldSemantics = options.oldSemantics ?? false;
    this.attributes = attributes;
    this.offsets = options.offsets ?? false;
    this.rememberKey =
      attributes && !this.offsets
        ? 1 + (this.oldSyntax ? 2 : 0) + (this.oldSemantics ? 4 : 0) + (this.inputIsBytes ? 8 : 0)
        : NO_REMEMBERING;
  }

  /**
   * The options an expression read in this run is valid for ({@link InternedName.valueFor}):
   * every option that changes how text reads, or NO_REMEMBERING with offsets (their nodes carry
   * positions) or without attribute tokens.
   */
  private readonly rememberKey: number;

  /** Adds a token spanning `text[start, end)`. */
  private push(type: TokenType, start: number, end: number, literal: LiteralExpr | null): void {
    this.tokens.push(new Token(type, this.text, start, end - 1, null, literal));
  }

  /** Adds an operator or punctuation token `length` characters long. */
  private fixed(type: TokenType, start: number, length: number): void {
    this.tokens.push(new Token(type, this.text, start, start + length - 1, null, null));
    this.pos = start + length;
  }

  private previousEndsValue(): boolean {
    const last = this.tokens[this.tokens.length - 1];
    return last !== undefined && valueEnders[last.tokenTypeIdx] === 1;
  }

  /** With {@link TokenizeOptions.attributes}: the open brackets, innermost last. */
  private readonly brackets: number[] = [];
  private readonly attributes: boolean;
  private readonly offsets: boolean;

  /** Start of the current run of characters no token starts with (-1: none). */
  private unlexable = -1;

  /** Lexes the whole text. */
  run(): this {
    this.advance(Number.POSITIVE_INFINITY);
    return this;
  }

  /**
   * Lexes on until `tokens` holds `count` tokens or the text ends; returns whether text remains.
   * A parser may drop tokens it has consumed (set them to undefined) between calls; the lexer
   * only looks back at the last token.
   */
  advance(count: number): boolean {
    const text = this.text;
    const n = text.length;
    while (this.pos < n && this.tokens.length < count) {
      const start = this.pos;
      const c = text.charCodeAt(start);
      if (isSpace(c)) {
        this.endUnlexable(start);
        this.pos++;
        continue;
      }
      if (!this.token(c, start)) {
        if (this.unlexable < 0) this.unlexable = start;
        this.pos = start + 1;
        continue;
      }
      this.endUnlexable(start);
    }
    if (this.pos < n) return true;
    this.endUnlexable(n);
    return false;
  }

  private endUnlexable(at: number): void {
    if (this.unlexable < 0) return;
    this.errors.push({ offset: this.unlexable, length: at - this.unlexable });
    this.unlexable = -1;
  }

  /** Recognizes one token (or skips one comment) at `start`; false when nothing starts there. */
  private token(c: number, start: number): boolean {
    const text = this.text;
    if (c < 128 && NAME_START[c] === 1) {
      const name = this.name(start);
      if (
        name.type === T.Identifier &&
        this.attributes &&
        this.atAttribute() &&
        this.attribute(start, name)
      ) {
        return true;
      }
      this.pushName(name, start, this.pos);
      return true;
    }
    if (isDigit(c)) return this.number(start, start);
    switch (c) {
      case DQUOTE:
        this.quoted(start, DQUOTE);
        return true;
      case SQUOTE:
        this.quoted(start, SQUOTE);
        return true;
      case MINUS: {
        const d = text.charCodeAt(start + 1);
        if (!this.previousEndsValue()) {
          if (isDigit(d)) return this.number(start, start + 1);
          if (d === DOT && isDigit(text.charCodeAt(start + 2))) return this.number(start, start + 1);
        }
        this.fixed(T.Minus, start, 1);
        return true;
      }
      case DOT:
        return this.dot(start);
      case SLASH: {
        const d = text.charCodeAt(start + 1);
        if (d === SLASH) {
          const end = text.indexOf("\n", start);
          this.pos = end < 0 ? text.length : end;
          return true;
        }
        if (d === STAR) {
          const end = text.indexOf("*/", start + 2);
          if (end < 0) {
            reportProblem(this, {
              offset: start,
              length: text.length - start,
              message: "unterminated comment: '/*' has no closing '*/'",
              expected: ["'*/'"],
            });
            this.pos = text.length;
          } else this.pos = end + 2;
          return true;
        }
        this.fixed(T.Slash, start, 1);
        return true;
      }
      case AMP:
        if (text.charCodeAt(start + 1) === AMP) this.fixed(T.AndAnd, start, 2);
        else this.fixed(T.Ampersand, start, 1);
        return true;
      case PIPE:
        if (text.charCodeAt(start + 1) === PIPE) this.fixed(T.OrOr, start, 2);
        else this.fixed(T.Pipe, start, 1);
        return true;
      case LT: {
        const d = text.charCodeAt(start + 1);
        if (d === EQ) this.fixed(T.LessEqual, start, 2);
        else if (d === LT) this.fixed(T.LeftShift, start, 2);
        else this.fixed(T.Less, start, 1);
        return true;
      }
      case GT: {
        const d = text.charCodeAt(start + 1);
        if (d === EQ) this.fixed(T.GreaterEqual, start, 2);
        else if (d === GT) {
          if (text.charCodeAt(start + 2) === GT) this.fixed(T.URightShift, start, 3);
          else this.fixed(T.RightShift, start, 2);
        } else this.fixed(T.Greater, start, 1);
        return true;
      }
      case EQ: {
        const d = text.charCodeAt(start + 1);
        if (d === EQ) this.fixed(T.Equal, start, 2);
        else if (d === QMARK) {
          if (text.charCodeAt(start + 2) === EQ) this.fixed(T.MetaEqual, start, 3);
          else {
            reportProblem(this, {
              offset: start,
              length: 2,
              message: "'=?' must be followed by '=' (the '=?=' operator)",
              expected: ["'=?='"],
            });
            this.pos = start + 2;
          }
        } else if (d === BANG && text.charCodeAt(start + 2) === EQ) this.fixed(T.MetaNotEqual, start, 3);
        else this.fixed(T.Assign, start, 1);
        return true;
      }
      case BANG:
        if (text.charCodeAt(start + 1) === EQ) this.fixed(T.NotEqual, start, 2);
        else this.fixed(T.Bang, start, 1);
        return true;
      case QMARK: {
        let i = start + 1;
        while (isSpace(text.charCodeAt(i))) i++;
        if (text.charCodeAt(i) === COLON) {
          this.push(T.Elvis, start, i + 1, null);
          this.pos = i + 1;
        } else this.fixed(T.Question, start, 1);
        return true;
      }
      default: {
        const type = c < 128 ? punctuation[c] : undefined;
        if (type === undefined) return false;
        if (this.attributes) this.track(c);
        this.fixed(type, start, 1);
        return true;
      }
    }
  }

  /** The last name scanned (its `next` is the guess for the coming one). */
  private lastName: InternedName | null = null;

  /** Scans the name that starts at `start` (a name-start character); leaves `pos` after it. */
  private name(start: number): InternedName {
    const text = this.text;
    const last = this.lastName;
    const guess = last === null ? null : last.next;
    if (guess !== null) {
      // The name that followed the last one before: one pass comparing, no hashing or probing.
      const spelling = guess.name;
      const end = start + spelling.length;
      const d = text.charCodeAt(end);
      if (!(d < 128 && NAME_PART[d] === 1) && holdsAt(text, start, spelling)) {
        this.pos = end;
        this.lastName = guess;
        return guess;
      }
    }
    const entry = this.lookUpName(start);
    if (last !== null) last.next = entry;
    this.lastName = entry;
    return entry;
  }

  /** Scans the name at `start` and interns it. */
  private lookUpName(start: number): InternedName {
    const text = this.text;
    let i = start + 1;
    let hash = nextHash(0, text.charCodeAt(start));
    for (;;) {
      const d = text.charCodeAt(i);
      if (!(d < 128 && NAME_PART[d] === 1)) break;
      hash = nextHash(hash, d);
      i++;
    }
    this.pos = i;
    return internName(text, start, i, hash);
  }

  /** Adds the token of a scanned name `text[start, end)`: an identifier or the keyword it spells. */
  private pushName(name: InternedName, start: number, end: number): void {
    if (name.type === T.Identifier)
      this.tokens.push(new Token(T.Identifier, this.text, start, end - 1, name, null));
    else this.tokens.push(new Token(name.type, this.text, start, end - 1, null, keywordLiteral(name.type)));
  }

  /**
   * Follows the brackets (with {@link TokenizeOptions.attributes}), to know when a name starts a
   * record attribute: a `[` opens a record unless it follows a value (then it is a subscript),
   * as in the grammar.
   */
  private track(c: number): void {
    if (c === LBRACKET) this.brackets.push(this.previousEndsValue() ? OTHER_BRACKET : RECORD_BRACKET);
    else if (c === LPAREN || c === LBRACE) this.brackets.push(OTHER_BRACKET);
    else if (c === RBRACKET || c === RPAREN || c === RBRACE) this.brackets.pop();
  }

  /** Whether the next token starts an attribute of a record: right after its `[` or a `;` in it. */
  private atAttribute(): boolean {
    const depth = this.brackets.length; // (reading past an array's end is slow in V8)
    if (depth === 0 || this.brackets[depth - 1] !== RECORD_BRACKET) return false;
    const last = this.tokens[this.tokens.length - 1];
    // An Attributes token took its last `;` with it (one without is always followed by `]`).
    return (
      last !== undefined &&
      (last.tokenType === T.LBracket || last.tokenType === T.Semicolon || last.tokenType === T.Attributes)
    );
  }

  /**
   * Most attributes of an ad are `name = operand ;` (`Owner = "erin";`, `RequestDisk = DiskUsage;`):
   * given the name at `start` (already scanned, not yet a token), reads such an attribute — the
   * name, the operand, and the `;` (not a closing `]`) — into an Attributes token as its AST node.
   * The grammar then takes a run of attributes in one step instead of four tokens and three rules
   * each. It is the same parse: only where the grammar is at a record attribute (atAttribute), and only
   * when the operand is a whole expression (a `;` or `]` follows). Anything else — an operator,
   * a comment, `==` — leaves the name, the `=` and what follows as ordinary tokens. Returns false
   * only when no `=` follows the name (nothing consumed beyond it).
   */
  private attribute(start: number, name: InternedName): boolean {
    const text = this.text;
    const nameEnd = this.pos;
    let j = nameEnd;
    while (isSpace(text.charCodeAt(j))) j++;
    if (text.charCodeAt(j) !== EQ) return false;
    const d = text.charCodeAt(j + 1);
    if (d === EQ || d === QMARK || d === BANG) return false; // `==`, `=?=`, `=!=`: an operator
    const assign = j;
    j++;
    while (isSpace(text.charCodeAt(j))) j++;
    if (name.valueText !== null && this.rememberedValue(start, name, j)) return true;
    const v = text.charCodeAt(j);
    let literal: LiteralExpr | null = null;
    let valueName: InternedName | null = null;
    let type: TokenType;
    if (v < 128 && NAME_START[v] === 1) {
      valueName = this.name(j);
      type = valueName.type;
      literal = keywordLiteral(type);
    } else if (isDigit(v) || (v === MINUS && isDigit(text.charCodeAt(j + 1)))) {
      literal = this.numberLiteral(j, v === MINUS ? j + 1 : j);
      type = literal.value.type === "real" ? T.Real : T.Integer;
    } else if (v === DQUOTE) {
      literal = { kind: "literal", value: { type: "string", value: this.quotedText(j, DQUOTE) } };
      type = T.StringLiteral;
    } else {
      this.pushName(name, start, nameEnd);
      this.fixed(T.Assign, assign, 1);
      return true;
    }
    const valueEnd = this.pos;
    const end = literal !== null || type === T.Identifier ? this.attributeEnd(valueEnd) : -1;
    if (end >= 0) {
      const operandName = literal === null ? valueName : null;
      const expr: Expr =
        literal !== null
          ? literal
          : { kind: "attr", name: (operandName as InternedName).name, absolute: false };
      const plain: Attribute = { name: name.name, expr };
      this.addAttribute(start, end, name, this.offsets ? located(plain, start, j) : plain);
      this.pos = end;
      this.rememberOperand(name, j, valueEnd, plain, operandName);
      return true;
    }
    // Not a whole attribute: the name, the `=` and the operand as ordinary tokens.
    this.pushName(name, start, nameEnd);
    this.fixed(T.Assign, assign, 1);
    if (literal !== null) this.push(type, j, valueEnd, literal);
    else this.pushName(valueName as InternedName, j, valueEnd);
    this.pos = valueEnd;
    return true;
  }

  /**
   * When the text at `j` is the value `name` had last time ({@link InternedName.valueText}) and
   * a `;` or `]` follows, adds the attribute with that value's node and returns true.
   */
  private rememberedValue(start: number, name: InternedName, j: number): boolean {
    const text = this.text;
    const remembered = name.valueText as string;
    if (name.valueFor !== ANY_PARSE && name.valueFor !== this.rememberKey) return false;
    if (!holdsAt(text, j, remembered)) return false;
    // Unless a `;` or `]` follows, the text may go on (`12` of `123`, `"a"` of `"a" "b"`): scan it.
    const end = this.attributeEnd(j + remembered.length);
    if (end < 0) return false;
    const attribute = name.valueAttribute as Attribute;
    this.addAttribute(start, end, name, this.offsets ? located(attribute, start, j) : attribute);
    if (name.valueName !== null) this.lastName = name.valueName;
    this.pos = end;
    return true;
  }

  /**
   * Where an attribute whose value ends at `valueEnd` ends: after the `;` that follows it, or at
   * the value's end when a `]` follows; -1 when anything else follows (it is not a whole value).
   */
  private attributeEnd(valueEnd: number): number {
    const text = this.text;
    let k = valueEnd;
    while (isSpace(text.charCodeAt(k))) k++;
    const after = text.charCodeAt(k);
    return after === SEMI ? k + 1 : after === RBRACKET ? valueEnd : -1;
  }

  /**
   * Adds an attribute `text[start, end)` to the Attributes token the last token is (it ended
   * with a `;`: atAttribute), or starts one.
   */
  private addAttribute(start: number, end: number, name: InternedName, attribute: Attribute): void {
    const last = this.tokens[this.tokens.length - 1] as Token;
    const run = last.run;
    if (run !== null) {
      run.names.push(name);
      run.attributes.push(attribute);
      last.endOffset = end - 1;
    } else {
      const attributes: AttributeRun = { names: [name], attributes: [attribute] };
      this.tokens.push(new Token(T.Attributes, this.text, start, end - 1, null, null, attributes));
    }
  }

  /**
   * Remembers the lone operand `text[j, end)`, value of attribute `name`, for the next ad
   * ({@link InternedName.valueText}) when it is short and reads the same in every parse: a name,
   * a keyword, a string without escapes (plain text), a number that is not `0` followed by
   * digits or `x` (old semantics refuse those) — and the text has had no lexical problem.
   */
  private rememberOperand(
    name: InternedName,
    j: number,
    end: number,
    attribute: Attribute,
    valueName: InternedName | null,
  ): void {
    const text = this.text;
    let same = end - j < 13 && this.problem === null;
    if (same && attribute.expr.kind === "literal") {
      const value = attribute.expr.value;
      if (value.type === "string") same = this.plain === true && end - j === value.value.length + 2;
      else if (value.type === "integer" || value.type === "real") {
        const first = text.charCodeAt(j) === MINUS ? j + 1 : j;
        const next = text.charCodeAt(first + 1);
        same = !(text.charCodeAt(first) === D0 && (isDigit(next) || lower(next) === 120));
      }
    }
    if (same) rememberValue(name, text.slice(j, end), attribute, valueName, ANY_PARSE);
    else if (name.valueText !== null) forgetValue(name);
  }

  /**
   * Remembers `attribute`, the value of record attribute `name` the parser read from
   * `text[start, end)` (its first token to its last), for the next ad, as {@link rememberOperand}
   * does for lone operands — an expression of ads of one queue often repeats ad after ad
   * (`Requirements`, `Rank`, `PeriodicHold`), and a repeat followed by `;` or `]` then costs the
   * lexer one comparison (rememberedValue) instead of its tokens and the parser's rules.
   * The same text in the same place (after a record attribute's `=`, before `;` or `]`) lexes
   * and parses to the same node; so it is remembered only when that is all the text says: no
   * lexical problem or unlexable text so far (the lexer is ahead of the parser), and only for
   * parses with this run's options (`rememberKey`: inputIsBytes among them, which changes how
   * non-ASCII strings read). The parser adds: no error found by an action. HTCondor's classad
   * cache shares expressions by name and text the same way (ClassAd::InsertViaCache).
   */
  rememberExpression(name: InternedName, start: number, end: number, attribute: Attribute): void {
    if (this.rememberKey === NO_REMEMBERING || this.problem !== null || this.errors.length > 0) return;
    const length = end - start;
    if (length > MAX_REMEMBERED) return;
    // A copy: a slice would keep the whole text alive. Concatenated, the slice is copied into a
    // new flat string, of which `slice(1)` keeps only that copy alive.
    const slice = this.text.slice(start, end);
    rememberValue(name, length < 13 ? slice : ` ${slice}`.slice(1), attribute, null, this.rememberKey);
  }

  /**
   * A `.`: a real (`.5`), the selection dot, or — as libclassad's lexer reads it — a `..` that is
   * one selection dot when no digit follows (`a..b` is `a.b`) and the start of a real when one does.
   */
  private dot(start: number): boolean {
    const text = this.text;
    let i = start + 1;
    if (text.charCodeAt(i) === DOT) i++;
    if (isDigit(text.charCodeAt(i))) return this.number(start, start);
    this.push(T.Dot, start, i, null);
    this.pos = i;
    return true;
  }

  /**
   * A number at `start` (`digits` is where its digits or leading dot begin: after a folded `-`).
   * Mirrors libclassad's tokenizeNumber, including its errors: `1.`, `1e`, `0x` without digits,
   * and leading-zero integers (with old semantics, or holding an 8 or 9).
   */
  private number(start: number, digits: number): boolean {
    const literal = this.numberLiteral(start, digits);
    this.push(literal.value.type === "real" ? T.Real : T.Integer, start, this.pos, literal);
    return true;
  }

  /** Scans the number at `start` (see {@link number}); returns its node and leaves `pos` after it. */
  private numberLiteral(start: number, digits: number): LiteralExpr {
    const text = this.text;
    // The common case first: a decimal integer of at most 15 digits, not starting with 0.
    const first0 = text.charCodeAt(digits);
    if (first0 > D0 && first0 <= D9) {
      let v = first0 - D0;
      let j = digits + 1;
      let c = text.charCodeAt(j);
      while (c >= D0 && c <= D9 && j - digits < 15) {
        v = v * 10 + (c - D0);
        c = text.charCodeAt(++j);
      }
      if (!(c >= D0 && c <= D9) && c !== DOT && lower(c) !== 101) {
        this.pos = j;
        if (digits === start && v < SMALL_INTEGERS.length) return SMALL_INTEGERS[v] as LiteralExpr;
        return { kind: "literal", value: { type: "integer", value: BigInt(digits === start ? v : -v) } };
      }
    }
    let i = digits;
    let real = false;
    const first = text.charCodeAt(i);
    let broken: string | null = null;
    let expected = "";
    if (first === D0 && lower(text.charCodeAt(i + 1)) === 120) {
      // Hexadecimal: libclassad's lexer takes the digits, then reads the text in base 10 (→ 0).
      i += 2;
      if (!isHexDigit(text.charCodeAt(i))) {
        broken = `malformed hexadecimal integer "${text.slice(start, i)}": no digits after '0x'`;
        expected = "hexadecimal digits";
      }
      while (isHexDigit(text.charCodeAt(i))) i++;
    } else {
      let octal = true;
      while (isDigit(text.charCodeAt(i))) {
        if (text.charCodeAt(i) > D7) octal = false;
        i++;
      }
      let c = text.charCodeAt(i);
      if (c === DOT || lower(c) === 101) real = true;
      else if (first === D0 && !octal) {
        broken = `illegal octal integer literal "${text.slice(start, i)}"`;
        expected = "a decimal integer without leading zeros";
      }
      if (c === DOT || first === DOT) {
        // A fraction (libclassad also swallows a second dot right after a leading one: `..5`).
        i++;
        if (first === DOT && text.charCodeAt(i) === DOT) i++;
        real = true;
        if (!isDigit(text.charCodeAt(i)) && broken === null) {
          broken = `malformed real number "${text.slice(start, i)}": a digit must follow the decimal point`;
          expected = "a digit after '.'";
        }
        while (isDigit(text.charCodeAt(i))) i++;
        c = text.charCodeAt(i);
      }
      if (real && lower(c) === 101 && broken === null) {
        i++;
        c = text.charCodeAt(i);
        if (c === PLUS || c === MINUS) i++;
        if (!isDigit(text.charCodeAt(i))) {
          broken = `malformed real number "${text.slice(start, i)}": the exponent has no digits`;
          expected = "exponent digits";
        }
        while (isDigit(text.charCodeAt(i))) i++;
      }
    }
    if (broken !== null) {
      reportProblem(this, { offset: start, length: i - start, message: broken, expected: [expected] });
    } else if (!real && this.oldSemantics && first === D0 && start === digits && i - start > 1) {
      // Old semantics reject a leading zero; like libclassad, only when the text starts with it.
      reportProblem(this, {
        offset: start,
        length: i - start,
        message: `integer literal "${text.slice(start, i)}" has a leading zero (not allowed with old ClassAd semantics)`,
        expected: ["a decimal integer without leading zeros"],
      });
    }
    this.pos = i;
    return real
      ? { kind: "literal", value: { type: "real", value: realFromImage(text.slice(start, i)) } }
      : integerLiteral(text, start, i);
  }

  /**
   * The fast path for the common new-syntax string: no escape, nothing to encode, no adjacent
   * literal to join. Returns its value and leaves `pos` after it; null leaves it to the general path.
   */
  private plainString(start: number, quote: number): string | null {
    const text = this.text;
    // NUL ends a string in libclassad (an error): the general path handles it.
    if (this.plain === null) this.plain = isPlain(text);
    if (!this.plain) return null;
    const close = text.indexOf(quote === DQUOTE ? '"' : "'", start + 1);
    if (close < 0) return null;
    if (this.backslash < start) {
      this.backslash = text.indexOf("\\", start);
      if (this.backslash < 0) this.backslash = text.length;
    }
    if (this.backslash < close) return null;
    let j = close + 1;
    while (isSpace(text.charCodeAt(j))) j++;
    if (text.charCodeAt(j) === quote) return null;
    this.pos = close + 1;
    return text.slice(start + 1, close);
  }

  /** A quoted string (`"`) or name (`'`) in the run's syntax: adds its token. */
  private quoted(start: number, quote: number): void {
    const value = this.quotedText(start, quote);
    if (quote === DQUOTE) {
      this.push(T.StringLiteral, start, this.pos, { kind: "literal", value: { type: "string", value } });
    } else {
      const name = newName(value, attributeKey(value), T.QuotedIdentifier);
      this.tokens.push(new Token(T.QuotedIdentifier, this.text, start, this.pos - 1, name, null));
    }
  }

  /** Scans the quoted text at `start`; returns its value and leaves `pos` after it. */
  private quotedText(start: number, quote: number): string {
    if (!this.oldSyntax) {
      const plain = this.plainString(start, quote);
      if (plain !== null) return plain;
    }
    const text = this.text;
    let value: string;
    let end: number;
    if (this.oldSyntax) {
      const scan = scanStringOld(this, text, start, quote);
      value = scan.value;
      end = scan.end;
    } else {
      // Collect the raw bodies of adjacent literals, then decode escapes once over the joined
      // text, as libclassad does (so an octal escape may even span two literals).
      const n = text.length;
      let i = start;
      let raw = "";
      let escapes = false;
      let high = false;
      let literals = 0;
      for (;;) {
        const bodyStart = i + 1;
        i = bodyStart;
        let c = text.charCodeAt(i);
        while (i < n && c !== quote && c !== 0) {
          if (c === 92) {
            escapes = true;
            i++;
          } else if (c >= 0x80) high = true;
          i++;
          c = text.charCodeAt(i);
        }
        if (i >= n || c === 0) {
          reportProblem(this, {
            offset: start,
            length: Math.min(i, n) - start,
            message: `unterminated ${quote === DQUOTE ? "string literal" : "quoted name"}`,
            expected: [quote === DQUOTE ? "'\"'" : '"\'"'],
          });
          raw += text.slice(bodyStart, Math.min(i, n));
          i = Math.min(i, n);
          break;
        }
        raw = raw === "" ? text.slice(bodyStart, i) : raw + text.slice(bodyStart, i);
        literals++;
        i++; // closing quote
        let j = i;
        while (isSpace(text.charCodeAt(j))) j++;
        if (text.charCodeAt(j) !== quote) break;
        i = j;
      }
      end = i;
      // Bytes first (escapes are ASCII; an octal escape yields a byte that must not be re-encoded).
      const bytes = high && !this.inputIsBytes ? utf8Bytes(raw) : raw;
      // Problems inside one plain literal point at their escape; in joined ones, at the start.
      value = escapes
        ? decodeEscapes(this, bytes, literals === 1 && bytes === raw ? start + 1 : -1, start)
        : bytes;
    }
    this.pos = end;
    return value;
  }
}

/**
 * Whether `text` holds `part` at `at`. `startsWith` compares a character at a time (~1.5 ns
 * each); from 16 characters on, a slice (V8 makes a view, not a copy) and `===` compare in one
 * step — after a test of the last character, since most misses differ there too.
 */
function holdsAt(text: string, at: number, part: string): boolean {
  const n = part.length;
  if (n < 16) return text.startsWith(part, at);
  return text.charCodeAt(at + n - 1) === part.charCodeAt(n - 1) && text.slice(at, at + n) === part;
}

/** Lexer.rememberKey of a run whose expressions are not remembered. */
const NO_REMEMBERING = -1;

/** The longest expression text Lexer.rememberExpression keeps (per name: a bounded cache). */
const MAX_REMEMBERED = 1024;

/** Whether `text` is plain: no character ≥ 0x80 and no NUL (strings then need no encoding). */
function isPlain(text: string): boolean {
  // As many UTF-8 bytes as characters: all ASCII (a native count, faster than a regexp test).
  return Buffer.byteLength(text, "utf8") === text.length && !text.includes("\0");
}

/** From this length on, the lexer reads a sequential copy of plain text (see its constructor). */
const FLATTEN_FROM = 64;

/** UTF-8 bytes (as a byte string) of text that holds non-ASCII characters. */
function utf8Bytes(text: string): string {
  return Buffer.from(text, "utf8").toString("latin1");
}

function keywordLiteral(keyword: TokenType): LiteralExpr | null {
  switch (keyword) {
    case T.True:
      return TRUE;
    case T.False:
      return FALSE;
    case T.Undefined:
      return UNDEFINED;
    case T.ErrorKeyword:
      return ERROR;
    default:
      return null;
  }
}

/** A real's value as strtod reads libclassad's token text (`..5` reads as 0). */
function realFromImage(image: string): number {
  const v = Number(image);
  return Number.isNaN(v) ? 0 : v;
}

/**
 * An integer literal's node: the text in base 10 as libclassad reads it (`std::from_chars`: the
 * leading digits, so `0x1F` is 0; out of the int64 range is 0).
 */
function integerLiteral(text: string, start: number, end: number): LiteralExpr {
  const negative = text.charCodeAt(start) === MINUS;
  let i = negative ? start + 1 : start;
  let digitsEnd = i;
  while (digitsEnd < end && isDigit(text.charCodeAt(digitsEnd))) digitsEnd++;
  if (digitsEnd - i <= 15) {
    let v = 0;
    for (; i < digitsEnd; i++) v = v * 10 + (text.charCodeAt(i) - D0);
    if (!negative && v < SMALL_INTEGERS.length) return SMALL_INTEGERS[v] as LiteralExpr;
    return { kind: "literal", value: { type: "integer", value: BigInt(negative ? -v : v) } };
  }
  const big = BigInt(text.slice(start, digitsEnd));
  return {
    kind: "literal",
    value: { type: "integer", value: big < INT64_MIN || big > INT64_MAX ? 0n : big },
  };
}

/**
 * Tokenizes `text`. Lexical problems (bad escapes, malformed numbers, unterminated strings) are
 * in the result's `problem` (the first one); characters no token starts with are in `errors`.
 */
export function tokenize(text: string, options: TokenizeOptions = {}): Lexing {
  return new Lexer(text, options).run();
}

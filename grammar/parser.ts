/**
 * The ClassAd grammar: a chevrotain parser with embedded actions that builds the AST of
 * src/classad/ast.ts directly (no CST), from the tokens of lexer.ts. It follows libclassad's
 * recursive-descent parser (src/classad/source.cpp):
 *
 *   expression ::= binary [ '?' expression ':' expression ]        right-grouping ternary
 *   binary     ::= unary { binaryOperator unary }                   ten left-associative levels
 *   unary      ::= unaryOperator unary | postfix
 *   postfix    ::= primary { '.' name | '[' expression ']' | '?:' postfix }
 *   primary    ::= name [ '(' arguments ')' ] | '.' name | '(' expression ')'
 *                | record | list | literal
 *   record     ::= '[' { ';' } [ attribute { ';' [ attribute ] } ] ']'
 *   attribute  ::= name '=' expression
 *
 * The ten binary precedence levels (`||` lowest, then `&&`, `|`, `^`, `&`, equality, relational,
 * shift, additive, multiplicative) are one rule that reads the operand/operator chain and folds
 * it by precedence, instead of ten nested rules: most values are a single operand, and a rule
 * invocation per level per value was most of the grammar's cost.
 *
 * One instance is reused for every parse (chevrotain's recommended usage). What belongs to one
 * parse — its options and what its errors expected — is a {@link ParseRun} made by
 * {@link ClassAdParser.begin}, never state shared between parses.
 */
import {
  EmbeddedActionsParser,
  EOF,
  type IOrAlt,
  type IParserErrorMessageProvider,
  type IToken,
} from "chevrotain";
import type { Attribute, BinaryOp, Expr, LiteralExpr, RecordExpr, UnaryOp } from "../src/classad/ast.js";
import { parseAbsTimeText, parseRelTimeText } from "../src/classad/time-literal.js";
import { type AttributeRun, type Lexer, Token } from "./lexer.js";
import { type InternedName, newName } from "./names.js";
import * as T from "./tokens.js";

/** A binary operator's AST spelling and precedence (1 = `||` … 10 = multiplicative). */
interface OperatorInfo {
  readonly op: BinaryOp;
  readonly precedence: number;
}

const binaryOperators = new Map<number, OperatorInfo>();
for (const [type, op, precedence] of [
  [T.OrOr, "||", 1],
  [T.AndAnd, "&&", 2],
  [T.Pipe, "|", 3],
  [T.Caret, "^", 4],
  [T.Ampersand, "&", 5],
  [T.Equal, "==", 6],
  [T.NotEqual, "!=", 6],
  [T.MetaEqual, "=?=", 6],
  [T.MetaNotEqual, "=!=", 6],
  [T.Is, "=?=", 6],
  [T.Isnt, "=!=", 6],
  [T.Less, "<", 7],
  [T.LessEqual, "<=", 7],
  [T.Greater, ">", 7],
  [T.GreaterEqual, ">=", 7],
  [T.LeftShift, "<<", 8],
  [T.RightShift, ">>", 8],
  [T.URightShift, ">>>", 8],
  [T.Plus, "+", 9],
  [T.Minus, "-", 9],
  [T.Star, "*", 10],
  [T.Slash, "/", 10],
  [T.Percent, "%", 10],
] as const) {
  binaryOperators.set(type.tokenTypeIdx as number, { op, precedence });
}

const unaryOperators = new Map<number, UnaryOp>([
  [T.Minus.tokenTypeIdx as number, "-"],
  [T.Plus.tokenTypeIdx as number, "+"],
  [T.Bang.tokenTypeIdx as number, "!"],
  [T.Tilde.tokenTypeIdx as number, "~"],
]);

/** Token types that cannot continue an expression (`;`, `,`, closing brackets, `:`, end). */
const endsExpression = new Uint8Array(256);
for (const type of [T.Semicolon, T.Comma, T.RBracket, T.RParen, T.RBrace, T.Colon, EOF]) {
  endsExpression[type.tokenTypeIdx as number] = 1;
}

const literalTypes = new Uint8Array(256);
for (const type of [T.Integer, T.Real, T.StringLiteral, T.True, T.False, T.Undefined, T.ErrorKeyword]) {
  literalTypes[type.tokenTypeIdx as number] = 1;
}
/** Name token types, before and after markLoneOperands retypes them. */
const nameTypes = new Uint8Array(256);
for (const type of [T.Identifier, T.QuotedIdentifier, T.LoneName, T.PlainName]) {
  nameTypes[type.tokenTypeIdx as number] = 1;
}

/** Token types that continue a postfix expression after a literal or name (`.`, `[`, `(`, `?:`). */
const continuesOperand = new Uint8Array(256);
for (const type of [T.Dot, T.LBracket, T.LParen, T.Elvis]) continuesOperand[type.tokenTypeIdx as number] = 1;

/**
 * Retypes each literal or name that is a whole expression by itself — the token after it cannot
 * continue an expression — as LoneLiteral / LoneName, and each other one that is a whole operand
 * — no `.`, `[`, `(` or `?:` follows — as PlainLiteral / PlainName (see tokens.ts). Sound because
 * after a literal or name only an operator, `?`, `.`, `[`, `?:` or (for a name) `(` can extend an
 * expression; the retyped tokens keep their categories, so other rules still accept them.
 */
export function markLoneOperands(tokens: readonly Token[], from = 0, to = tokens.length): void {
  const n = tokens.length;
  for (let i = from; i < to; i++) {
    const token = tokens[i] as Token;
    const type = token.tokenTypeIdx;
    const literal = literalTypes[type] === 1;
    if (!literal && nameTypes[type] !== 1) continue;
    const next = i + 1 < n ? (tokens[i + 1] as Token).tokenTypeIdx : EOF_INDEX;
    if (endsExpression[next] === 1) token.retype(literal ? T.LoneLiteral : T.LoneName);
    else if (continuesOperand[next] !== 1) token.retype(literal ? T.PlainLiteral : T.PlainName);
  }
}

const EOF_INDEX = EOF.tokenTypeIdx as number;
const DOT = T.Dot.tokenTypeIdx as number;

/** Tokens that continue a postfix expression: a selection, a subscript, an Elvis. */
const postfixTypes = new Uint8Array(256);
for (const type of [T.Dot, T.LBracket, T.Elvis]) postfixTypes[type.tokenTypeIdx as number] = 1;

/**
 * Tokens a postfix expression starts with (primary's: a literal, a name, `.`, `(`, `[`, `{`);
 * with anything else the unary rule is the one to take (or refuse) it.
 */
const postfixStartTypes = new Uint8Array(256);
for (let i = 0; i < 256; i++) postfixStartTypes[i] = literalTypes[i] === 1 || nameTypes[i] === 1 ? 1 : 0;
for (const type of [T.LoneLiteral, T.PlainLiteral, T.Dot, T.LParen, T.LBracket, T.LBrace]) {
  postfixStartTypes[type.tokenTypeIdx as number] = 1;
}

/** Token types of lone operands, and of plain ones (lone operands are plain too). */
const loneOperandTypes = new Uint8Array(256);
const plainOperandTypes = new Uint8Array(256);
for (const type of [T.LoneLiteral, T.LoneName]) loneOperandTypes[type.tokenTypeIdx as number] = 1;
for (const type of [T.LoneLiteral, T.LoneName, T.PlainLiteral, T.PlainName]) {
  plainOperandTypes[type.tokenTypeIdx as number] = 1;
}

/** What a rule returns while chevrotain records the grammar (never seen by callers). */
const RECORDING: Expr = Object.freeze({ kind: "literal", value: Object.freeze({ type: "undefined" }) });

/** Per-parse settings of {@link ClassAdParser}. */
export interface GrammarOptions {
  /** Allows `;` between function arguments (HTCondor's old semantics). */
  readonly oldSemantics: boolean;
  /** Record source offsets in the AST (`offset` on nodes, `nameOffset` on attributes). */
  readonly offsets: boolean;
}

/** A syntax error the grammar's actions found (the token sequence was fine, its meaning is not). */
export interface ActionError {
  readonly offset: number;
  readonly length: number;
  readonly message: string;
  readonly expected: readonly string[];
}

/** One parse: its settings, and what its errors found (for the caller to report). */
export interface ParseRun extends GrammarOptions {
  /** What chevrotain's error messages found to be expected. */
  expected: string[];
  /** The first error found by an action, if any. */
  actionError: ActionError | null;
}

/** Tokens the lexer runs ahead of a streaming parse. */
const STREAM_BATCH = 4096;

/** Chevrotain's token-vector state (its LexerAdapter), which a lazy lexer may drive. */
interface TokenVectorState {
  tokVector: (Token | undefined)[];
  tokVectorLength: number;
  currIdx: number;
}

/** What the lookahead answers past the last token. */
const END_OF_INPUT = new Token(EOF, "", Number.NaN, Number.NaN, null, null);

/** A parsed record: its attributes by case-insensitive key (in order), and where it starts. */
export interface RecordParts {
  readonly byKey: Map<string, Attribute>;
  readonly offset: number;
}

/** A node under construction that may receive its source offset. */
type Locatable = { offset?: number };

/** The ClassAd grammar. Build one, reuse it: call {@link begin} before each parse. */
export class ClassAdParser extends EmbeddedActionsParser {
  /** The parse in progress (a fresh object per parse, set by {@link begin}). */
  run: ParseRun = { oldSemantics: false, offsets: false, expected: [], actionError: null };

  constructor(errorMessageProvider?: IParserErrorMessageProvider) {
    super(T.allTokens, { maxLookahead: 1, ...(errorMessageProvider ? { errorMessageProvider } : {}) });
    this.performSelfAnalysis();
  }

  /** Sets the tokens and options of the next parse. */
  begin(tokens: Token[], options: GrammarOptions, lexer: Lexer | null = null): ParseRun {
    this.input = tokens;
    this.stream = null;
    this.lexer = lexer;
    this.recordState = null;
    this.run = {
      oldSemantics: options.oldSemantics,
      offsets: options.offsets,
      expected: [],
      actionError: null,
    };
    return this.run;
  }

  /**
   * Sets a lexer and the options of the next parse, for long texts: the lexer runs a batch ahead
   * of the parser and the parser drops the tokens it has consumed. Lexed all at once, the millions
   * of tokens of an ANNEX_JOBS snapshot all stay alive until the parse ends, so the garbage
   * collector copies every one of them into the old generation; streamed, they die young.
   * (Chevrotain's LexerAdapter is meant to be overridden this way for lazy lexers; it is done in
   * this one class, so the parser's hot lookahead calls stay monomorphic.)
   */
  beginStreaming(lexer: Lexer, options: GrammarOptions): ParseRun {
    const run = this.begin(lexer.tokens, options, lexer);
    this.stream = { more: true, marked: 0, dropped: 0 };
    return run;
  }

  /**
   * The lexer of the tokens, when given: record attributes' values are remembered there, and a
   * streaming parse lexes on with it.
   */
  private lexer: Lexer | null = null;

  /** The progress of a streaming parse (null: every token is in the vector). */
  private stream: { more: boolean; marked: number; dropped: number } | null = null;

  private get vector(): TokenVectorState {
    return this as unknown as TokenVectorState;
  }

  /** Lexes on to at least `index` (and a batch beyond), first dropping consumed tokens. */
  private fill(index: number): void {
    const stream = this.stream as NonNullable<typeof this.stream>;
    const lexer = this.lexer as Lexer;
    const tokens = lexer.tokens as (Token | undefined)[];
    const vector = this.vector;
    // Keep LA(0), the last consumed token: error messages name it.
    for (; stream.dropped < vector.currIdx; stream.dropped++) tokens[stream.dropped] = undefined;
    stream.more = lexer.advance(index + STREAM_BATCH);
    // A token's lone-operand check needs the token after it (or the end).
    const upTo = stream.more ? tokens.length - 1 : tokens.length;
    markLoneOperands(lexer.tokens, stream.marked, upTo);
    stream.marked = upTo;
    // While text remains, the last token may still grow (an Attributes token takes the next
    // attribute too): the parser gets it once the lexer has moved past it.
    vector.tokVectorLength = stream.more ? tokens.length - 1 : tokens.length;
  }

  /** The token at `index` when it is past the vector: lexed on demand, else the end. */
  private beyond(index: number): IToken {
    const vector = this.vector;
    if (index >= 0 && this.stream?.more) {
      this.fill(index);
      if (index < vector.tokVectorLength) return vector.tokVector[index] ?? END_OF_INPUT;
    }
    return END_OF_INPUT;
  }

  /** Chevrotain's lookahead, bounded here (no end-of-input sentinels) and lexing on demand. */
  override LA_FAST(howMuch: number): IToken {
    const vector = this.vector;
    const index = vector.currIdx + howMuch;
    if (index < vector.tokVectorLength) return vector.tokVector[index] as IToken;
    return this.beyond(index);
  }

  protected override LA(howMuch: number): IToken {
    const vector = this.vector;
    const index = vector.currIdx + howMuch;
    if (index >= 0 && index < vector.tokVectorLength) return vector.tokVector[index] ?? END_OF_INPUT;
    return this.beyond(index);
  }

  /** No end-of-input sentinels (chevrotain pads the vector with them): the lookahead knows the end. */
  onBeforeParse(): void {}

  private at<N extends Expr>(node: N, offset: number): N {
    if (this.run.offsets) (node as Locatable).offset = offset;
    return node;
  }

  /** Entry: one expression, then end of input. */
  public expressionEntry = this.RULE("expressionEntry", (): Expr => this.SUBRULE(this.expression));

  /** Entry: one record (a new-syntax ad), then end of input. */
  public recordEntry = this.RULE("recordEntry", (): RecordParts => this.SUBRULE(this.record));

  /** Entry: any number of records back to back (`[ a = 1 ] [ b = 2 ]`), then end of input. */
  public recordSequenceEntry = this.RULE("recordSequenceEntry", (): RecordParts[] => {
    const records: RecordParts[] = [];
    this.MANY(() => {
      records.push(this.SUBRULE(this.record));
    });
    return records;
  });

  /** The AST node of a parsed record. */
  recordNode(parts: RecordParts): RecordExpr {
    return this.at({ kind: "record", attributes: [...parts.byKey.values()] }, parts.offset);
  }

  /**
   * An expression. Most values in ads are a lone literal or name (`12`, `"x"`, `Owner`), which
   * markLoneOperands has retyped: {@link takeOperand} takes one in one step instead of descending
   * through the operator, unary, postfix and primary rules, which accept the same.
   */
  public expression: () => Expr = this.RULE("expression", (): Expr => {
    const lone = this.takeOperand(loneOperandTypes);
    if (lone !== null) return lone;
    const condition = this.SUBRULE(this.binary);
    const branches = this.OPTION(this.ternaryBranches);
    if (branches === undefined) return condition;
    const ternary: Expr = { kind: "ternary", cond: condition, ifTrue: branches[0], ifFalse: branches[1] };
    return this.at(ternary, (condition as Locatable).offset ?? 0);
  });

  /** `? ifTrue : ifFalse` after a condition (made once: an OPTION's closure is made at every call). */
  private readonly ternaryBranches = (): [Expr, Expr] => {
    this.CONSUME(T.Question);
    const ifTrue = this.SUBRULE(this.expression);
    this.CONSUME(T.Colon);
    const ifFalse = this.SUBRULE2(this.expression);
    return [ifTrue, ifFalse];
  };

  /**
   * Takes the next token when its type is one of `types` (lone or plain operands, retyped by
   * markLoneOperands) and returns its node; null (nothing taken) otherwise. The rule that would
   * take it (unary, through postfix and primary) accepts the same token and builds the same node,
   * so this is that rule's choice made without its calls. While chevrotain records the grammar it
   * takes nothing, so the recorded rules are the full ones.
   */
  private takeOperand(types: Uint8Array): Expr | null {
    if (this.RECORDING_PHASE) return null;
    const next = this.LA_FAST(1) as Token;
    if (types[next.tokenTypeIdx] !== 1) return null;
    this.vector.currIdx++;
    return this.operand(next);
  }

  /**
   * Whether the next token starts a postfix expression, which unary would hand to its postfix
   * alternative: then binary calls postfix itself (one rule call and one choice fewer). While
   * chevrotain records the grammar, false: the recorded binary calls unary.
   */
  private startsPostfix(): boolean {
    return !this.RECORDING_PHASE && postfixStartTypes[this.LA_FAST(1).tokenTypeIdx] === 1;
  }

  /** The node of a literal or name token standing alone. */
  private operand(token: Token): Expr {
    if (token.literal !== null) {
      return this.run.offsets ? { ...token.literal, offset: token.startOffset } : token.literal;
    }
    return this.at({ kind: "attr", name: nameOf(token).name, absolute: false }, token.startOffset);
  }

  /** The binary operator chain, folded by precedence (all levels are left-associative). */
  private binary: () => Expr = this.RULE("binary", (): Expr => {
    const first =
      this.takeOperand(plainOperandTypes) ??
      (this.startsPostfix() ? this.SUBRULE(this.postfix) : this.SUBRULE(this.unary));
    let operands: Expr[] | null = null;
    let operators: OperatorInfo[] | null = null;
    this.MANY(() => {
      const token = this.CONSUME(T.BinaryOperator);
      const operand =
        this.takeOperand(plainOperandTypes) ??
        (this.startsPostfix() ? this.SUBRULE2(this.postfix) : this.SUBRULE2(this.unary));
      if (this.RECORDING_PHASE) return;
      const info = binaryOperators.get(token.tokenTypeIdx) as OperatorInfo;
      if (operands === null || operators === null) {
        operands = [first];
        operators = [];
      }
      // Shunting-yard: reduce while the stacked operator binds at least as tightly.
      while (
        operators.length > 0 &&
        (operators[operators.length - 1] as OperatorInfo).precedence >= info.precedence
      ) {
        reduce(operands, operators, this.run.offsets);
      }
      operators.push(info);
      operands.push(operand);
    });
    if (operands === null || operators === null) return first;
    const stackedOperands: Expr[] = operands;
    const stackedOperators: OperatorInfo[] = operators;
    while (stackedOperators.length > 0) reduce(stackedOperands, stackedOperators, this.run.offsets);
    return stackedOperands[0] as Expr;
  });

  /** unary's alternatives, made once (an OR's array and closures would be made at every call). */
  private readonly unaryAlternatives: IOrAlt<Expr>[] = [
    {
      ALT: () => {
        const token = this.CONSUME(T.UnaryOperator);
        const operand = this.SUBRULE(this.unary);
        const op = unaryOperators.get(token.tokenTypeIdx) as UnaryOp;
        return this.at({ kind: "unary", op, operand } as Expr, token.startOffset);
      },
    },
    { ALT: () => this.SUBRULE(this.postfix) },
  ];

  private unary: () => Expr = this.RULE("unary", (): Expr => {
    const plain = this.takeOperand(plainOperandTypes);
    if (plain !== null) return plain;
    return this.OR(this.unaryAlternatives);
  });

  private postfix: () => Expr = this.RULE("postfix", (): Expr => {
    // `TARGET.Memory`, `MY.Cpus`: the name and its selections are taken here, as primary and
    // the MANY below would take them (the same tokens and nodes), without their calls.
    const first = this.LA_FAST(1) as Token;
    let base: Expr;
    if (
      !this.RECORDING_PHASE &&
      nameTypes[first.tokenTypeIdx] === 1 &&
      this.LA_FAST(2).tokenTypeIdx === DOT
    ) {
      this.vector.currIdx++;
      base = this.at({ kind: "attr", name: nameOf(first).name, absolute: false }, first.startOffset);
    } else base = this.SUBRULE(this.primary);
    const start = (base as Locatable).offset ?? 0;
    while (!this.RECORDING_PHASE && this.LA_FAST(1).tokenTypeIdx === DOT) {
      const name = this.LA_FAST(2) as Token;
      if (nameTypes[name.tokenTypeIdx] !== 1) break;
      this.vector.currIdx += 2;
      base = this.at({ kind: "select", base, name: nameOf(name).name }, start);
    }
    // Mostly nothing follows: the MANY (a closure and its lookahead) would take no turn.
    if (!this.RECORDING_PHASE && postfixTypes[this.LA_FAST(1).tokenTypeIdx] !== 1) return base;
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.Dot);
            const name = this.CONSUME(T.NameToken) as Token;
            base = this.at({ kind: "select", base, name: nameOf(name).name }, start);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.LBracket);
            const index = this.SUBRULE(this.expression);
            this.CONSUME(T.RBracket);
            base = this.at({ kind: "subscript", base, index }, start);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Elvis);
            const right = this.SUBRULE2(this.postfix);
            base = this.at({ kind: "binary", op: "?:", left: base, right }, start);
          },
        },
      ]);
    });
    return base;
  });

  /** A call's argument list after a name (made once, see unaryAlternatives). */
  private readonly callArguments = (): Expr[] => this.SUBRULE(this.argumentList);

  /** primary's alternatives, made once (see unaryAlternatives). */
  private readonly primaryAlternatives: IOrAlt<Expr>[] = [
    {
      ALT: () => {
        const token = this.CONSUME(T.LiteralToken) as Token;
        if (this.RECORDING_PHASE) return RECORDING;
        return this.run.offsets
          ? { ...(token.literal as LiteralExpr), offset: token.startOffset }
          : (token.literal as LiteralExpr);
      },
    },
    {
      ALT: () => {
        const token = this.CONSUME(T.NameToken) as Token;
        const args = this.OPTION(this.callArguments);
        if (this.RECORDING_PHASE) return RECORDING;
        const name = nameOf(token).name;
        if (args === undefined) return this.at({ kind: "attr", name, absolute: false }, token.startOffset);
        const folded = foldTimeLiteral(name, args);
        if (folded === INVALID_TIME) {
          this.actionError(token, `invalid ${name}() literal: the text is not a time`, ["a valid time text"]);
          return folded; // shared and frozen: the parse fails anyway, so no offset
        }
        return this.at(folded ?? { kind: "call", name, args }, token.startOffset);
      },
    },
    {
      ALT: () => {
        const dot = this.CONSUME(T.Dot);
        const name = this.CONSUME2(T.NameToken) as Token;
        if (this.RECORDING_PHASE) return RECORDING;
        return this.at({ kind: "attr", name: nameOf(name).name, absolute: true }, dot.startOffset);
      },
    },
    {
      ALT: () => {
        const open = this.CONSUME(T.LParen);
        const inner = this.SUBRULE(this.expression);
        this.CONSUME(T.RParen);
        return this.at({ kind: "paren", inner }, open.startOffset);
      },
    },
    {
      ALT: () => {
        const parts = this.SUBRULE(this.record);
        return this.RECORDING_PHASE ? RECORDING : this.recordNode(parts);
      },
    },
    { ALT: () => this.SUBRULE(this.list) },
  ];

  private primary: () => Expr = this.RULE("primary", (): Expr => {
    return this.OR(this.primaryAlternatives);
  });

  private argumentList: () => Expr[] = this.RULE("argumentList", (): Expr[] => {
    const args: Expr[] = [];
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      args.push(this.SUBRULE(this.expression));
      this.MANY(() => {
        this.OR([
          { ALT: () => this.CONSUME(T.Comma) },
          { GATE: () => this.run.oldSemantics, ALT: () => this.CONSUME(T.Semicolon) },
        ]);
        args.push(this.SUBRULE2(this.expression));
      });
    });
    this.CONSUME(T.RParen);
    return args;
  });

  private list: () => Expr = this.RULE("list", (): Expr => {
    const items: Expr[] = [];
    const open = this.CONSUME(T.LBrace);
    this.OPTION(() => {
      items.push(this.SUBRULE(this.expression));
      this.MANY(() => {
        this.CONSUME(T.Comma);
        items.push(this.SUBRULE2(this.expression));
      });
    });
    this.CONSUME(T.RBrace);
    return this.at({ kind: "list", items }, open.startOffset);
  });

  /**
   * A record's attributes by key. A name defined twice (case-insensitively) keeps its first
   * spelling and position and takes the last value, as libclassad's ClassAd::Insert does.
   *
   * The grammar reads `'[' { ';' | attribute } ']'` so an attribute is parsed in one place (no
   * sub-rule call per attribute); that two attributes need a `;` between them is checked here,
   * with the error libclassad gives ("expected ';' or ']'").
   */
  public record: () => RecordParts = this.RULE("record", (): RecordParts => {
    const outer = this.recordState;
    const state: RecordState = { byKey: new Map(), order: [], separated: true };
    this.recordState = state;
    const open = this.CONSUME(T.LBracket);
    this.MANY(this.recordItem);
    this.CONSUME(T.RBracket);
    this.recordState = outer;
    return { byKey: state.byKey, offset: open.startOffset };
  });

  /** The record being read (innermost); null outside records. */
  private recordState: RecordState | null = null;

  /** One turn of a record's MANY (made once: its OR array and closures would be made per turn). */
  private readonly recordItem = (): void => {
    this.OR(this.recordAlternatives);
  };

  /** The state of the record being read (the alternatives run only inside the record rule). */
  private currentRecord(): RecordState {
    return this.recordState as RecordState;
  }

  private readonly recordAlternatives: IOrAlt<void>[] = [
    {
      ALT: () => {
        this.CONSUME(T.Semicolon);
        this.currentRecord().separated = true;
      },
    },
    {
      ALT: () => {
        const token = this.CONSUME(T.NameToken) as Token;
        this.CONSUME(T.Assign);
        const valueStart = this.RECORDING_PHASE ? 0 : this.LA_FAST(1).startOffset;
        const expr = this.SUBRULE(this.expression);
        if (this.RECORDING_PHASE) return;
        const state = this.currentRecord();
        if (!state.separated) this.actionError(token, "unexpected", ["';'", "']'"]);
        state.separated = false;
        const attribute = this.define(state, token, expr);
        if (this.lexer !== null && this.run.actionError === null) {
          // For the next ad (Lexer.rememberExpression): the value's text, first token to last.
          const valueEnd = (this.LA(0) as Token).endOffset + 1;
          this.lexer.rememberExpression(nameOf(token), valueStart, valueEnd, attribute);
        }
      },
    },
    {
      // Attributes `name = operand ;` read by the lexer as one token (lexer.ts,
      // Lexer.attribute): always after a `;` or the `[`; the last is followed by `]` when it
      // did not take a `;`.
      ALT: () => {
        const token = this.CONSUME(T.Attributes) as Token;
        if (this.RECORDING_PHASE) return;
        const state = this.currentRecord();
        state.separated = true;
        const run = token.run as AttributeRun;
        state.order.push(run);
        const { names, attributes } = run;
        for (let i = 0; i < names.length; i++) {
          insert(state, names[i] as InternedName, attributes[i] as Attribute);
        }
      },
    },
  ];

  /** Adds the attribute `token` names, with value `expr`, to a record (see {@link insert}). */
  private define(state: RecordState, token: Token, expr: Expr): Attribute {
    const name = nameOf(token);
    if (name.name === "") {
      // libclassad's ClassAd::Insert refuses an empty name, which fails the whole parse.
      this.actionError(token, "an attribute name may not be empty", ["a non-empty attribute name"]);
    }
    const attribute: Attribute = this.run.offsets
      ? { name: name.name, expr, nameOffset: token.startOffset }
      : { name: name.name, expr };
    state.order.push(name);
    insert(state, name, attribute);
    return attribute;
  }

  /** Records the first error an action finds (the parse then fails with it, if it is leftmost). */
  private actionError(token: Token, message: string, expected: readonly string[]): void {
    if (this.run.actionError !== null && this.run.actionError.offset <= token.startOffset) return;
    const text =
      message === "unexpected" ? `unexpected '${token.image}'; expected ${expected.join(", ")}` : message;
    this.run.actionError = { offset: token.startOffset, length: token.image.length, message: text, expected };
  }
}

/** A name for the tokens chevrotain fabricates while it records the grammar. */
const NO_NAME: InternedName = newName("", "", T.Identifier);

/** The name a name token carries (our lexer's name tokens always carry one). */
function nameOf(token: Token): InternedName {
  return token.name ?? NO_NAME;
}

/** A record being read: its attributes by key, what defined them in order, and whether a `;` came last. */
interface RecordState {
  readonly byKey: Map<string, Attribute>;
  /** The names defined and the runs taken, in order (read only for a name defined twice). */
  readonly order: (InternedName | AttributeRun)[];
  separated: boolean;
}

/**
 * Puts an attribute in a record's map. A name defined twice (case-insensitively) keeps its first
 * spelling and takes the last value, as libclassad's ClassAd::Insert does. The map's size tells
 * a new key from a redefined one (one hash lookup, not two); only then is the first spelling
 * looked for in `order`.
 */
function insert(state: RecordState, name: InternedName, attribute: Attribute): void {
  const byKey = state.byKey;
  const size = byKey.size;
  byKey.set(name.key, attribute);
  if (byKey.size !== size) return;
  const first = firstSpelling(state.order, name.key);
  if (first !== attribute.name) byKey.set(name.key, { ...attribute, name: first });
}

/** The spelling of the first definition of `key` in `order`. */
function firstSpelling(order: readonly (InternedName | AttributeRun)[], key: string): string {
  for (const item of order) {
    const names = "names" in item ? item.names : [item];
    for (const name of names) if (name.key === key) return name.name;
  }
  throw new Error(`no definition of ${key}`); // unreachable: the redefined name is in order
}

/** Pops two operands and an operator and pushes their binary node. */
function reduce(operands: Expr[], operators: OperatorInfo[], offsets: boolean): void {
  const right = operands.pop() as Expr;
  const left = operands.pop() as Expr;
  const { op } = operators.pop() as OperatorInfo;
  const node: Expr & Locatable = { kind: "binary", op, left, right };
  if (offsets) node.offset = (left as Locatable).offset ?? 0;
  operands.push(node);
}

/** What {@link foldTimeLiteral} returns for a time text libclassad cannot read. */
const INVALID_TIME: LiteralExpr = Object.freeze({ kind: "literal", value: Object.freeze({ type: "error" }) });

/**
 * `absTime("…")` / `relTime("…")` with exactly one string literal fold into a literal at parse
 * time (§2.6); a text that is not a time fails the parse, as in libclassad ({@link INVALID_TIME}).
 */
function foldTimeLiteral(name: string, args: readonly Expr[]): LiteralExpr | null {
  const arg = args[0];
  if (args.length !== 1 || arg === undefined || arg.kind !== "literal" || arg.value.type !== "string")
    return null;
  const lower = name.toLowerCase();
  if (lower === "abstime") {
    const t = parseAbsTimeText(arg.value.value);
    return t === null
      ? INVALID_TIME
      : { kind: "literal", value: { type: "absTime", seconds: t.seconds, offset: t.offset } };
  }
  if (lower === "reltime") {
    const t = parseRelTimeText(arg.value.value);
    return t === null ? INVALID_TIME : { kind: "literal", value: { type: "relTime", seconds: t } };
  }
  return null;
}

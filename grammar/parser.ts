/**
 * The ClassAd grammar (chevrotain CST parser), lowest to highest precedence:
 *
 *   expression     ::= logicalOr [ '?' expression ':' expression ]       right-grouping ternary
 *   logicalOr … multiplicative                                           left-assoc binary levels
 *   unary          ::= unaryOp unary | postfix
 *   postfix        ::= primary { suffix }
 *   suffix         ::= '.' name | '[' expression ']' | '?:' postfix      Elvis at postfix level
 *   primary        ::= name [ argList ] | '.' name | '(' expression ')' | record | list | literal
 *   record         ::= '[' { ';' } [ attr { ';' { ';' } [ attr ] } ] ']'
 *
 * Rules only: the CST is turned into the AST in src/classad/cst-to-ast.ts. One instance is
 * reused for every parse (chevrotain's recommended usage); `oldSemantics` switches the `;`
 * argument separator on.
 */
import { type CstNode, CstParser, type IParserErrorMessageProvider, type TokenType } from "chevrotain";
import {
  AdditiveOp,
  AndOp,
  Assign,
  allTokens,
  BitAndOp,
  BitOrOp,
  BitXorOp,
  Colon,
  Comma,
  Dot,
  Elvis,
  EqualityOp,
  LBrace,
  LBracket,
  LiteralToken,
  LParen,
  MultiplicativeOp,
  NameToken,
  OrOp,
  Question,
  RBrace,
  RBracket,
  RelationalOp,
  RParen,
  Semicolon,
  ShiftOp,
  UnaryOp,
} from "./tokens.js";

export class ClassAdGrammar extends CstParser {
  /** Allows `;` between function arguments (HTCondor's old semantics). */
  oldSemantics = false;

  constructor(errorMessageProvider?: IParserErrorMessageProvider) {
    super(allTokens, { maxLookahead: 2, ...(errorMessageProvider ? { errorMessageProvider } : {}) });
    this.performSelfAnalysis();
  }

  /** Entry: one expression, then end of input. */
  public expressionEntry = this.RULE("expressionEntry", () => {
    this.SUBRULE(this.expression);
  });

  /** Entry: one record (a new-syntax ad), then end of input. */
  public classAdEntry = this.RULE("classAdEntry", () => {
    this.SUBRULE(this.record);
  });

  /** Entry: any number of records back to back (`[ a = 1 ] [ b = 2 ]`), then end of input. */
  public classAdSequenceEntry = this.RULE("classAdSequenceEntry", () => {
    this.MANY(() => this.SUBRULE(this.record));
  });

  public expression: () => CstNode = this.RULE("expression", () => {
    this.SUBRULE(this.logicalOr, { LABEL: "condition" });
    this.OPTION(() => {
      this.CONSUME(Question);
      this.SUBRULE(this.expression, { LABEL: "then" });
      this.CONSUME(Colon);
      this.SUBRULE2(this.expression, { LABEL: "otherwise" });
    });
  });

  private binary(name: string, operator: TokenType, next: () => () => CstNode): () => CstNode {
    return this.RULE(name, () => {
      this.SUBRULE(next(), { LABEL: "operands" });
      this.MANY(() => {
        this.CONSUME(operator, { LABEL: "operators" });
        this.SUBRULE2(next(), { LABEL: "operands" });
      });
    });
  }

  public logicalOr: () => CstNode = this.binary("logicalOr", OrOp, () => this.logicalAnd);
  public logicalAnd: () => CstNode = this.binary("logicalAnd", AndOp, () => this.bitOr);
  public bitOr: () => CstNode = this.binary("bitOr", BitOrOp, () => this.bitXor);
  public bitXor: () => CstNode = this.binary("bitXor", BitXorOp, () => this.bitAnd);
  public bitAnd: () => CstNode = this.binary("bitAnd", BitAndOp, () => this.equality);
  public equality: () => CstNode = this.binary("equality", EqualityOp, () => this.relational);
  public relational: () => CstNode = this.binary("relational", RelationalOp, () => this.shift);
  public shift: () => CstNode = this.binary("shift", ShiftOp, () => this.additive);
  public additive: () => CstNode = this.binary("additive", AdditiveOp, () => this.multiplicative);
  public multiplicative: () => CstNode = this.binary("multiplicative", MultiplicativeOp, () => this.unary);

  public unary: () => CstNode = this.RULE("unary", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(UnaryOp);
          this.SUBRULE(this.unary);
        },
      },
      { ALT: () => this.SUBRULE(this.postfix) },
    ]);
  });

  public postfix: () => CstNode = this.RULE("postfix", () => {
    this.SUBRULE(this.primary);
    this.MANY(() => this.SUBRULE(this.suffix));
  });

  public suffix: () => CstNode = this.RULE("suffix", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Dot);
          this.CONSUME(NameToken);
        },
      },
      {
        ALT: () => {
          this.CONSUME(LBracket);
          this.SUBRULE(this.expression);
          this.CONSUME(RBracket);
        },
      },
      {
        ALT: () => {
          this.CONSUME(Elvis);
          this.SUBRULE(this.postfix);
        },
      },
    ]);
  });

  public primary: () => CstNode = this.RULE("primary", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(NameToken);
          this.OPTION(() => this.SUBRULE(this.argList));
        },
      },
      {
        ALT: () => {
          this.CONSUME(Dot);
          this.CONSUME2(NameToken, { LABEL: "absoluteName" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(LParen);
          this.SUBRULE(this.expression);
          this.CONSUME(RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.record) },
      { ALT: () => this.SUBRULE(this.list) },
      { ALT: () => this.CONSUME(LiteralToken) },
    ]);
  });

  public argList: () => CstNode = this.RULE("argList", () => {
    this.CONSUME(LParen);
    this.OPTION(() => {
      this.SUBRULE(this.expression);
      this.MANY(() => {
        this.OR([
          { ALT: () => this.CONSUME(Comma) },
          { GATE: () => this.oldSemantics, ALT: () => this.CONSUME(Semicolon) },
        ]);
        this.SUBRULE2(this.expression);
      });
    });
    this.CONSUME(RParen);
  });

  public list: () => CstNode = this.RULE("list", () => {
    this.CONSUME(LBrace);
    this.OPTION(() => {
      this.SUBRULE(this.expression);
      this.MANY(() => {
        this.CONSUME(Comma);
        this.SUBRULE2(this.expression);
      });
    });
    this.CONSUME(RBrace);
  });

  public record: () => CstNode = this.RULE("record", () => {
    this.CONSUME(LBracket);
    this.MANY(() => this.CONSUME(Semicolon));
    this.OPTION(() => {
      this.SUBRULE(this.attr);
      this.MANY2(() => {
        this.AT_LEAST_ONE(() => this.CONSUME2(Semicolon));
        this.OPTION2(() => this.SUBRULE2(this.attr));
      });
    });
    this.CONSUME(RBracket);
  });

  public attr: () => CstNode = this.RULE("attr", () => {
    this.CONSUME(NameToken);
    this.CONSUME(Assign);
    this.SUBRULE(this.expression);
  });
}

/**
 * Syntax errors of the ClassAd parsers. They are returned as values ({@link ParseResult}), never
 * thrown: a bad ad in a queue dump is data, not a crash.
 */

/** Where and why a ClassAd text failed to parse. */
export class ClassAdSyntaxError extends Error {
  override readonly name = "ClassAdSyntaxError";
  /** 1-based line of the offending text (within the whole input for old-format streams). */
  readonly line: number;
  /** 1-based column (UTF-16 code units) of the offending text. */
  readonly column: number;
  /** The text that could not be parsed (empty at end of input). */
  readonly offendingText: string;
  /** What the parser would have accepted at that point, as readable token names. */
  readonly expected: readonly string[];
  /** Old-format streams: 0-based index of the ad the error is in. */
  readonly adIndex: number | undefined;
  /** Old-format streams: the attribute whose value failed to parse, when known. */
  readonly attribute: string | undefined;

  constructor(init: {
    message: string;
    line: number;
    column: number;
    offendingText: string;
    expected?: readonly string[];
    adIndex?: number;
    attribute?: string;
  }) {
    const where =
      init.adIndex === undefined
        ? `line ${init.line}, column ${init.column}`
        : `ad ${init.adIndex + 1}${init.attribute === undefined ? "" : ` attribute ${init.attribute}`}, line ${init.line}, column ${init.column}`;
    super(`${where}: ${init.message}`);
    this.line = init.line;
    this.column = init.column;
    this.offendingText = init.offendingText;
    this.expected = init.expected ?? [];
    this.adIndex = init.adIndex;
    this.attribute = init.attribute;
  }

  /** The same error placed in an old-format stream: ad index, attribute and absolute position. */
  locatedIn(where: {
    adIndex: number;
    attribute?: string;
    line: number;
    columnOffset: number;
  }): ClassAdSyntaxError {
    return new ClassAdSyntaxError({
      message: this.reason,
      line: where.line + this.line - 1,
      column: this.line === 1 ? this.column + where.columnOffset : this.column,
      offendingText: this.offendingText,
      expected: this.expected,
      adIndex: where.adIndex,
      ...(where.attribute === undefined ? {} : { attribute: where.attribute }),
    });
  }

  /** The message without the position prefix. */
  get reason(): string {
    const i = this.message.indexOf(": ");
    return i < 0 ? this.message : this.message.slice(i + 2);
  }
}

/** The outcome of a parse: the value, or the first syntax error. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: ClassAdSyntaxError };

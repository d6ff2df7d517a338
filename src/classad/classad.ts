import type { Attribute, Expr, RecordExpr } from "./ast.js";

/**
 * A ClassAd: attributes with case-insensitive names, each bound to an unevaluated expression,
 * and a lexical parent (the enclosing ad, for nested records). Insertion order is kept, and
 * re-defining a name replaces its expression in place.
 */
export class ClassAd {
  private readonly byKey = new Map<string, Attribute>();

  /** The enclosing ad when this ad is a nested record value; `null` at the root. */
  parent: ClassAd | null = null;

  constructor(attributes: Iterable<Attribute> = []) {
    for (const attribute of attributes) this.set(attribute.name, attribute.expr);
  }

  /** Builds an ad from a record node (the parser's output for `[ … ]`). */
  static fromRecord(record: RecordExpr, parent: ClassAd | null = null): ClassAd {
    const ad = new ClassAd(record.attributes);
    ad.parent = parent;
    return ad;
  }

  /** Defines or replaces `name` (case-insensitive; the latest spelling is kept). */
  set(name: string, expr: Expr): void {
    this.byKey.set(name.toLowerCase(), { name, expr });
  }

  /** The expression bound to `name`, case-insensitively, or undefined. */
  get(name: string): Expr | undefined {
    return this.byKey.get(name.toLowerCase())?.expr;
  }

  /** Whether `name` is defined here (not in a parent). */
  has(name: string): boolean {
    return this.byKey.has(name.toLowerCase());
  }

  /** Removes `name`; returns whether it was present. */
  delete(name: string): boolean {
    return this.byKey.delete(name.toLowerCase());
  }

  /** Number of attributes. */
  get size(): number {
    return this.byKey.size;
  }

  /** Attributes in insertion order. */
  attributes(): IterableIterator<Attribute> {
    return this.byKey.values();
  }

  /** The record node for this ad (for printing and for embedding as a nested ad). */
  toRecord(): RecordExpr {
    return { kind: "record", attributes: [...this.byKey.values()] };
  }
}

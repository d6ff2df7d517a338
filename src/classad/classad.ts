import type { Attribute, Expr, RecordExpr } from "./ast.js";
import { asciiLower } from "./strings.js";

/**
 * Lower-cased attribute names by spelling. Ads of one queue repeat the same hundred names, so a
 * lookup here (no allocation) replaces a `toLowerCase()` per attribute, which allocates a new
 * string for every CamelCase name and was the largest single cost of reading `condor_q -long`.
 * Bounded: cleared when it grows past {@link KEY_CACHE_LIMIT} distinct spellings.
 */
const keyCache = new Map<string, string>();
const KEY_CACHE_LIMIT = 16_384;
const NON_ASCII = /[\u0080-\uffff]/;

/** The case-insensitive key of an attribute name. */
export function attributeKey(name: string): string {
  let key = keyCache.get(name);
  if (key === undefined) {
    // Names are byte strings: fold ASCII only, as libclassad does (toLowerCase would also fold
    // the Latin-1 range 0xC0-0xDE, i.e. UTF-8 bytes of a quoted name).
    key = NON_ASCII.test(name) ? asciiLower(name) : name.toLowerCase();
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
    keyCache.set(name, key);
  }
  return key;
}

/**
 * A ClassAd: attributes with case-insensitive names, each bound to an unevaluated expression,
 * and a lexical parent (the enclosing ad, for nested records). Insertion order is kept, and
 * re-defining a name replaces its expression in place, keeping the first spelling.
 */
export class ClassAd {
  private byKey = new Map<string, Attribute>();

  /** The enclosing ad when this ad is a nested record value; `null` at the root. */
  parent: ClassAd | null = null;

  constructor(attributes: Iterable<Attribute> = []) {
    for (const attribute of attributes) this.set(attribute.name, attribute.expr);
  }

  /**
   * An ad over `byKey`, which it takes over (the parser's attributes of one record, keyed by
   * {@link attributeKey}); the caller must not use the map afterwards.
   */
  static adopt(byKey: Map<string, Attribute>): ClassAd {
    const ad = new ClassAd();
    ad.byKey = byKey;
    return ad;
  }

  /** Builds an ad from a record node (the parser's output for `[ … ]`). */
  static fromRecord(record: RecordExpr, parent: ClassAd | null = null): ClassAd {
    const ad = new ClassAd(record.attributes);
    ad.parent = parent;
    return ad;
  }

  /**
   * Defines or replaces `name` (case-insensitive). A replaced attribute keeps its first spelling
   * and place, as libclassad's ClassAd::Insert does.
   */
  set(name: string, expr: Expr): void {
    const key = attributeKey(name);
    const first = this.byKey.get(key);
    this.byKey.set(key, { name: first === undefined ? name : first.name, expr });
  }

  /**
   * {@link set} for readers that already have the key (`attributeKey(attribute.name)`) and an
   * attribute object, which ads may share since it is immutable. Like {@link set}, a replaced
   * attribute keeps its first spelling.
   */
  setAttribute(key: string, attribute: Attribute): void {
    const first = this.byKey.get(key);
    this.byKey.set(
      key,
      first === undefined || first.name === attribute.name ? attribute : { ...attribute, name: first.name },
    );
  }

  /** The expression bound to `name`, case-insensitively, or undefined. */
  get(name: string): Expr | undefined {
    return this.byKey.get(attributeKey(name))?.expr;
  }

  /** Whether `name` is defined here (not in a parent). */
  has(name: string): boolean {
    return this.byKey.has(attributeKey(name));
  }

  /** Removes `name`; returns whether it was present. */
  delete(name: string): boolean {
    return this.byKey.delete(attributeKey(name));
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

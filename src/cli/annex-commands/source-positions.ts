/**
 * Where things are in the text of a request ad, for `line:column` in validation errors. The
 * ClassAd tree carries no positions, so this is a small structural scanner over the (already
 * parsed, hence well-formed) new-syntax text: records `[ name = value; … ]` and lists
 * `{ a, b }` are followed; any other value is skipped with its brackets balanced. Strings,
 * quoted names and comments are stepped over.
 */

/** A 1-based position. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** A value's place in the text, and its structure when it is a record or a list. */
export type PositionNode =
  | {
      readonly kind: "record";
      readonly offset: number;
      readonly attributes: ReadonlyMap<string, AttributePosition>;
    }
  | { readonly kind: "list"; readonly offset: number; readonly items: readonly PositionNode[] }
  | { readonly kind: "other"; readonly offset: number };

/** Where an attribute's name and value are. */
export interface AttributePosition {
  readonly nameOffset: number;
  readonly value: PositionNode;
}

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  skipSpace(): void {
    const t = this.text;
    for (;;) {
      const c = t[this.pos];
      if (c === " " || c === "\t" || c === "\r" || c === "\n") this.pos++;
      else if (c === "/" && t[this.pos + 1] === "/") {
        while (this.pos < t.length && t[this.pos] !== "\n") this.pos++;
      } else if (c === "/" && t[this.pos + 1] === "*") {
        const end = t.indexOf("*/", this.pos + 2);
        this.pos = end < 0 ? t.length : end + 2;
      } else return;
    }
  }

  /** Steps over a quoted string or name starting at the current quote. */
  skipQuoted(): void {
    const quote = this.text[this.pos];
    this.pos++;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === "\\") this.pos += 2;
      else if (c === quote) {
        this.pos++;
        return;
      } else this.pos++;
    }
  }

  /** A value: a record, a list, or anything else up to a separator at this level. */
  value(): PositionNode {
    this.skipSpace();
    const start = this.pos;
    const c = this.text[this.pos];
    let node: PositionNode;
    if (c === "[") node = this.record();
    else if (c === "{") node = this.list();
    else node = { kind: "other", offset: start };
    // Whatever follows (an operator and more operands) belongs to the same value.
    if (!this.atSeparator()) {
      this.skipExpression();
      node = { kind: "other", offset: start };
    }
    return node;
  }

  atSeparator(): boolean {
    this.skipSpace();
    const c = this.text[this.pos];
    return c === undefined || c === ";" || c === "]" || c === "," || c === "}" || c === ")";
  }

  /** Skips tokens, balancing brackets, until `;`, `,` or a closing bracket at depth 0. */
  skipExpression(): void {
    let depth = 0;
    while (this.pos < this.text.length) {
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === undefined) return;
      if (c === '"' || c === "'") {
        this.skipQuoted();
        continue;
      }
      if (c === "[" || c === "{" || c === "(") depth++;
      else if (c === "]" || c === "}" || c === ")") {
        if (depth === 0) return;
        depth--;
      } else if ((c === ";" || c === ",") && depth === 0) return;
      this.pos++;
    }
  }

  record(): PositionNode {
    const offset = this.pos;
    this.pos++; // [
    const attributes = new Map<string, AttributePosition>();
    for (;;) {
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === undefined) break;
      if (c === "]") {
        this.pos++;
        break;
      }
      if (c === ";") {
        this.pos++;
        continue;
      }
      const nameOffset = this.pos;
      let name: string;
      if (c === "'") {
        this.skipQuoted();
        name = this.text.slice(nameOffset + 1, this.pos - 1).replace(/\\(.)/g, "$1");
      } else {
        while (this.pos < this.text.length && /[A-Za-z0-9_]/.test(this.text[this.pos] ?? "")) this.pos++;
        name = this.text.slice(nameOffset, this.pos);
        if (name === "") {
          // Not an attribute (should not happen in parsed text): skip to the next separator.
          this.pos++;
          this.skipExpression();
          continue;
        }
      }
      this.skipSpace();
      if (this.text[this.pos] === "=") this.pos++;
      const value = this.value();
      attributes.set(name.toLowerCase(), { nameOffset, value });
    }
    return { kind: "record", offset, attributes };
  }

  list(): PositionNode {
    const offset = this.pos;
    this.pos++; // {
    const items: PositionNode[] = [];
    for (;;) {
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === undefined) break;
      if (c === "}") {
        this.pos++;
        break;
      }
      if (c === ",") {
        this.pos++;
        continue;
      }
      const before = this.pos;
      items.push(this.value());
      if (this.pos === before) this.pos++;
    }
    return { kind: "list", offset, items };
  }
}

/** The position tree of an ad's text (the top-level value). */
export function positionTree(text: string): PositionNode {
  return new Scanner(text).value();
}

/** Line and column (1-based) of an offset. */
export function lineColumnOf(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** A step into the tree: an attribute name (case-insensitive) or a list index. */
export type PathStep = string | number;

/**
 * The offset of the deepest node the path reaches: an attribute's **name** when the path ends
 * at an attribute, an item's start for an index. Stops early (at the nearest known place) when
 * the path leaves the structure.
 */
export function offsetOf(tree: PositionNode, path: readonly PathStep[]): number {
  let node: PositionNode = tree;
  let offset = tree.offset;
  for (const step of path) {
    if (typeof step === "string" && node.kind === "record") {
      const attribute = node.attributes.get(step.toLowerCase());
      if (attribute === undefined) return offset;
      offset = attribute.nameOffset;
      node = attribute.value;
    } else if (typeof step === "number" && node.kind === "list") {
      const item = node.items[step];
      if (item === undefined) return offset;
      offset = item.offset;
      node = item;
    } else return offset;
  }
  return offset;
}

/** An ad's text with its position tree built on first use. */
export class SourceText {
  #tree: PositionNode | undefined;
  constructor(readonly text: string) {}

  get tree(): PositionNode {
    this.#tree ??= positionTree(this.text);
    return this.#tree;
  }

  /** Line and column of the place a path leads to (see {@link offsetOf}). */
  positionOf(path: readonly PathStep[]): SourcePosition {
    return lineColumnOf(this.text, offsetOf(this.tree, path));
  }
}

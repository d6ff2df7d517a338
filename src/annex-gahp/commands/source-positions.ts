/**
 * Where things are in the text of a request ad, for `line:column` in validation errors. The
 * first question parses the text once more with offsets (the parser then records where every
 * node and attribute name starts), so requests that validate never pay for positions.
 */
import type { Expr } from "../../classad/ast.js";
import { lineColumnAt, parseExpression } from "../../classad/parse.js";

/** A 1-based position. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** A step into the tree: an attribute name (case-insensitive) or a list index. */
export type PathStep = string | number;

/** A record's attribute by name, ignoring case; the last one when the name is repeated (it wins). */
function attributeNamed(record: Expr & { kind: "record" }, name: string) {
  const key = name.toLowerCase();
  for (let i = record.attributes.length - 1; i >= 0; i--) {
    const attribute = record.attributes[i];
    if (attribute !== undefined && attribute.name.toLowerCase() === key) return attribute;
  }
  return undefined;
}

/**
 * The offset of the deepest node the path reaches in a tree parsed with offsets: an attribute's
 * **name** when the path ends at an attribute, an item's start for an index. Stops early (at the
 * nearest known place) when the path leaves the structure.
 */
export function offsetOf(tree: Expr, path: readonly PathStep[]): number {
  let node = tree;
  let offset = tree.offset ?? 0;
  for (const step of path) {
    if (typeof step === "string" && node.kind === "record") {
      const attribute = attributeNamed(node, step);
      if (attribute === undefined) return offset;
      offset = attribute.nameOffset ?? offset;
      node = attribute.expr;
    } else if (typeof step === "number" && node.kind === "list") {
      const item = node.items[step];
      if (item === undefined) return offset;
      offset = item.offset ?? offset;
      node = item;
    } else return offset;
  }
  return offset;
}

/** An ad's text, parsed with offsets on first use. */
export class SourceText {
  #tree: Expr | null | undefined;
  constructor(readonly text: string) {}

  /** Line and column of the place a path leads to (see {@link offsetOf}). */
  positionOf(path: readonly PathStep[]): SourcePosition {
    if (this.#tree === undefined) {
      const parsed = parseExpression(this.text, { offsets: true });
      this.#tree = parsed.ok ? parsed.value : null;
    }
    return lineColumnAt(this.text, this.#tree === null ? 0 : offsetOf(this.#tree, path));
  }
}

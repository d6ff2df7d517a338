import type { Expr } from "./ast.js";
import { asciiLower } from "./strings.js";

/**
 * The attribute names an expression may look up in its own ad — libclassad's internal and
 * unscoped references (`GetInternalReferences`-like): plain names (`RequestDisk`), `MY.x`, and
 * names inside nested records and calls. `TARGET.x` (the other ad of a match) is not included;
 * an unscoped name is, though under old semantics it may fall back to the other ad, because the
 * question this answers is "what must a projection of this ad carry for the expression to
 * evaluate as it does on the full ad". Names are returned as first written.
 */
export function ownReferences(expr: Expr, into: Map<string, string> = new Map()): Map<string, string> {
  const add = (name: string) => {
    const key = asciiLower(name);
    if (!into.has(key)) into.set(key, name);
  };
  const walk = (e: Expr): void => {
    switch (e.kind) {
      case "literal":
        return;
      case "attr":
        if (!isScopeName(e.name)) add(e.name);
        return;
      case "select":
        if (e.base.kind === "attr" && !e.base.absolute) {
          const scope = asciiLower(e.base.name);
          if (scope === "my") add(e.name);
          else if (scope !== "target" && scope !== "other") add(e.base.name);
          return;
        }
        walk(e.base);
        return;
      case "subscript":
        walk(e.base);
        walk(e.index);
        return;
      case "unary":
        walk(e.operand);
        return;
      case "binary":
        walk(e.left);
        walk(e.right);
        return;
      case "ternary":
        walk(e.cond);
        walk(e.ifTrue);
        walk(e.ifFalse);
        return;
      case "paren":
        walk(e.inner);
        return;
      case "call":
        for (const arg of e.args) walk(arg);
        return;
      case "list":
        for (const item of e.items) walk(item);
        return;
      case "record":
        for (const attribute of e.attributes) walk(attribute.expr);
        return;
    }
  };
  walk(expr);
  return into;
}

function isScopeName(name: string): boolean {
  const lower = asciiLower(name);
  return lower === "my" || lower === "target" || lower === "other" || lower === "parent";
}

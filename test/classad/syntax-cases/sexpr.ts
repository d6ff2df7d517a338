/**
 * A fully bracketed rendering of an AST, used by the syntax tables to state tree shape
 * (precedence, associativity, folding) independently of the printers.
 */
import type { Expr } from "../../../src/classad/ast.js";

export function sexpr(e: Expr): string {
  switch (e.kind) {
    case "literal": {
      const v = e.value;
      switch (v.type) {
        case "integer":
          return `${v.value}`;
        case "real":
          return `${Object.is(v.value, -0) ? "-0" : v.value}r`;
        case "string":
          return JSON.stringify(v.value);
        case "boolean":
          return `${v.value}`;
        case "absTime":
          return `absTime(${v.seconds},${v.offset})`;
        case "relTime":
          return `relTime(${v.seconds})`;
        default:
          return v.type;
      }
    }
    case "attr":
      return `${e.absolute ? "." : ""}${e.name}`;
    case "select":
      return `(. ${sexpr(e.base)} ${e.name})`;
    case "subscript":
      return `([] ${sexpr(e.base)} ${sexpr(e.index)})`;
    case "unary":
      return `(u${e.op} ${sexpr(e.operand)})`;
    case "binary":
      return `(${e.op} ${sexpr(e.left)} ${sexpr(e.right)})`;
    case "ternary":
      return `(? ${sexpr(e.cond)} ${sexpr(e.ifTrue)} ${sexpr(e.ifFalse)})`;
    case "paren":
      return `(paren ${sexpr(e.inner)})`;
    case "call":
      return `(call ${e.name}${e.args.map((a) => ` ${sexpr(a)}`).join("")})`;
    case "list":
      return `{${e.items.map(sexpr).join(" ")}}`;
    case "record":
      return `[${e.attributes.map((a) => `${a.name}=${sexpr(a.expr)}`).join(" ")}]`;
  }
}

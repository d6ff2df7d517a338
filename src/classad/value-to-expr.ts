import type { Expr } from "./ast.js";
import { cTimeT } from "./number-format.js";
import type { Value } from "./value.js";

/**
 * Converts a value to the expression libclassad would print for it (its `Literal::MakeLiteral`
 * / simplify form): scalars become literals, a list becomes its (unevaluated) element
 * expressions, an ad becomes its record. Printing a value is `unparse(exprFromValue(v))`.
 */
export function exprFromValue(value: Value): Expr {
  switch (value.kind) {
    case "undefined":
      return { kind: "literal", value: { type: "undefined" } };
    case "error":
      return { kind: "literal", value: { type: "error" } };
    case "boolean":
      return { kind: "literal", value: { type: "boolean", value: value.value } };
    case "integer":
      return { kind: "literal", value: { type: "integer", value: value.value } };
    case "real":
      return { kind: "literal", value: { type: "real", value: value.value } };
    case "string":
      return { kind: "literal", value: { type: "string", value: value.value } };
    case "absTime":
      return { kind: "literal", value: { type: "absTime", seconds: value.seconds, offset: value.offset } };
    case "relTime":
      // Literal::MakeLiteral takes the seconds through a time_t: 1.5 becomes 1.
      return { kind: "literal", value: { type: "relTime", seconds: cTimeT(value.seconds) } };
    case "list":
      return { kind: "list", items: value.items };
    case "classad":
      return value.ad.toRecord();
  }
}

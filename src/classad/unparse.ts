/**
 * Printers for expressions, as libclassad's ClassAdUnParser writes them.
 *
 * New syntax (`unparse`): strings with C escapes and octal `\ooo` for every non-printable byte,
 * reals `%1.15E`, unary operators with a leading space (` -x`), binary operators with spaces on
 * both sides, `is`/`isnt` for `=?=`/`=!=`, lists `{ 1,2 }`, records `[ a = 1; b = 2 ]` with the
 * attributes in libclassad's storage order (see {@link compareAttributeNames}), parentheses kept.
 *
 * Old syntax (`unparseOld`, the value side of `condor_q -long` lines): strings escape only `"`,
 * reals `%.16G` (plus `.0` when integral-looking), `=?=`/`=!=` spelled as such.
 */
import type { Attribute, Expr, Literal } from "./ast.js";
import { formatRealNew, formatRealOld } from "./number-format.js";
import { formatAbsTimeText, formatRelTimeText } from "./time-literal.js";

const SIMPLE_ESCAPES: Record<number, string> = {
  7: "\\a",
  8: "\\b",
  12: "\\f",
  10: "\\n",
  13: "\\r",
  9: "\\t",
  11: "\\v",
  92: "\\\\",
};

/** A byte string escaped for the new syntax (without the delimiters). */
export function escapeNew(bytes: string, delimiter: '"' | "'"): string {
  let out = "";
  let runStart = 0;
  const d = delimiter.charCodeAt(0);
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 92 && c !== d) continue;
    out += bytes.slice(runStart, i);
    runStart = i + 1;
    if (c === d) out += `\\${delimiter}`;
    else out += SIMPLE_ESCAPES[c] ?? `\\${(c & 0xff).toString(8).padStart(3, "0")}`;
  }
  return runStart === 0 ? bytes : out + bytes.slice(runStart);
}

/** A byte string escaped for the old syntax: only the delimiter is escaped. */
export function escapeOld(bytes: string, delimiter: '"' | "'"): string {
  return bytes.indexOf(delimiter) < 0 ? bytes : bytes.split(delimiter).join(`\\${delimiter}`);
}

const RESERVED_NAMES = new Set(["error", "false", "is", "isnt", "parent", "true", "undefined"]);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** An attribute name as libclassad prints it: quoted with `'` unless identifier-shaped and not reserved. */
export function formatName(name: string, old = false): string {
  const escaped = old ? escapeOld(name, "'") : escapeNew(name, "'");
  if (IDENTIFIER.test(escaped) && !RESERVED_NAMES.has(escaped.toLowerCase())) return escaped;
  return `'${escaped}'`;
}

/**
 * libclassad's attribute order inside an ad (its flat map): shorter names first, then
 * ASCII-case-insensitive byte order (strcasecmp). Records print in this order in every syntax.
 */
export function compareAttributeNames(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return compareCaseInsensitive(a, b);
}

/** strcasecmp on byte strings (ASCII folding to lower case). */
export function compareCaseInsensitive(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x >= 65 && x <= 90) x += 32;
    if (y >= 65 && y <= 90) y += 32;
    if (x !== y) return x - y;
  }
  return a.length - b.length;
}

/** Attributes in libclassad's print order. */
export function sortedAttributes(attributes: readonly Attribute[]): Attribute[] {
  return [...attributes].sort((x, y) => compareAttributeNames(x.name, y.name));
}

function literalText(v: Literal, old: boolean): string {
  switch (v.type) {
    case "undefined":
      return "undefined";
    case "error":
      return "error";
    case "boolean":
      return v.value ? "true" : "false";
    case "integer":
      return v.value.toString();
    case "real":
      return old ? formatRealOld(v.value) : formatRealNew(v.value);
    case "string":
      return `"${old ? escapeOld(v.value, '"') : escapeNew(v.value, '"')}"`;
    case "absTime":
      return `absTime("${formatAbsTimeText(v.seconds, v.offset)}")`;
    case "relTime":
      return `relTime("${formatRelTimeText(v.seconds)}")`;
  }
}

function binaryOpText(op: string, old: boolean): string {
  if (op === "=?=") return old ? " =?= " : " is ";
  if (op === "=!=") return old ? " =!= " : " isnt ";
  return ` ${op} `;
}

/**
 * How to print: the old syntax or the new, and, for `unparse()`, libclassad's PrettyPrint layout
 * of lists and records (each on its own lines, indented by the current level).
 */
interface Style {
  readonly old: boolean;
  readonly pretty: { level: number } | null;
}

function write(e: Expr, style: Style, out: string[]): void {
  const old = style.old;
  switch (e.kind) {
    case "literal":
      out.push(literalText(e.value, old));
      return;
    case "attr":
      if (e.absolute) out.push(".");
      out.push(formatName(e.name, old));
      return;
    case "select":
      write(e.base, style, out);
      out.push(".", e.name);
      return;
    case "subscript":
      write(e.base, style, out);
      out.push("[");
      write(e.index, style, out);
      out.push("]");
      return;
    case "unary":
      out.push(` ${e.op}`);
      write(e.operand, style, out);
      return;
    case "binary":
      write(e.left, style, out);
      out.push(binaryOpText(e.op, old));
      write(e.right, style, out);
      return;
    case "ternary":
      write(e.cond, style, out);
      out.push(" ? ");
      write(e.ifTrue, style, out);
      out.push(" : ");
      write(e.ifFalse, style, out);
      return;
    case "paren":
      out.push("(");
      write(e.inner, style, out);
      out.push(")");
      return;
    case "call":
      out.push(e.name, "(");
      e.args.forEach((a, i) => {
        if (i > 0) out.push(",");
        write(a, style, out);
      });
      out.push(")");
      return;
    case "list":
      if (style.pretty !== null) {
        writePrettyList(e.items, style, style.pretty, out);
        return;
      }
      out.push("{ ");
      e.items.forEach((a, i) => {
        if (i > 0) out.push(",");
        write(a, style, out);
      });
      out.push(" }");
      return;
    case "record":
      if (style.pretty !== null) {
        writePrettyRecord(e.attributes, style, style.pretty, out);
        return;
      }
      out.push("[ ");
      sortedAttributes(e.attributes).forEach((a, i) => {
        if (i > 0) out.push("; ");
        out.push(formatName(a.name, old), " = ");
        write(a.expr, style, out);
      });
      out.push(" ]");
      return;
  }
}

/** PrettyPrint's list: `{` on a new line indented 3 more, items 3 further, `,` between. */
function writePrettyList(
  items: readonly Expr[],
  style: Style,
  pretty: { level: number },
  out: string[],
): void {
  pretty.level += 3;
  out.push(`\n${" ".repeat(pretty.level)}{`);
  pretty.level += 3;
  items.forEach((item, i) => {
    out.push(`\n${" ".repeat(pretty.level)}`);
    write(item, style, out);
    if (i + 1 < items.length) out.push(",");
  });
  pretty.level -= 3;
  out.push(`\n${" ".repeat(pretty.level)}}`);
  pretty.level -= 3;
}

/** PrettyPrint's record: `[` on a new line indented 4 more, attributes 4 further, `; ` between. */
function writePrettyRecord(
  attributes: readonly Attribute[],
  style: Style,
  pretty: { level: number },
  out: string[],
): void {
  pretty.level += 4;
  out.push(`\n${" ".repeat(pretty.level)}[`);
  pretty.level += 4;
  const sorted = sortedAttributes(attributes);
  sorted.forEach((a, i) => {
    out.push(`\n${" ".repeat(pretty.level)}`, formatName(a.name, style.old), " = ");
    write(a.expr, style, out);
    if (i + 1 < sorted.length) out.push("; ");
  });
  pretty.level -= 4;
  out.push(`\n${" ".repeat(pretty.level)}]`);
  pretty.level -= 4;
}

/** Prints an expression in the new ClassAd syntax, exactly as libclassad's unparser does. */
export function unparse(expr: Expr): string {
  const out: string[] = [];
  write(expr, { old: false, pretty: null }, out);
  return out.join("");
}

/** Prints an expression in the old syntax (the value side of a `condor_q -long` line). */
export function unparseOld(expr: Expr): string {
  const out: string[] = [];
  write(expr, { old: true, pretty: null }, out);
  return out.join("");
}

/**
 * Prints an expression as the `unparse()` builtin does (libclassad's PrettyPrint): new syntax,
 * with every list and record laid out over indented lines.
 */
export function unparsePretty(expr: Expr): string {
  const out: string[] = [];
  write(expr, { old: false, pretty: { level: 0 } }, out);
  return out.join("");
}

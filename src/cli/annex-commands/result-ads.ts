import type { Attribute, Expr } from "../../classad/ast.js";
import { bytesFromText } from "../../classad/ast.js";
import { ClassAd } from "../../classad/classad.js";
import type { ClassAdOutcome } from "../../gahp/classad-command.js";
import { built, type SourcedAd } from "./arguments.js";

/**
 * Builds the result ads of the annex commands from plain data: strings, numbers (whole numbers
 * become integers), booleans, lists and nested records. `undefined` leaves the attribute out
 * (an unknown value is absent, not `undefined`, in a result ad).
 */

/** A value a result ad can hold. */
export type PlainValue =
  | string
  | number
  | boolean
  | undefined
  | readonly PlainValue[]
  | { readonly [name: string]: PlainValue };

function exprOf(value: Exclude<PlainValue, undefined>): Expr {
  if (typeof value === "string")
    return { kind: "literal", value: { type: "string", value: bytesFromText(value) } };
  if (typeof value === "boolean") return { kind: "literal", value: { type: "boolean", value } };
  if (typeof value === "number") {
    return Number.isSafeInteger(value)
      ? { kind: "literal", value: { type: "integer", value: BigInt(value) } }
      : { kind: "literal", value: { type: "real", value } };
  }
  if (Array.isArray(value)) {
    const items = (value as readonly PlainValue[]).filter((item) => item !== undefined);
    return { kind: "list", items: items.map((item) => exprOf(item as Exclude<PlainValue, undefined>)) };
  }
  return { kind: "record", attributes: attributesOf(value as { readonly [name: string]: PlainValue }) };
}

function attributesOf(record: { readonly [name: string]: PlainValue }): Attribute[] {
  const attributes: Attribute[] = [];
  for (const [name, value] of Object.entries(record)) {
    if (value !== undefined) attributes.push({ name, expr: exprOf(value) });
  }
  return attributes;
}

/** A result ad from a record of plain values. */
function resultAd(record: { readonly [name: string]: PlainValue }): ClassAd {
  return new ClassAd(attributesOf(record));
}

/** The successful outcome of a command: the result ad built from `record`. */
export function resultOutcome(record: { readonly [name: string]: PlainValue }): ClassAdOutcome<SourcedAd> {
  return { ok: true, ad: built(resultAd(record)) };
}

/** `{ X: <epoch seconds>, XISO: "…Z" }` for a time, or nothing when it is unknown. */
export function timeAttributes(name: string, time: Date | undefined): Record<string, PlainValue> {
  if (time === undefined || Number.isNaN(time.getTime())) return {};
  return { [name]: Math.floor(time.getTime() / 1000), [`${name}ISO`]: `${time.toISOString().slice(0, 19)}Z` };
}

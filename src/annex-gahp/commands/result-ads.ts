import { ClassAd } from "../../classad/classad.js";
import { attributesFromPlain, type PlainInput } from "../../classad/plain.js";
import type { ClassAdOutcome } from "../../gahp/classad-command.js";
import { built, type SourcedAd } from "./arguments.js";

/**
 * Builds the result ads of the annex commands from plain data: strings, numbers (whole numbers
 * become integers), booleans, lists and nested records. `undefined` leaves the attribute out
 * (an unknown value is absent, not `undefined`, in a result ad).
 */

/** A result ad from a record of plain values. */
function resultAd(record: { readonly [name: string]: PlainInput }): ClassAd {
  return new ClassAd(attributesFromPlain(record));
}

/** The successful outcome of a command: the result ad built from `record`. */
export function resultOutcome(record: { readonly [name: string]: PlainInput }): ClassAdOutcome<SourcedAd> {
  return { ok: true, ad: built(resultAd(record)) };
}

/** `{ X: <epoch seconds>, XISO: "…Z" }` for a time, or nothing when it is unknown. */
export function timeAttributes(name: string, time: Date | undefined): Record<string, PlainInput> {
  if (time === undefined || Number.isNaN(time.getTime())) return {};
  return { [name]: Math.floor(time.getTime() / 1000), [`${name}ISO`]: `${time.toISOString().slice(0, 19)}Z` };
}

import { type Attribute, bytesFromText, type Expr, textFromBytes } from "./ast.js";
import type { ClassAd } from "./classad.js";
import { Evaluator } from "./evaluate.js";
import { unparse } from "./unparse.js";
import type { Value } from "./value.js";

/**
 * ClassAds as plain data: what condor-annex sends to annex-gahp (argument ads built from flags)
 * and what it prints (`--json`, tables) from the helper's result ads.
 */

/** A ClassAd value as plain JSON-compatible data. Undefined and error values are left out. */
export type PlainValue = string | number | boolean | readonly PlainValue[] | PlainAd;

/** An ad as a plain object. */
export interface PlainAd {
  readonly [name: string]: PlainValue;
}

function plainFromValue(value: Value, evaluator: Evaluator): PlainValue | undefined {
  switch (value.kind) {
    case "string":
      return textFromBytes(value.value);
    case "boolean":
      return value.value;
    case "integer":
      return Number(value.value);
    case "real":
      return value.value;
    case "list": {
      const items: PlainValue[] = [];
      for (const item of value.items) {
        const plain = plainFromValue(evaluator.evaluate(item, value.scope), evaluator);
        if (plain !== undefined) items.push(plain);
      }
      return items;
    }
    case "classad":
      return plainFromAdWith(value.ad, evaluator);
    case "absTime":
    case "relTime":
      return value.seconds;
    default:
      return undefined;
  }
}

function plainFromAdWith(ad: ClassAd, evaluator: Evaluator): PlainAd {
  const out: Record<string, PlainValue> = {};
  for (const attribute of ad.attributes()) {
    const plain = plainFromValue(evaluator.evaluateAttribute(ad, attribute.name), evaluator);
    if (plain !== undefined) out[attribute.name] = plain;
  }
  return out;
}

/** Evaluates every attribute of `ad` into plain data (undefined and error values are dropped). */
export function plainFromAd(ad: ClassAd): PlainAd {
  return plainFromAdWith(ad, new Evaluator({ semantics: "strict" }));
}

/**
 * Plain data on its way into an ad (argument ads built from flags, the helper's result ads):
 * like {@link PlainValue}, but `undefined` anywhere means "leave it out" — an unknown value is
 * absent from an ad, not `undefined`.
 */
export type PlainInput =
  | string
  | number
  | boolean
  | undefined
  | readonly PlainInput[]
  | { readonly [name: string]: PlainInput };

/**
 * The literal expression of plain data: whole numbers within ±2^53 become integers, other
 * numbers reals; undefined list items and attributes are left out.
 */
export function exprFromPlain(value: Exclude<PlainInput, undefined>): Expr {
  if (typeof value === "string") {
    return { kind: "literal", value: { type: "string", value: bytesFromText(value) } };
  }
  if (typeof value === "boolean") return { kind: "literal", value: { type: "boolean", value } };
  if (typeof value === "number") {
    return Number.isSafeInteger(value)
      ? { kind: "literal", value: { type: "integer", value: BigInt(value) } }
      : { kind: "literal", value: { type: "real", value } };
  }
  if (Array.isArray(value)) {
    const items: Expr[] = [];
    for (const item of value as readonly PlainInput[])
      if (item !== undefined) items.push(exprFromPlain(item));
    return { kind: "list", items };
  }
  return {
    kind: "record",
    attributes: attributesFromPlain(value as { readonly [name: string]: PlainInput }),
  };
}

/** The attributes of a plain record (undefined values left out). */
export function attributesFromPlain(record: { readonly [name: string]: PlainInput }): Attribute[] {
  const attributes: Attribute[] = [];
  for (const [name, value] of Object.entries(record)) {
    if (value !== undefined) attributes.push({ name, expr: exprFromPlain(value) });
  }
  return attributes;
}

/** Prints a plain ad as a new-syntax ClassAd, e.g. `[ Name = "x"; Hours = 2 ]`. */
export function adText(ad: PlainAd): string {
  return unparse(exprFromPlain(ad));
}

/** Typed reads of a plain ad's attributes (undefined when absent or of another type). */
export const read = {
  string(ad: PlainAd | undefined, name: string): string | undefined {
    const v = ad?.[name];
    return typeof v === "string" ? v : undefined;
  },
  number(ad: PlainAd | undefined, name: string): number | undefined {
    const v = ad?.[name];
    return typeof v === "number" ? v : undefined;
  },
  boolean(ad: PlainAd | undefined, name: string): boolean | undefined {
    const v = ad?.[name];
    return typeof v === "boolean" ? v : undefined;
  },
  ad(ad: PlainAd | undefined, name: string): PlainAd | undefined {
    const v = ad?.[name];
    return v !== undefined && typeof v === "object" && !Array.isArray(v) ? (v as PlainAd) : undefined;
  },
  ads(ad: PlainAd | undefined, name: string): PlainAd[] {
    const v = ad?.[name];
    if (!Array.isArray(v)) return [];
    return v.filter((item): item is PlainAd => typeof item === "object" && !Array.isArray(item));
  },
  strings(ad: PlainAd | undefined, name: string): string[] {
    const v = ad?.[name];
    if (!Array.isArray(v)) return [];
    return v.filter((item): item is string => typeof item === "string");
  },
};

/**
 * Interned identifier spellings for the lexer. Ads of one queue (or one GAHP conversation) spell
 * the same few hundred names over and over; looking a spelling up in place — by a hash computed
 * while the lexer scans its characters, then a character comparison — gives back one shared
 * string with its keyword token type and its case-insensitive key, instead of slicing a new
 * string, testing it for keywords and lower-casing it for every occurrence. The shared strings
 * also keep V8's hash, so the maps they are later looked up in do not hash them again.
 *
 * Each entry also carries two guesses for the next ad — the name that followed it, and its last
 * value as a record attribute (see InternedName) — which the lexer checks against the text before
 * using, so a wrong guess costs one comparison and never a wrong token.
 *
 * This is a bounded cache, not parse state: an entry's spelling, key and type never change, the
 * guesses are only hints, and the table (guesses included) is emptied when it fills.
 */
import type { TokenType } from "chevrotain";
import type { Attribute } from "../src/classad/ast.js";
import { attributeKey } from "../src/classad/classad.js";
import * as T from "./tokens.js";

/** One interned spelling. */
export interface InternedName {
  /** The spelling, as written. */
  readonly name: string;
  /** Its case-insensitive key (`attributeKey(name)`). */
  readonly key: string;
  /** `Identifier`, or the keyword token it spells (`true`, `IS`, …). */
  readonly type: TokenType;
  /**
   * The name that followed this one in the text last time (a guess for the next lookup: ads of
   * one queue list the same names in the same order), or null. Checked before it is used.
   */
  next: InternedName | null;
  /**
   * The text of this name's last value as a record attribute, or null: a short lone operand the
   * lexer read (under 13 characters, so V8 copied it and it keeps no larger text alive), or an
   * expression the parser read (a copy, up to 1,024 characters; see `valueFor`). Ads
   * of one queue repeat most values name by name (`JobUniverse = 5`, `Owner = "erin"`,
   * `Requirements = …`): the lexer compares the text with it before scanning.
   */
  valueText: string | null;
  /** The attribute with that value (no offsets; shared by the ads that repeat it), or null. */
  valueAttribute: Attribute | null;
  /** That value when it is a name. */
  valueName: InternedName | null;
  /**
   * For which parses the remembered value holds: {@link ANY_PARSE} (a lone operand the lexer
   * read, the same under every option) or a Lexer's `rememberKey` (an expression the parser read,
   * valid only for parses with the same options and no offsets).
   */
  valueFor: number;
}

/** {@link InternedName.valueFor} of a value that reads the same in every parse. */
export const ANY_PARSE = 0;

/** Sets the value `name` remembers (see {@link InternedName.valueText} and what follows it). */
export function rememberValue(
  name: InternedName,
  text: string,
  attribute: Attribute,
  valueName: InternedName | null,
  valueFor: number,
): void {
  name.valueText = text;
  name.valueAttribute = attribute;
  name.valueName = valueName;
  name.valueFor = valueFor;
}

/** Drops the value `name` remembers. */
export function forgetValue(name: InternedName): void {
  name.valueText = null;
  name.valueAttribute = null;
  name.valueName = null;
}

/** A spelling with no guesses or remembered values yet. */
export function newName(name: string, key: string, type: TokenType): InternedName {
  return {
    name,
    key,
    type,
    next: null,
    valueText: null,
    valueAttribute: null,
    valueName: null,
    valueFor: ANY_PARSE,
  };
}

const SIZE = 8192; // power of two
const MASK = SIZE - 1;
const LIMIT = SIZE / 2; // keep probes short: start over past half full
const MAX_LENGTH = 64; // longer spellings are rare; not worth a slot

let slots: (InternedName | undefined)[] = new Array(SIZE);
let filled = 0;

const keywords = new Map<string, TokenType>([
  ["true", T.True],
  ["false", T.False],
  ["undefined", T.Undefined],
  ["error", T.ErrorKeyword],
  ["is", T.Is],
  ["isnt", T.Isnt],
]);

/** The hash the lexer accumulates over a name's characters: `hash = nextHash(hash, c)`. */
export function nextHash(hash: number, c: number): number {
  return (Math.imul(hash, 31) + c) | 0;
}

function sameSpelling(text: string, start: number, end: number, name: string): boolean {
  if (name.length !== end - start) return false;
  for (let i = 0; i < name.length; i++) {
    if (name.charCodeAt(i) !== text.charCodeAt(start + i)) return false;
  }
  return true;
}

function make(slice: string): InternedName {
  // A sequential copy: a slice of the text (V8 keeps one for 13 characters or more) is compared
  // more slowly, and would keep the whole text it was cut from alive. Names are ASCII.
  const name = Buffer.from(slice, "latin1").toString("latin1");
  return newName(name, attributeKey(name), keywords.get(name.toLowerCase()) ?? T.Identifier);
}

/** The interned entry for the identifier `text[start, end)` whose {@link nextHash} is `hash`. */
export function internName(text: string, start: number, end: number, hash: number): InternedName {
  if (end - start > MAX_LENGTH) return make(text.slice(start, end));
  let i = hash & MASK;
  for (;;) {
    const entry = slots[i];
    if (entry === undefined) break;
    if (sameSpelling(text, start, end, entry.name)) return entry;
    i = (i + 1) & MASK;
  }
  if (filled >= LIMIT) {
    // Unlink the old entries' guesses and values too, or chains of them could keep every name
    // ever seen alive.
    for (const old of slots) {
      if (old !== undefined) {
        old.next = null;
        forgetValue(old);
      }
    }
    slots = new Array(SIZE);
    filled = 0;
    i = hash & MASK;
  }
  const entry = make(text.slice(start, end));
  slots[i] = entry;
  filled++;
  return entry;
}

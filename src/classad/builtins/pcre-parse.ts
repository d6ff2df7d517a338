/**
 * PCRE2 pattern syntax (8-bit, no UTF, C-locale tables; the wheel's pcre2 10.3x–10.42 rules) parsed
 * into a small tree, with PCRE2's compile errors. Options are applied while parsing: case folding
 * and `.` become explicit byte sets, `^`/`$` the assertion their options select. pcre-write.ts
 * writes the tree as a JavaScript pattern; pcre-match.ts matches it directly.
 */

/** The compile-time options libclassad passes (from its option letters). */
export interface PcreFlags {
  readonly caseless: boolean;
  readonly multiline: boolean;
  readonly dotall: boolean;
  readonly extended: boolean;
}

export type ByteSet = Uint8Array;

export type Assertion = "start" | "lineStart" | "end" | "lineEnd" | "endOrFinalNewline" | "word" | "notWord";

export type Node =
  | { readonly t: "set"; readonly set: ByteSet }
  | { readonly t: "seq"; readonly items: readonly Node[] }
  | { readonly t: "alt"; readonly branches: readonly Node[] }
  | { readonly t: "group"; readonly capture: number | null; readonly body: Node }
  | {
      readonly t: "look";
      readonly behind: boolean;
      readonly negate: boolean;
      readonly body: Node;
      /** Lookbehind: each branch of the body with its fixed length (empty for a lookahead). */
      readonly branches: readonly { readonly node: Node; readonly length: number }[];
    }
  | { readonly t: "atomic"; readonly body: Node }
  | {
      readonly t: "repeat";
      readonly body: Node;
      readonly min: number;
      readonly max: number;
      readonly mode: "greedy" | "lazy" | "possessive";
    }
  | { readonly t: "backref"; readonly group: number | string; readonly caseless: boolean }
  | { readonly t: "assert"; readonly kind: Assertion };

export class PcreSyntaxError extends Error {}
export class PcreUnsupported extends Error {}

// ---- byte sets --------------------------------------------------------------------------------

export function setOf(predicate: (c: number) => boolean): ByteSet {
  const set = new Uint8Array(256);
  for (let c = 0; c < 256; c++) if (predicate(c)) set[c] = 1;
  return set;
}

export const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
export const isUpper = (c: number) => c >= 0x41 && c <= 0x5a;
const isLower = (c: number) => c >= 0x61 && c <= 0x7a;
export const isAlpha = (c: number) => isUpper(c) || isLower(c);
export const isWord = (c: number) => isAlpha(c) || isDigit(c) || c === 0x5f;
// PCRE2's \s: space, \t \n \v \f \r (C locale).
const isSpace = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);
const isHorizontal = (c: number) => c === 0x09 || c === 0x20 || c === 0xa0;
export const isVertical = (c: number) => (c >= 0x0a && c <= 0x0d) || c === 0x85;

const POSIX_CLASSES: Readonly<Record<string, (c: number) => boolean>> = {
  alnum: (c) => isAlpha(c) || isDigit(c),
  alpha: isAlpha,
  ascii: (c) => c < 0x80,
  blank: (c) => c === 0x20 || c === 0x09,
  cntrl: (c) => c < 0x20 || c === 0x7f,
  digit: isDigit,
  graph: (c) => c > 0x20 && c < 0x7f,
  lower: isLower,
  print: (c) => c >= 0x20 && c < 0x7f,
  punct: (c) => c > 0x20 && c < 0x7f && !isAlpha(c) && !isDigit(c),
  space: isSpace,
  upper: isUpper,
  word: isWord,
  xdigit: (c) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66),
};

const CLASS_ESCAPES: Readonly<Record<string, (c: number) => boolean>> = {
  d: isDigit,
  D: (c) => !isDigit(c),
  s: isSpace,
  S: (c) => !isSpace(c),
  w: isWord,
  W: (c) => !isWord(c),
  h: isHorizontal,
  H: (c) => !isHorizontal(c),
  v: isVertical,
  V: (c) => !isVertical(c),
};

/** Adds the other case of every ASCII letter in the set (PCRE2's C-locale folding). */
function folded(set: ByteSet): ByteSet {
  const out = set.slice();
  for (let c = 0x41; c <= 0x5a; c++) {
    if (set[c] || set[c + 0x20]) {
      out[c] = 1;
      out[c + 0x20] = 1;
    }
  }
  return out;
}

function single(c: number, caseless: boolean): Node {
  const set = new Uint8Array(256);
  set[c] = 1;
  return { t: "set", set: caseless ? folded(set) : set };
}

// ---- parsing ----------------------------------------------------------------------------------

interface MutableFlags {
  caseless: boolean;
  multiline: boolean;
  dotall: boolean;
  extended: boolean;
}

const OPTION_LETTERS: Readonly<Record<string, keyof MutableFlags>> = {
  i: "caseless",
  m: "multiline",
  s: "dotall",
  x: "extended",
};

export class Parser {
  private pos = 0;
  /** Capture groups opened so far (PCRE2 numbers them by their opening parenthesis). */
  groups = 0;
  readonly names = new Map<string, number>();
  readonly backrefs: (number | string)[] = [];

  constructor(private readonly p: string) {}

  parse(flags: PcreFlags): Node {
    const node = this.alternation({ ...flags });
    if (this.pos < this.p.length) throw new PcreSyntaxError("unmatched closing parenthesis");
    for (const ref of this.backrefs) {
      if (typeof ref === "number" ? ref > this.groups : !this.names.has(ref)) {
        throw new PcreSyntaxError("reference to a non-existent group");
      }
    }
    return node;
  }

  private peek(offset = 0): string | undefined {
    return this.p[this.pos + offset];
  }

  private code(offset = 0): number {
    return this.p.charCodeAt(this.pos + offset);
  }

  private alternation(flags: MutableFlags): Node {
    const branches = [this.sequence(flags)];
    while (this.peek() === "|") {
      this.pos++;
      branches.push(this.sequence(flags));
    }
    return branches.length === 1 ? (branches[0] as Node) : { t: "alt", branches };
  }

  /**
   * Skips what is not part of the pattern: `(?#…)` comments always, white space and `#` comments
   * with option x. A quantifier after them applies to the item before them, as in PCRE2.
   */
  private skipExtended(flags: MutableFlags): void {
    for (;;) {
      const c = this.code();
      if (c === 0x28 && this.peek(1) === "?" && this.peek(2) === "#") {
        const end = this.p.indexOf(")", this.pos);
        if (end < 0) throw new PcreSyntaxError("missing ) after (?# comment");
        this.pos = end + 1;
      } else if (flags.extended && isSpace(c)) this.pos++;
      else if (flags.extended && c === 0x23) {
        while (this.pos < this.p.length && this.peek() !== "\n") this.pos++;
      } else return;
    }
  }

  private sequence(flags: MutableFlags): Node {
    const items: Node[] = [];
    for (;;) {
      this.skipExtended(flags);
      const c = this.peek();
      if (c === undefined || c === "|" || c === ")") break;
      const atom = this.atom(flags);
      if (atom === null) continue;
      this.skipExtended(flags);
      const repeated = this.quantified(atom, flags);
      if (repeated !== atom) {
        this.skipExtended(flags);
        if (this.quantifierAhead()) throw new PcreSyntaxError("quantifier follows a quantifier");
      }
      items.push(repeated);
    }
    return items.length === 1 ? (items[0] as Node) : { t: "seq", items };
  }

  /** `{n}`, `{n,}` or `{n,m}` at the position (anything else after `{` is literal text). */
  private braces(): { min: number; max: number; length: number } | null {
    const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(this.p.slice(this.pos, this.pos + 24));
    if (m === null) return null;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === "" ? Number.POSITIVE_INFINITY : Number(m[3]);
    if (min > 65535 || (max !== Number.POSITIVE_INFINITY && max > 65535)) {
      throw new PcreSyntaxError("number too big in {} quantifier");
    }
    if (max < min) throw new PcreSyntaxError("numbers out of order in {} quantifier");
    return { min, max, length: m[0].length };
  }

  private quantifierAhead(): boolean {
    const c = this.peek();
    return c === "*" || c === "+" || c === "?" || (c === "{" && this.braces() !== null);
  }

  private quantified(atom: Node, flags: MutableFlags): Node {
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === "*") [min, max, this.pos] = [0, Number.POSITIVE_INFINITY, this.pos + 1];
    else if (c === "+") [min, max, this.pos] = [1, Number.POSITIVE_INFINITY, this.pos + 1];
    else if (c === "?") [min, max, this.pos] = [0, 1, this.pos + 1];
    else if (c === "{") {
      const b = this.braces();
      if (b === null) return atom;
      [min, max] = [b.min, b.max];
      this.pos += b.length;
    } else return atom;
    if (atom.t === "assert") throw new PcreSyntaxError("quantifier does not follow a repeatable item");
    this.skipExtended(flags);
    let mode: "greedy" | "lazy" | "possessive" = "greedy";
    if (this.peek() === "?") {
      mode = "lazy";
      this.pos++;
    } else if (this.peek() === "+") {
      mode = "possessive";
      this.pos++;
    }
    return { t: "repeat", body: atom, min, max, mode };
  }

  /** One item; null for what matches nothing and is no item (option settings, comments). */
  private atom(flags: MutableFlags): Node | null {
    const c = this.peek() as string;
    this.pos++;
    switch (c) {
      case "(":
        return this.group(flags);
      case "[":
        return this.characterClass(flags);
      case ".":
        return { t: "set", set: flags.dotall ? setOf(() => true) : setOf((b) => b !== 0x0a) };
      case "^":
        return { t: "assert", kind: flags.multiline ? "lineStart" : "start" };
      case "$":
        return { t: "assert", kind: flags.multiline ? "lineEnd" : "endOrFinalNewline" };
      case "\\":
        return this.escape(flags);
      case "*":
      case "+":
      case "?":
        throw new PcreSyntaxError("quantifier does not follow a repeatable item");
      case "{":
        this.pos--;
        if (this.braces() !== null) throw new PcreSyntaxError("quantifier does not follow a repeatable item");
        this.pos++;
        return single(0x7b, false);
      default:
        return single(c.charCodeAt(0), flags.caseless);
    }
  }

  private readName(terminator: string): string {
    const end = this.p.indexOf(terminator, this.pos);
    const name = end < 0 ? "" : this.p.slice(this.pos, end);
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,31}$/.test(name)) throw new PcreSyntaxError("bad group name");
    this.pos = end + terminator.length;
    return name;
  }

  private closeGroup(): void {
    if (this.peek() !== ")") throw new PcreSyntaxError("missing closing parenthesis");
    this.pos++;
  }

  private capture(flags: MutableFlags, name?: string): Node {
    const number = ++this.groups;
    if (name !== undefined) {
      if (this.names.has(name)) throw new PcreSyntaxError("two named groups have the same name");
      this.names.set(name, number);
    }
    const body = this.alternation({ ...flags });
    this.closeGroup();
    return { t: "group", capture: number, body };
  }

  private group(flags: MutableFlags): Node | null {
    if (this.peek() === "*") throw new PcreUnsupported("(*VERB)");
    if (this.peek() !== "?") return this.capture(flags);
    this.pos++;
    const c = this.peek();
    const inner = (make: (body: Node) => Node): Node => {
      const body = this.alternation({ ...flags });
      this.closeGroup();
      return make(body);
    };
    switch (c) {
      case "#": {
        const end = this.p.indexOf(")", this.pos);
        if (end < 0) throw new PcreSyntaxError("missing ) after (?# comment");
        this.pos = end + 1;
        return null;
      }
      case ":":
        this.pos++;
        return inner((body) => ({ t: "group", capture: null, body }));
      case "=":
      case "!":
        this.pos++;
        return inner((body) => ({ t: "look", behind: false, negate: c === "!", body, branches: [] }));
      case ">":
        this.pos++;
        return inner((body) => ({ t: "atomic", body }));
      case "<": {
        const next = this.peek(1);
        if (next === "=" || next === "!") {
          this.pos += 2;
          return inner((body) => ({
            t: "look",
            behind: true,
            negate: next === "!",
            body,
            branches: lookbehindBranches(body),
          }));
        }
        this.pos++;
        return this.capture(flags, this.readName(">"));
      }
      case "'":
        this.pos++;
        return this.capture(flags, this.readName("'"));
      case "P": {
        const next = this.peek(1);
        if (next === "<") {
          this.pos += 2;
          return this.capture(flags, this.readName(">"));
        }
        if (next === "=") {
          this.pos += 2;
          return this.backref(this.readName(")"), flags.caseless);
        }
        throw next === ">" ? new PcreUnsupported("(?P>name)") : new PcreSyntaxError("bad (?P");
      }
      case "|":
        throw new PcreUnsupported("branch reset (?|");
      case "(":
        throw new PcreUnsupported("conditional group");
      case "C":
        throw new PcreUnsupported("callout");
      case "R":
      case "&":
      case "+":
        throw new PcreUnsupported("recursion");
      default:
        // (?1), (?-1): subroutine calls; (?-i) is an option setting.
        if (/^-?\d/.test(this.p.slice(this.pos, this.pos + 2))) throw new PcreUnsupported("recursion");
        return this.optionSetting(flags);
    }
  }

  /** `(?imsx-imsx)` (changes the rest of the enclosing group) or `(?imsx-imsx:…)`. */
  private optionSetting(flags: MutableFlags): Node | null {
    const changed: MutableFlags = { ...flags };
    let on = true;
    let sawHyphen = false;
    for (;;) {
      const c = this.peek();
      this.pos++;
      if (c === undefined) throw new PcreSyntaxError("missing closing parenthesis");
      if (c === ")") {
        Object.assign(flags, changed);
        return null;
      }
      if (c === ":") {
        const body = this.alternation(changed);
        this.closeGroup();
        return { t: "group", capture: null, body };
      }
      if (c === "-" && !sawHyphen) {
        on = false;
        sawHyphen = true;
        continue;
      }
      if (c === "^" && !sawHyphen && this.p[this.pos - 2] === "?") {
        changed.caseless = changed.multiline = changed.dotall = changed.extended = false;
        continue;
      }
      const option = OPTION_LETTERS[c];
      if (option !== undefined) changed[option] = on;
      else if (c === "n" || c === "U" || c === "J") throw new PcreUnsupported(`(?${c})`);
      else throw new PcreSyntaxError("unrecognized character after (? or (?-");
    }
  }

  /** A decimal number at the position (no sign), or -1. */
  private decimal(): number {
    const m = /^\d+/.exec(this.p.slice(this.pos, this.pos + 10));
    if (m === null) return -1;
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private backref(group: number | string, caseless: boolean): Node {
    this.backrefs.push(group);
    return { t: "backref", group, caseless };
  }

  /** After `\g`: `{n}`, `{-n}`, `{name}`, `n`, `-n`. */
  private gReference(caseless: boolean): Node {
    let text: string;
    if (this.peek() === "{") {
      const end = this.p.indexOf("}", this.pos);
      if (end < 0) throw new PcreSyntaxError("malformed \\g");
      text = this.p.slice(this.pos + 1, end);
      this.pos = end + 1;
    } else if (this.peek() === "<" || this.peek() === "'") {
      throw new PcreUnsupported("subroutine call \\g<…>");
    } else {
      const m = /^[-+]?\d+/.exec(this.p.slice(this.pos, this.pos + 10));
      if (m === null) throw new PcreSyntaxError("\\g is not followed by a number or name");
      text = m[0];
      this.pos += text.length;
    }
    if (/^-\d+$/.test(text)) {
      const group = this.groups + 1 + Number(text);
      if (group <= 0 || Number(text) === 0) throw new PcreSyntaxError("reference to a non-existent group");
      return this.backref(group, caseless);
    }
    if (/^\+?\d+$/.test(text)) {
      if (text.startsWith("+")) throw new PcreUnsupported("relative forward reference");
      const group = Number(text);
      if (group === 0) throw new PcreSyntaxError("reference to a non-existent group");
      return this.backref(group, caseless);
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(text)) throw new PcreSyntaxError("bad group name");
    return this.backref(text, caseless);
  }

  /** Characters shared by escapes inside and outside classes; null when `letter` is not one. */
  private characterEscape(letter: string): number | null {
    switch (letter) {
      case "a":
        return 0x07;
      case "e":
        return 0x1b;
      case "f":
        return 0x0c;
      case "n":
        return 0x0a;
      case "r":
        return 0x0d;
      case "t":
        return 0x09;
      case "c": {
        const x = this.code();
        if (Number.isNaN(x) || x < 0x20 || x > 0x7e)
          throw new PcreSyntaxError("\\c must be followed by a printable character");
        this.pos++;
        return (isLower(x) ? x - 0x20 : x) ^ 0x40;
      }
      case "o": {
        const m = /^\{([0-7]+)\}/.exec(this.p.slice(this.pos, this.pos + 16));
        if (m === null) throw new PcreSyntaxError("malformed \\o{…}");
        this.pos += m[0].length;
        const value = Number.parseInt(m[1] as string, 8);
        if (value > 0xff) throw new PcreSyntaxError("character code point value too large");
        return value;
      }
      case "x": {
        if (this.peek() === "{") {
          const m = /^\{([0-9A-Fa-f]+)\}/.exec(this.p.slice(this.pos, this.pos + 16));
          if (m === null) throw new PcreSyntaxError("malformed \\x{…}");
          this.pos += m[0].length;
          const value = Number.parseInt(m[1] as string, 16);
          if (value > 0xff) throw new PcreSyntaxError("character code point value too large");
          return value;
        }
        const m = /^[0-9A-Fa-f]{0,2}/.exec(this.p.slice(this.pos, this.pos + 2)) as RegExpExecArray;
        this.pos += m[0].length;
        return m[0] === "" ? 0 : Number.parseInt(m[0], 16);
      }
      default:
        return null;
    }
  }

  /** Up to `max` octal digits at the position, as a byte (wrapping as PCRE2 does in 8-bit mode). */
  private octal(max: number): number {
    const m = new RegExp(`^[0-7]{0,${max}}`).exec(this.p.slice(this.pos, this.pos + max)) as RegExpExecArray;
    this.pos += m[0].length;
    const value = m[0] === "" ? 0 : Number.parseInt(m[0], 8);
    if (value > 0xff) throw new PcreSyntaxError("octal value greater than \\377 in 8-bit mode");
    return value;
  }

  private escape(flags: MutableFlags): Node | null {
    const letter = this.peek();
    if (letter === undefined) throw new PcreSyntaxError("\\ at end of pattern");
    this.pos++;
    const c = letter.charCodeAt(0);
    if (letter === "0") return single(this.octal(2), flags.caseless);
    if (isDigit(c)) {
      this.pos--;
      const start = this.pos;
      const n = this.decimal();
      if (n < 10 || letter === "8" || letter === "9" || n <= this.groups)
        return this.backref(n, flags.caseless);
      this.pos = start;
      return single(this.octal(3), flags.caseless);
    }
    const character = this.characterEscape(letter);
    if (character !== null) return single(character, flags.caseless);
    const type = CLASS_ESCAPES[letter];
    if (type !== undefined) return { t: "set", set: setOf(type) };
    switch (letter) {
      case "N":
        // \N{…} names a character (UTF mode only); \N before a quantifier in braces is fine.
        if (this.peek() === "{" && this.braces() === null)
          throw new PcreSyntaxError("\\N{name} needs UTF mode");
        return { t: "set", set: setOf((b) => b !== 0x0a) };
      case "C":
        return { t: "set", set: setOf(() => true) };
      case "R": {
        const crlf: Node = { t: "seq", items: [single(0x0d, false), single(0x0a, false)] };
        return { t: "atomic", body: { t: "alt", branches: [crlf, { t: "set", set: setOf(isVertical) }] } };
      }
      case "b":
        return { t: "assert", kind: "word" };
      case "B":
        return { t: "assert", kind: "notWord" };
      case "A":
        return { t: "assert", kind: "start" };
      case "z":
        return { t: "assert", kind: "end" };
      case "Z":
        return { t: "assert", kind: "endOrFinalNewline" };
      case "g":
        return this.gReference(flags.caseless);
      case "k": {
        const open = this.peek();
        const close = open === "<" ? ">" : open === "'" ? "'" : open === "{" ? "}" : null;
        if (close === null) throw new PcreSyntaxError("\\k is not followed by a name");
        this.pos++;
        return this.backref(this.readName(close), flags.caseless);
      }
      case "Q":
        return this.quoted(flags);
      case "E":
        return null;
      case "G":
      case "K":
      case "X":
      case "p":
      case "P":
        throw new PcreUnsupported(`\\${letter}`);
      default:
        if (isAlpha(c)) throw new PcreSyntaxError(`unrecognized character follows \\`);
        return single(c, flags.caseless);
    }
  }

  /** `\Q…\E`: literal text. */
  private quoted(flags: MutableFlags): Node | null {
    const end = this.p.indexOf("\\E", this.pos);
    const text = this.p.slice(this.pos, end < 0 ? this.p.length : end);
    this.pos = end < 0 ? this.p.length : end + 2;
    if (text === "") return null;
    const items = [...text].map((ch) => single(ch.charCodeAt(0), flags.caseless));
    // Quantifiers after \E apply to the last character only, as in PCRE2.
    return items.length === 1 ? (items[0] as Node) : this.lastRepeatable(items, flags);
  }

  private lastRepeatable(items: Node[], flags: MutableFlags): Node {
    const last = items.pop() as Node;
    const head: Node = { t: "seq", items };
    const repeated = this.quantified(last, flags);
    if (repeated !== last) {
      this.skipExtended(flags);
      if (this.quantifierAhead()) throw new PcreSyntaxError("quantifier follows a quantifier");
    }
    return { t: "seq", items: [head, repeated] };
  }

  /** `[…]` after the `[`. */
  private characterClass(flags: MutableFlags): Node {
    const set = new Uint8Array(256);
    let negate = false;
    if (this.peek() === "^") {
      negate = true;
      this.pos++;
    }
    const first = this.peek();
    if (first === ":" || first === "." || first === "=") {
      // `[:alpha:]` as a whole class is an error in PCRE2 (a likely mistake for `[[:alpha:]]`).
      const rest = this.p.slice(this.pos + 1);
      const close = rest.indexOf(`${first}]`);
      if (close >= 0 && !/[\\[\]]/.test(rest.slice(0, close))) {
        throw new PcreSyntaxError("POSIX named classes are supported only within a class");
      }
    }
    let atStart = true;
    for (;;) {
      const c = this.peek();
      if (c === undefined) throw new PcreSyntaxError("missing terminating ] for character class");
      if (c === "]" && !atStart) {
        this.pos++;
        break;
      }
      const item = this.classItem();
      // \E (or an empty \Q…\E) is nothing: a `]` after it at the start is still a member.
      if (item === null) continue;
      atStart = false;
      if (typeof item !== "number") {
        for (let b = 0; b < 256; b++) if (item[b]) set[b] = 1;
        if (this.peek() === "-" && this.peek(1) !== "]" && this.peek(1) !== undefined) {
          throw new PcreSyntaxError("invalid range in character class");
        }
        continue;
      }
      if (this.peek() === "-" && this.peek(1) !== "]" && this.peek(1) !== undefined) {
        this.pos++;
        const high = this.classItem();
        if (high === null || typeof high !== "number")
          throw new PcreSyntaxError("invalid range in character class");
        if (high < item) throw new PcreSyntaxError("range out of order in character class");
        for (let b = item; b <= high; b++) set[b] = 1;
      } else set[item] = 1;
    }
    const cased = flags.caseless ? folded(set) : set;
    if (negate) for (let b = 0; b < 256; b++) cased[b] = cased[b] ? 0 : 1;
    return { t: "set", set: cased };
  }

  /** One class member: a byte, a set (`\d`, `[:digit:]`), or null for `\E`/empty `\Q\E`. */
  private classItem(): number | ByteSet | null {
    const c = this.peek() as string;
    if (c === "[") {
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.p.slice(this.pos, this.pos + 16));
      if (posix !== null) {
        const test = POSIX_CLASSES[posix[2] as string];
        if (test === undefined) throw new PcreSyntaxError("unknown POSIX class name");
        this.pos += posix[0].length;
        return setOf(posix[1] === "^" ? (b) => !test(b) : test);
      }
      if (
        /^\[[.=]/.test(this.p.slice(this.pos, this.pos + 2)) &&
        /^\[([.=]).*?\1\]/.test(this.p.slice(this.pos))
      ) {
        throw new PcreSyntaxError("POSIX collating elements are not supported");
      }
    }
    this.pos++;
    if (c !== "\\") return c.charCodeAt(0);
    const letter = this.peek();
    if (letter === undefined) throw new PcreSyntaxError("\\ at end of pattern");
    this.pos++;
    const code = letter.charCodeAt(0);
    if (isDigit(code)) {
      if (letter === "8" || letter === "9") return code;
      this.pos--;
      return this.octal(3);
    }
    if (letter === "b") return 0x08;
    if (letter === "g") return code; // PCRE2 takes \g in a class as the letter
    const character = this.characterEscape(letter);
    if (character !== null) return character;
    const type = CLASS_ESCAPES[letter];
    if (type !== undefined) return setOf(type);
    if (letter === "E") return null;
    if (letter === "Q") {
      const end = this.p.indexOf("\\E", this.pos);
      const text = this.p.slice(this.pos, end < 0 ? this.p.length : end);
      this.pos = end < 0 ? this.p.length : end + 2;
      if (text === "") return null;
      // Only the last quoted character can start a range; the others are members.
      const set = new Uint8Array(256);
      for (const ch of text) set[ch.charCodeAt(0)] = 1;
      return text.length === 1 ? text.charCodeAt(0) : set;
    }
    if (isAlpha(code)) throw new PcreSyntaxError("escape sequence is invalid in character class");
    return code;
  }
}

/** PCRE2 (before 10.43) needs every branch of a lookbehind to have one fixed length. */
function lookbehindBranches(body: Node): { readonly node: Node; readonly length: number }[] {
  return (body.t === "alt" ? body.branches : [body]).map((node) => {
    const length = fixedLength(node);
    if (length === null) throw new PcreSyntaxError("lookbehind assertion is not fixed length");
    return { node, length };
  });
}

/** The one length every match of `node` has, or null when it varies. */
function fixedLength(node: Node): number | null {
  switch (node.t) {
    case "set":
      return 1;
    case "assert":
    case "look":
      return 0;
    case "seq": {
      let total = 0;
      for (const item of node.items) {
        const n = fixedLength(item);
        if (n === null) return null;
        total += n;
      }
      return total;
    }
    case "alt": {
      let length: number | null = null;
      for (const branch of node.branches) {
        const n = fixedLength(branch);
        if (n === null || (length !== null && n !== length)) return null;
        length = n;
      }
      return length ?? 0;
    }
    case "group":
    case "atomic":
      return fixedLength(node.body);
    case "repeat": {
      if (node.min !== node.max) return null;
      const n = fixedLength(node.body);
      return n === null ? null : n * node.min;
    }
    case "backref":
      return null;
  }
}

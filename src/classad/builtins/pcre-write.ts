/**
 * A parsed PCRE2 pattern written out as a JavaScript pattern over byte strings (no flags): byte
 * sets as explicit classes, assertions as lookarounds, possessive and atomic parts as a capturing
 * lookahead plus a back-reference, with a map from PCRE2's group numbers to JavaScript's.
 */
import { type Assertion, type ByteSet, isAlpha, isDigit, type Node } from "./pcre-parse.js";

function hex(c: number): string {
  return `\\x${c.toString(16).padStart(2, "0")}`;
}

function setSource(set: ByteSet): string {
  let count = 0;
  for (let c = 0; c < 256; c++) count += set[c] as number;
  if (count === 256) return "[\\s\\S]";
  if (count === 0) return "[^\\s\\S]";
  if (count === 1) {
    const c = set.indexOf(1);
    return isAlpha(c) || isDigit(c) ? String.fromCharCode(c) : hex(c);
  }
  let out = "[";
  for (let c = 0; c < 256; c++) {
    if (!set[c]) continue;
    let end = c;
    while (end + 1 < 256 && set[end + 1]) end++;
    out += end === c ? hex(c) : end === c + 1 ? hex(c) + hex(end) : `${hex(c)}-${hex(end)}`;
    c = end;
  }
  return `${out}]`;
}

const ASSERTIONS: Readonly<Record<Assertion, string>> = {
  start: "^",
  // PCRE2 multiline ^ matches after an internal newline, not after one that ends the subject.
  lineStart: "(?:^|(?<=\\n)(?=[\\s\\S]))",
  end: "$",
  lineEnd: "(?=\\n|$)",
  endOrFinalNewline: "(?=\\n?$)",
  word: "\\b",
  notWord: "\\B",
};

/** Writes the tree as a JavaScript pattern (no flags), numbering groups from `firstGroup`. */
class Writer {
  private next: number;
  /** PCRE2 group number → JavaScript group number. */
  readonly groupMap: number[] = [0];

  constructor(firstGroup: number) {
    this.next = firstGroup;
  }

  write(node: Node): string {
    switch (node.t) {
      case "set":
        return setSource(node.set);
      case "seq":
        return node.items.map((item) => this.atomic(item)).join("");
      case "alt":
        return node.branches.map((branch) => this.write(branch)).join("|");
      case "group": {
        if (node.capture === null) return `(?:${this.write(node.body)})`;
        this.groupMap[node.capture] = this.next++;
        return `(${this.write(node.body)})`;
      }
      case "look":
        return `(?${node.behind ? "<" : ""}${node.negate ? "!" : "="}${this.write(node.body)})`;
      case "atomic": {
        // (?>X) ≡ (?=(X))\n: the lookahead takes X's first match and never backtracks into it.
        const n = this.next++;
        return `(?=(${this.write(node.body)}))\\${n}(?:)`;
      }
      case "repeat": {
        const quantifier =
          node.max === Number.POSITIVE_INFINITY
            ? node.min === 0
              ? "*"
              : node.min === 1
                ? "+"
                : `{${node.min},}`
            : node.min === node.max
              ? `{${node.min}}`
              : `{${node.min},${node.max}}`;
        if (node.mode === "possessive") {
          const n = this.next++;
          return `(?=(${this.atom(node.body)}${quantifier}))\\${n}(?:)`;
        }
        return `${this.atom(node.body)}${quantifier}${node.mode === "lazy" ? "?" : ""}`;
      }
      case "backref":
        // A JavaScript back-reference to a group that has not taken part matches the empty
        // string; PCRE2's fails. Such patterns are matched over the tree (pcre-match.ts).
        throw new Error("a pattern with back-references has no JavaScript form");
      case "assert":
        return ASSERTIONS[node.kind];
    }
  }

  /** A sequence item: alternations need a group to stay one item. */
  private atomic(node: Node): string {
    return node.t === "alt" ? `(?:${this.write(node)})` : this.write(node);
  }

  /** What a quantifier can follow directly: a set or a group as it is, anything else grouped. */
  private atom(node: Node): string {
    const source = this.write(node);
    return node.t === "set" || node.t === "group" ? source : `(?:${source})`;
  }
}

/**
 * Writes a pattern without back-references as JavaScript, numbering its groups from
 * `firstGroup`; `map` takes PCRE2's group numbers to JavaScript's.
 */
export function writeJs(tree: Node, firstGroup: number): WrittenPattern {
  const writer = new Writer(firstGroup);
  return { source: writer.write(tree), map: writer.groupMap };
}

/** A pattern in JavaScript form and its group map. */
export interface WrittenPattern {
  readonly source: string;
  readonly map: readonly number[];
}

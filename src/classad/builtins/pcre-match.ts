/**
 * A backtracking matcher over a parsed PCRE2 pattern, for patterns with back-references (see
 * TreeMatcher); it follows PCRE2's match limit and its required-character precheck.
 */

import type { PcreMatchOptions } from "./pcre.js";
import { type Assertion, type ByteSet, isUpper, isWord, type Node } from "./pcre-parse.js";

/** PCRE2's default match limit: past it pcre2_match fails, and libclassad's result is error. */
const MATCH_LIMIT = 10_000_000;

/** Thrown when a match runs past the limit (or the stack): the evaluation is an error. */
export class PcreMatchLimit extends Error {}

/**
 * Patterns with back-references are matched here rather than by a JavaScript RegExp, whose
 * back-reference to a group that has not taken part matches the empty string: in PCRE2 it fails
 * (`(a)|b\1` does not match "b"), and under `(?i)` it ignores case. A plain backtracking
 * matcher with continuations, over the same tree the translation writes out.
 */
export class TreeMatcher {
  private subject = "";
  private steps = 0;
  /** Each group's span [start, end), or undefined while it has not taken part. */
  private caps: ([number, number] | undefined)[] = [];

  /** Characters every match must contain (PCRE2 checks its required code unit before matching). */
  private readonly required: readonly ByteSet[];

  constructor(
    private readonly root: Node,
    private readonly groupCount: number,
    private readonly names: ReadonlyMap<string, number>,
  ) {
    this.required = requiredCharacters(root);
  }

  exec(
    subject: string,
    from: number,
    options: PcreMatchOptions,
  ): { start: number; end: number; caps: ([number, number] | undefined)[] } | null {
    this.subject = subject;
    this.steps = 0;
    // A required character that is absent: no match, without the (possibly long) search.
    for (const set of this.required) {
      let present = false;
      for (let i = from; i < subject.length && !present; i++) present = set[subject.charCodeAt(i)] === 1;
      if (!present) return null;
    }
    const last = options.anchored ? from : subject.length;
    for (let start = from; start <= last; start++) {
      this.caps = new Array(this.groupCount + 1).fill(undefined);
      let end = -1;
      try {
        const found = this.m(this.root, start, (p) => {
          if (options.notEmpty && p === start) return false;
          end = p;
          return true;
        });
        if (found) return { start, end, caps: this.caps };
      } catch (e) {
        if (e instanceof RangeError) throw new PcreMatchLimit("pattern too deep for the stack");
        throw e;
      }
    }
    return null;
  }

  private m(node: Node, pos: number, k: (p: number) => boolean): boolean {
    if (++this.steps > MATCH_LIMIT) throw new PcreMatchLimit("match limit exceeded");
    const s = this.subject;
    switch (node.t) {
      case "set":
        return pos < s.length && node.set[s.charCodeAt(pos)] === 1 && k(pos + 1);
      case "seq": {
        const items = node.items;
        const go = (i: number, p: number): boolean =>
          i === items.length ? k(p) : this.m(items[i] as Node, p, (q) => go(i + 1, q));
        return go(0, pos);
      }
      case "alt":
        for (const branch of node.branches) if (this.m(branch, pos, k)) return true;
        return false;
      case "group": {
        if (node.capture === null) return this.m(node.body, pos, k);
        const n = node.capture;
        return this.m(node.body, pos, (p) => {
          const saved = this.caps[n];
          this.caps[n] = [pos, p];
          if (k(p)) return true;
          this.caps[n] = saved;
          return false;
        });
      }
      case "look": {
        const saved = this.caps.slice();
        let found = false;
        if (!node.behind) found = this.m(node.body, pos, () => true);
        else {
          for (const { node: branch, length } of node.branches) {
            if (pos - length >= 0 && this.m(branch, pos - length, (p) => p === pos)) {
              found = true;
              break;
            }
          }
        }
        if (found !== node.negate && k(pos)) return true;
        this.caps = saved;
        return false;
      }
      case "atomic": {
        const saved = this.caps.slice();
        let end = -1;
        const found = this.m(node.body, pos, (p) => {
          end = p;
          return true;
        });
        if (!found) return false;
        if (k(end)) return true;
        this.caps = saved;
        return false;
      }
      case "repeat":
        return this.repeat(node, pos, k);
      case "backref": {
        const n = typeof node.group === "number" ? node.group : (this.names.get(node.group) ?? 0);
        const span = this.caps[n];
        if (span === undefined) return false; // a group that has not taken part matches nothing
        const length = span[1] - span[0];
        if (pos + length > s.length) return false;
        for (let i = 0; i < length; i++) {
          let a = s.charCodeAt(span[0] + i);
          let b = s.charCodeAt(pos + i);
          if (node.caseless) {
            if (isUpper(a)) a += 0x20;
            if (isUpper(b)) b += 0x20;
          }
          if (a !== b) return false;
        }
        return k(pos + length);
      }
      case "assert":
        return this.holds(node.kind, pos) && k(pos);
    }
  }

  private repeat(node: Extract<Node, { t: "repeat" }>, pos: number, k: (p: number) => boolean): boolean {
    if (node.mode === "possessive") {
      return this.m({ t: "atomic", body: { ...node, mode: "greedy" } }, pos, k);
    }
    const { body, min, max } = node;
    // An iteration that matches nothing ends the loop (its captures stand), as in PCRE2.
    const greedy = (count: number, p: number): boolean =>
      (count < max && this.m(body, p, (q) => (q === p ? k(q) : greedy(count + 1, q)))) ||
      (count >= min && k(p));
    const lazy = (count: number, p: number): boolean =>
      (count >= min && k(p)) ||
      (count < max && this.m(body, p, (q) => (q === p ? k(q) : lazy(count + 1, q))));
    return node.mode === "lazy" ? lazy(0, pos) : greedy(0, pos);
  }

  private holds(kind: Assertion, pos: number): boolean {
    const s = this.subject;
    const n = s.length;
    switch (kind) {
      case "start":
        return pos === 0;
      case "lineStart":
        return pos === 0 || (s.charCodeAt(pos - 1) === 0x0a && pos < n);
      case "end":
        return pos === n;
      case "lineEnd":
        return pos === n || s.charCodeAt(pos) === 0x0a;
      case "endOrFinalNewline":
        return pos === n || (pos === n - 1 && s.charCodeAt(pos) === 0x0a);
      case "word":
      case "notWord": {
        const before = pos > 0 && isWord(s.charCodeAt(pos - 1));
        const after = pos < n && isWord(s.charCodeAt(pos));
        return (before !== after) === (kind === "word");
      }
    }
  }
}

/** Literal characters (one byte, or a letter in both cases) that every match of `node` holds. */
function requiredCharacters(node: Node): ByteSet[] {
  switch (node.t) {
    case "set": {
      const members: number[] = [];
      for (let c = 0; c < 256 && members.length <= 2; c++) if (node.set[c]) members.push(c);
      const [a, b] = members;
      const oneLetter = members.length === 2 && isUpper(a as number) && b === (a as number) + 0x20;
      return members.length === 1 || oneLetter ? [node.set] : [];
    }
    case "seq":
      return node.items.flatMap(requiredCharacters);
    case "group":
    case "atomic":
      return requiredCharacters(node.body);
    case "repeat":
      return node.min >= 1 ? requiredCharacters(node.body) : [];
    default:
      return [];
  }
}

export function hasBackref(node: Node): boolean {
  switch (node.t) {
    case "backref":
      return true;
    case "seq":
      return node.items.some(hasBackref);
    case "alt":
      return node.branches.some(hasBackref);
    case "group":
    case "look":
    case "atomic":
    case "repeat":
      return hasBackref(node.body);
    default:
      return false;
  }
}

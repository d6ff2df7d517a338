import type { BinaryOp, CallExpr, Expr, Literal, RecordExpr } from "./ast.js";
import { lookupBuiltin, type StrictBuiltin } from "./builtins/index.js";
import { undefinedOrError } from "./builtins/support.js";
import { ClassAd } from "./classad.js";
import { applyBinary, applyUnary, type StrictBinaryOp, truthiness } from "./operators.js";
import { ERROR, FALSE, realValue, TRUE, UNDEFINED, type Value } from "./value.js";
import { exprFromValue } from "./value-to-expr.js";

/**
 * The ClassAd evaluator: a walk over the closed AST with libclassad's semantics (reference §5–7).
 *
 * Evaluation state lives in an {@link Evaluator}: the root ad of the evaluation, the attribute
 * expressions currently being evaluated (for cycle detection), the nesting depth (a guard that
 * turns pathological nesting into an error value instead of a stack overflow), and, during
 * matchmaking, the context ads that bind TARGET/MY/other and the "alternate scope" of HTCondor's
 * old semantics.
 */

/** Options that select between libclassad's documented behaviours. */
export interface EvaluationOptions {
  /**
   * `"old"` (HTCondor's default, `SetOldClassAdSemantics(true)`): `MY` names the current ad,
   * `CurrentTime` is `time()`, and an unscoped name missing from its ad falls back to the other
   * ad of a match. `"strict"`: plain new ClassAd semantics. Default `"old"`.
   */
  readonly semantics?: "old" | "strict";
  /** Value of a circular reference: `"undefined"` (V25.13.2+, default) or `"error"` (V24.x). */
  readonly circularReference?: "undefined" | "error";
  /** The clock for `time()`, `CurrentTime` and friends, in seconds since the epoch. */
  readonly now?: () => number;
  /**
   * Maximum nesting of evaluation frames; deeper evaluation yields error instead of exhausting
   * the JavaScript stack. Default 2500.
   */
  readonly maxDepth?: number;
}

const DEFAULT_MAX_DEPTH = 2500;

/** libclassad's MatchClassAd structure: the match ad, both context ads and the ad handles. */
interface MatchFrame {
  readonly matchAd: ClassAd;
  readonly lCtx: ClassAd;
  readonly rCtx: ClassAd;
  readonly leftHandle: RecordExpr;
  readonly rightHandle: RecordExpr;
}

/** Where an unscoped or selected name was found. */
type Resolution = { readonly expr: Expr; readonly scope: ClassAd } | { readonly value: Value } | null;

/**
 * Evaluation machinery. One instance can evaluate many expressions; it is not re-entrant across
 * asynchronous boundaries (evaluation is synchronous).
 */
export class Evaluator {
  readonly oldSemantics: boolean;
  private readonly circular: Value;
  private readonly maxDepth: number;
  private readonly clock: () => number;
  private depth = 0;
  private root: ClassAd | null = null;
  /** The attribute expressions being evaluated: a stack (chains are short; a scan beats a Set). */
  private readonly active: Expr[] = [];
  /** Parents that are not lexical: the match context ad of each matched ad. */
  private readonly contextParents = new Map<ClassAd, ClassAd>();
  /** Old semantics: where an unscoped name missing from an ad is looked up next. */
  private readonly alternates = new Map<ClassAd, ClassAd>();
  /** Record nodes that stand for an existing ad (used to build match context ads). */
  private readonly adHandles = new WeakMap<RecordExpr, ClassAd>();
  /** The reusable match structure, and whether it is bound to a pair right now. */
  private matchFrame: MatchFrame | null = null;
  private matchBound = false;

  constructor(options: EvaluationOptions = {}) {
    this.oldSemantics = (options.semantics ?? "old") === "old";
    this.circular = options.circularReference === "error" ? ERROR : UNDEFINED;
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.clock = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /** Seconds since the epoch according to the configured clock. */
  now(): number {
    return this.clock();
  }

  /**
   * Evaluates `expr` as if it were an attribute of `scope` (or with no ad at all). Never throws:
   * nesting beyond the depth guard (or an exhausted stack) yields the error value.
   */
  evaluate(expr: Expr, scope: ClassAd | null = null): Value {
    const savedRoot = this.root;
    const savedDepth = this.depth;
    this.root = this.rootOf(scope);
    try {
      return this.evaluateIn(expr, scope);
    } catch (cause) {
      if (cause instanceof RangeError) {
        this.active.length = 0;
        return ERROR;
      }
      throw cause;
    } finally {
      this.root = savedRoot;
      this.depth = savedDepth;
    }
  }

  /** Evaluates the attribute `name` of `ad` (undefined when absent), in `ad`'s scope. */
  evaluateAttribute(ad: ClassAd, name: string): Value {
    const expr = ad.get(name);
    if (expr === undefined) return UNDEFINED;
    return this.evaluate(expr, ad);
  }

  /**
   * Binds two ads for matchmaking the way libclassad's MatchClassAd does: each ad's parent scope
   * becomes a context ad `[other=.RIGHT; target=.RIGHT; my=.LEFT; ad=.LEFT]` (mirrored for the
   * right ad) inside a match ad that defines symmetricMatch, leftMatchesRight, rightMatchesLeft,
   * leftRankValue and rightRankValue. Under old semantics each ad's alternate scope is the other.
   * The ads are not modified. Returns the match ad; {@link unbindMatch} undoes the binding.
   */
  bindMatch(left: ClassAd, right: ClassAd): ClassAd {
    // The match and context ads do not depend on the two ads (they reach them through handle
    // nodes), so one frame is built per evaluator and re-pointed: matching stays allocation-free.
    let frame = this.matchFrame;
    if (frame === null || this.matchBound) frame = this.buildMatchFrame();
    if (!this.matchBound) this.matchFrame = frame;
    this.matchBound = true;
    this.adHandles.set(frame.leftHandle, left);
    this.adHandles.set(frame.rightHandle, right);
    this.contextParents.set(left, frame.lCtx);
    this.contextParents.set(right, frame.rCtx);
    if (this.oldSemantics) {
      this.alternates.set(left, right);
      this.alternates.set(right, left);
    }
    return frame.matchAd;
  }

  private buildMatchFrame(): MatchFrame {
    const matchAd = new ClassAd();
    const handle = (ad: ClassAd): RecordExpr => {
      const node: RecordExpr = { kind: "record", attributes: [] };
      this.adHandles.set(node, ad);
      return node;
    };
    const ref = (name: string): Expr => ({ kind: "attr", name, absolute: true });
    const sel = (base: string, name: string): Expr => ({
      kind: "select",
      base: { kind: "attr", name: base, absolute: false },
      name,
    });
    const context = (other: string, own: string): ClassAd => {
      const ctx = new ClassAd([
        { name: "other", expr: ref(other) },
        { name: "target", expr: ref(other) },
        { name: "my", expr: ref(own) },
        { name: "ad", expr: ref(own) },
      ]);
      ctx.parent = matchAd;
      return ctx;
    };
    const lCtx = context("RIGHT", "LEFT");
    const rCtx = context("LEFT", "RIGHT");
    const leftHandle = handle(new ClassAd());
    const rightHandle = handle(new ClassAd());
    matchAd.set("symmetricMatch", {
      kind: "binary",
      op: "&&",
      left: sel("RIGHT", "requirements"),
      right: sel("LEFT", "requirements"),
    });
    matchAd.set("leftMatchesRight", sel("RIGHT", "requirements"));
    matchAd.set("rightMatchesLeft", sel("LEFT", "requirements"));
    matchAd.set("leftRankValue", sel("LEFT", "rank"));
    matchAd.set("rightRankValue", sel("RIGHT", "rank"));
    matchAd.set("lCtx", handle(lCtx));
    matchAd.set("rCtx", handle(rCtx));
    matchAd.set("LEFT", leftHandle);
    matchAd.set("RIGHT", rightHandle);
    return { matchAd, lCtx, rCtx, leftHandle, rightHandle };
  }

  /** Removes the match binding of {@link bindMatch}. */
  unbindMatch(left: ClassAd, right: ClassAd): void {
    if (this.matchFrame !== null && this.contextParents.get(left) === this.matchFrame.lCtx)
      this.matchBound = false;
    this.contextParents.delete(left);
    this.contextParents.delete(right);
    this.alternates.delete(left);
    this.alternates.delete(right);
  }

  /** The parent scope of an ad: lexical parent, else its match context, else none. */
  parentOf(ad: ClassAd): ClassAd | null {
    return ad.parent ?? this.contextParents.get(ad) ?? null;
  }

  private rootOf(scope: ClassAd | null): ClassAd | null {
    if (scope === null) return null;
    let current = scope;
    let steps = 0;
    for (let next = this.parentOf(current); next !== null; next = this.parentOf(current)) {
      if (next === scope || ++steps > 100_000) return null; // a parent cycle has no root
      current = next;
    }
    return current;
  }

  /**
   * Evaluates `expr` with `scope` as the current ad, within an evaluation already started with
   * {@link evaluate} (builtin functions call this for their arguments).
   */
  evaluateIn(expr: Expr, scope: ClassAd | null): Value {
    if (++this.depth > this.maxDepth) {
      this.depth--;
      return ERROR;
    }
    const value = this.walk(expr, scope);
    this.depth--;
    return value;
  }

  private walk(expr: Expr, scope: ClassAd | null): Value {
    switch (expr.kind) {
      case "literal":
        return valueOfLiteral(expr.value);
      case "attr": {
        const found = expr.absolute
          ? this.lookupInScope(this.root, expr.name)
          : this.lookupUnscoped(scope, expr.name);
        return this.resolve(found);
      }
      case "select": {
        const base = this.evaluateIn(expr.base, scope);
        return this.select(base, expr.name);
      }
      case "subscript": {
        const base = this.evaluateIn(expr.base, scope);
        const index = this.evaluateIn(expr.index, scope);
        return this.subscript(base, index);
      }
      case "unary":
        return applyUnary(expr.op, this.evaluateIn(expr.operand, scope));
      case "binary":
        return this.binary(expr.op, expr.left, expr.right, scope);
      case "ternary": {
        const cond = this.evaluateIn(expr.cond, scope);
        if (cond.kind === "undefined" || cond.kind === "error") return cond;
        const t = truthiness(cond);
        if (t === null) return ERROR;
        return this.evaluateIn(t ? expr.ifTrue : expr.ifFalse, scope);
      }
      case "paren":
        return this.evaluateIn(expr.inner, scope);
      case "call": {
        const builtin = lookupBuiltin(expr.name);
        const count = expr.args.length;
        // The one arity check, from the builtin's table entry: a wrong count is error.
        if (builtin === undefined || count < builtin.minArgs || count > builtin.maxArgs) return ERROR;
        if (builtin.strict) return this.callStrict(builtin.fn, expr, scope);
        return builtin.fn(this, expr.args, scope, expr.name);
      }
      case "list":
        return { kind: "list", items: expr.items, scope };
      case "record": {
        const handled = this.adHandles.get(expr);
        if (handled) return { kind: "classad", ad: handled };
        return { kind: "classad", ad: ClassAd.fromRecord(expr, scope) };
      }
    }
  }

  /** A strict builtin's call: an error argument makes error, else an undefined one undefined. */
  private callStrict(fn: StrictBuiltin, call: CallExpr, scope: ClassAd | null): Value {
    const values: Value[] = [];
    for (const arg of call.args) values.push(this.evaluateIn(arg, scope));
    return undefinedOrError(values) ?? fn(this, values, scope, call.name);
  }

  private binary(op: BinaryOp, l: Expr, r: Expr, scope: ClassAd | null): Value {
    switch (op) {
      case "&&": {
        const a = this.evaluateIn(l, scope);
        let ta: boolean | null = null;
        if (a.kind === "error") return ERROR;
        if (a.kind !== "undefined") {
          ta = truthiness(a);
          if (ta === null) return ERROR;
          if (!ta) return FALSE;
        }
        const b = this.evaluateIn(r, scope);
        if (b.kind === "error") return ERROR;
        if (b.kind === "undefined") return UNDEFINED;
        const tb = truthiness(b);
        if (tb === null) return ERROR;
        if (!tb) return FALSE;
        return ta === null ? UNDEFINED : TRUE;
      }
      case "||": {
        const a = this.evaluateIn(l, scope);
        let ta: boolean | null = null;
        if (a.kind === "error") return ERROR;
        if (a.kind !== "undefined") {
          ta = truthiness(a);
          if (ta === null) return ERROR;
          if (ta) return TRUE;
        }
        const b = this.evaluateIn(r, scope);
        if (b.kind === "error") return ERROR;
        if (b.kind === "undefined") return UNDEFINED;
        const tb = truthiness(b);
        if (tb === null) return ERROR;
        if (tb) return TRUE;
        return ta === null ? UNDEFINED : FALSE;
      }
      case "?:": {
        const a = this.evaluateIn(l, scope);
        return a.kind === "undefined" ? this.evaluateIn(r, scope) : a;
      }
      default: {
        const a = this.evaluateIn(l, scope);
        const b = this.evaluateIn(r, scope);
        return applyBinary(op as StrictBinaryOp, a, b);
      }
    }
  }

  /** `base.name`: lookup with parent fallback; list projection; undefined/error pass through. */
  select(base: Value, name: string): Value {
    switch (base.kind) {
      case "undefined":
      case "error":
        return base;
      case "classad":
        return this.resolve(this.lookupInScope(base.ad, name));
      case "list": {
        const items: Expr[] = [];
        // libclassad applies `element.name` to each element: nested lists project again,
        // undefined and error elements stay what they are, other values are errors.
        for (const item of base.items)
          items.push(exprFromValue(this.select(this.evaluateIn(item, base.scope), name)));
        return { kind: "list", items, scope: base.scope };
      }
      default:
        return ERROR;
    }
  }

  /** `base[index]`: list by integer, classad by string (case-insensitive); else error. */
  subscript(base: Value, index: Value): Value {
    if (base.kind === "error" || index.kind === "error") return ERROR;
    if (base.kind === "undefined" || index.kind === "undefined") return UNDEFINED;
    if (base.kind === "list" && index.kind === "integer") {
      // libclassad reads the index into a C int: only its low 32 bits count.
      const i = BigInt.asIntN(32, index.value);
      if (i < 0n || i >= BigInt(base.items.length)) return ERROR;
      const item = base.items[Number(i)];
      return item === undefined ? ERROR : this.evaluateIn(item, base.scope);
    }
    if (base.kind === "classad" && index.kind === "string") {
      const expr = base.ad.get(index.value);
      if (expr === undefined) return UNDEFINED;
      return this.resolve({ expr, scope: base.ad });
    }
    return ERROR;
  }

  /** Evaluates what a lookup found, detecting circular references. */
  private resolve(found: Resolution): Value {
    if (found === null) return UNDEFINED;
    if ("value" in found) return found.value;
    const { expr, scope } = found;
    if (this.active.includes(expr)) return this.circular;
    this.active.push(expr);
    const value = this.evaluateIn(expr, scope);
    this.active.pop();
    return value;
  }

  /**
   * libclassad's AttributeReference::Deref: the expression an attribute reference (`name`,
   * `.name`, `base.name`) is bound to, without evaluating it; null when it is not bound to one.
   */
  dereference(ref: Expr, scope: ClassAd | null): Expr | null {
    let found: Resolution = null;
    if (ref.kind === "attr") {
      found = ref.absolute ? this.lookupInScope(this.root, ref.name) : this.lookupUnscoped(scope, ref.name);
    } else if (ref.kind === "select") {
      const base = this.evaluateIn(ref.base, scope);
      if (base.kind === "classad") found = this.lookupInScope(base.ad, ref.name);
    }
    return found !== null && "expr" in found ? found.expr : null;
  }

  /** Unscoped `name`: the scope chain, then (old semantics) the ad's alternate scope. */
  private lookupUnscoped(scope: ClassAd | null, name: string): Resolution {
    const found = this.lookupInScope(scope, name);
    if (found !== null || scope === null) return found;
    const alternate = this.alternates.get(scope);
    return alternate ? this.lookupInScope(alternate, name) : null;
  }

  /**
   * libclassad's LookupInScope: walk from `start` outward; at each level the ad's own attribute
   * wins, then the reserved names resolve at that level (toplevel/root, self, my under old
   * semantics, parent, CurrentTime under old semantics).
   */
  lookupInScope(start: ClassAd | null, name: string): Resolution {
    let current = start;
    while (current !== null) {
      const expr = current.get(name);
      if (expr !== undefined) return { expr, scope: current };
      const special = this.reservedName(current, name);
      if (special !== null) return special;
      current = this.parentOf(current);
      if (current === start) return null;
    }
    return null;
  }

  private reservedName(level: ClassAd, name: string): Resolution {
    if (name.length < 2 || name.length > 11) return null;
    switch (name.toLowerCase()) {
      case "toplevel":
      case "root":
        return { value: this.root ? { kind: "classad", ad: this.root } : UNDEFINED };
      case "self":
        return { value: { kind: "classad", ad: level } };
      case "my":
        return this.oldSemantics ? { value: { kind: "classad", ad: level } } : null;
      case "parent": {
        const parent = this.parentOf(level);
        return { value: parent ? { kind: "classad", ad: parent } : UNDEFINED };
      }
      case "currenttime":
        return this.oldSemantics ? { value: { kind: "integer", value: BigInt(this.now()) } } : null;
      default:
        return null;
    }
  }
}

/** The value of a literal node (a folded `relTime("…")` literal evaluates to a real: §2.6). */
export function valueOfLiteral(literal: Literal): Value {
  switch (literal.type) {
    case "undefined":
      return UNDEFINED;
    case "error":
      return ERROR;
    case "boolean":
      return literal.value ? TRUE : FALSE;
    case "integer":
      return { kind: "integer", value: literal.value };
    case "real":
      return { kind: "real", value: literal.value };
    case "string":
      return { kind: "string", value: literal.value };
    case "absTime":
      return { kind: "absTime", seconds: literal.seconds, offset: literal.offset };
    case "relTime":
      return realValue(literal.seconds);
  }
}

/** Evaluates `expr` in `scope` with a fresh {@link Evaluator}. */
export function evaluate(expr: Expr, scope: ClassAd | null = null, options: EvaluationOptions = {}): Value {
  return new Evaluator(options).evaluate(expr, scope);
}

/** Evaluates attribute `name` of `ad` with a fresh {@link Evaluator}. */
export function evaluateAttribute(ad: ClassAd, name: string, options: EvaluationOptions = {}): Value {
  return new Evaluator(options).evaluateAttribute(ad, name);
}

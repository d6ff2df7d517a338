import type { ClassAd } from "./classad.js";
import { type EvaluationOptions, Evaluator } from "./evaluate.js";
import { isTrueEquivalent } from "./operators.js";
import type { Value } from "./value.js";

/**
 * Matchmaking with libclassad's MatchClassAd semantics (reference §7): both ads are bound in one
 * match context, TARGET/other name the other ad, MY the own ad, and under HTCondor's default old
 * semantics an unscoped name missing from an ad is looked up in the other ad.
 */

/**
 * Whether a Requirements value counts as a match: true, a non-zero number, or (as libclassad's
 * boolean-equivalence test has it) a non-zero relTime.
 */
export function isMatchValue(value: Value): boolean {
  return isTrueEquivalent(value);
}

/** Evaluates `name` of `left` with `right` as its TARGET (a match context of the two ads). */
export function evaluateInMatch(
  left: ClassAd,
  right: ClassAd,
  name: string,
  options: EvaluationOptions = {},
  evaluator: Evaluator = new Evaluator(options),
): Value {
  evaluator.bindMatch(left, right);
  try {
    return evaluator.evaluateAttribute(left, name);
  } finally {
    evaluator.unbindMatch(left, right);
  }
}

/**
 * Python's `left.matches(right)`: evaluates **right's** Requirements with TARGET bound to left.
 */
export function matches(left: ClassAd, right: ClassAd, options: EvaluationOptions = {}): boolean {
  return isMatchValue(evaluateInMatch(right, left, "Requirements", options));
}

/** `symmetricMatch`: both ads' Requirements hold against each other (HTCondor's IsAMatch). */
export function symmetricMatch(
  a: ClassAd,
  b: ClassAd,
  options: EvaluationOptions = {},
  evaluator?: Evaluator,
): boolean {
  const ev = evaluator ?? new Evaluator(options);
  ev.bindMatch(a, b);
  try {
    return (
      isMatchValue(ev.evaluateAttribute(b, "Requirements")) &&
      isMatchValue(ev.evaluateAttribute(a, "Requirements"))
    );
  } finally {
    ev.unbindMatch(a, b);
  }
}

/** The value of `ad`'s Rank evaluated against `target` (undefined when the ad has none). */
export function rank(ad: ClassAd, target: ClassAd, options: EvaluationOptions = {}): Value {
  return evaluateInMatch(ad, target, "Rank", options);
}

import type { ClassAd } from "../classad/classad.js";
import { type EvaluationOptions, Evaluator } from "../classad/evaluate.js";
import { parseClassAd } from "../classad/parse.js";
import { describeValue, type Value } from "../classad/value.js";
import { validateAnnexRequest } from "./request.js";
import type { AnnexDefaults, RequestIssue, RequestValidation, RequestValue } from "./types.js";

/**
 * The adapter from a ClassAd (`+AnnexRequest = [ … ]`, or the argument of ANNEX_CREATE) to the
 * plain values {@link validateAnnexRequest} checks: each attribute is evaluated (so expressions
 * such as `MaxHours = 2 * 4` work), then converted. Values that have no plain form (undefined,
 * error, times, lists of non-strings) are reported against their attribute.
 */

/** Converts an evaluated value to a request value, or says why it cannot. */
function plainValue(
  value: Value,
  evaluator: Evaluator,
): { ok: true; value: RequestValue } | { ok: false; why: string } {
  switch (value.kind) {
    case "string":
    case "boolean":
      return { ok: true, value: value.value };
    case "integer": {
      const n = Number(value.value);
      return Number.isSafeInteger(n) ? { ok: true, value: n } : { ok: false, why: "an integer out of range" };
    }
    case "real":
      return { ok: true, value: value.value };
    case "list": {
      const items: string[] = [];
      for (const item of value.items) {
        const evaluated = evaluator.evaluate(item, value.scope);
        if (evaluated.kind !== "string") {
          return {
            ok: false,
            why: `a list holding ${describeValue(evaluated)} (lists must hold strings, e.g. { "a", "b" })`,
          };
        }
        items.push(evaluated.value);
      }
      return { ok: true, value: items };
    }
    case "classad": {
      const record: Record<string, string> = {};
      for (const attribute of value.ad.attributes()) {
        const evaluated = evaluator.evaluateAttribute(value.ad, attribute.name);
        if (evaluated.kind !== "string") {
          return {
            ok: false,
            why: `a nested ad whose ${attribute.name} is ${describeValue(evaluated)} (values must be strings)`,
          };
        }
        record[attribute.name] = evaluated.value;
      }
      return { ok: true, value: record };
    }
    case "undefined":
      return { ok: false, why: "undefined (does it refer to an attribute that is not set?)" };
    case "error":
      return { ok: false, why: "error (the expression cannot be evaluated)" };
    case "absTime":
    case "relTime":
      return { ok: false, why: `a ${value.kind === "absTime" ? "time" : "duration"} value` };
  }
}

/** Validates an AnnexRequest given as a ClassAd, completing it with `defaults`. */
export function annexRequestFromClassAd(
  ad: ClassAd,
  defaults: AnnexDefaults,
  options: EvaluationOptions = {},
): RequestValidation {
  const evaluator = new Evaluator(options);
  const values = new Map<string, RequestValue>();
  const issues: RequestIssue[] = [];
  for (const attribute of ad.attributes()) {
    const converted = plainValue(evaluator.evaluateAttribute(ad, attribute.name), evaluator);
    if (converted.ok) values.set(attribute.name, converted.value);
    else issues.push({ attribute: attribute.name, message: `evaluates to ${converted.why}` });
  }
  const result = validateAnnexRequest(values, defaults);
  if (issues.length === 0) return result;
  // An attribute that could not be converted is absent from `values`: drop "required" for it.
  const reported = new Set(issues.map((issue) => issue.attribute.toLowerCase()));
  const rest = result.ok ? [] : result.issues.filter((issue) => !reported.has(issue.attribute.toLowerCase()));
  return { ok: false, issues: [...issues, ...rest] };
}

/**
 * Parses a new-syntax ClassAd text (`[ Name = "x"; … ]`) and validates it as an AnnexRequest.
 * A syntax error becomes one issue with line:column and what was expected.
 */
export function annexRequestFromText(text: string, defaults: AnnexDefaults): RequestValidation {
  const parsed = parseClassAd(text);
  if (!parsed.ok) {
    const { line, column, expected } = parsed.error;
    return {
      ok: false,
      issues: [
        {
          attribute: "(ClassAd)",
          message: `syntax error at ${line}:${column}${expected.length > 0 ? `: expected ${expected.join(" or ")}` : ""} (${parsed.error.message})`,
        },
      ],
    };
  }
  return annexRequestFromClassAd(parsed.value, defaults);
}

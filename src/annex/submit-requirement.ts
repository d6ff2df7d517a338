import { LIMITS, MAX_USER_TAGS } from "./constants.js";
import { ANNEX_NAME, ANNEX_NAME_FORM } from "./naming.js";
import { IMAGE_FORM, REQUEST_ATTRIBUTES, REQUEST_SYNTAX, type RequestAttribute } from "./request.js";

/**
 * The access point's submit-time check of `+AnnexRequest`: the `SUBMIT_REQUIREMENT_ANNEXREQUEST`
 * expression and its `_REASON`, generated from the request's own bounds and patterns so that the
 * schedd and the helper cannot disagree on what a well-formed request is.
 * condor-config/access-point/50-condor-annex.config carries the generated text (a unit test keeps
 * them equal; `condor-annex template submit-requirement` prints it).
 *
 * In a submit requirement the schedd evaluates the expression with **the job as TARGET** (MY is
 * the schedd's own ad), so every reference is `TARGET.AnnexRequest`. Attributes are read with
 * subscripts (`TARGET.AnnexRequest["Name"]`, case-insensitive) because a selection
 * (`TARGET.AnnexRequest.Name`) falls back to the job ad's own attribute of that name.
 *
 * ClassAds cannot iterate over a nested ad, so what is checked here is what an expression can
 * check: each known attribute's type, range and pattern (list elements all at once with
 * `regexpMember` and a negative look-ahead), and that no other attribute is present (the count of
 * known attributes against `size()`). The helper validates every request again in full (tag
 * values, duplicates, Count and OnDemandBase against MaxInstances) and reports the verdict on the
 * job (see the admin guide).
 *
 * Every clause is compared with `=?= true`, so an `undefined` or `error` anywhere rejects the job
 * rather than leaving the requirement undefined, and the reason never evaluates to `undefined`.
 */

const REQUEST = "TARGET.AnnexRequest";

/** `TARGET.AnnexRequest["<Name>"]` */
function attr(name: RequestAttribute): string {
  return `${REQUEST}[${JSON.stringify(name)}]`;
}

/** A ClassAd string literal holding a JavaScript regular expression's source. */
function pattern(re: RegExp): string {
  return JSON.stringify(re.source);
}

const isInteger = (v: string, min: number, max: number) =>
  `isInteger(${v}) && ${v} >= ${min} && ${v} <= ${max}`;
const matches = (v: string, re: RegExp) => `isString(${v}) && regexp(${pattern(re)}, ${v})`;
/** A list of `min..max` strings that all match `re`: no element fails to match it. */
const listOf = (v: string, re: RegExp, max: number) =>
  `isList(${v}) && size(${v}) >= 1 && size(${v}) <= ${max} && ` +
  `regexpMember(${JSON.stringify(`^(?!(?:${re.source.replace(/^\^/, "").replace(/\$$/, "")})$)`)}, ${v}) =?= false`;

/** One attribute's check: its ClassAd test and the form the message names. */
interface AttributeCheck {
  readonly name: RequestAttribute;
  readonly test: string;
  readonly form: string;
}

const CHECKS: readonly AttributeCheck[] = [
  { name: "Name", test: matches(attr("Name"), ANNEX_NAME), form: ANNEX_NAME_FORM },
  {
    name: "InstanceTypes",
    test: listOf(attr("InstanceTypes"), REQUEST_SYNTAX.instanceType.pattern, LIMITS.instanceTypes),
    form: `a list of 1 to ${LIMITS.instanceTypes} EC2 instance types, e.g. { "c6i.2xlarge", "c5.2xlarge" }`,
  },
  {
    name: "MaxInstances",
    test: isInteger(attr("MaxInstances"), 1, LIMITS.maxInstances),
    form: `an integer from 1 to ${LIMITS.maxInstances}`,
  },
  {
    name: "Count",
    test: isInteger(attr("Count"), 0, LIMITS.maxInstances),
    form: `an integer from 0 to ${LIMITS.maxInstances}`,
  },
  { name: "Spot", test: `isBoolean(${attr("Spot")})`, form: "true or false" },
  {
    name: "OnDemandBase",
    test: isInteger(attr("OnDemandBase"), 0, LIMITS.maxInstances),
    form: `an integer from 0 to ${LIMITS.maxInstances}`,
  },
  {
    name: "LeaseMinutes",
    test: isInteger(attr("LeaseMinutes"), LIMITS.leaseMinutes.min, LIMITS.leaseMinutes.max),
    form: `an integer from ${LIMITS.leaseMinutes.min} to ${LIMITS.leaseMinutes.max}`,
  },
  {
    name: "MaxHours",
    test: `(isInteger(${attr("MaxHours")}) || isReal(${attr("MaxHours")})) && ${attr("MaxHours")} > 0 && ${attr("MaxHours")} <= ${LIMITS.maxHours}`,
    form: `a number of hours greater than 0 and at most ${LIMITS.maxHours}`,
  },
  {
    name: "IdleMinutes",
    test: isInteger(attr("IdleMinutes"), 1, LIMITS.idleMinutes),
    form: `an integer from 1 to ${LIMITS.idleMinutes}`,
  },
  {
    name: "ImageId",
    test: `isString(${attr("ImageId")}) && (regexp(${pattern(REQUEST_SYNTAX.amiId.pattern)}, ${attr("ImageId")}) || regexp(${pattern(REQUEST_SYNTAX.ssmParameter.pattern)}, ${attr("ImageId")}))`,
    form: IMAGE_FORM,
  },
  {
    name: "Subnets",
    test: listOf(attr("Subnets"), REQUEST_SYNTAX.subnetId.pattern, LIMITS.subnets),
    form: `a list of 1 to ${LIMITS.subnets} subnet ids, e.g. { "subnet-0123456789abcdef0" }`,
  },
  {
    name: "Region",
    test: matches(attr("Region"), REQUEST_SYNTAX.region.pattern),
    form: REQUEST_SYNTAX.region.form,
  },
  {
    name: "Owner",
    test: matches(attr("Owner"), REQUEST_SYNTAX.owner.pattern),
    form: REQUEST_SYNTAX.owner.form,
  },
  {
    name: "Tags",
    test: `isClassAd(${attr("Tags")}) && size(${attr("Tags")}) <= ${MAX_USER_TAGS}`,
    form: `a nested ad of at most ${MAX_USER_TAGS} string values, e.g. [ Project = "chem" ]`,
  },
  {
    name: "CollectorHost",
    test: matches(attr("CollectorHost"), REQUEST_SYNTAX.collectorHost.pattern),
    form: REQUEST_SYNTAX.collectorHost.form,
  },
];

/** The config knob holding one attribute's clause, e.g. `ANNEXREQUEST_MAXINSTANCES_OK`. */
function knobOf(name: RequestAttribute | "ONLY_KNOWN"): string {
  return `ANNEXREQUEST_${name.toUpperCase()}_OK`;
}

/** The clause of one attribute: required (Name) or absent-or-valid (the rest); always true or false. */
function clause(check: AttributeCheck): string {
  const valid = `(${check.test}) =?= true`;
  return check.name === "Name" ? `(${valid})` : `(${attr(check.name)} is undefined || ${valid})`;
}

/** Known attributes present, summed, against the size of the nested ad. */
function onlyKnownAttributes(): string {
  const present = REQUEST_ATTRIBUTES.map((name) => `(${attr(name)} isnt undefined)`).join(" + ");
  return `((size(${REQUEST}) == ${present}) =?= true)`;
}

const NOT_AN_AD = `+AnnexRequest must be a nested ad, e.g. [ Name = "chem-burst"; MaxInstances = 10 ]`;

/** How a value is shown in the reason: strings quoted, other values in ClassAd form. */
function shown(v: string): string {
  return `ifThenElse(isString(${v}), strcat("\\"", ${v}, "\\""), ifThenElse(${v} is undefined, "nothing", string(${v})))`;
}

/** The requirement, with each clause written by `use` (its text, or a `$(KNOB)` reference). */
function requirement(use: (knob: string, text: string) => string): string {
  const clauses = [
    `isClassAd(${REQUEST})`,
    ...CHECKS.map((check) => use(knobOf(check.name), clause(check))),
    use(knobOf("ONLY_KNOWN"), onlyKnownAttributes()),
  ];
  return `(${REQUEST} is undefined) || (${clauses.join(" && ")})`;
}

/** The reason: the first problem, naming the attribute, the expected form and what was given. */
function reason(use: (knob: string, text: string) => string): string {
  const known = REQUEST_ATTRIBUTES.join(", ");
  let chain = `ifThenElse(!${use(knobOf("ONLY_KNOWN"), onlyKnownAttributes())}, strcat(${JSON.stringify(
    `+AnnexRequest is malformed: its attributes must be among ${known} (one is not, or its value is undefined); got `,
  )}, string(${REQUEST})), "")`;
  for (const check of [...CHECKS].reverse()) {
    const message = `strcat(${JSON.stringify(`+AnnexRequest is malformed: ${check.name} must be ${check.form}; got `)}, ${shown(attr(check.name))}, " in ", string(${REQUEST}))`;
    chain = `ifThenElse(!${use(knobOf(check.name), clause(check))}, ${message}, ${chain})`;
  }
  return `ifThenElse(!isClassAd(${REQUEST}), ${JSON.stringify(NOT_AN_AD)}, ${chain})`;
}

const inline = (_knob: string, text: string) => text;
const byMacro = (knob: string) => `$(${knob})`;

/**
 * `SUBMIT_REQUIREMENT_ANNEXREQUEST` as the schedd evaluates it (macros expanded): true for jobs
 * without a request and for well-formed requests.
 */
export function submitRequirementExpression(): string {
  return requirement(inline);
}

/** `SUBMIT_REQUIREMENT_ANNEXREQUEST_REASON` as the schedd evaluates it (macros expanded). */
export function submitRequirementReason(): string {
  return reason(inline);
}

/**
 * Breaks a long value into config lines continued with `\\`, at spaces outside string literals:
 * the last such space within `width`, else the first one after it.
 */
function continued(text: string, width = 100): string {
  const lines: string[] = [];
  let rest = text;
  while (rest.length > width) {
    let cut = -1;
    let inString = false;
    for (let i = 0; i < rest.length; i++) {
      const c = rest[i];
      if (c === "\\" && inString) i++;
      else if (c === '"') inString = !inString;
      else if (c === " " && !inString) {
        if (i <= width || cut < 0) cut = i;
        if (i > width) break;
      }
    }
    if (cut <= 0) break;
    lines.push(rest.slice(0, cut));
    rest = rest.slice(cut + 1);
  }
  lines.push(rest);
  return lines.join(" \\\n  ");
}

/**
 * The config-file block as shipped: one knob per attribute check (`ANNEXREQUEST_<ATTR>_OK`), the
 * requirement and its reason built from them, and the SUBMIT_REQUIREMENT_NAMES entry.
 */
export function submitRequirementConfig(): string {
  const checks = [
    ...CHECKS.map((check) => `${knobOf(check.name)} = ${continued(clause(check))}`),
    `${knobOf("ONLY_KNOWN")} = ${continued(onlyKnownAttributes())}`,
  ];
  return [
    "## Generated by `condor-annex template submit-requirement` from the helper's own bounds and",
    "## patterns; regenerate rather than edit. In a submit requirement the job is TARGET.",
    ...checks,
    "SUBMIT_REQUIREMENT_NAMES = $(SUBMIT_REQUIREMENT_NAMES) ANNEXREQUEST",
    `SUBMIT_REQUIREMENT_ANNEXREQUEST = ${continued(requirement(byMacro))}`,
    `SUBMIT_REQUIREMENT_ANNEXREQUEST_REASON = ${continued(reason(byMacro))}`,
    "",
  ].join("\n");
}

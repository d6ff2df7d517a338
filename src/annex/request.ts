import { LIMITS, MAX_TAG_VALUE_LENGTH, MAX_USER_TAGS } from "./constants.js";
import { InvalidRequestError } from "./errors.js";
import { ANNEX_NAME_FORM, isAnnexName, suggestAnnexName } from "./naming.js";
import type {
  AnnexDefaults,
  AnnexRequest,
  ImageRef,
  RequestIssue,
  RequestValidation,
  RequestValue,
} from "./types.js";

/**
 * Validation of an AnnexRequest (DESIGN §4) over already-evaluated plain values. Attribute names
 * are case-insensitive, as in ClassAds. Every problem is reported, each naming its attribute
 * and the expected form; unknown attributes are errors (with a suggestion when one is close).
 */

/** The attributes of an AnnexRequest, in their canonical spelling. */
export const REQUEST_ATTRIBUTES = [
  "Name",
  "InstanceTypes",
  "MaxInstances",
  "Count",
  "Spot",
  "OnDemandBase",
  "LeaseMinutes",
  "MaxHours",
  "IdleMinutes",
  "ImageId",
  "Subnets",
  "Region",
  "Owner",
  "Tags",
  "CollectorHost",
] as const;

export type RequestAttribute = (typeof REQUEST_ATTRIBUTES)[number];

/**
 * The text forms of request values: each pattern with the words messages use for it. Shared with
 * the submit-time check (submit-requirement.ts), which tests the same patterns with ClassAd
 * `regexp()` (PCRE2), so they use only syntax JavaScript and PCRE2 read alike.
 */
export const REQUEST_SYNTAX = {
  instanceType: { pattern: /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/, form: `EC2 instance type (e.g. "c6i.2xlarge")` },
  amiId: { pattern: /^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/, form: `AMI id` },
  ssmParameter: { pattern: /^(?:resolve:ssm:)?\/[A-Za-z0-9_.\-/]+$/, form: `SSM parameter path` },
  subnetId: {
    pattern: /^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/,
    form: `subnet id (e.g. "subnet-0123456789abcdef0")`,
  },
  region: { pattern: /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/, form: `an AWS region name (e.g. "us-east-1")` },
  owner: {
    pattern: /^[A-Za-z0-9._@-]+(?:\s*,\s*[A-Za-z0-9._@-]+)*$/,
    form: `an HTCondor user name, or a comma-separated list of them`,
  },
  collectorHost: {
    pattern: /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?(?:\?[A-Za-z0-9=&._:-]*)?$/,
    form: `a collector address, host[:port] (e.g. "cm.example.org:9618")`,
  },
} as const;

const INSTANCE_TYPE = REQUEST_SYNTAX.instanceType.pattern;
const AMI_ID = REQUEST_SYNTAX.amiId.pattern;
const SSM_PARAMETER = REQUEST_SYNTAX.ssmParameter.pattern;
const SUBNET_ID = REQUEST_SYNTAX.subnetId.pattern;
const REGION = REQUEST_SYNTAX.region.pattern;
const OWNER = REQUEST_SYNTAX.owner.pattern;
const COLLECTOR_HOST = REQUEST_SYNTAX.collectorHost.pattern;
/** The characters IAM and the other tagging APIs all accept. */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const RESERVED_TAG_PREFIXES = ["aws:", "htcondor:"];

/** A request as plain values: a map or a record from attribute name to value. */
export type RequestInput = ReadonlyMap<string, RequestValue> | Readonly<Record<string, RequestValue>>;

/** The request's attribute names by their lower-case form (names are case-insensitive). */
const KNOWN_ATTRIBUTES = new Map<string, RequestAttribute>(
  REQUEST_ATTRIBUTES.map((name) => [name.toLowerCase(), name]),
);

/** Collects issues while reading attributes. */
class RequestReader {
  readonly issues: RequestIssue[] = [];
  readonly #values = new Map<string, { spelled: string; value: RequestValue }>();

  constructor(input: RequestInput) {
    const entries = input instanceof Map ? [...input.entries()] : Object.entries(input);
    for (const [spelled, value] of entries) {
      const canonical = KNOWN_ATTRIBUTES.get(spelled.toLowerCase());
      if (canonical === undefined) {
        const close = closestAttribute(spelled);
        this.issue(
          spelled,
          `unknown attribute${close === undefined ? "" : ` (did you mean ${close}?)`}; an AnnexRequest takes ${REQUEST_ATTRIBUTES.join(", ")}`,
        );
      } else if (this.#values.has(canonical)) {
        this.issue(spelled, `given twice (attribute names are case-insensitive)`);
      } else {
        this.#values.set(canonical, { spelled, value });
      }
    }
  }

  issue(attribute: string, message: string): void {
    this.issues.push({ attribute, message });
  }

  /** The value and the request's spelling of the attribute, or undefined when absent. */
  get(attribute: RequestAttribute): { spelled: string; value: RequestValue } | undefined {
    return this.#values.get(attribute);
  }

  string(attribute: RequestAttribute, form: string, pattern: RegExp): string | undefined {
    const entry = this.get(attribute);
    if (entry === undefined) return undefined;
    if (typeof entry.value !== "string") {
      this.issue(entry.spelled, `expected ${form}, got ${describeValue(entry.value)}`);
      return undefined;
    }
    if (!pattern.test(entry.value)) {
      this.issue(entry.spelled, `expected ${form}, got "${entry.value}"`);
      return undefined;
    }
    return entry.value;
  }

  integer(attribute: RequestAttribute, min: number, max: number): number | undefined {
    const entry = this.get(attribute);
    if (entry === undefined) return undefined;
    const form = `an integer from ${min} to ${max}`;
    if (typeof entry.value !== "number" || !Number.isInteger(entry.value)) {
      this.issue(entry.spelled, `expected ${form}, got ${describeValue(entry.value)}`);
      return undefined;
    }
    if (entry.value < min || entry.value > max) {
      this.issue(entry.spelled, `expected ${form}, got ${entry.value}`);
      return undefined;
    }
    return entry.value;
  }

  positiveNumber(attribute: RequestAttribute, max: number): number | undefined {
    const entry = this.get(attribute);
    if (entry === undefined) return undefined;
    const form = `a number of hours greater than 0 and at most ${max}`;
    if (typeof entry.value !== "number" || !Number.isFinite(entry.value)) {
      this.issue(entry.spelled, `expected ${form}, got ${describeValue(entry.value)}`);
      return undefined;
    }
    if (entry.value <= 0 || entry.value > max) {
      this.issue(entry.spelled, `expected ${form}, got ${entry.value}`);
      return undefined;
    }
    return entry.value;
  }

  boolean(attribute: RequestAttribute): boolean | undefined {
    const entry = this.get(attribute);
    if (entry === undefined) return undefined;
    if (typeof entry.value !== "boolean") {
      this.issue(entry.spelled, `expected true or false, got ${describeValue(entry.value)}`);
      return undefined;
    }
    return entry.value;
  }

  /** A list of strings, each matching `pattern`, 1..max long, without duplicates. */
  stringList(
    attribute: RequestAttribute,
    itemForm: string,
    pattern: RegExp,
    max: number,
  ): string[] | undefined {
    const entry = this.get(attribute);
    if (entry === undefined) return undefined;
    const form = `a list of 1 to ${max} ${itemForm}s, e.g. { "…", "…" }`;
    if (!Array.isArray(entry.value)) {
      this.issue(entry.spelled, `expected ${form}, got ${describeValue(entry.value)}`);
      return undefined;
    }
    const items = entry.value as readonly unknown[];
    if (items.length === 0 || items.length > max) {
      this.issue(entry.spelled, `expected ${form}, got ${items.length} items`);
      return undefined;
    }
    const result: string[] = [];
    let ok = true;
    items.forEach((item, index) => {
      if (typeof item !== "string" || !pattern.test(item)) {
        this.issue(
          `${entry.spelled}[${index}]`,
          `expected ${itemForm}, got ${typeof item === "string" ? `"${item}"` : describeValue(item)}`,
        );
        ok = false;
      } else if (result.includes(item)) {
        this.issue(`${entry.spelled}[${index}]`, `"${item}" is listed twice`);
        ok = false;
      } else {
        result.push(item);
      }
    });
    return ok ? result : undefined;
  }

  tags(attribute: RequestAttribute): Record<string, string> | undefined {
    const entry = this.get(attribute);
    if (entry === undefined) return undefined;
    const form = `a nested ad of string values, e.g. [ project = "chem"; cost-center = "42" ]`;
    if (typeof entry.value !== "object" || entry.value === null || Array.isArray(entry.value)) {
      this.issue(entry.spelled, `expected ${form}, got ${describeValue(entry.value)}`);
      return undefined;
    }
    const pairs = Object.entries(entry.value as Record<string, unknown>);
    if (pairs.length > MAX_USER_TAGS) {
      this.issue(entry.spelled, `at most ${MAX_USER_TAGS} tags, got ${pairs.length}`);
      return undefined;
    }
    const tags: Record<string, string> = {};
    let ok = true;
    for (const [key, value] of pairs) {
      const where = `${entry.spelled}.${key}`;
      const reserved = RESERVED_TAG_PREFIXES.find((prefix) => key.toLowerCase().startsWith(prefix));
      if (reserved !== undefined) {
        this.issue(where, `tag keys starting with "${reserved}" are reserved`);
        ok = false;
      } else if (key.length === 0 || key.length > 128 || !TAG_TEXT.test(key)) {
        this.issue(where, `expected a tag key of 1-128 letters, digits, spaces or _ . : / = + - @`);
        ok = false;
      } else if (typeof value !== "string") {
        this.issue(where, `expected a string, got ${describeValue(value)}`);
        ok = false;
      } else if (value.length > MAX_TAG_VALUE_LENGTH || !TAG_TEXT.test(value)) {
        this.issue(
          where,
          `expected a tag value of at most ${MAX_TAG_VALUE_LENGTH} letters, digits, spaces or _ . : / = + - @`,
        );
        ok = false;
      } else {
        tags[key] = value;
      }
    }
    return ok ? tags : undefined;
  }
}

function describeValue(value: unknown): string {
  if (typeof value === "string") return `the string "${value}"`;
  if (typeof value === "number")
    return Number.isInteger(value) ? `the integer ${value}` : `the real ${value}`;
  if (typeof value === "boolean") return `the boolean ${value}`;
  if (Array.isArray(value)) return "a list";
  if (value === null || value === undefined) return "undefined";
  if (typeof value === "object") return "a nested ad";
  return typeof value;
}

/** The known attribute within edit distance 2 of `name`, if any. */
function closestAttribute(name: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of REQUEST_ATTRIBUTES) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && (best === undefined || distance < best.distance))
      best = { name: candidate, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(
        Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Parses an image reference: `ami-…` or an SSM parameter path (`/aws/service/…`). */
export function parseImageRef(text: string): ImageRef | undefined {
  if (AMI_ID.test(text)) return { kind: "ami", id: text };
  if (SSM_PARAMETER.test(text)) return { kind: "ssm", parameter: text.replace(/^resolve:ssm:/, "") };
  return undefined;
}

/** The text form of an image reference (inverse of {@link parseImageRef}). */
export function imageRefText(image: ImageRef): string {
  return image.kind === "ami" ? image.id : image.parameter;
}

export const IMAGE_FORM = `an AMI id ("ami-0123456789abcdef0") or an SSM parameter path ("/aws/service/ami-amazon-linux-latest/…")`;

/**
 * Validates a request and completes it with `defaults`. Returns the request, or every issue.
 */
export function validateAnnexRequest(input: RequestInput, defaults: AnnexDefaults): RequestValidation {
  const reader = new RequestReader(input);

  let name: string | undefined;
  const nameEntry = reader.get("Name");
  if (nameEntry === undefined) {
    reader.issue("Name", `required: ${ANNEX_NAME_FORM}`);
  } else if (typeof nameEntry.value !== "string") {
    reader.issue(nameEntry.spelled, `expected ${ANNEX_NAME_FORM}, got ${describeValue(nameEntry.value)}`);
  } else if (!isAnnexName(nameEntry.value)) {
    const suggestion = suggestAnnexName(nameEntry.value);
    reader.issue(
      nameEntry.spelled,
      `expected ${ANNEX_NAME_FORM}, got "${nameEntry.value}"${suggestion === undefined ? "" : ` (try "${suggestion}")`}`,
    );
  } else {
    name = nameEntry.value;
  }

  const instanceTypes = reader.stringList(
    "InstanceTypes",
    REQUEST_SYNTAX.instanceType.form,
    INSTANCE_TYPE,
    LIMITS.instanceTypes,
  );
  const maxInstances = reader.integer("MaxInstances", 1, LIMITS.maxInstances);
  const count = reader.integer("Count", 0, LIMITS.maxInstances);
  const spot = reader.boolean("Spot");
  const onDemandBase = reader.integer("OnDemandBase", 0, LIMITS.maxInstances);
  const leaseMinutes = reader.integer("LeaseMinutes", LIMITS.leaseMinutes.min, LIMITS.leaseMinutes.max);
  const maxHours = reader.positiveNumber("MaxHours", LIMITS.maxHours);
  const idleMinutes = reader.integer("IdleMinutes", 1, LIMITS.idleMinutes);

  let image: ImageRef | undefined;
  const imageEntry = reader.get("ImageId");
  if (imageEntry !== undefined) {
    image = typeof imageEntry.value === "string" ? parseImageRef(imageEntry.value) : undefined;
    if (image === undefined) {
      const got =
        typeof imageEntry.value === "string" ? `"${imageEntry.value}"` : describeValue(imageEntry.value);
      reader.issue(imageEntry.spelled, `expected ${IMAGE_FORM}, got ${got}`);
    }
  }

  const subnets = reader.stringList("Subnets", REQUEST_SYNTAX.subnetId.form, SUBNET_ID, LIMITS.subnets);
  const region = reader.string("Region", REQUEST_SYNTAX.region.form, REGION);
  const owner = reader.string("Owner", REQUEST_SYNTAX.owner.form, OWNER);
  const tags = reader.tags("Tags");
  const collectorHost = reader.string("CollectorHost", REQUEST_SYNTAX.collectorHost.form, COLLECTOR_HOST);

  const resolvedMax = maxInstances ?? defaults.maxInstances;
  if (count !== undefined && count > resolvedMax) {
    reader.issue(
      reader.get("Count")?.spelled ?? "Count",
      `must not exceed MaxInstances (${resolvedMax}), got ${count}`,
    );
  }
  const resolvedBase = onDemandBase ?? defaults.onDemandBase;
  if (onDemandBase !== undefined && onDemandBase > resolvedMax) {
    reader.issue(
      reader.get("OnDemandBase")?.spelled ?? "OnDemandBase",
      `must not exceed MaxInstances (${resolvedMax}), got ${onDemandBase}`,
    );
  }
  const resolvedCollector = collectorHost ?? defaults.collectorHost;
  if (resolvedCollector === undefined && reader.get("CollectorHost") === undefined) {
    reader.issue(
      "CollectorHost",
      "required when neither ANNEX_COLLECTOR nor COLLECTOR_HOST is configured: a collector address, host[:port]",
    );
  }

  if (reader.issues.length > 0 || name === undefined || resolvedCollector === undefined) {
    return { ok: false, issues: reader.issues };
  }
  return {
    ok: true,
    request: {
      name,
      instanceTypes: instanceTypes ?? [...defaults.instanceTypes],
      maxInstances: resolvedMax,
      count,
      spot: spot ?? defaults.spot,
      onDemandBase: Math.min(resolvedBase, resolvedMax),
      leaseMinutes: leaseMinutes ?? defaults.leaseMinutes,
      maxHours: maxHours ?? defaults.maxHours,
      idleMinutes: idleMinutes ?? defaults.idleMinutes,
      image: image ?? defaults.image,
      subnets: subnets ?? [...defaults.subnets],
      region: region ?? defaults.region,
      owner: owner ?? defaults.owner,
      tags: tags ?? {},
      collectorHost: resolvedCollector,
    },
  };
}

/** Like {@link validateAnnexRequest}, but throws {@link InvalidRequestError} listing every issue. */
export function parseAnnexRequest(input: RequestInput, defaults: AnnexDefaults): AnnexRequest {
  const result = validateAnnexRequest(input, defaults);
  if (!result.ok) throw new InvalidRequestError(result.issues);
  return result.request;
}

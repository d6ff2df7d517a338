import { userInfo } from "node:os";
import type { RequestInput } from "../annex/request.js";
import type { RequestValue } from "../annex/types.js";
import { parseClassAd } from "../classad/parse.js";
import { type PlainAd, type PlainValue, plainFromAd } from "../classad/plain.js";
import { usageError } from "./exit-codes.js";

/**
 * The options of `condor-annex create` (and of classic `condor_annex -annex-name N -count C …`)
 * turned into the AnnexRequest ad that ANNEX_CREATE takes. Pure: every flag value is checked
 * here and a bad one is a usage error naming the flag and the expected form; the helper then
 * validates the request as a whole (names, bounds, defaults from the knobs).
 *
 * | flag | request attribute |
 * |---|---|
 * | `--name N` | `Name` |
 * | `--count C` | `Count` (and `MaxInstances = C` unless `--max-instances` is given) |
 * | `--max-instances M` | `MaxInstances` |
 * | `--duration H` (hours, decimal) | `MaxHours` (the hard deadline) |
 * | `--lease-minutes L` | `LeaseMinutes` |
 * | `--idle H` (hours, decimal) | `IdleMinutes` (rounded up) |
 * | `--instance-type T[,T…]` | `InstanceTypes` |
 * | `--image AMI-or-SSM-path` | `ImageId` |
 * | `--subnets S[,S…]` | `Subnets` |
 * | `--spot` | `Spot = true` |
 * | `--on-demand-base B` | `OnDemandBase` |
 * | `--region R` | `Region` |
 * | `--owner U[,U…]` / `--no-owner` / neither | `Owner` / left out / the invoking user (unless `ANNEX_DEFAULT_OWNER` is set) |
 * | `--tag K=V` (repeatable) | `Tags` |
 * | `--request-id ID` | `Tags["hpc_annex_request_id"]` (as `htcondor annex` sets it) |
 * | `--collector HOST[:PORT]` | `CollectorHost` |
 * | `--request '[ … ]'` | the whole ad, as in a submit file's `+AnnexRequest`; flags override its attributes |
 */

/** The flags of `create`, as commander hands them over (strings unless boolean). */
export interface CreateFlags {
  readonly name?: string;
  readonly count?: string;
  readonly maxInstances?: string;
  readonly duration?: string;
  readonly leaseMinutes?: string;
  readonly leasePeriod?: string;
  readonly idle?: string;
  readonly instanceType?: string;
  readonly image?: string;
  readonly subnets?: string;
  readonly spot?: boolean;
  readonly onDemandBase?: string;
  readonly region?: string;
  /** `--owner U` gives a string; `--no-owner` gives false. */
  readonly owner?: string | boolean;
  readonly tag?: readonly string[];
  readonly requestId?: string;
  readonly collector?: string;
  readonly request?: string;
}

/** What the environment contributes to a request built from flags. */
export interface RequestEnvironment {
  /** The invoking user's name (the default owner, as classic condor_annex). */
  readonly userName: string | undefined;
  /** Whether ANNEX_DEFAULT_OWNER is configured (then the helper's default applies). */
  readonly defaultOwnerConfigured: boolean;
}

/** The argument ad of ANNEX_CREATE, and the options that are not part of the request. */
export interface CreateArgument {
  /** The AnnexRequest attributes. */
  readonly request: PlainAd;
  /** `LeasePeriodSeconds` (10, 30 or 60), when given. */
  readonly leasePeriodSeconds: number | undefined;
}

/** The invoking user's name, or undefined when the system cannot say. */
export function currentUserName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

function decimal(flag: string, text: string, what: string): number {
  const value = Number(text.trim());
  if (text.trim() === "" || !Number.isFinite(value) || value <= 0) {
    throw usageError(`${flag} expects ${what}, got "${text}"`);
  }
  return value;
}

function integer(flag: string, text: string, min: number): number {
  const value = Number(text.trim());
  if (text.trim() === "" || !Number.isSafeInteger(value) || value < min) {
    throw usageError(`${flag} expects an integer ≥ ${min}, got "${text}"`);
  }
  return value;
}

function list(flag: string, text: string): string[] {
  const items = text
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter((item) => item !== "");
  if (items.length === 0) throw usageError(`${flag} expects a comma-separated list, got "${text}"`);
  return items;
}

/** Parses `K=V` tags; the key may not be empty. */
export function parseTags(tags: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags) {
    const equals = tag.indexOf("=");
    if (equals <= 0) throw usageError(`--tag expects KEY=VALUE, got "${tag}"`);
    out[tag.slice(0, equals)] = tag.slice(equals + 1);
  }
  return out;
}

/** Parses `--request` (a nested ad as in a submit file) into plain attributes. */
function requestFromText(text: string): Record<string, PlainValue> {
  const parsed = parseClassAd(text.trim());
  if (!parsed.ok) {
    throw usageError(
      `--request is not a ClassAd (${parsed.error.line}:${parsed.error.column}: ${parsed.error.message}); ` +
        `expected e.g. '[ Name = "chem-burst"; MaxInstances = 10 ]'`,
    );
  }
  return { ...plainFromAd(parsed.value) };
}

/** Sets `name` in `ad`, replacing an attribute spelled in another case. */
function put(ad: Record<string, PlainValue>, name: string, value: PlainValue): void {
  for (const key of Object.keys(ad)) {
    if (key.toLowerCase() === name.toLowerCase()) delete ad[key];
  }
  ad[name] = value;
}

function has(ad: Record<string, PlainValue>, name: string): boolean {
  return Object.keys(ad).some((key) => key.toLowerCase() === name.toLowerCase());
}

/** Builds the ANNEX_CREATE argument from `create`'s flags. */
export function createArgumentFromFlags(flags: CreateFlags, env: RequestEnvironment): CreateArgument {
  const ad: Record<string, PlainValue> = flags.request === undefined ? {} : requestFromText(flags.request);
  if (flags.name !== undefined) put(ad, "Name", flags.name);
  if (!has(ad, "Name")) throw usageError("create needs an annex name: --name <name> (classic: -annex-name)");
  if (flags.instanceType !== undefined) put(ad, "InstanceTypes", list("--instance-type", flags.instanceType));
  if (flags.maxInstances !== undefined) {
    put(ad, "MaxInstances", integer("--max-instances", flags.maxInstances, 1));
  }
  if (flags.count !== undefined) {
    const count = integer("--count", flags.count, 0);
    put(ad, "Count", count);
    // A person asking for C instances wants C, not the default cap.
    if (flags.maxInstances === undefined && !has(ad, "MaxInstances") && count > 0)
      put(ad, "MaxInstances", count);
  }
  if (flags.spot === true) put(ad, "Spot", true);
  if (flags.onDemandBase !== undefined) {
    put(ad, "OnDemandBase", integer("--on-demand-base", flags.onDemandBase, 0));
  }
  if (flags.leaseMinutes !== undefined) {
    put(ad, "LeaseMinutes", integer("--lease-minutes", flags.leaseMinutes, 1));
  }
  if (flags.duration !== undefined) {
    put(ad, "MaxHours", decimal("--duration", flags.duration, "a number of hours greater than 0"));
  }
  if (flags.idle !== undefined) {
    const hours = decimal("--idle", flags.idle, "a number of hours greater than 0");
    put(ad, "IdleMinutes", Math.max(1, Math.ceil(hours * 60 - 1e-9)));
  }
  if (flags.image !== undefined) put(ad, "ImageId", flags.image);
  if (flags.subnets !== undefined) put(ad, "Subnets", list("--subnets", flags.subnets));
  if (flags.region !== undefined) put(ad, "Region", flags.region);
  if (flags.collector !== undefined) put(ad, "CollectorHost", flags.collector);
  if (typeof flags.owner === "string") {
    put(ad, "Owner", list("--owner", flags.owner).join(","));
  } else if (flags.owner === undefined && !has(ad, "Owner") && !env.defaultOwnerConfigured) {
    if (env.userName !== undefined) put(ad, "Owner", env.userName);
  }
  const tags: Record<string, string> = {};
  const existing = ad.Tags;
  if (existing !== undefined && typeof existing === "object" && !Array.isArray(existing)) {
    for (const [key, value] of Object.entries(existing as PlainAd)) {
      if (typeof value === "string") tags[key] = value;
    }
  }
  Object.assign(tags, parseTags(flags.tag ?? []));
  if (flags.requestId !== undefined) tags.hpc_annex_request_id = flags.requestId;
  if (Object.keys(tags).length > 0) put(ad, "Tags", tags);
  let leasePeriodSeconds: number | undefined;
  if (flags.leasePeriod !== undefined) {
    leasePeriodSeconds = Number(flags.leasePeriod);
    if (![10, 30, 60].includes(leasePeriodSeconds)) {
      throw usageError(`--lease-period expects 10, 30 or 60 (seconds), got "${flags.leasePeriod}"`);
    }
  }
  return { request: ad, leasePeriodSeconds };
}

/** Parses `--duration` of `extend` (hours, decimal). */
export function extendHours(text: string | undefined): number {
  if (text === undefined) throw usageError("extend needs --duration <hours> (the time to add)");
  return decimal("--duration", text, "a number of hours greater than 0");
}

/** The annex name from `--name` or the positional argument (they must agree). */
export function annexNameOf(
  positional: string | undefined,
  flag: string | undefined,
  command: string,
): string {
  if (positional !== undefined && flag !== undefined && positional !== flag) {
    throw usageError(`${command}: the name is given twice ("${positional}" and --name "${flag}")`);
  }
  const name = positional ?? flag;
  if (name === undefined || name === "") throw usageError(`${command} needs an annex name: --name <name>`);
  return name;
}

/** Plain request attributes → the validator's input (lists of strings, tags as strings). */
export function requestInput(ad: PlainAd): RequestInput {
  const out: Record<string, RequestValue> = {};
  const convert = (value: PlainValue): RequestValue => {
    if (Array.isArray(value))
      return value.map((item) => (typeof item === "string" ? item : JSON.stringify(item)));
    if (typeof value === "object") {
      const record: Record<string, string> = {};
      for (const [k, v] of Object.entries(value as PlainAd))
        record[k] = typeof v === "string" ? v : JSON.stringify(v);
      return record;
    }
    return value as string | number | boolean;
  };
  for (const [name, value] of Object.entries(ad)) out[name] = convert(value);
  return out;
}

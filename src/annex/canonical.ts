import { createHash } from "node:crypto";
import { MAX_TAG_VALUE_LENGTH, TAG_REQUEST, TAG_REQUEST_CHUNK_PREFIX } from "./constants.js";
import { imageRefText, parseAnnexRequest } from "./request.js";
import type { AnnexDefaults, AnnexRequest } from "./types.js";

/**
 * The canonical form of a request: what makes two requests "the same annex". It is a JSON text
 * with a fixed key order in the request's own attribute spelling, where order carries no
 * meaning it is sorted (subnets, tag keys), and where it does it is kept (instance types are a
 * preference order). `Count` is left out: it is a size, and a create with another count is the
 * same annex resized.
 */
export function canonicalRequest(request: AnnexRequest): string {
  const tags = Object.keys(request.tags)
    .sort()
    .map((key) => [key, request.tags[key] ?? ""]);
  const form: Array<[string, unknown]> = [
    ["Name", request.name],
    ["Region", request.region],
    ["InstanceTypes", request.instanceTypes],
    ["MaxInstances", request.maxInstances],
    ["Spot", request.spot],
    ["OnDemandBase", request.onDemandBase],
    ["LeaseMinutes", request.leaseMinutes],
    ["MaxHours", request.maxHours],
    ["IdleMinutes", request.idleMinutes],
    ["ImageId", imageRefText(request.image)],
    ["Subnets", [...request.subnets].sort()],
    ["Owner", request.owner ?? null],
    ["CollectorHost", request.collectorHost],
    ["Tags", Object.fromEntries(tags)],
  ];
  return JSON.stringify(Object.fromEntries(form));
}

/** SHA-256 of the canonical form, hex. */
export function requestDigest(request: AnnexRequest): string {
  return createHash("sha256").update(canonicalRequest(request), "utf8").digest("hex");
}

/**
 * The CloudFormation ClientRequestToken of a create: `annex-<name>-<32 hex digits of the
 * digest>`. The same request always gives the same token, so a retried CreateStack is
 * recognised by CloudFormation as the same request. (CloudFormation: ≤ 128 characters,
 * `[a-zA-Z0-9][-a-zA-Z0-9]*`.)
 */
export function clientRequestToken(request: AnnexRequest): string {
  return `annex-${request.name}-${requestDigest(request).slice(0, 32)}`;
}

/**
 * The stack tags that store the request: its digest, and the canonical form base64url-encoded
 * and split into 256-character chunks `htcondor:request:1…n` (tag values may not hold
 * JSON punctuation when they propagate to IAM).
 */
export function requestTags(request: AnnexRequest): Array<{ Key: string; Value: string }> {
  const encoded = Buffer.from(canonicalRequest(request), "utf8").toString("base64url");
  const tags: Array<{ Key: string; Value: string }> = [{ Key: TAG_REQUEST, Value: requestDigest(request) }];
  for (let offset = 0, index = 1; offset < encoded.length; offset += MAX_TAG_VALUE_LENGTH, index++) {
    tags.push({
      Key: `${TAG_REQUEST_CHUNK_PREFIX}${index}`,
      Value: encoded.slice(offset, offset + MAX_TAG_VALUE_LENGTH),
    });
  }
  return tags;
}

/**
 * Rebuilds the request from stack tags (inverse of {@link requestTags}); undefined when the
 * chunks are missing, damaged, or no longer validate.
 */
export function requestFromTags(
  tags: ReadonlyMap<string, string>,
  defaults: AnnexDefaults,
): AnnexRequest | undefined {
  const chunks: string[] = [];
  for (let index = 1; ; index++) {
    const chunk = tags.get(`${TAG_REQUEST_CHUNK_PREFIX}${index}`);
    if (chunk === undefined) break;
    chunks.push(chunk);
  }
  if (chunks.length === 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(chunks.join(""), "base64url").toString("utf8"));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
    const input: Record<string, string | number | boolean | string[] | Record<string, string>> = {};
    for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
      // null (no Owner) and [] (no Subnets: the default VPC) mean "not given".
      if (value === null || (Array.isArray(value) && value.length === 0)) continue;
      if (
        typeof value === "string" ||
        typeof value === "number" ||
        typeof value === "boolean" ||
        (Array.isArray(value) && value.every((item) => typeof item === "string"))
      ) {
        input[key] = value as string | number | boolean | string[];
      } else if (
        typeof value === "object" &&
        Object.values(value).every((item) => typeof item === "string")
      ) {
        input[key] = value as Record<string, string>;
      } else {
        return undefined;
      }
    }
    return parseAnnexRequest(input, defaults);
  } catch {
    return undefined;
  }
}

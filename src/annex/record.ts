import { requestFromTags } from "./canonical.js";
import type { CloudStack } from "./cloud.js";
import { TAG_DEADLINE, TAG_OWNER, TAG_POOL, TAG_REQUEST } from "./constants.js";
import { annexNameOfStack } from "./naming.js";
import type { AnnexDefaults, AnnexRecord } from "./types.js";

/**
 * The durable record of an annex is its stack: name, status and tags (pool, owner, deadline,
 * request). This turns a described stack into an {@link AnnexRecord}, or undefined when the
 * stack is not an annex stack.
 */
export function recordFromStack(
  stack: CloudStack,
  region: string,
  defaults: AnnexDefaults,
): AnnexRecord | undefined {
  const stackName = stack.name;
  const name = annexNameOfStack(stackName);
  if (name === undefined) return undefined;
  const tags = stack.tags;
  const deadlineText = tags.get(TAG_DEADLINE);
  const deadline = deadlineText === undefined ? undefined : new Date(deadlineText);
  return {
    name,
    stackName,
    stackId: stack.id,
    stackStatus: stack.status,
    region,
    pool: tags.get(TAG_POOL),
    owner: tags.get(TAG_OWNER),
    deadline: deadline === undefined || Number.isNaN(deadline.getTime()) ? undefined : deadline,
    requestDigest: tags.get(TAG_REQUEST),
    request: requestFromTags(tags, defaults),
    createdAt: stack.createdAt,
    outputs: stack.outputs,
  };
}

/** ISO 8601 UTC to the second, the form of the deadline tag: `2026-11-26T16:00:00Z`. */
export function deadlineTagValue(deadline: Date): string {
  return `${deadline.toISOString().slice(0, 19)}Z`;
}

import type { Stack } from "@aws-sdk/client-cloudformation";
import { requestFromTags } from "./canonical.js";
import { TAG_DEADLINE, TAG_OWNER, TAG_POOL, TAG_REQUEST } from "./constants.js";
import { annexNameOfStack } from "./naming.js";
import { outputsOf, tagsOf } from "./stacks.js";
import type { AnnexDefaults, AnnexRecord } from "./types.js";

/**
 * The durable record of an annex is its stack: name, status and tags (pool, owner, deadline,
 * request). This turns a described stack into an {@link AnnexRecord}, or undefined when the
 * stack is not an annex stack.
 */
export function recordFromStack(
  stack: Stack,
  region: string,
  defaults: AnnexDefaults,
): AnnexRecord | undefined {
  const stackName = stack.StackName;
  if (stackName === undefined) return undefined;
  const name = annexNameOfStack(stackName);
  if (name === undefined) return undefined;
  const tags = tagsOf(stack);
  const deadlineText = tags.get(TAG_DEADLINE);
  const deadline = deadlineText === undefined ? undefined : new Date(deadlineText);
  return {
    name,
    stackName,
    stackId: stack.StackId,
    stackStatus: stack.StackStatus ?? "UNKNOWN",
    region,
    pool: tags.get(TAG_POOL),
    owner: tags.get(TAG_OWNER),
    deadline: deadline === undefined || Number.isNaN(deadline.getTime()) ? undefined : deadline,
    requestDigest: tags.get(TAG_REQUEST),
    request: requestFromTags(tags, defaults),
    createdAt: stack.CreationTime,
    outputs: outputsOf(stack),
  };
}

/** ISO 8601 UTC to the second, the form of the deadline tag: `2026-11-26T16:00:00Z`. */
export function deadlineTagValue(deadline: Date): string {
  return `${deadline.toISOString().slice(0, 19)}Z`;
}

import type { CloudFormationClient, Stack } from "@aws-sdk/client-cloudformation";
import { AWS_ERROR_CODES, awsCall, isAwsError } from "../aws/index.js";
import { DEFAULT_POLLING, type StackPolling } from "./context.js";
import { ANNEX_ERROR_CODES, AnnexError } from "./errors.js";

/** Stack helpers shared by the operations: describe, wait, read tags and outputs. */

/** The stack by name, or undefined when there is none (or only a deleted one). */
export async function describeStack(
  cfn: CloudFormationClient,
  stackName: string,
  annex?: string,
): Promise<Stack | undefined> {
  const { DescribeStacksCommand } = await import("@aws-sdk/client-cloudformation");
  try {
    const out = await awsCall(
      {
        operation: "CloudFormation.DescribeStacks",
        stack: stackName,
        ...(annex === undefined ? {} : { annex }),
      },
      () => cfn.send(new DescribeStacksCommand({ StackName: stackName })),
    );
    const stack = out.Stacks?.[0];
    return stack === undefined || stack.StackStatus === "DELETE_COMPLETE" ? undefined : stack;
  } catch (error) {
    if (isAwsError(error, AWS_ERROR_CODES.notFound)) return undefined;
    throw error;
  }
}

/** True for statuses in which the stack is still changing. */
export function isInProgress(status: string | undefined): boolean {
  return status?.endsWith("_IN_PROGRESS") === true;
}

/** Final statuses that mean the last operation failed. */
const FAILED = new Set([
  "CREATE_FAILED",
  "ROLLBACK_COMPLETE",
  "ROLLBACK_FAILED",
  "DELETE_FAILED",
  "UPDATE_ROLLBACK_COMPLETE",
  "UPDATE_ROLLBACK_FAILED",
  "UPDATE_FAILED",
]);

export function isFailed(status: string | undefined): boolean {
  return status !== undefined && FAILED.has(status);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls until the stack leaves its `*_IN_PROGRESS` state or is gone. Returns the settled stack,
 * undefined when it was deleted, or the still-changing stack when `polling.timeoutMs` ran out
 * (the caller reports progress rather than failing: CloudFormation keeps going).
 */
export async function waitForStack(
  cfn: CloudFormationClient,
  stackName: string,
  polling: StackPolling = DEFAULT_POLLING,
  annex?: string,
): Promise<Stack | undefined> {
  const started = Date.now();
  for (;;) {
    const stack = await describeStack(cfn, stackName, annex);
    if (stack === undefined || !isInProgress(stack.StackStatus)) return stack;
    if (Date.now() - started >= polling.timeoutMs) return stack;
    await sleep(polling.intervalMs);
  }
}

/** Throws a clear error when a stack settled in a failed state. */
export function assertNotFailed(stack: Stack | undefined, what: string, annex?: string): void {
  if (stack !== undefined && isFailed(stack.StackStatus)) {
    throw new AnnexError(
      ANNEX_ERROR_CODES.stackFailed,
      `${what}: stack ${stack.StackName ?? "?"} is ${stack.StackStatus ?? "?"}${stack.StackStatusReason === undefined ? "" : ` (${stack.StackStatusReason})`}`,
      { stack: stack.StackName ?? "", ...(annex === undefined ? {} : { annex }) },
    );
  }
}

/** The stack's tags as a map. */
export function tagsOf(stack: Stack): Map<string, string> {
  const tags = new Map<string, string>();
  for (const tag of stack.Tags ?? []) if (tag.Key !== undefined) tags.set(tag.Key, tag.Value ?? "");
  return tags;
}

/** The stack's outputs by key. */
export function outputsOf(stack: Stack): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const output of stack.Outputs ?? []) {
    if (output.OutputKey !== undefined && output.OutputValue !== undefined) {
      outputs[output.OutputKey] = output.OutputValue;
    }
  }
  return outputs;
}

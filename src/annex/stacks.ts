import type { CloudStack, RegionCloud } from "./cloud.js";
import { DEFAULT_POLLING, type StackPolling, SYSTEM_POLLING_CLOCK } from "./context.js";
import { ANNEX_ERROR_CODES, AnnexError } from "./errors.js";

/** Stack helpers shared by the operations: wait for a stack, judge its status. */

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

/**
 * Polls until the stack leaves its `*_IN_PROGRESS` state or is gone. Returns the settled stack,
 * undefined when it was deleted, or the still-changing stack when `polling.timeoutMs` ran out
 * (the caller reports progress rather than failing: CloudFormation keeps going).
 */
export async function waitForStack(
  cloud: RegionCloud,
  stackName: string,
  polling: StackPolling = DEFAULT_POLLING,
  annex?: string,
): Promise<CloudStack | undefined> {
  const clock = polling.clock ?? SYSTEM_POLLING_CLOCK;
  const started = clock.now();
  for (;;) {
    const stack = await cloud.describeStack(stackName, annex === undefined ? {} : { annex });
    if (stack === undefined || !isInProgress(stack.status)) return stack;
    if (clock.now() - started >= polling.timeoutMs) return stack;
    await clock.sleep(polling.intervalMs);
  }
}

/** Throws a clear error when a stack settled in a failed state. */
export function assertNotFailed(stack: CloudStack | undefined, what: string, annex?: string): void {
  if (stack !== undefined && isFailed(stack.status)) {
    throw new AnnexError(
      ANNEX_ERROR_CODES.stackFailed,
      `${what}: stack ${stack.name} is ${stack.status}${stack.statusReason === undefined ? "" : ` (${stack.statusReason})`}`,
      { stack: stack.name, ...(annex === undefined ? {} : { annex }) },
    );
  }
}

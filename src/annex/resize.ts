import { ANNEX_OUTPUTS, annexResourceName } from "./constants.js";
import { type AnnexContext, cloudIn } from "./context.js";
import { ANNEX_ERROR_CODES, AnnexError } from "./errors.js";
import { ownedAnnex } from "./ownership.js";
import type { AnnexRecord } from "./types.js";

/**
 * Resize sets the AutoScaling group's desired capacity directly (UpdateAutoScalingGroup), not
 * through UpdateStack. Demand changes the size every few minutes: a stack update takes minutes,
 * locks the stack (a concurrent extend or delete would fail with "in progress"), and fills the
 * stack's event history, while the direct call takes effect at once and costs one call. The
 * template's DesiredCapacity is only the initial size; `extend` re-reads the group's size so a
 * stack update never rolls a resize back.
 */

/** What a resize did. */
export interface ResizeResult {
  readonly name: string;
  readonly groupName: string;
  readonly desiredCapacity: number;
}

/** The AutoScaling group of an annex: the stack output, else the conventional name. */
export function groupNameOf(record: AnnexRecord): string {
  return record.outputs[ANNEX_OUTPUTS.autoScalingGroupName] ?? annexResourceName(record.name);
}

/** Sets the annex's desired capacity; `count` must be within 0..MaxInstances. */
export async function resizeAnnex(
  ctx: AnnexContext,
  name: string,
  count: number,
  region?: string,
): Promise<ResizeResult> {
  const { record } = await ownedAnnex(ctx, cloudIn(ctx, region), name, "resize");
  return setDesiredCapacity(ctx, record, count);
}

/** Resize given the record (create's adopt path has it already). */
export async function setDesiredCapacity(
  ctx: AnnexContext,
  record: AnnexRecord,
  count: number,
): Promise<ResizeResult> {
  const max = record.request?.maxInstances;
  if (!Number.isInteger(count) || count < 0 || (max !== undefined && count > max)) {
    throw new AnnexError(
      ANNEX_ERROR_CODES.invalidRequest,
      `Count: expected an integer from 0 to MaxInstances (${max ?? "?"}) of annex "${record.name}", got ${count}`,
      { annex: record.name, stack: record.stackName, operation: "resize" },
    );
  }
  const groupName = groupNameOf(record);
  await cloudIn(ctx, record.region).setDesiredCapacity(groupName, count, {
    annex: record.name,
    stack: record.stackName,
  });
  return { name: record.name, groupName, desiredCapacity: count };
}

import { ANNEX_CAPABILITIES } from "../../templates/index.js";
import type { StackParameter } from "./cloud.js";
import { ANNEX_PARAMETERS, LIMITS, TAG_DEADLINE } from "./constants.js";
import { type AnnexContext, cloudIn, DEFAULT_POLLING, logOf, nowOf } from "./context.js";
import { ANNEX_ERROR_CODES, AnnexError } from "./errors.js";
import { ownedAnnex } from "./ownership.js";
import { deadlineTagValue } from "./record.js";
import { groupNameOf } from "./resize.js";
import { assertNotFailed, waitForStack } from "./stacks.js";

/** What an extend did. */
export interface ExtendResult {
  readonly name: string;
  readonly stackName: string;
  readonly previousDeadline: Date | undefined;
  readonly deadline: Date;
  readonly stackStatus: string;
}

/**
 * Moves the hard deadline `hours` later: new deadline = max(old deadline, now) + hours, at most
 * 168 h from now. The deadline is a stack tag (the sweeper reads it), so this is an UpdateStack
 * with the previous template and every parameter's previous value — except DesiredCapacity,
 * which is set to the group's current size, so the update never undoes a resize.
 */
export async function extendAnnex(
  ctx: AnnexContext,
  name: string,
  hours: number,
  options: { region?: string; wait?: boolean } = {},
): Promise<ExtendResult> {
  if (typeof hours !== "number" || !Number.isFinite(hours) || hours <= 0 || hours > LIMITS.maxHours) {
    throw new AnnexError(
      ANNEX_ERROR_CODES.invalidRequest,
      `Hours: expected a number of hours greater than 0 and at most ${LIMITS.maxHours}, got ${String(hours)}`,
      { annex: name, operation: "extend" },
    );
  }
  const cloud = cloudIn(ctx, options.region);
  const { stack, record } = await ownedAnnex(ctx, cloud, name, "extend");
  const now = nowOf(ctx);
  const base = record.deadline !== undefined && record.deadline > now ? record.deadline : now;
  const deadline = new Date(base.getTime() + hours * 3_600_000);
  if (deadline.getTime() - now.getTime() > LIMITS.maxHours * 3_600_000) {
    throw new AnnexError(
      ANNEX_ERROR_CODES.invalidRequest,
      `Hours: the deadline of annex "${name}" may be at most ${LIMITS.maxHours} hours from now; it is ${deadlineTagValue(base)}, so extend by at most ${Math.floor(LIMITS.maxHours - (base.getTime() - now.getTime()) / 3_600_000)} hours`,
      { annex: name, stack: record.stackName, operation: "extend" },
    );
  }

  // The group's live size, so the stack update keeps it.
  const groups = await cloud.describeGroups([groupNameOf(record)], { annex: name, stack: record.stackName });
  const liveSize = groups[0]?.desiredCapacity;

  const parameters: StackParameter[] = stack.parameterKeys.map((key) =>
    key === ANNEX_PARAMETERS.desiredCapacity && liveSize !== undefined
      ? { key, value: String(liveSize) }
      : { key, usePrevious: true },
  );
  const tags = new Map(stack.tags);
  tags.set(TAG_DEADLINE, deadlineTagValue(deadline));

  await cloud.updateStack(
    {
      stackName: record.stackName,
      template: "previous",
      parameters,
      capabilities: ANNEX_CAPABILITIES,
      tags: [...tags.entries()].map(([Key, Value]) => ({ Key, Value })),
      clientRequestToken: `extend-${name}-${Math.floor(deadline.getTime() / 1000)}`,
    },
    { annex: name },
  );
  logOf(ctx)(`extend ${name}: deadline ${deadlineTagValue(deadline)}`);
  let status = "UPDATE_IN_PROGRESS";
  if (options.wait !== false) {
    const settled = await waitForStack(cloud, record.stackName, ctx.polling ?? DEFAULT_POLLING, name);
    assertNotFailed(settled, `extend ${name}`, name);
    status = settled?.status ?? status;
  }
  return {
    name,
    stackName: record.stackName,
    previousDeadline: record.deadline,
    deadline,
    stackStatus: status,
  };
}

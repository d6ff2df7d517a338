import type { CloudStack, RegionCloud } from "./cloud.js";
import { TAG_POOL } from "./constants.js";
import type { AnnexContext } from "./context.js";
import { ANNEX_ERROR_CODES, AnnexError, OtherPoolError } from "./errors.js";
import { annexStackName } from "./naming.js";
import { recordFromStack } from "./record.js";
import type { AnnexRecord } from "./types.js";

/**
 * Pool ownership: a helper acts only on annex stacks whose `htcondor:pool` tag is its own pool.
 * A stack of another pool (or without the tag) is never adopted, resized, extended or deleted.
 */

/** True when the stack carries this helper's pool tag. */
export function isOurs(stack: CloudStack, pool: string): boolean {
  return stack.tags.get(TAG_POOL) === pool;
}

/** Throws {@link OtherPoolError} unless the stack is ours. */
export function assertOurs(stack: CloudStack, pool: string, annex: string): void {
  if (!isOurs(stack, pool)) {
    throw new OtherPoolError(annex, stack.name || annexStackName(annex), stack.tags.get(TAG_POOL), pool);
  }
}

/** The annex's stack and record, when it exists and is ours; E_NOT_FOUND or E_OTHER_POOL otherwise. */
export async function ownedAnnex(
  ctx: AnnexContext,
  cloud: RegionCloud,
  name: string,
  operation: string,
): Promise<{ stack: CloudStack; record: AnnexRecord }> {
  const stackName = annexStackName(name);
  const stack = await cloud.describeStack(stackName, { annex: name });
  if (stack === undefined) {
    throw new AnnexError(
      ANNEX_ERROR_CODES.notFound,
      `no annex "${name}" (stack ${stackName}) in ${cloud.region}`,
      { annex: name, stack: stackName, operation },
    );
  }
  assertOurs(stack, ctx.pool, name);
  const record = recordFromStack(stack, cloud.region, ctx.defaults);
  if (record === undefined) {
    throw new AnnexError(ANNEX_ERROR_CODES.notFound, `stack ${stackName} is not an annex stack`, {
      annex: name,
      stack: stackName,
      operation,
    });
  }
  return { stack, record };
}

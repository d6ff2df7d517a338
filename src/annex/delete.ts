import { type AnnexContext, cloudIn, DEFAULT_POLLING, logOf } from "./context.js";
import { annexStackName } from "./naming.js";
import { assertOurs } from "./ownership.js";
import { readSetupOutputs } from "./setup.js";
import { assertNotFailed, waitForStack } from "./stacks.js";
import { deleteAnnexTokens } from "./tokens.js";

/** What a delete did. */
export interface DeleteResult {
  readonly name: string;
  readonly stackName: string;
  /** False when there was no stack (already deleted, e.g. by the lease): delete is idempotent. */
  readonly stackExisted: boolean;
  /** DELETE_COMPLETE, or DELETE_IN_PROGRESS when not waited for. */
  readonly stackStatus: string;
  /** Token objects removed from `tokens/<annex>/`. */
  readonly tokensDeleted: readonly string[];
}

/**
 * Deletes the annex's stack (CloudFormation uses the service role the stack was created with)
 * and its token objects. Idempotent: a missing stack still has its tokens swept. A stack of
 * another pool is refused.
 */
export async function deleteAnnex(
  ctx: AnnexContext,
  name: string,
  options: { region?: string; wait?: boolean } = {},
): Promise<DeleteResult> {
  const cloud = cloudIn(ctx, options.region);
  const stackName = annexStackName(name);
  const stack = await cloud.describeStack(stackName, { annex: name });
  if (stack !== undefined) assertOurs(stack, ctx.pool, name);

  let status = "DELETE_COMPLETE";
  if (stack !== undefined) {
    await cloud.deleteStack(stack.id ?? stackName, { annex: name, stack: stackName });
    logOf(ctx)(`delete ${name}: stack ${stackName} deletion requested`);
    status = "DELETE_IN_PROGRESS";
  }
  // The token goes at once: no new instance of a dying annex should join the pool.
  const setup = await readSetupOutputs(cloud);
  const tokensDeleted = await deleteAnnexTokens(cloud, setup.tokenBucket, name);

  if (stack !== undefined && options.wait !== false) {
    const after = await waitForStack(cloud, stackName, ctx.polling ?? DEFAULT_POLLING, name);
    assertNotFailed(after, `delete ${name}`, name);
    status = after === undefined ? "DELETE_COMPLETE" : after.status;
  }
  return { name, stackName, stackExisted: stack !== undefined, stackStatus: status, tokensDeleted };
}

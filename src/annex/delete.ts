import { awsCall } from "../aws/index.js";
import { type AnnexContext, DEFAULT_POLLING, logOf } from "./context.js";
import { annexStackName } from "./naming.js";
import { assertOurs } from "./ownership.js";
import { readSetupOutputs } from "./setup.js";
import { assertNotFailed, describeStack, waitForStack } from "./stacks.js";
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
  const clients = ctx.clients.forRegion(options.region ?? ctx.clients.config.region);
  const cfn = await clients.cloudFormation();
  const stackName = annexStackName(name);
  const stack = await describeStack(cfn, stackName, name);
  if (stack !== undefined) assertOurs(stack, ctx.pool, name);

  let status = "DELETE_COMPLETE";
  if (stack !== undefined) {
    const { DeleteStackCommand } = await import("@aws-sdk/client-cloudformation");
    await awsCall({ operation: "CloudFormation.DeleteStack", annex: name, stack: stackName }, () =>
      cfn.send(new DeleteStackCommand({ StackName: stack.StackId ?? stackName })),
    );
    logOf(ctx)(`delete ${name}: stack ${stackName} deletion requested`);
    status = "DELETE_IN_PROGRESS";
  }
  // The token goes at once: no new instance of a dying annex should join the pool.
  const setup = await readSetupOutputs(clients);
  const tokensDeleted = await deleteAnnexTokens(await clients.s3(), setup.tokenBucket, name);

  if (stack !== undefined && options.wait !== false) {
    const after = await waitForStack(cfn, stackName, ctx.polling ?? DEFAULT_POLLING, name);
    assertNotFailed(after, `delete ${name}`, name);
    status = after === undefined ? "DELETE_COMPLETE" : (after.StackStatus ?? status);
  }
  return { name, stackName, stackExisted: stack !== undefined, stackStatus: status, tokensDeleted };
}

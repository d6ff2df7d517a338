import { awsCall } from "../aws/index.js";
import type { AnnexContext } from "./context.js";
import { isOurs } from "./ownership.js";
import { recordFromStack } from "./record.js";
import type { AnnexRecord } from "./types.js";

/**
 * Every annex of this pool in a region, rebuilt from AWS alone: DescribeStacks, paginated,
 * keeping annex stacks (`HTCondorAnnex-<name>`) whose pool tag is ours. Neither AWS nor the
 * emulator filters stacks by tag on the server, so the filter runs here. Deleted stacks are not
 * returned by DescribeStacks without a name.
 */
export async function listAnnexes(
  ctx: AnnexContext,
  options: { region?: string; allPools?: boolean } = {},
): Promise<AnnexRecord[]> {
  const clients = ctx.clients.forRegion(options.region ?? ctx.clients.config.region);
  const cfn = await clients.cloudFormation();
  const { paginateDescribeStacks } = await import("@aws-sdk/client-cloudformation");
  const records: AnnexRecord[] = [];
  await awsCall({ operation: "CloudFormation.DescribeStacks (list)" }, async () => {
    for await (const page of paginateDescribeStacks({ client: cfn }, {})) {
      for (const stack of page.Stacks ?? []) {
        if (stack.StackStatus === "DELETE_COMPLETE") continue;
        if (options.allPools !== true && !isOurs(stack, ctx.pool)) continue;
        const record = recordFromStack(stack, clients.config.region, ctx.defaults);
        if (record !== undefined) records.push(record);
      }
    }
  });
  return records.sort((a, b) => a.name.localeCompare(b.name));
}

import { type AnnexContext, cloudIn } from "./context.js";
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
  const cloud = cloudIn(ctx, options.region);
  const records: AnnexRecord[] = [];
  for (const stack of await cloud.listStacks()) {
    if (options.allPools !== true && !isOurs(stack, ctx.pool)) continue;
    const record = recordFromStack(stack, cloud.region, ctx.defaults);
    if (record !== undefined) records.push(record);
  }
  return records.sort((a, b) => a.name.localeCompare(b.name));
}

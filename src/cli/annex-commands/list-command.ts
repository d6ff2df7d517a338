import type { Checked } from "../../gahp/classad-command.js";
import { classAdCommand } from "../../gahp/classad-command.js";
import type { AsyncCommand } from "../../gahp/types.js";
import { annexRecordAttributes } from "./annex-ads.js";
import { ArgumentReader, built, type SourcedAd } from "./arguments.js";
import type { AnnexCommandContext } from "./command-deps.js";
import { resultAd } from "./result-ads.js";
import { failureOutcome, requirePool } from "./runtime.js";

/** The typed argument of `ANNEX_LIST`. */
export interface ListCommandRequest {
  readonly region: string | undefined;
  readonly allPools: boolean;
}

/** `[ Region; AllPools ]`, both optional. */
export function validateList(sourced: SourcedAd): Checked<ListCommandRequest> {
  const reader = new ArgumentReader("ANNEX_LIST", sourced);
  const region = reader.string("Region", { form: 'a region name such as "us-east-1"' });
  const allPools = reader.boolean("AllPools");
  return reader.finish(() => ({ region, allPools: allPools ?? false }));
}

/** `ANNEX_LIST`: every annex of this pool (or of all pools), rebuilt from AWS alone. */
export function listCommand(context: AnnexCommandContext): AsyncCommand {
  return classAdCommand({
    name: "ANNEX_LIST",
    codec: context.codec,
    validate: validateList,
    run: async (request) => {
      try {
        const runtime = await context.runtime.get();
        if (!request.allPools) requirePool(runtime);
        const records = await runtime.ops.list({
          allPools: request.allPools,
          ...(request.region === undefined ? {} : { region: request.region }),
        });
        return { ok: true, ad: built(resultAd({ Annexes: records.map(annexRecordAttributes) })) };
      } catch (error) {
        return failureOutcome(error);
      }
    },
  });
}

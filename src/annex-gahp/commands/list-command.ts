import type { Checked } from "../../gahp/classad-command.js";
import { classAdCommand } from "../../gahp/classad-command.js";
import type { AsyncCommand } from "../../gahp/types.js";
import { requirePool, withRuntime } from "../runtime.js";
import { annexRecordAttributes } from "./annex-ads.js";
import { ArgumentReader, type SourcedAd } from "./arguments.js";
import type { AnnexCommandContext } from "./command-deps.js";
import { readRegion } from "./common-arguments.js";
import { resultOutcome } from "./result-ads.js";

/** The typed argument of `ANNEX_LIST`. */
export interface ListCommandRequest {
  readonly region: string | undefined;
  readonly allPools: boolean;
}

/** `[ Region; AllPools ]`, both optional. */
export function validateList(sourced: SourcedAd): Checked<ListCommandRequest> {
  const reader = new ArgumentReader("ANNEX_LIST", sourced);
  const region = readRegion(reader);
  const allPools = reader.boolean("AllPools");
  return reader.finish(() => ({ region, allPools: allPools ?? false }));
}

/** `ANNEX_LIST`: every annex of this pool (or of all pools), rebuilt from AWS alone. */
export function listCommand(context: AnnexCommandContext): AsyncCommand {
  return classAdCommand({
    name: "ANNEX_LIST",
    codec: context.codec,
    validate: validateList,
    run: (request) =>
      withRuntime(context.runtime, async (runtime) => {
        if (!request.allPools) requirePool(runtime);
        const records = await runtime.ops.list({
          allPools: request.allPools,
          ...(request.region === undefined ? {} : { region: request.region }),
        });
        return resultOutcome({ Annexes: records.map(annexRecordAttributes) });
      }),
  });
}

import type { Checked } from "../../gahp/classad-command.js";
import { classAdCommand } from "../../gahp/classad-command.js";
import type { AsyncCommand } from "../../gahp/types.js";
import { requirePool, withRuntime } from "../runtime.js";
import { annexStatusAttributes } from "./annex-ads.js";
import { ArgumentReader, type SourcedAd } from "./arguments.js";
import type { AnnexCommandContext } from "./command-deps.js";
import { readAnnexName, readRegion } from "./common-arguments.js";
import { resultOutcome } from "./result-ads.js";

/** The typed argument of `ANNEX_STATUS`. */
export interface StatusCommandRequest {
  readonly name: string | undefined;
  readonly region: string | undefined;
}

/** `[ Name; Region ]`, both optional (no Name: every annex of this pool). */
export function validateStatus(sourced: SourcedAd): Checked<StatusCommandRequest> {
  const reader = new ArgumentReader("ANNEX_STATUS", sourced);
  const name = readAnnexName(reader, false);
  const region = readRegion(reader);
  return reader.finish(() => ({ name, region }));
}

/** `ANNEX_STATUS`: stack, group and instances, lease alarm, last heartbeat and latest demand. */
export function statusCommand(context: AnnexCommandContext): AsyncCommand {
  return classAdCommand({
    name: "ANNEX_STATUS",
    codec: context.codec,
    validate: validateStatus,
    run: (request) =>
      withRuntime(context.runtime, async (runtime) => {
        requirePool(runtime);
        const statuses = await runtime.ops.status({
          ...(request.name === undefined ? {} : { name: request.name }),
          ...(request.region === undefined ? {} : { region: request.region }),
        });
        return resultOutcome({
          Annexes: statuses.map((status) =>
            annexStatusAttributes(status, runtime.demand.latest(status.record.name)),
          ),
        });
      }),
  });
}

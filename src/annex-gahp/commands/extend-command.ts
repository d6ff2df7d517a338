import type { Checked } from "../../gahp/classad-command.js";
import { classAdCommand } from "../../gahp/classad-command.js";
import type { AsyncCommand } from "../../gahp/types.js";
import { requirePool, withRuntime } from "../runtime.js";
import { ArgumentReader, type SourcedAd } from "./arguments.js";
import type { AnnexCommandContext } from "./command-deps.js";
import { readAnnexName, readRegion } from "./common-arguments.js";
import { resultOutcome, timeAttributes } from "./result-ads.js";

/** The typed argument of `ANNEX_EXTEND`. */
export interface ExtendCommandRequest {
  readonly name: string;
  readonly hours: number;
  readonly region: string | undefined;
  readonly wait: boolean;
}

/** `[ Name; Hours; Region; Wait ]`: Name and Hours required. */
export function validateExtend(sourced: SourcedAd): Checked<ExtendCommandRequest> {
  const reader = new ArgumentReader("ANNEX_EXTEND", sourced);
  const name = readAnnexName(reader, true);
  const hours = reader.number("Hours", { required: true, form: "a number of hours > 0 (e.g. 2)" });
  if (hours !== undefined && hours <= 0)
    reader.problem("Hours", `expected a number of hours > 0, got ${hours}`);
  const region = readRegion(reader);
  const wait = reader.boolean("Wait");
  return reader.finish(() => ({ name: name ?? "", hours: hours ?? 0, region, wait: wait ?? true }));
}

/** `ANNEX_EXTEND`: moves the annex's hard deadline later. */
export function extendCommand(context: AnnexCommandContext): AsyncCommand {
  return classAdCommand({
    name: "ANNEX_EXTEND",
    codec: context.codec,
    validate: validateExtend,
    run: (request) =>
      withRuntime(context.runtime, async (runtime) => {
        requirePool(runtime);
        const result = await runtime.ops.extend(request.name, request.hours, {
          wait: request.wait,
          ...(request.region === undefined ? {} : { region: request.region }),
        });
        return resultOutcome({
          Name: result.name,
          StackName: result.stackName,
          StackStatus: result.stackStatus,
          ...timeAttributes("PreviousDeadline", result.previousDeadline),
          ...timeAttributes("Deadline", result.deadline),
        });
      }),
  });
}

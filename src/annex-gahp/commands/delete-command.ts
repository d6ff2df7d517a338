import type { Checked } from "../../gahp/classad-command.js";
import { classAdCommand } from "../../gahp/classad-command.js";
import type { AsyncCommand } from "../../gahp/types.js";
import { requirePool, withRuntime } from "../runtime.js";
import { ArgumentReader, type SourcedAd } from "./arguments.js";
import type { AnnexCommandContext } from "./command-deps.js";
import { readAnnexName, readRegion } from "./common-arguments.js";
import { resultOutcome } from "./result-ads.js";

/** The typed argument of `ANNEX_DELETE`. */
export interface DeleteCommandRequest {
  readonly name: string;
  readonly region: string | undefined;
  readonly wait: boolean;
}

/** `[ Name; Region; Wait ]`: Name required. */
export function validateDelete(sourced: SourcedAd): Checked<DeleteCommandRequest> {
  const reader = new ArgumentReader("ANNEX_DELETE", sourced);
  const name = readAnnexName(reader, true);
  const region = readRegion(reader);
  const wait = reader.boolean("Wait");
  return reader.finish(() => ({ name: name ?? "", region, wait: wait ?? true }));
}

/** `ANNEX_DELETE`: deletes the annex's stack and its token (idempotent). */
export function deleteCommand(context: AnnexCommandContext): AsyncCommand {
  return classAdCommand({
    name: "ANNEX_DELETE",
    codec: context.codec,
    validate: validateDelete,
    run: (request) =>
      withRuntime(context.runtime, async (runtime) => {
        requirePool(runtime);
        const result = await runtime.ops.delete(request.name, {
          wait: request.wait,
          ...(request.region === undefined ? {} : { region: request.region }),
        });
        return resultOutcome({
          Name: result.name,
          StackName: result.stackName,
          StackExisted: result.stackExisted,
          StackStatus: result.stackStatus,
          TokensDeleted: result.tokensDeleted,
        });
      }),
  });
}

import { leaseLambdaZip } from "../../annex/lease-package.js";
import type { Checked } from "../../gahp/classad-command.js";
import { classAdCommand } from "../../gahp/classad-command.js";
import type { AsyncCommand } from "../../gahp/types.js";
import { ArgumentReader, type SourcedAd } from "./arguments.js";
import type { AnnexCommandContext } from "./command-deps.js";
import { readRegion } from "./common-arguments.js";
import { resultOutcome } from "./result-ads.js";
import { withRuntime } from "./runtime.js";

/** The typed argument of `ANNEX_SETUP`. */
export interface SetupCommandRequest {
  readonly region: string | undefined;
  readonly leaseFunctionZip: string | undefined;
}

/** `[ Region; LeaseFunctionZip ]`, both optional. */
export function validateSetup(sourced: SourcedAd): Checked<SetupCommandRequest> {
  const reader = new ArgumentReader("ANNEX_SETUP", sourced);
  const region = readRegion(reader);
  const leaseFunctionZip = reader.string("LeaseFunctionZip", { form: "the path of the lease Lambda zip" });
  return reader.finish(() => ({ region, leaseFunctionZip }));
}

/** `ANNEX_SETUP`: creates or updates the per-account setup stack (waits for it). */
export function setupCommand(context: AnnexCommandContext): AsyncCommand {
  return classAdCommand({
    name: "ANNEX_SETUP",
    codec: context.codec,
    validate: validateSetup,
    run: (request) =>
      withRuntime(context.runtime, async (runtime) => {
        const zipPath = request.leaseFunctionZip ?? runtime.leaseFunctionZipPath;
        const region = request.region ?? runtime.defaults.region;
        const result = await runtime.ops.setup({
          region,
          ...(zipPath === undefined
            ? { leaseFunctionZip: (await leaseLambdaZip()).bytes }
            : { leaseFunctionZipPath: zipPath }),
        });
        return resultOutcome({
          StackName: result.stackName,
          StackId: result.stackId,
          StackStatus: result.stackStatus,
          Outcome: result.outcome,
          Region: region,
          TokenBucket: result.outputs.tokenBucket,
          LeaseFunctionArn: result.outputs.leaseFunctionArn,
          CloudFormationRoleArn: result.outputs.cloudFormationRoleArn,
        });
      }),
  });
}

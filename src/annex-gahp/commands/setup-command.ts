import { leaseLambdaZip } from "../../annex/lease-package.js";
import type { Checked } from "../../gahp/classad-command.js";
import { classAdCommand } from "../../gahp/classad-command.js";
import type { AsyncCommand } from "../../gahp/types.js";
import { withRuntime } from "../runtime.js";
import { ArgumentReader, type SourcedAd } from "./arguments.js";
import type { AnnexCommandContext } from "./command-deps.js";
import { readRegion } from "./common-arguments.js";
import { resultOutcome } from "./result-ads.js";

/** The typed argument of `ANNEX_SETUP`. */
export interface SetupCommandRequest {
  readonly region: string | undefined;
  readonly leaseFunctionZip: string | undefined;
  /** Only read the setup stack's outputs (`condor-annex setup --check`). */
  readonly check: boolean;
}

/** `[ Region; LeaseFunctionZip; Check ]`, all optional. */
export function validateSetup(sourced: SourcedAd): Checked<SetupCommandRequest> {
  const reader = new ArgumentReader("ANNEX_SETUP", sourced);
  const region = readRegion(reader);
  const leaseFunctionZip = reader.string("LeaseFunctionZip", { form: "the path of the lease Lambda zip" });
  const check = reader.boolean("Check") ?? false;
  return reader.finish(() => ({ region, leaseFunctionZip, check }));
}

/**
 * `ANNEX_SETUP`: creates or updates the per-account setup stack (waits for it); with
 * `Check = true` only reads its outputs.
 */
export function setupCommand(context: AnnexCommandContext): AsyncCommand {
  return classAdCommand({
    name: "ANNEX_SETUP",
    codec: context.codec,
    validate: validateSetup,
    run: (request) =>
      withRuntime(context.runtime, async (runtime) => {
        const region = request.region ?? runtime.defaults.region;
        if (request.check) {
          const outputs = await runtime.ops.setupOutputs(region);
          return resultOutcome({
            Outcome: "checked",
            Region: region,
            TokenBucket: outputs.tokenBucket,
            LeaseFunctionArn: outputs.leaseFunctionArn,
            CloudFormationRoleArn: outputs.cloudFormationRoleArn,
          });
        }
        const zipPath = request.leaseFunctionZip ?? runtime.leaseFunctionZipPath;
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

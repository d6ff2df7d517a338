import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import {
  leaseCodeKey,
  renderSetupStack,
  SETUP_CAPABILITIES,
  type SetupStackParams,
} from "../../templates/index.js";
import { AWS_ERROR_CODES, isAwsError } from "../aws/errors.js";
import type { RegionCloud } from "./cloud.js";
import { MANAGED_BY_VALUE, SETUP_OUTPUTS, SETUP_STACK_NAME, TAG_MANAGED_BY } from "./constants.js";
import { type AnnexContext, cloudIn, DEFAULT_POLLING, logOf } from "./context.js";
import { ANNEX_ERROR_CODES, AnnexError } from "./errors.js";
import { assertNotFailed, waitForStack } from "./stacks.js";
import type { SetupOutputs, SetupResult } from "./types.js";

/**
 * Setup: creates or updates the per-account, per-region setup stack (lease Lambda, service role,
 * token bucket, sweeper schedule). The Lambda's code goes into the stack's own bucket, which
 * does not exist before the stack does, hence two passes on first setup:
 *
 *   CreateStack(no code) → wait → PutObject lambda/lease-<sha256>.zip → UpdateStack(code) → wait
 *
 * Later runs upload the zip (same content → same key) and update; "no updates" means unchanged.
 */

/** Options of {@link setupAnnexAccount}. */
export interface SetupOptions {
  /** Region; default the context's. */
  readonly region?: string;
  /** The bundled lease Lambda zip (bytes). */
  readonly leaseFunctionZip?: Uint8Array;
  /** …or its path (default: the ANNEX_LEASE_FUNCTION_ZIP knob, passed in by the caller). */
  readonly leaseFunctionZipPath?: string;
  /** Extra template parameters (sweep schedule, retention…). */
  readonly template?: Omit<SetupStackParams, "leaseCode">;
}

const CAPABILITIES = SETUP_CAPABILITIES;

async function leaseZip(options: SetupOptions): Promise<Uint8Array> {
  if (options.leaseFunctionZip !== undefined) return options.leaseFunctionZip;
  if (options.leaseFunctionZipPath !== undefined) {
    try {
      return await readFile(options.leaseFunctionZipPath);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new AnnexError(
        ANNEX_ERROR_CODES.notSetUp,
        `cannot read the lease Lambda zip ${options.leaseFunctionZipPath} (ANNEX_LEASE_FUNCTION_ZIP): ${reason}`,
        { operation: "setup" },
      );
    }
  }
  throw new AnnexError(
    ANNEX_ERROR_CODES.notSetUp,
    "setup needs the lease Lambda zip: set ANNEX_LEASE_FUNCTION_ZIP to its path (an annex without its lease Lambda could never be cleaned up)",
    { operation: "setup" },
  );
}

/** Creates or updates the setup stack and uploads the lease Lambda's code. */
export async function setupAnnexAccount(ctx: AnnexContext, options: SetupOptions = {}): Promise<SetupResult> {
  const cloud = cloudIn(ctx, options.region);
  const log = logOf(ctx);
  const polling = ctx.polling ?? DEFAULT_POLLING;
  const zip = await leaseZip(options);
  const stackName = SETUP_STACK_NAME;
  const base = options.template ?? {};
  const tags = [{ Key: TAG_MANAGED_BY, Value: MANAGED_BY_VALUE }];

  let stack = await cloud.describeStack(stackName);
  let created = false;
  if (stack === undefined) {
    log(`setup: creating stack ${stackName} in ${cloud.region}`);
    await cloud.createStack({
      stackName,
      templateBody: JSON.stringify(renderSetupStack(base)),
      capabilities: CAPABILITIES,
      tags,
      clientRequestToken: `setup-${cloud.region}-pass1`,
    });
    created = true;
  }
  stack = await waitForStack(cloud, stackName, polling);
  assertNotFailed(stack, "setup");
  const bucket = stack?.outputs[SETUP_OUTPUTS.tokenBucket];
  if (bucket === undefined) {
    throw new AnnexError(
      ANNEX_ERROR_CODES.notSetUp,
      `setup stack ${stackName} has no ${SETUP_OUTPUTS.tokenBucket} output (status ${stack?.status ?? "gone"})`,
      { stack: stackName, operation: "setup" },
    );
  }

  const digest = createHash("sha256").update(zip).digest("hex");
  const key = leaseCodeKey(digest);
  await cloud.putObject({ bucket, key, body: zip, contentType: "application/zip" }, { stack: stackName });

  let changed = true;
  try {
    await cloud.updateStack({
      stackName,
      template: { body: JSON.stringify(renderSetupStack({ ...base, leaseCode: { s3Key: key } })) },
      capabilities: CAPABILITIES,
      tags,
    });
  } catch (error) {
    if (!isAwsError(error, AWS_ERROR_CODES.noChange)) throw error;
    changed = false;
  }
  stack = await waitForStack(cloud, stackName, polling);
  assertNotFailed(stack, "setup");
  if (stack === undefined) {
    throw new AnnexError(ANNEX_ERROR_CODES.notSetUp, `setup stack ${stackName} disappeared during setup`, {
      stack: stackName,
      operation: "setup",
    });
  }
  log(`setup: stack ${stackName} is ${stack.status}`);
  return {
    stackName,
    stackId: stack.id,
    stackStatus: stack.status,
    outcome: created ? "created" : changed ? "updated" : "unchanged",
    outputs: setupOutputsOf(stack.outputs, stackName),
  };
}

function setupOutputsOf(all: Readonly<Record<string, string>>, stackName: string): SetupOutputs {
  const tokenBucket = all[SETUP_OUTPUTS.tokenBucket];
  const leaseFunctionArn = all[SETUP_OUTPUTS.leaseFunctionArn];
  const cloudFormationRoleArn = all[SETUP_OUTPUTS.serviceRoleArn];
  const missing = [
    tokenBucket === undefined ? SETUP_OUTPUTS.tokenBucket : undefined,
    leaseFunctionArn === undefined ? SETUP_OUTPUTS.leaseFunctionArn : undefined,
    cloudFormationRoleArn === undefined ? SETUP_OUTPUTS.serviceRoleArn : undefined,
  ].filter((name) => name !== undefined);
  if (tokenBucket === undefined || leaseFunctionArn === undefined || cloudFormationRoleArn === undefined) {
    throw new AnnexError(
      ANNEX_ERROR_CODES.notSetUp,
      `setup stack ${stackName} lacks the outputs ${missing.join(", ")}: run setup (ANNEX_SETUP) again`,
      { stack: stackName },
    );
  }
  return { tokenBucket, leaseFunctionArn, cloudFormationRoleArn, all };
}

/** Reads the setup stack's outputs; a clear E_NOT_SET_UP error when setup has not run. */
export async function readSetupOutputs(cloud: RegionCloud): Promise<SetupOutputs> {
  const stack = await cloud.describeStack(SETUP_STACK_NAME);
  if (stack === undefined) {
    throw new AnnexError(
      ANNEX_ERROR_CODES.notSetUp,
      `no setup stack ${SETUP_STACK_NAME} in ${cloud.region}: run setup (condor-annex setup, or ANNEX_SETUP) first`,
      { stack: SETUP_STACK_NAME },
    );
  }
  return setupOutputsOf(stack.outputs, SETUP_STACK_NAME);
}

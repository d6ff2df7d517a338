import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { Command } from "commander";
import { leaseLambdaZip } from "../../annex/lease-package.js";
import { read } from "../../classad/plain.js";
import type { AnnexHelper } from "../annex-helper.js";
import { type CliContext, callWithProgress, defaultRegion, printJson, withHelper } from "../cli-context.js";
import { CliError, EXIT, type ExitStatus } from "../exit-codes.js";
import { formatTable } from "../table.js";

/** One line of `setup --check`. */
export interface SetupCheck {
  readonly check: string;
  readonly ok: boolean;
  readonly detail: string;
  /** The exit status this failure calls for. */
  readonly status: ExitStatus;
}

interface SetupFlags {
  readonly region?: string;
  readonly leaseFunctionZip?: string;
  readonly check?: boolean;
  readonly json?: boolean;
}

/** `condor-annex setup`: creates or updates the per-account setup stack; `--check` verifies it. */
export function buildSetupCommand(ctx: CliContext): Command {
  return new Command("setup")
    .description(
      "create or update the per-account setup stack (lease Lambda, token bucket, CloudFormation role); " +
        "--check verifies configuration and setup without changing anything",
    )
    .option("--region <region>", "AWS region (default ANNEX_DEFAULT_AWS_REGION, else AWS_REGION)")
    .option(
      "--lease-function-zip <path>",
      "lease Lambda zip to upload (default ANNEX_LEASE_FUNCTION_ZIP, else built)",
    )
    .option("--check", "verify the configuration, the helper and the setup stack; change nothing")
    .option("--json", "print the result as JSON")
    .action(async (flags: SetupFlags) => {
      if (flags.check === true) {
        await checkSetup(ctx, flags);
        return;
      }
      await runSetup(ctx, flags);
    });
}

async function runSetup(ctx: CliContext, flags: SetupFlags): Promise<void> {
  const region = flags.region ?? (await defaultRegion(ctx));
  const argument: Record<string, string> = {};
  if (flags.region !== undefined) argument.Region = flags.region;
  if (flags.leaseFunctionZip !== undefined) argument.LeaseFunctionZip = flags.leaseFunctionZip;
  const result = await callWithProgress(
    ctx,
    `setting up condor-annex in ${region} (stack HTCondorAnnexSetup)`,
    "ANNEX_SETUP",
    argument,
  );
  if (flags.json === true) {
    printJson(ctx, result);
    return;
  }
  const out = ctx.io.stdout;
  out.write(
    `Setup stack ${read.string(result, "StackName") ?? "HTCondorAnnexSetup"} ${read.string(result, "Outcome") ?? "done"} ` +
      `(${read.string(result, "StackStatus") ?? "?"}) in ${read.string(result, "Region") ?? region}.\n`,
  );
  out.write(`  token bucket:       ${read.string(result, "TokenBucket") ?? "?"}\n`);
  out.write(`  lease Lambda:       ${read.string(result, "LeaseFunctionArn") ?? "?"}\n`);
  out.write(`  CloudFormation role: ${read.string(result, "CloudFormationRoleArn") ?? "?"}\n`);
}

async function tokenCheck(ctx: CliContext): Promise<SetupCheck> {
  const check = "pool token";
  const file = (await ctx.knobs.get("ANNEX_TOKEN_FILE"))?.trim();
  const command = (await ctx.knobs.get("ANNEX_TOKEN_COMMAND"))?.trim();
  if (file !== undefined && file !== "") {
    try {
      const info = await stat(file);
      if ((info.mode & 0o077) !== 0) {
        return {
          check,
          ok: false,
          detail: `ANNEX_TOKEN_FILE ${file} is readable by others (mode ${(info.mode & 0o777).toString(8)}): chmod 600 it`,
          status: EXIT.usage,
        };
      }
      return { check, ok: true, detail: `ANNEX_TOKEN_FILE = ${file}`, status: EXIT.ok };
    } catch (error) {
      return {
        check,
        ok: false,
        detail: `ANNEX_TOKEN_FILE ${file} cannot be read: ${error instanceof Error ? error.message : String(error)}`,
        status: EXIT.usage,
      };
    }
  }
  if (command !== undefined && command !== "") {
    return { check, ok: true, detail: `ANNEX_TOKEN_COMMAND = ${command}`, status: EXIT.ok };
  }
  return {
    check,
    ok: false,
    detail: "neither ANNEX_TOKEN_FILE nor ANNEX_TOKEN_COMMAND is set: annex machines could not join the pool",
    status: EXIT.usage,
  };
}

async function poolCheck(ctx: CliContext): Promise<SetupCheck> {
  for (const knob of ["ANNEX_POOL", "ANNEX_COLLECTOR", "COLLECTOR_HOST"]) {
    const value = (await ctx.knobs.get(knob))?.trim();
    if (value !== undefined && value !== "") {
      return { check: "pool", ok: true, detail: `${knob} = ${value}`, status: EXIT.ok };
    }
  }
  return {
    check: "pool",
    ok: false,
    detail: "none of ANNEX_POOL, ANNEX_COLLECTOR, COLLECTOR_HOST is set: annexes would not know their pool",
    status: EXIT.usage,
  };
}

/** The lease Lambda package setup would deploy: where it is, its size and its SHA-256. */
async function leasePackageCheck(ctx: CliContext): Promise<SetupCheck> {
  const check = "lease Lambda";
  const configured = (await ctx.knobs.get("ANNEX_LEASE_FUNCTION_ZIP"))?.trim();
  try {
    const zip =
      configured !== undefined && configured !== ""
        ? {
            bytes: new Uint8Array(await readFile(configured)),
            source: `ANNEX_LEASE_FUNCTION_ZIP = ${configured}`,
          }
        : await leaseLambdaZip();
    const digest = createHash("sha256").update(zip.bytes).digest("hex");
    return {
      check,
      ok: true,
      detail: `${zip.source}: ${zip.bytes.byteLength} bytes, sha256 ${digest}`,
      status: EXIT.ok,
    };
  } catch (error) {
    return {
      check,
      ok: false,
      detail: error instanceof Error ? error.message : String(error),
      status: EXIT.failure,
    };
  }
}

/** Reads the setup stack's outputs through the helper (`ANNEX_SETUP [ Check = true ]`). */
async function setupStackCheck(
  helper: AnnexHelper,
  region: string,
  regionFlag: string | undefined,
): Promise<SetupCheck> {
  const check = "setup stack";
  try {
    const result = await helper.call("ANNEX_SETUP", {
      Check: true,
      ...(regionFlag === undefined ? {} : { Region: regionFlag }),
    });
    return {
      check,
      ok: true,
      detail: `HTCondorAnnexSetup in ${read.string(result.plain, "Region") ?? region}: bucket ${read.string(result.plain, "TokenBucket") ?? "?"}, Lambda ${read.string(result.plain, "LeaseFunctionArn") ?? "?"}`,
      status: EXIT.ok,
    };
  } catch (error) {
    const status = error instanceof CliError ? error.exitStatus : EXIT.failure;
    return { check, ok: false, detail: error instanceof Error ? error.message : String(error), status };
  }
}

async function checkSetup(ctx: CliContext, flags: SetupFlags): Promise<void> {
  const region = flags.region ?? (await defaultRegion(ctx));
  const checks: SetupCheck[] = [await poolCheck(ctx), await tokenCheck(ctx)];
  let setupStack: SetupCheck = {
    check: "setup stack",
    ok: false,
    detail: "not checked: the helper did not start",
    status: EXIT.failure,
  };
  try {
    await withHelper(ctx, async (helper) => {
      const banner = helper.gahp.banner;
      checks.push({ check: "helper", ok: true, detail: banner, status: EXIT.ok });
      try {
        const argument: Record<string, string> = flags.region === undefined ? {} : { Region: flags.region };
        const listed = await helper.call("ANNEX_LIST", argument);
        checks.push({
          check: "AWS access",
          ok: true,
          detail: `ANNEX_LIST: ${read.ads(listed.plain, "Annexes").length} annex(es) of this pool in ${region}`,
          status: EXIT.ok,
        });
      } catch (error) {
        const status = error instanceof CliError ? error.exitStatus : EXIT.failure;
        checks.push({ check: "AWS access", ok: false, detail: String((error as Error).message), status });
      }
      setupStack = await setupStackCheck(helper, region, flags.region);
    });
  } catch (error) {
    checks.push({
      check: "helper",
      ok: false,
      detail: String((error as Error).message),
      status: EXIT.failure,
    });
  }
  checks.push(await leasePackageCheck(ctx));
  checks.push(setupStack);
  const failed = checks.filter((c) => !c.ok);
  if (flags.json === true) {
    printJson(ctx, {
      Region: region,
      Ok: failed.length === 0,
      Checks: checks.map((c) => ({ Check: c.check, Ok: c.ok, Detail: c.detail })),
    });
  } else {
    ctx.io.stdout.write(
      formatTable(
        [{ header: "CHECK" }, { header: "RESULT" }, { header: "DETAIL" }],
        checks.map((c) => [c.check, c.ok ? "OK" : "FAILED", c.detail]),
      ),
    );
  }
  if (failed.length > 0) {
    // The most specific status wins: not set up, then configuration, then AWS failures.
    const order: ExitStatus[] = [EXIT.notSetUp, EXIT.usage, EXIT.failure];
    const status = order.find((s) => failed.some((c) => c.status === s)) ?? EXIT.failure;
    throw new CliError(`setup check failed: ${failed.map((c) => c.check).join(", ")}`, status);
  }
}

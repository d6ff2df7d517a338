import { Command } from "commander";
import { stringify } from "yaml";
import type { AnnexStackParams, CfnTemplate, LeasePeriodSeconds } from "../../../templates/index.js";
import { renderAnnexStack, renderSetupStack } from "../../../templates/index.js";
import { annexStackParams } from "../../annex/create.js";
import { loadAnnexDefaults } from "../../annex/defaults.js";
import { validateAnnexRequest } from "../../annex/request.js";
import { submitRequirementConfig } from "../../annex/submit-requirement.js";
import { type CliContext, printJson } from "../cli-context.js";
import { usageError } from "../exit-codes.js";
import {
  type CreateFlags,
  createArgumentFromFlags,
  currentUserName,
  requestInput,
} from "../request-options.js";

interface TemplateFlags extends CreateFlags {
  readonly format?: string;
  readonly vpc?: string;
  readonly tokenBucket?: string;
  readonly leaseFunctionArn?: string;
  readonly pool?: string;
  readonly leaseCodeKey?: string;
  readonly leaseCodeBucket?: string;
}

/** Placeholders for values only a real setup stack knows; the rendered template says so. */
const PLACEHOLDER_BUCKET = "condor-annex-tokens-placeholder";
const PLACEHOLDER_LEASE_ARN =
  "arn:aws:lambda:us-east-1:123456789012:function:HTCondorAnnex-Lease-placeholder";

function collect(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

function print(ctx: CliContext, template: CfnTemplate, format: string | undefined): void {
  if (format === undefined || format === "json") {
    printJson(ctx, template as unknown as Record<string, unknown>);
  } else if (format === "yaml") {
    ctx.io.stdout.write(stringify(template, { lineWidth: 0 }));
  } else {
    throw usageError(`--format expects json or yaml, got "${format}"`);
  }
}

function renderFailure(error: unknown): never {
  throw usageError(error instanceof Error ? error.message : String(error));
}

/** The annex stack's parameters from flags, completed with the knob defaults (as the helper would). */
async function annexParams(ctx: CliContext, flags: TemplateFlags): Promise<AnnexStackParams> {
  const { request } = createArgumentFromFlags(flags, {
    userName: currentUserName(),
    defaultOwnerConfigured: false,
  });
  const checked = validateAnnexRequest(requestInput(request), await loadAnnexDefaults(ctx.knobs));
  if (!checked.ok) {
    throw usageError(
      `the annex request is invalid:\n${checked.issues.map((i) => `  ${i.attribute}: ${i.message}`).join("\n")}`,
    );
  }
  const r = checked.request;
  if (r.subnets.length > 0 && flags.vpc === undefined)
    throw usageError("--subnets needs --vpc <vpc-id> (their VPC)");
  const period =
    flags.leasePeriod === undefined ? undefined : (Number(flags.leasePeriod) as LeasePeriodSeconds);
  return annexStackParams(
    { pool: flags.pool ?? r.collectorHost },
    r,
    {
      tokenBucket: flags.tokenBucket ?? PLACEHOLDER_BUCKET,
      leaseFunctionArn: flags.leaseFunctionArn ?? PLACEHOLDER_LEASE_ARN,
    },
    { subnets: r.subnets, ...(r.subnets.length > 0 ? { vpcId: flags.vpc } : {}) },
    new Date(ctx.now() + r.maxHours * 3_600_000),
    period,
  );
}

/**
 * `condor-annex template setup|annex|submit-requirement`: prints a CloudFormation template rendered
 * from flags, or the access point's submit requirement.
 */
export function buildTemplateCommand(ctx: CliContext): Command {
  const template = new Command("template").description(
    "print the CloudFormation templates condor-annex deploys, as JSON or YAML (nothing is deployed)",
  );
  template
    .command("setup")
    .description("the per-account setup stack (lease Lambda, token bucket, roles, sweeper schedule)")
    .option("--format <format>", "json or yaml", "json")
    .option(
      "--lease-code-key <key>",
      "S3 key of the lease Lambda zip (without it: the first-pass template, no function)",
    )
    .option("--lease-code-bucket <bucket>", "bucket of the zip (default: the stack's own token bucket)")
    .action((flags: TemplateFlags) => {
      let rendered: CfnTemplate;
      try {
        rendered = renderSetupStack(
          flags.leaseCodeKey === undefined
            ? {}
            : {
                leaseCode: {
                  s3Key: flags.leaseCodeKey,
                  ...(flags.leaseCodeBucket === undefined ? {} : { s3Bucket: flags.leaseCodeBucket }),
                },
              },
        );
      } catch (error) {
        renderFailure(error);
      }
      print(ctx, rendered, flags.format);
    });
  template
    .command("annex")
    .description("an annex stack HTCondorAnnex-<name>, from the same flags as create")
    .argument("[name]", "annex name (same as --name)")
    .option("--name <name>", "annex name")
    .option("--format <format>", "json or yaml", "json")
    .option("--count <n>", "initial desired capacity")
    .option("--max-instances <n>", "maximum size of the group")
    .option("--duration <hours>", "hard deadline in hours")
    .option("--lease-minutes <minutes>", "heartbeat window")
    .option("--lease-period <seconds>", "lease alarm period: 10, 30 or 60")
    .option("--idle <hours>", "idle shutdown, hours")
    .option("--instance-type <types>", "instance type(s), comma-separated")
    .option("--image <id>", "AMI id or SSM parameter path")
    .option("--subnets <ids>", "subnet ids, comma-separated")
    .option("--vpc <id>", "the subnets' VPC")
    .option("--spot", "spot above the on-demand base")
    .option("--on-demand-base <n>", "always on-demand instances")
    .option("--region <region>", "AWS region")
    .option("--owner <users>", "only these users' jobs may run")
    .option("--no-owner", "no owner restriction")
    .option("--tag <key=value>", "extra tag; repeatable", collect)
    .option("--collector <host>", "collector the instances join")
    .option("--pool <id>", "pool id for the htcondor:pool tag (default the collector)")
    .option("--token-bucket <bucket>", "the setup stack's token bucket (default a placeholder)")
    .option("--lease-function-arn <arn>", "the setup stack's lease Lambda (default a placeholder)")
    .option("--request <ad>", "the whole request as a ClassAd; flags override")
    .action(async (positional: string | undefined, flags: TemplateFlags) => {
      if (flags.leasePeriod !== undefined && !["10", "30", "60"].includes(flags.leasePeriod)) {
        throw usageError(`--lease-period expects 10, 30 or 60 (seconds), got "${flags.leasePeriod}"`);
      }
      const params = await annexParams(ctx, { ...flags, name: flags.name ?? positional });
      let rendered: CfnTemplate;
      try {
        rendered = renderAnnexStack(params);
      } catch (error) {
        renderFailure(error);
      }
      print(ctx, rendered, flags.format);
    });
  template
    .command("submit-requirement")
    .description(
      "the access point's SUBMIT_REQUIREMENT_ANNEXREQUEST (and _REASON) for condor_config, as shipped in " +
        "condor-config/access-point/50-condor-annex.config",
    )
    .action(() => {
      ctx.io.stdout.write(submitRequirementConfig());
    });
  return template;
}

import { Command } from "commander";
import { loadAnnexDefaults } from "../../annex/defaults.js";
import { validateAnnexRequest } from "../../annex/request.js";
import { type PlainAd, read } from "../../classad/plain.js";
import type { AnnexHelper } from "../annex-helper.js";
import { type CliContext, printJson, withHelper } from "../cli-context.js";
import { confirm, confirmationText, type SpendSummary } from "../confirm.js";
import { CliError, EXIT, usageError } from "../exit-codes.js";
import { Progress } from "../progress.js";
import {
  type CreateFlags,
  createArgumentFromFlags,
  currentUserName,
  requestInput,
} from "../request-options.js";
import { formatUtcMinute } from "../table.js";

interface CreateCommandFlags extends CreateFlags {
  readonly yes?: boolean;
  readonly json?: boolean;
  readonly wait?: boolean;
}

function collect(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

/**
 * Checks the request with the same validator and knob defaults the helper uses, before anything
 * is asked or spent; returns what the confirmation shows. Every problem is listed (exit status 2).
 */
async function summarise(ctx: CliContext, request: PlainAd): Promise<SpendSummary> {
  let defaults: Awaited<ReturnType<typeof loadAnnexDefaults>>;
  try {
    defaults = await loadAnnexDefaults(ctx.knobs);
  } catch (error) {
    throw usageError(error instanceof Error ? error.message : String(error));
  }
  const checked = validateAnnexRequest(requestInput(request), defaults);
  if (!checked.ok) {
    const issues = checked.issues.map((issue) => `  ${issue.attribute}: ${issue.message}`).join("\n");
    throw usageError(`the annex request is invalid:\n${issues}`);
  }
  const r = checked.request;
  return {
    name: r.name,
    count: r.count,
    maxInstances: r.maxInstances,
    instanceTypes: r.instanceTypes,
    spot: r.spot,
    maxHours: r.maxHours,
    idleMinutes: r.idleMinutes,
    leaseMinutes: r.leaseMinutes,
  };
}

/** On a terminal, shows the stack's status while the helper waits for it. */
function watchStack(helper: AnnexHelper, name: string, progress: Progress, enabled: boolean): () => void {
  if (!enabled) return () => {};
  let stopped = false;
  const tick = async () => {
    while (!stopped) {
      await new Promise((wake) => setTimeout(wake, 3000).unref());
      if (stopped) return;
      try {
        const status = await helper.call("ANNEX_STATUS", { Name: name }, { timeoutMs: 30_000 });
        const annex = read.ads(status.plain, "Annexes")[0];
        const state = read.string(annex, "StackStatus");
        if (!stopped && state !== undefined) progress.update(`creating annex ${name}: ${state}`);
      } catch {
        // The stack may not be visible yet; keep the last text.
      }
    }
  };
  void tick();
  return () => {
    stopped = true;
  };
}

/** `condor-annex create`: asks (unless --yes) and creates an annex, or resizes it if it exists. */
export function buildCreateCommand(ctx: CliContext): Command {
  return new Command("create")
    .description("create an annex (a leased AutoScaling group in its own stack), or resize one that exists")
    .argument("[name]", "annex name (same as --name)")
    .option("--name <name>", "annex name: DNS-safe, e.g. chem-burst (classic: -annex-name)")
    .option("--count <n>", "instances to start now (classic: -count); default: the queue's demand decides")
    .option(
      "--max-instances <n>",
      "upper bound of the annex (default: --count, else ANNEX_DEFAULT_MAX_INSTANCES)",
    )
    .option(
      "--duration <hours>",
      "hard deadline in hours, decimal (classic: -duration; default ANNEX_DEFAULT_MAX_HOURS)",
    )
    .option(
      "--lease-minutes <minutes>",
      "delete the annex after this long without a heartbeat (default ANNEX_DEFAULT_LEASE_DURATION)",
    )
    .option("--lease-period <seconds>", "lease alarm period: 10, 30 or 60 (default ANNEX_LEASE_ALARM_PERIOD)")
    .option(
      "--idle <hours>",
      "an instance shuts down after this long unclaimed (classic: -idle; default ANNEX_DEFAULT_UNCLAIMED_TIMEOUT)",
    )
    .option("--instance-type <types>", "instance type(s), comma-separated, in order of preference")
    .option("--image <id>", "AMI id or SSM parameter path (classic: -aws-on-demand-ami-id)")
    .option("--subnets <ids>", "subnet ids, comma-separated (default: the default VPC)")
    .option("--spot", "spot instances above the on-demand base (classic: -slots)")
    .option("--on-demand-base <n>", "instances that are always on-demand")
    .option("--region <region>", "AWS region (classic: -aws-region)")
    .option("--owner <users>", "only these users' jobs may run (default: you)")
    .option("--no-owner", "any user's jobs that ask for the annex may run")
    .option(
      "--tag <key=value>",
      "extra tag for the annex's resources; repeatable (classic: -tag K V)",
      collect,
    )
    .option("--request-id <id>", "tag hpc_annex_request_id, as htcondor annex sets it")
    .option(
      "--collector <host>",
      "collector the instances join (default ANNEX_COLLECTOR, else COLLECTOR_HOST)",
    )
    .option(
      "--request <ad>",
      "the whole request as a ClassAd, as +AnnexRequest in a submit file; flags override",
    )
    .option("--no-wait", "return once CloudFormation accepted the stack")
    .option("-y, --yes", "do not ask for confirmation (classic: -yes)")
    .option("--json", "print the result as JSON")
    .action(async (positional: string | undefined, flags: CreateCommandFlags) => {
      if (positional !== undefined && flags.name !== undefined && positional !== flags.name) {
        throw usageError(`create: the name is given twice ("${positional}" and --name "${flags.name}")`);
      }
      const ownerKnob = (await ctx.knobs.get("ANNEX_DEFAULT_OWNER"))?.trim();
      const argument = createArgumentFromFlags(
        { ...flags, name: flags.name ?? positional },
        { userName: currentUserName(), defaultOwnerConfigured: ownerKnob !== undefined && ownerKnob !== "" },
      );
      const summary = await summarise(ctx, argument.request);
      if (flags.yes !== true) {
        const ok = await confirm(ctx.io, confirmationText(summary));
        if (!ok) throw new CliError("Not confirmed; nothing was requested.", EXIT.failure);
      }
      const wait = flags.wait !== false;
      const progress = new Progress(ctx.io);
      const result = await withHelper(ctx, async (helper) => {
        progress.start(`creating annex ${summary.name}`);
        const stopWatching = watchStack(helper, summary.name, progress, ctx.io.stderrIsTTY && wait);
        try {
          return (
            await helper.call("ANNEX_CREATE", {
              ...argument.request,
              Wait: wait,
              ...(argument.leasePeriodSeconds === undefined
                ? {}
                : { LeasePeriodSeconds: argument.leasePeriodSeconds }),
            })
          ).plain;
        } finally {
          stopWatching();
          progress.stop();
        }
      });
      if (flags.json === true) {
        printJson(ctx, result);
        return;
      }
      const deadline = read.number(result, "Deadline");
      const desired = read.number(result, "DesiredCapacity");
      const outcome = read.string(result, "Outcome") === "adopted" ? "exists (adopted)" : "created";
      ctx.io.stdout.write(
        `Annex ${read.string(result, "Name") ?? summary.name} ${outcome}: stack ${read.string(result, "StackName") ?? "?"} ` +
          `${read.string(result, "StackStatus") ?? "?"} in ${read.string(result, "Region") ?? "?"}.\n`,
      );
      if (read.boolean(result, "RequestMatches") === false) {
        ctx.io.stdout.write(
          "Note: the existing annex was created from a different request; its settings are kept.\n",
        );
      }
      ctx.io.stdout.write(
        `${desired === undefined ? "Size unchanged" : `Desired instances: ${desired}`}; deadline ${
          deadline === undefined ? "unknown" : formatUtcMinute(deadline)
        }. Instances take about three minutes to join the pool.\n`,
      );
    });
}

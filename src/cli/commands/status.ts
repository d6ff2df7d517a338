import { Command } from "commander";
import { exprFromPlain, type PlainAd, read } from "../../classad/plain.js";
import { type CliContext, printClassAds, printJson, withHelper } from "../cli-context.js";
import { usageError } from "../exit-codes.js";
import { type PoolView, poolCell } from "../pool-status.js";
import { formatDuration, formatTable, formatUtcMinute } from "../table.js";

interface StatusFlags {
  readonly name?: string;
  readonly region?: string;
  readonly json?: boolean;
  readonly classad?: boolean;
  readonly pool?: boolean;
}

/** The instance ids of an annex status ad. */
function instanceIds(annex: PlainAd): string[] {
  return read.ads(read.ad(annex, "Group"), "Instances").flatMap((i) => {
    const id = read.string(i, "InstanceId");
    return id === undefined ? [] : [id];
  });
}

/**
 * The annex status ads with what the collector says added: per annex `JoinedInstances` and
 * `ClaimedInstances`; per instance `InPool` (`not joined`, `idle`, `claimed n/m`), `Slots` and
 * `ClaimedSlots`; or `PoolError` when condor_status failed.
 */
export function withPool(annexes: readonly PlainAd[], pool: PoolView | undefined): PlainAd[] {
  if (pool === undefined) return [...annexes];
  return annexes.map((annex) => {
    if (!pool.ok) return { ...annex, PoolError: pool.error };
    const ids = instanceIds(annex);
    const group = read.ad(annex, "Group");
    const instances = read.ads(group, "Instances").map((instance) => {
      const id = read.string(instance, "InstanceId");
      const inPool = id === undefined ? undefined : pool.instances.get(id);
      return {
        ...instance,
        InPool: poolCell(inPool),
        Slots: inPool?.slots ?? 0,
        ClaimedSlots: inPool?.claimed ?? 0,
      };
    });
    return {
      ...annex,
      ...(group === undefined ? {} : { Group: { ...group, Instances: instances } }),
      JoinedInstances: ids.filter((id) => pool.instances.has(id)).length,
      ClaimedInstances: ids.filter((id) => (pool.instances.get(id)?.claimed ?? 0) > 0).length,
    };
  });
}

/** The IN POOL cell: instances that joined, and how many of them are claimed. */
function inPoolCell(annex: PlainAd): string {
  if (read.string(annex, "PoolError") !== undefined) return "?";
  const joined = read.number(annex, "JoinedInstances");
  if (joined === undefined) return "-";
  return `${joined} (${read.number(annex, "ClaimedInstances") ?? 0} claimed)`;
}

/** A CloudFormation stack status in a word: what an operator needs at a glance. */
export function stackStateWord(status: string | undefined): string {
  if (status === undefined) return "unknown";
  if (status.endsWith("_FAILED") || status.includes("ROLLBACK")) return `failed (${status})`;
  if (status.startsWith("DELETE_")) return status === "DELETE_COMPLETE" ? "deleted" : "deleting";
  if (status === "CREATE_IN_PROGRESS") return "creating";
  if (status.startsWith("UPDATE_") && status.endsWith("_IN_PROGRESS")) return "updating";
  if (status.endsWith("_COMPLETE")) return "running";
  return status;
}

/** The LEASE cell: the alarm state and how long ago the last heartbeat arrived. */
export function leaseCell(annex: PlainAd, nowSeconds: number): string {
  const state = read.string(read.ad(annex, "Alarm"), "State");
  const word = state === undefined ? "?" : state === "INSUFFICIENT_DATA" ? "NO-DATA" : state;
  const beat = read.number(annex, "LastHeartbeat");
  return beat === undefined ? `${word} (no beat)` : `${word} (beat ${formatDuration(nowSeconds - beat)} ago)`;
}

/** The DEADLINE cell: UTC time and what is left. */
export function deadlineCell(annex: PlainAd, nowSeconds: number): string {
  const deadline = read.number(annex, "Deadline");
  if (deadline === undefined) return "?";
  const left = deadline - nowSeconds;
  return `${formatUtcMinute(deadline)} (${left >= 0 ? `in ${formatDuration(left)}` : "passed"})`;
}

/** The status table, condor_annex -status style with our lease columns. */
export function formatStatusTable(annexes: readonly PlainAd[], nowSeconds: number): string {
  return formatTable(
    [
      { header: "NAME" },
      { header: "STATE" },
      { header: "INSTANCES", numeric: true },
      { header: "DESIRED", numeric: true },
      { header: "IN POOL" },
      { header: "LEASE" },
      { header: "DEADLINE" },
    ],
    annexes.map((annex) => {
      const group = read.ad(annex, "Group");
      const total = read.number(annex, "InstanceCount");
      const inService = read.number(annex, "InServiceCount");
      const instances =
        total === undefined
          ? "-"
          : inService === undefined || inService === total
            ? String(total)
            : `${inService}/${total}`;
      const desired = read.number(group, "DesiredCapacity");
      return [
        read.string(annex, "Name") ?? "?",
        stackStateWord(read.string(annex, "StackStatus")),
        instances,
        desired === undefined ? "-" : String(desired),
        inPoolCell(annex),
        leaseCell(annex, nowSeconds),
        deadlineCell(annex, nowSeconds),
      ];
    }),
  );
}

/** The details of one annex: its instances and the last demand the helper computed. */
export function formatAnnexDetails(annex: PlainAd): string {
  let out = "";
  const instances = read.ads(read.ad(annex, "Group"), "Instances");
  if (instances.length > 0) {
    out += `\n${formatTable(
      [
        { header: "INSTANCE" },
        { header: "TYPE" },
        { header: "ZONE" },
        { header: "STATE" },
        { header: "HEALTH" },
        { header: "POOL" },
      ],
      instances.map((i) => [
        read.string(i, "InstanceId") ?? "?",
        read.string(i, "InstanceType") ?? "-",
        read.string(i, "AvailabilityZone") ?? "-",
        read.string(i, "LifecycleState") ?? "-",
        read.string(i, "HealthStatus") ?? "-",
        read.string(i, "InPool") ?? "-",
      ]),
    )}`;
  }
  const demand = read.ad(annex, "Demand");
  if (demand !== undefined) {
    out +=
      `\nDemand: ${read.number(demand, "IdleJobs") ?? 0} idle and ${read.number(demand, "RunningJobs") ?? 0} running ` +
      `matching jobs; target ${read.number(demand, "TargetInstances") ?? 0} instances` +
      `${(read.number(demand, "ConflictingJobs") ?? 0) > 0 ? `; ${read.number(demand, "ConflictingJobs")} conflicting` : ""}.\n`;
  }
  const request = read.ad(annex, "Request");
  if (request !== undefined) {
    out +=
      `Request: ${read.strings(request, "InstanceTypes").join(", ") || "?"}, up to ${read.number(request, "MaxInstances") ?? "?"} ` +
      `${read.boolean(request, "Spot") === true ? "spot" : "on-demand"} instances, lease ${read.number(request, "LeaseMinutes") ?? "?"} min, ` +
      `owner ${read.string(request, "Owner") ?? "any"}.\n`;
  }
  return out;
}

/** `condor-annex status`: what AWS says about this pool's annexes (or one of them). */
export function buildStatusCommand(ctx: CliContext): Command {
  return new Command("status")
    .description(
      "show this pool's annexes: stack state, instances in AWS and in the pool (condor_status), lease " +
        "(alarm and last heartbeat), deadline",
    )
    .argument("[name]", "only this annex (same as --name)")
    .option("--name <name>", "only this annex (classic: -annex-name)")
    .option("--region <region>", "AWS region (classic: -aws-region)")
    .option("--json", "print the result as JSON")
    .option("--classad", "print one ClassAd per annex, long form (classic: -classad)")
    .option("--no-pool", "do not ask the collector which instances joined the pool")
    .action(async (positional: string | undefined, flags: StatusFlags) => {
      if (positional !== undefined && flags.name !== undefined && positional !== flags.name) {
        throw usageError(`status: the name is given twice ("${positional}" and --name "${flags.name}")`);
      }
      const name = positional ?? flags.name;
      const argument: Record<string, string> = {};
      if (name !== undefined) argument.Name = name;
      if (flags.region !== undefined) argument.Region = flags.region;
      const result = await withHelper(ctx, (helper) =>
        helper.call("ANNEX_STATUS", argument, { timeoutMs: 120_000 }),
      );
      const fromAws = read.ads(result.plain, "Annexes");
      const pool = flags.pool === false || fromAws.length === 0 ? undefined : await ctx.readPool?.();
      const annexes = withPool(fromAws, pool);
      if (flags.json === true) {
        printJson(ctx, { Annexes: annexes });
        return;
      }
      if (flags.classad === true) {
        printClassAds(
          ctx,
          annexes.map((annex) => exprFromPlain(annex)).filter((expr) => expr.kind === "record"),
        );
        return;
      }
      if (annexes.length === 0) {
        ctx.io.stdout.write("No annexes of this pool.\n");
        return;
      }
      const now = Math.floor(ctx.now() / 1000);
      ctx.io.stdout.write(formatStatusTable(annexes, now));
      if (pool !== undefined && !pool.ok)
        ctx.io.stdout.write(`(the pool could not be asked: ${pool.error})\n`);
      if (name !== undefined && annexes[0] !== undefined) ctx.io.stdout.write(formatAnnexDetails(annexes[0]));
    });
}

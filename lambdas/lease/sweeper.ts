/**
 * The sweeper, run on the setup stack's schedule. It is the backstop for everything the alarm
 * path can miss: annexes past their hard deadline, stacks stuck in DELETE_FAILED (or a failed
 * create), lease alarms left in ALARM because a delivery was lost, and token objects whose
 * annex is gone. Each item is handled on its own; one failure does not stop the others.
 */
import {
  ANNEX_STACK_PREFIX,
  annexNameOfStack,
  TAG_ANNEX_NAME,
  TAG_DEADLINE,
  TOKEN_KEY_ROOT,
} from "../../templates/constants.js";
import { deleteAnnex, handleLeaseAlarm, type LeaseOutcome } from "./lease.js";
import type { LeaseAws, LeaseConfig, StackInfo } from "./ports.js";

/** What one sweep did. */
export interface SweepReport {
  /** Annexes deleted because their deadline had passed. */
  readonly expired: string[];
  /** Stacks whose deletion was retried (DELETE_FAILED) or that failed to create (ROLLBACK_COMPLETE). */
  readonly retried: string[];
  /** Lease alarms found in ALARM and re-checked. */
  readonly alarms: LeaseOutcome[];
  /** Token objects deleted because no annex owns them any more. */
  readonly orphanTokensDeleted: string[];
  /** Problems, each naming the item; the sweep carried on past them. */
  readonly errors: string[];
}

/** Stack statuses that hold nothing worth keeping: delete (again). */
const RETRY_DELETE = new Set(["DELETE_FAILED", "ROLLBACK_COMPLETE"]);
/** Statuses of annexes that are gone or going. */
const GONE = new Set(["DELETE_IN_PROGRESS", "DELETE_COMPLETE", "DELETE_FAILED", "ROLLBACK_COMPLETE"]);

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Annex stacks: named `HTCondorAnnex-<name>` and tagged with that same name. */
function annexStacks(stacks: readonly StackInfo[]): { annex: string; stack: StackInfo }[] {
  const out: { annex: string; stack: StackInfo }[] = [];
  for (const stack of stacks) {
    const annex = annexNameOfStack(stack.name);
    if (annex !== undefined && stack.tags[TAG_ANNEX_NAME] === annex) out.push({ annex, stack });
  }
  return out;
}

/** The annex name of a token key `tokens/<annex>/…`, or undefined. */
function annexOfTokenKey(key: string): string | undefined {
  if (!key.startsWith(TOKEN_KEY_ROOT)) return undefined;
  const rest = key.slice(TOKEN_KEY_ROOT.length);
  const slash = rest.indexOf("/");
  return slash > 0 ? rest.slice(0, slash) : undefined;
}

/** One sweep over the account and region. */
export async function sweep(
  aws: LeaseAws,
  config: LeaseConfig,
  now: Date = new Date(),
): Promise<SweepReport> {
  const report: SweepReport = { expired: [], retried: [], alarms: [], orphanTokensDeleted: [], errors: [] };
  const ended = new Set<string>();

  let stacks: { annex: string; stack: StackInfo }[] = [];
  try {
    stacks = annexStacks(await aws.listStacks());
  } catch (error) {
    report.errors.push(`listing stacks: ${errorText(error)}`);
    return report; // Without the stack list nothing below can tell live annexes from dead ones.
  }

  for (const { annex, stack } of stacks) {
    try {
      if (RETRY_DELETE.has(stack.status)) {
        await aws.deleteStack(stack.name, config.serviceRoleArn);
        report.retried.push(stack.name);
        ended.add(annex);
        continue;
      }
      if (GONE.has(stack.status)) {
        ended.add(annex);
        continue;
      }
      const deadlineTag = stack.tags[TAG_DEADLINE];
      if (deadlineTag === undefined) continue;
      const deadline = Date.parse(deadlineTag);
      if (Number.isNaN(deadline)) {
        report.errors.push(`${stack.name}: tag ${TAG_DEADLINE}=${JSON.stringify(deadlineTag)} is not a time`);
        continue;
      }
      if (deadline <= now.getTime()) {
        const result = await deleteAnnex(aws, config, annex);
        if (result.deleted) {
          report.expired.push(annex);
          ended.add(annex);
        } else report.errors.push(`${stack.name}: ${result.reason}`);
      }
    } catch (error) {
      report.errors.push(`${stack.name}: ${errorText(error)}`);
    }
  }

  // Alarms still in ALARM: their SNS delivery or Lambda run may have failed; decide again.
  try {
    for (const alarm of await aws.listAlarmsInAlarm(ANNEX_STACK_PREFIX)) {
      try {
        const outcome = await handleLeaseAlarm(aws, config, alarm.name, now);
        report.alarms.push(outcome);
        if (outcome.action === "deleted") ended.add(outcome.annex);
      } catch (error) {
        report.errors.push(`${alarm.name}: ${errorText(error)}`);
      }
    }
  } catch (error) {
    report.errors.push(`listing alarms: ${errorText(error)}`);
  }

  // Tokens whose annex has no live stack, older than the grace period (a create may be in flight:
  // the helper uploads the token before it creates the stack).
  try {
    const live = new Set(stacks.filter((s) => !ended.has(s.annex)).map((s) => s.annex));
    const cutoff = now.getTime() - config.orphanTokenGraceSeconds * 1000;
    const orphans = (await aws.listObjects(TOKEN_KEY_ROOT)).filter((o) => {
      const annex = annexOfTokenKey(o.key);
      if (annex !== undefined && live.has(annex)) return false;
      return o.lastModified !== undefined && o.lastModified.getTime() <= cutoff;
    });
    if (orphans.length > 0) {
      await aws.deleteObjects(orphans.map((o) => o.key));
      report.orphanTokensDeleted.push(...orphans.map((o) => o.key));
    }
  } catch (error) {
    report.errors.push(`sweeping tokens: ${errorText(error)}`);
  }
  return report;
}

/**
 * The lease decision: an alarm said an annex's heartbeats stopped. Confirm it (the alarm is
 * really in ALARM, and no heartbeat ≥ 1 arrived in the window — CloudWatch can evaluate an
 * updated alarm before its data), then delete the stack and the annex's tokens; otherwise set
 * the alarm back to OK. Every step is idempotent, so SNS redeliveries and sweeper re-checks are safe.
 */
import {
  annexNameOfAlarm,
  annexStackName,
  METRIC_DIMENSION,
  METRIC_NAME,
  METRIC_NAMESPACE,
  TAG_ANNEX_NAME,
  tokenKeyPrefix,
} from "../../templates/constants.js";
import type { LeaseAws, LeaseConfig } from "./ports.js";

/** What happened to one lease alarm. */
export type LeaseOutcome =
  | {
      readonly alarm: string;
      readonly action: "deleted";
      readonly annex: string;
      readonly tokensDeleted: number;
    }
  | { readonly alarm: string; readonly action: "reset"; readonly annex: string; readonly heartbeat: number }
  | { readonly alarm: string; readonly action: "ignored"; readonly reason: string };

/** Statuses in which a stack is already going away (DeleteStack again would change nothing). */
const DELETING = new Set(["DELETE_IN_PROGRESS", "DELETE_COMPLETE"]);

/** Deletes every object under `tokens/<annex>/`; returns how many there were. */
export async function deleteAnnexTokens(aws: LeaseAws, annexName: string): Promise<number> {
  const objects = await aws.listObjects(tokenKeyPrefix(annexName));
  if (objects.length > 0) await aws.deleteObjects(objects.map((o) => o.key));
  return objects.length;
}

/**
 * Deletes an annex: its stack (with the service role, only if the stack carries our annex tag)
 * and its tokens. Returns why nothing was deleted, or the number of token objects removed.
 */
export async function deleteAnnex(
  aws: LeaseAws,
  config: LeaseConfig,
  annexName: string,
): Promise<{ deleted: true; tokensDeleted: number } | { deleted: false; reason: string }> {
  const stackName = annexStackName(annexName);
  const stack = await aws.describeStack(stackName);
  if (stack !== undefined && stack.tags[TAG_ANNEX_NAME] !== annexName) {
    return {
      deleted: false,
      reason: `stack ${stackName} lacks the tag ${TAG_ANNEX_NAME}=${annexName}; not ours`,
    };
  }
  if (stack !== undefined && !DELETING.has(stack.status))
    await aws.deleteStack(stackName, config.serviceRoleArn);
  const tokensDeleted = await deleteAnnexTokens(aws, annexName);
  return { deleted: true, tokensDeleted };
}

/** Handles one lease alarm by name; `now` is injectable for tests. */
export async function handleLeaseAlarm(
  aws: LeaseAws,
  config: LeaseConfig,
  alarmName: string,
  now: Date = new Date(),
): Promise<LeaseOutcome> {
  const annexName = annexNameOfAlarm(alarmName);
  if (annexName === undefined)
    return { alarm: alarmName, action: "ignored", reason: "not an annex lease alarm" };

  const alarm = await aws.describeAlarm(alarmName);
  if (alarm === undefined) {
    return { alarm: alarmName, action: "ignored", reason: "the alarm no longer exists (its annex is gone)" };
  }
  const dimension = alarm.dimensions.find((d) => d.name === METRIC_DIMENSION);
  if (
    alarm.namespace !== METRIC_NAMESPACE ||
    alarm.metricName !== METRIC_NAME ||
    dimension?.value !== annexName
  ) {
    return { alarm: alarmName, action: "ignored", reason: "the alarm does not watch this annex's heartbeat" };
  }
  if (alarm.state !== "ALARM") {
    return { alarm: alarmName, action: "ignored", reason: `the alarm is ${alarm.state}, not ALARM` };
  }

  // The lease window, widened by one period on each side: a heartbeat found at the edge only
  // delays deletion by one evaluation, while a heartbeat missed would delete a live annex.
  const windowSeconds = alarm.period * (alarm.evaluationPeriods + 1);
  const start = new Date(now.getTime() - windowSeconds * 1000);
  const end = new Date(now.getTime() + alarm.period * 1000);
  const heartbeat = await aws.maxMetricValue(alarm, start, end);
  if (heartbeat !== undefined && heartbeat >= 1) {
    await aws.setAlarmOk(
      alarmName,
      `condor-annex lease Lambda: a heartbeat of ${heartbeat} arrived within the lease window; alarm reset`,
    );
    return { alarm: alarmName, action: "reset", annex: annexName, heartbeat };
  }

  const result = await deleteAnnex(aws, config, annexName);
  if (!result.deleted) return { alarm: alarmName, action: "ignored", reason: result.reason };
  return { alarm: alarmName, action: "deleted", annex: annexName, tokensDeleted: result.tokensDeleted };
}

/**
 * Entry point of the lease Lambda (nodejs24.x, handler `index.handler` once bundled).
 * SNS alarm notifications → {@link handleLeaseAlarm} per record; a schedule → {@link sweep}.
 * Logs one JSON line per decision (never a token: the function does not read tokens).
 */
import { LEASE_ENV } from "../../templates/constants.js";
import { clientsFromEnvironment, sdkLeaseAws } from "./aws.js";
import { parseLeaseEvent } from "./events.js";
import { handleLeaseAlarm, type LeaseOutcome } from "./lease.js";
import type { LeaseAws, LeaseConfig } from "./ports.js";
import { type SweepReport, sweep } from "./sweeper.js";

/** The handler's answer (also logged). */
export type LeaseResult =
  | { readonly kind: "alarms"; readonly outcomes: LeaseOutcome[]; readonly ignored: string[] }
  | { readonly kind: "sweep"; readonly report: SweepReport };

/** Reads the function's settings; names every missing or malformed variable. */
export function configFromEnvironment(env: NodeJS.ProcessEnv = process.env): LeaseConfig {
  const problems: string[] = [];
  const tokenBucket = env[LEASE_ENV.tokenBucket] ?? "";
  const serviceRoleArn = env[LEASE_ENV.serviceRoleArn] ?? "";
  const graceText = env[LEASE_ENV.orphanTokenGraceSeconds] ?? "900";
  if (tokenBucket.length === 0)
    problems.push(`${LEASE_ENV.tokenBucket} is not set (the token bucket's name)`);
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(serviceRoleArn)) {
    problems.push(`${LEASE_ENV.serviceRoleArn} is not an IAM role ARN: ${JSON.stringify(serviceRoleArn)}`);
  }
  const grace = Number(graceText);
  if (!(Number.isInteger(grace) && grace >= 0)) {
    problems.push(
      `${LEASE_ENV.orphanTokenGraceSeconds} is not a whole number of seconds: ${JSON.stringify(graceText)}`,
    );
  }
  if (problems.length > 0) throw new Error(`lease Lambda misconfigured: ${problems.join("; ")}`);
  return { tokenBucket, serviceRoleArn, orphanTokenGraceSeconds: grace };
}

function log(entry: Record<string, unknown>): void {
  console.log(JSON.stringify({ component: "condor-annex-lease", ...entry }));
}

/**
 * A handler over the given AWS access and settings. Throws (so that Lambda retries the
 * asynchronous invocation) when any alarm could not be handled or the sweep met errors.
 */
export function createLeaseHandler(
  aws: () => LeaseAws,
  config: () => LeaseConfig,
  clock: () => Date = () => new Date(),
): (event: unknown) => Promise<LeaseResult> {
  return async (event) => {
    const parsed = parseLeaseEvent(event);
    if (parsed.kind === "invalid") {
      log({ level: "error", message: `unrecognised event: ${parsed.reason}` });
      throw new Error(`unrecognised event: ${parsed.reason}`);
    }
    if (parsed.kind === "sweep") {
      const report = await sweep(aws(), config(), clock());
      log({ level: report.errors.length > 0 ? "error" : "info", event: "sweep", ...report });
      if (report.errors.length > 0)
        throw new Error(`sweep finished with errors: ${report.errors.join("; ")}`);
      return { kind: "sweep", report };
    }
    const outcomes: LeaseOutcome[] = [];
    const failures: string[] = [];
    for (const n of parsed.notifications) {
      try {
        const outcome = await handleLeaseAlarm(aws(), config(), n.alarmName, clock());
        outcomes.push(outcome);
        log({ level: "info", event: "lease", announcedState: n.newState, ...outcome });
      } catch (error) {
        const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        failures.push(`${n.alarmName}: ${text}`);
        log({ level: "error", event: "lease", alarm: n.alarmName, error: text });
      }
    }
    for (const reason of parsed.ignored) log({ level: "warn", event: "lease", ignored: reason });
    if (failures.length > 0) throw new Error(`lease handling failed: ${failures.join("; ")}`);
    return { kind: "alarms", outcomes, ignored: parsed.ignored };
  };
}

let defaultAws: LeaseAws | undefined;
let defaultConfig: LeaseConfig | undefined;

/** The Lambda entry point: clients and settings from the environment, created once per container. */
export const handler = createLeaseHandler(
  () => {
    defaultConfig ??= configFromEnvironment();
    defaultAws ??= sdkLeaseAws(clientsFromEnvironment(), defaultConfig.tokenBucket);
    return defaultAws;
  },
  () => {
    defaultConfig ??= configFromEnvironment();
    return defaultConfig;
  },
);

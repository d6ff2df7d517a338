/**
 * Names shared by the templates, the lease Lambda and the stack operations (src/annex).
 * Everything that must agree between what a stack contains and what code looks for lives here,
 * so a rename happens in one place.
 */

/** Every annex stack is named `HTCondorAnnex-<annex name>`. */
export const ANNEX_STACK_PREFIX = "HTCondorAnnex-";

/**
 * The per-account, per-region setup stack. Deliberately NOT under {@link ANNEX_STACK_PREFIX}, so
 * that no annex name can collide with it and the sweeper never mistakes it for an annex.
 */
export const SETUP_STACK_NAME = "HTCondorAnnexSetup";

/** CloudWatch namespace of the heartbeat metric. */
export const METRIC_NAMESPACE = "HTCondor/Annex";
/** Heartbeat metric name; its value is the number of matching idle plus running jobs. */
export const METRIC_NAME = "Heartbeat";
/** The one dimension of the heartbeat metric; its value is the annex name. */
export const METRIC_DIMENSION = "AnnexName";

/** Tag keys carried by annex stacks (and, where noted, by their resources). */
export const TAG_ANNEX_NAME = "htcondor:annex-name";
/** The pool (collector host) that owns the annex; several pools may share one account. */
export const TAG_POOL = "htcondor:pool";
/** Who asked for the annex. */
export const TAG_OWNER = "htcondor:owner";
/** Hard deadline, ISO 8601 UTC; the sweeper deletes the stack once it has passed. Stack tag only. */
export const TAG_DEADLINE = "htcondor:deadline";
/** The request's canonical form (or a digest of it when too long for a tag value). Stack tag only. */
export const TAG_REQUEST = "htcondor:request";
/** Tag key HTCondor's own condor_annex puts on instances; kept so its status tools find ours. */
export const TAG_LEGACY_ANNEX_NAME = "htcondor:AnnexName";
/** Marks resources created by this tool. */
export const TAG_MANAGED_BY = "htcondor:managed-by";
export const MANAGED_BY_VALUE = "condor-annex";

/** Key prefix of all pool tokens in the token bucket. */
export const TOKEN_KEY_ROOT = "tokens/";
/** Key prefix under which setup uploads the lease Lambda's code (never readable by instances). */
export const LAMBDA_CODE_KEY_ROOT = "lambda/";

/** IAM path of roles and instance profiles the annex stacks create (lets the service role scope iam:*). */
export const ANNEX_IAM_PATH = "/htcondor-annex/";

/** Name of the lease Lambda created by the setup stack. */
export const LEASE_FUNCTION_NAME = "htcondor-annex-lease";

/** Environment variables the lease Lambda reads (set by the setup stack). */
export const LEASE_ENV = {
  tokenBucket: "ANNEX_TOKEN_BUCKET",
  serviceRoleArn: "ANNEX_SERVICE_ROLE_ARN",
  orphanTokenGraceSeconds: "ANNEX_ORPHAN_TOKEN_GRACE_SECONDS",
} as const;

/** Alarm periods the lease alarm may use; 10 and 30 are high-resolution (tests and the demo). */
export const LEASE_PERIODS_SECONDS = [10, 30, 60] as const;
export type LeasePeriodSeconds = (typeof LEASE_PERIODS_SECONDS)[number];

/** CloudWatch's limit on an alarm's evaluation window (EvaluationPeriods × Period) below 1 h periods. */
export const MAX_LEASE_WINDOW_SECONDS = 86_400;

/** `HTCondorAnnex-<name>`. */
export function annexStackName(annexName: string): string {
  return `${ANNEX_STACK_PREFIX}${annexName}`;
}

/** The annex name of a stack name, or undefined when the stack is not an annex stack. */
export function annexNameOfStack(stackName: string): string | undefined {
  if (!stackName.startsWith(ANNEX_STACK_PREFIX)) return undefined;
  const name = stackName.slice(ANNEX_STACK_PREFIX.length);
  return name.length > 0 ? name : undefined;
}

/** `tokens/<annex>/` — everything the annex's instances may read. */
export function tokenKeyPrefix(annexName: string): string {
  return `${TOKEN_KEY_ROOT}${annexName}/`;
}

/** The object key the helper uploads the pool token to and the bootstrap downloads. */
export function tokenObjectKey(annexName: string): string {
  return `${tokenKeyPrefix(annexName)}pool.token`;
}

/** Name of the lease alarm, SNS topic, launch template and AutoScaling group of an annex. */
export function annexResourceName(annexName: string): string {
  return annexStackName(annexName);
}

/** Name of the annex's lease alarm. */
export function leaseAlarmName(annexName: string): string {
  return `${annexStackName(annexName)}-lease`;
}

/** The annex name of a lease alarm name, or undefined when it is not one of ours. */
export function annexNameOfAlarm(alarmName: string): string | undefined {
  const suffix = "-lease";
  if (!alarmName.startsWith(ANNEX_STACK_PREFIX) || !alarmName.endsWith(suffix)) return undefined;
  const name = alarmName.slice(ANNEX_STACK_PREFIX.length, alarmName.length - suffix.length);
  return name.length > 0 ? name : undefined;
}

/**
 * What an annex name may be: a DNS label (letters, digits, inner hyphens, 1–63 characters), so it
 * fits every AWS name it is embedded in (stack, alarm, topic, group, S3 key).
 */
export const ANNEX_NAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

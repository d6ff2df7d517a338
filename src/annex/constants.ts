/**
 * Names and limits of the annex domain. Names shared with the templates and the lease Lambda
 * (stack prefix, metric namespace, tag keys, token keys) come from `templates/constants.ts`, so
 * they cannot disagree.
 */

export {
  ANNEX_OUTPUTS,
  ANNEX_PARAMETERS,
  ANNEX_STACK_PREFIX,
  annexResourceName,
  LAMBDA_CODE_KEY_ROOT,
  leaseAlarmName,
  MANAGED_BY_VALUE,
  METRIC_DIMENSION,
  METRIC_NAME,
  METRIC_NAMESPACE,
  SETUP_OUTPUTS,
  SETUP_STACK_NAME,
  TAG_ANNEX_NAME,
  TAG_DEADLINE,
  TAG_LEGACY_ANNEX_NAME,
  TAG_MANAGED_BY,
  TAG_OWNER,
  TAG_POOL,
  TAG_REQUEST,
  tokenKeyPrefix,
  tokenObjectKey,
} from "../../templates/index.js";

/** One PutMetricData request carries at most this many datums (CloudWatch's limit). */
export const MAX_DATUMS_PER_PUT_METRIC_DATA = 1000;

/** DescribeAlarms accepts at most this many alarm names per call. */
export const MAX_ALARM_NAMES_PER_CALL = 100;

/** GetMetricData accepts at most this many queries per call. */
export const MAX_METRIC_QUERIES_PER_CALL = 500;

/** DescribeAutoScalingGroups takes at most this many group names per call. */
export const MAX_GROUPS_PER_CALL = 100;

/**
 * Prefix of the stack tags holding the request's canonical form, base64url-encoded and split
 * into 256-character chunks (`htcondor:request:1`, `:2`, …), so that `list` can rebuild the
 * request from AWS alone. Base64url because stack tags propagate to IAM roles, whose tag values
 * may not hold JSON punctuation. `htcondor:request` itself holds the digest.
 */
export const TAG_REQUEST_CHUNK_PREFIX = "htcondor:request:";

/** Longest value of one stack tag. */
export const MAX_TAG_VALUE_LENGTH = 256;

/** At most this many user tags (`Tags` in a request); ours need the rest of the 50 a stack may have. */
export const MAX_USER_TAGS = 20;

/** Extra token lifetime beyond the annex's hard deadline, so replacement instances can still boot. */
export const TOKEN_LIFETIME_MARGIN_SECONDS = 15 * 60;

/** Configuration knobs (HTCondor names; `_CONDOR_<KNOB>` in the environment overrides). */
export const KNOBS = {
  region: "ANNEX_DEFAULT_AWS_REGION",
  instanceTypes: "ANNEX_DEFAULT_INSTANCE_TYPES",
  classicInstanceType: "ANNEX_DEFAULT_ODI_INSTANCE_TYPE",
  maxInstances: "ANNEX_DEFAULT_MAX_INSTANCES",
  spot: "ANNEX_DEFAULT_SPOT",
  onDemandBase: "ANNEX_DEFAULT_ON_DEMAND_BASE",
  leaseDuration: "ANNEX_DEFAULT_LEASE_DURATION",
  maxHours: "ANNEX_DEFAULT_MAX_HOURS",
  unclaimedTimeout: "ANNEX_DEFAULT_UNCLAIMED_TIMEOUT",
  imageId: "ANNEX_DEFAULT_IMAGE_ID",
  classicImageId: "ANNEX_DEFAULT_ODI_IMAGE_ID",
  subnets: "ANNEX_DEFAULT_SUBNETS",
  owner: "ANNEX_DEFAULT_OWNER",
  collector: "ANNEX_COLLECTOR",
  collectorHost: "COLLECTOR_HOST",
  pool: "ANNEX_POOL",
  tokenFile: "ANNEX_TOKEN_FILE",
  tokenCommand: "ANNEX_TOKEN_COMMAND",
  leaseFunctionZip: "ANNEX_LEASE_FUNCTION_ZIP",
} as const;

/** Built-in defaults, used when no knob is set. */
export const BUILTIN_DEFAULTS = {
  region: "us-east-1",
  instanceTypes: ["m6i.large"],
  maxInstances: 10,
  spot: false,
  onDemandBase: 0,
  leaseMinutes: 20,
  maxHours: 8,
  idleMinutes: 15,
  imageId: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
} as const;

/** Bounds of the request attributes. */
export const LIMITS = {
  /** A DNS label. */
  nameMaxLength: 63,
  maxInstances: 10_000,
  instanceTypes: 20,
  /** CloudWatch evaluates an alarm over at most one day at a one-minute period. */
  leaseMinutes: { min: 2, max: 1440 },
  /** Seven days. */
  maxHours: 168,
  idleMinutes: 1440,
  subnets: 50,
} as const;

/**
 * Validation of renderer parameters. Each function returns every problem it finds (an empty list
 * means valid), naming the field and the expected form, so a caller can report them all at once.
 */
import {
  ANNEX_NAME_PATTERN,
  LEASE_PERIODS_SECONDS,
  MAX_LEASE_WINDOW_SECONDS,
  tokenKeyPrefix,
} from "./constants.js";
import type { AnnexStackParams, SetupStackParams } from "./types.js";

const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const AMI_ID = /^ami-[0-9a-f]{8,17}$/;
const SSM_PATH = /^\/[A-Za-z0-9_.\-/]+$/;
/** host, host:port, IPv4; the value is written verbatim into HTCondor configuration. */
const COLLECTOR_HOST = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?$/;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const CIDR_V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(?::[A-Za-z0-9_$-]+)?$/;
const OS_USER = /^[A-Za-z0-9._-]+$/;
/** Tag keys and values AWS accepts (letters, digits, spaces and `_ . : / = + - @`). */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
/** Retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

function isNonNegativeInteger(n: number): boolean {
  return Number.isInteger(n) && n >= 0;
}

function validCidr(cidr: string): boolean {
  const m = CIDR_V4.exec(cidr);
  if (!m) return false;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  return octets.every((o) => o <= 255) && prefix <= 32;
}

/** Problems with annex stack parameters (empty when valid). */
export function annexStackProblems(p: AnnexStackParams): string[] {
  const problems: string[] = [];
  if (!ANNEX_NAME_PATTERN.test(p.annexName)) {
    problems.push(
      `annexName ${JSON.stringify(p.annexName)}: expected a DNS label (letters, digits, inner hyphens, 1-63 characters)`,
    );
  }
  if (p.instanceTypes.length === 0) problems.push("instanceTypes: expected at least one instance type");
  if (new Set(p.instanceTypes).size !== p.instanceTypes.length) {
    problems.push("instanceTypes: expected no duplicates");
  }
  if (p.instanceTypes.length > 40) problems.push("instanceTypes: at most 40 types per group (an EC2 limit)");
  for (const t of p.instanceTypes) {
    if (!INSTANCE_TYPE.test(t))
      problems.push(`instanceTypes: ${JSON.stringify(t)} is not of the form family.size`);
  }
  for (const s of p.subnets) {
    if (!SUBNET_ID.test(s)) problems.push(`subnets: ${JSON.stringify(s)} is not a subnet id (subnet-…)`);
  }
  if (p.subnets.length > 0 && p.vpcId === undefined) {
    problems.push("vpcId: required when subnets are given (the security group must be in their VPC)");
  }
  if (p.vpcId !== undefined && !VPC_ID.test(p.vpcId)) {
    problems.push(`vpcId: ${JSON.stringify(p.vpcId)} is not a VPC id (vpc-…)`);
  }
  if (p.image.kind === "ami" && !AMI_ID.test(p.image.imageId)) {
    problems.push(`image: ${JSON.stringify(p.image.imageId)} is not an AMI id (ami-…)`);
  }
  if (p.image.kind === "ssm" && !SSM_PATH.test(p.image.parameter)) {
    problems.push(`image: ${JSON.stringify(p.image.parameter)} is not an SSM parameter path (/…)`);
  }
  const base = p.onDemandBase ?? 0;
  if (!isNonNegativeInteger(base)) problems.push("onDemandBase: expected a non-negative integer");
  const pct = p.onDemandPercentageAboveBase;
  if (pct !== undefined && !(Number.isInteger(pct) && pct >= 0 && pct <= 100)) {
    problems.push("onDemandPercentageAboveBase: expected an integer from 0 to 100");
  }
  if (!isNonNegativeInteger(p.maxCapacity) || p.maxCapacity < 1) {
    problems.push("maxCapacity: expected a positive integer");
  }
  if (!isNonNegativeInteger(p.desiredCapacity))
    problems.push("desiredCapacity: expected a non-negative integer");
  else if (p.desiredCapacity > p.maxCapacity) problems.push("desiredCapacity: must not exceed maxCapacity");
  const period = p.leasePeriodSeconds ?? 60;
  if (!(LEASE_PERIODS_SECONDS as readonly number[]).includes(period)) {
    problems.push(`leasePeriodSeconds: expected one of ${LEASE_PERIODS_SECONDS.join(", ")}`);
  }
  if (!(Number.isFinite(p.leaseMinutes) && p.leaseMinutes > 0)) {
    problems.push("leaseMinutes: expected a positive number of minutes");
  } else if (p.leaseMinutes * 60 > MAX_LEASE_WINDOW_SECONDS) {
    problems.push(
      `leaseMinutes: at most ${MAX_LEASE_WINDOW_SECONDS / 60} (CloudWatch's one-day alarm window)`,
    );
  } else if (p.leaseMinutes * 60 < period) {
    problems.push(`leaseMinutes: must cover at least one alarm period (${period} s)`);
  }
  if (Number.isNaN(Date.parse(p.deadline)) || !/^\d{4}-\d\d-\d\dT/.test(p.deadline)) {
    problems.push(`deadline: ${JSON.stringify(p.deadline)} is not an ISO 8601 time`);
  }
  if (!COLLECTOR_HOST.test(p.collectorHost)) {
    problems.push(`collectorHost: ${JSON.stringify(p.collectorHost)} is not host or host:port`);
  }
  if (!BUCKET_NAME.test(p.tokenBucket)) {
    problems.push(`tokenBucket: ${JSON.stringify(p.tokenBucket)} is not an S3 bucket name`);
  }
  if (p.tokenKey !== undefined && !p.tokenKey.startsWith(tokenKeyPrefix(p.annexName))) {
    problems.push(
      `tokenKey: must be under ${tokenKeyPrefix(p.annexName)} (the only prefix the instances may read)`,
    );
  }
  if (p.tokenKey !== undefined && !/^[A-Za-z0-9!_.*'()/-]+$/.test(p.tokenKey)) {
    problems.push("tokenKey: only letters, digits and !_.*'()/- are allowed");
  }
  if (!ARN.test(p.leaseFunctionArn)) {
    problems.push(`leaseFunctionArn: ${JSON.stringify(p.leaseFunctionArn)} is not a Lambda function ARN`);
  }
  if (!(Number.isInteger(p.idleMinutes) && p.idleMinutes >= 1)) {
    problems.push("idleMinutes: expected a positive integer");
  }
  for (const u of p.allowedJobOwners ?? []) {
    if (!OS_USER.test(u)) problems.push(`allowedJobOwners: ${JSON.stringify(u)} is not a user name`);
  }
  const tagText = (what: string, v: string, max: number) => {
    if (v.length > max || !TAG_TEXT.test(v)) {
      problems.push(
        `${what}: ${JSON.stringify(v)} is not a valid tag text (≤ ${max} of letters, digits, _.:/=+-@ )`,
      );
    }
  };
  tagText("owner", p.owner, 256);
  if (p.pool !== undefined) tagText("pool", p.pool, 256);
  if (p.request !== undefined) tagText("request", p.request, 256);
  for (const [k, v] of Object.entries(p.tags ?? {})) {
    if (k.length === 0 || k.toLowerCase().startsWith("aws:"))
      problems.push(`tags: key ${JSON.stringify(k)} is reserved`);
    if (k.startsWith("htcondor:"))
      problems.push(`tags: key ${JSON.stringify(k)} uses the reserved htcondor: prefix`);
    tagText(`tags[${k}]`, k, 128);
    tagText(`tags[${k}] value`, v, 256);
  }
  for (const [i, r] of (p.ingress ?? []).entries()) {
    if (!validCidr(r.cidr))
      problems.push(`ingress[${i}].cidr: ${JSON.stringify(r.cidr)} is not an IPv4 CIDR`);
    const portOk = (n: number) => Number.isInteger(n) && n >= 0 && n <= 65535;
    if (!portOk(r.fromPort) || !portOk(r.toPort) || r.fromPort > r.toPort) {
      problems.push(`ingress[${i}]: expected 0 ≤ fromPort ≤ toPort ≤ 65535`);
    }
    if (r.description !== undefined && !/^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]{0,255}$/.test(r.description)) {
      problems.push(`ingress[${i}].description: contains characters EC2 does not allow`);
    }
  }
  return problems;
}

/** Problems with setup stack parameters (empty when valid). */
export function setupStackProblems(p: SetupStackParams): string[] {
  const problems: string[] = [];
  if (p.bucketName !== undefined && !BUCKET_NAME.test(p.bucketName)) {
    problems.push(`bucketName: ${JSON.stringify(p.bucketName)} is not an S3 bucket name`);
  }
  if (p.leaseCode !== undefined) {
    if (p.leaseCode.s3Key.length === 0) problems.push("leaseCode.s3Key: expected an object key");
    if (p.leaseCode.s3Bucket !== undefined && !BUCKET_NAME.test(p.leaseCode.s3Bucket)) {
      problems.push(`leaseCode.s3Bucket: ${JSON.stringify(p.leaseCode.s3Bucket)} is not an S3 bucket name`);
    }
  }
  if (
    p.sweepSchedule !== undefined &&
    !/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/.test(p.sweepSchedule)
  ) {
    problems.push(`sweepSchedule: ${JSON.stringify(p.sweepSchedule)} is not rate(N minutes) or cron(...)`);
  }
  if (
    p.logRetentionDays !== undefined &&
    !(LOG_RETENTION_DAYS as readonly number[]).includes(p.logRetentionDays)
  ) {
    problems.push(`logRetentionDays: expected one of ${LOG_RETENTION_DAYS.join(", ")}`);
  }
  if (
    p.tokenExpirationDays !== undefined &&
    !(Number.isInteger(p.tokenExpirationDays) && p.tokenExpirationDays >= 1)
  ) {
    problems.push("tokenExpirationDays: expected a positive integer");
  }
  const grace = p.orphanTokenGraceSeconds;
  if (grace !== undefined && !(Number.isInteger(grace) && grace >= 0)) {
    problems.push("orphanTokenGraceSeconds: expected a non-negative integer");
  }
  return problems;
}

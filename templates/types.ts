/**
 * Typed inputs of the template renderers and the shape of a rendered CloudFormation template.
 * The stack operations (src/annex) build these from an AnnexRequest plus configuration; the
 * renderers validate them again and throw {@link TemplateParamsError} listing every problem.
 */
import type { LeasePeriodSeconds } from "./constants.js";

/** A JSON value, as CloudFormation templates are JSON documents. */
export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

/** One resource of a template. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: { readonly [key: string]: Json };
  readonly DependsOn?: string | readonly string[];
  readonly Condition?: string;
  readonly DeletionPolicy?: "Delete" | "Retain" | "Snapshot";
  readonly UpdateReplacePolicy?: "Delete" | "Retain" | "Snapshot";
  readonly Metadata?: { readonly [key: string]: Json };
}

/** One template parameter. */
export interface CfnParameter {
  readonly Type: string;
  readonly Description?: string;
  readonly Default?: string | number;
  readonly AllowedValues?: readonly (string | number)[];
  readonly MinValue?: number;
  readonly MaxValue?: number;
}

/** One template output. */
export interface CfnOutput {
  readonly Description?: string;
  readonly Value: Json;
}

/** A rendered CloudFormation template; `JSON.stringify` it for `TemplateBody`. */
export interface CfnTemplate {
  readonly AWSTemplateFormatVersion: "2010-09-09";
  readonly Description: string;
  readonly Metadata?: { readonly [key: string]: Json };
  readonly Parameters?: { readonly [name: string]: CfnParameter };
  readonly Conditions?: { readonly [name: string]: Json };
  readonly Resources: { readonly [logicalId: string]: CfnResource };
  readonly Outputs?: { readonly [name: string]: CfnOutput };
}

/** The machine image: an AMI id, or an SSM parameter path that holds one (resolved at deploy time). */
export type ImageSource =
  | { readonly kind: "ami"; readonly imageId: string }
  | { readonly kind: "ssm"; readonly parameter: string };

/** One inbound rule for the annex security group. There are none unless the request asks. */
export interface IngressRule {
  /** IPv4 CIDR, e.g. `203.0.113.0/24`. */
  readonly cidr: string;
  readonly protocol: "tcp" | "udp";
  readonly fromPort: number;
  readonly toPort: number;
  readonly description?: string;
}

/** Everything an annex stack (`HTCondorAnnex-<name>`) is rendered from. */
export interface AnnexStackParams {
  /** DNS-label annex name ({@link ANNEX_NAME_PATTERN}). */
  readonly annexName: string;
  /** One or more EC2 instance types; all go into one mixed-instances AutoScaling group. */
  readonly instanceTypes: readonly string[];
  /**
   * Subnet ids. Empty → the group uses every availability zone of the region (`Fn::GetAZs`) and
   * the default VPC; the caller normally fills in the default VPC's subnets instead.
   */
  readonly subnets: readonly string[];
  /** VPC of `subnets`; required when `subnets` is non-empty (the security group must live there). */
  readonly vpcId?: string;
  readonly image: ImageSource;
  /** Use spot capacity above the on-demand base. */
  readonly spot: boolean;
  /** On-demand instances before any spot (default 0). */
  readonly onDemandBase?: number;
  /** Percentage of on-demand above the base (default: 0 when spot, 100 otherwise). */
  readonly onDemandPercentageAboveBase?: number;
  /** Initial desired capacity; also the default of the `DesiredCapacity` template parameter. */
  readonly desiredCapacity: number;
  /** Maximum size of the group; also the default of the `MaxCapacity` template parameter. */
  readonly maxCapacity: number;
  /** The heartbeat window: the alarm fires after this long without a heartbeat ≥ 1. May be fractional. */
  readonly leaseMinutes: number;
  /** Alarm period in seconds (default 60); 10 or 30 give a high-resolution alarm for tests and demos. */
  readonly leasePeriodSeconds?: LeasePeriodSeconds;
  /** Hard deadline, ISO 8601 UTC. Carried as a stack tag (see {@link annexStackTags}), not in resources. */
  readonly deadline: string;
  /** Collector host the instances join (`COLLECTOR_HOST`), also the pool tag's value. */
  readonly collectorHost: string;
  /** Pool id recorded in the `htcondor:pool` tag; defaults to `collectorHost`. */
  readonly pool?: string;
  /** Owner recorded in the `htcondor:owner` tag. */
  readonly owner: string;
  /** Extra user tags for the stack and every taggable resource (keys must not start with `aws:`). */
  readonly tags?: Readonly<Record<string, string>>;
  /** Canonical request text for the `htcondor:request` stack tag (≤ 256 characters). */
  readonly request?: string;
  /** Inbound rules; none by default (annex machines connect out to the pool). */
  readonly ingress?: readonly IngressRule[];
  /** Private bucket holding `tokens/<annex>/…` (setup stack output). */
  readonly tokenBucket: string;
  /** Object key of the pool token; default {@link tokenObjectKey}. Must be under `tokens/<annex>/`. */
  readonly tokenKey?: string;
  /** ARN of the lease Lambda (setup stack output) that the lease topic invokes. */
  readonly leaseFunctionArn: string;
  /** Minutes an instance may stay unclaimed before it shuts itself down (`STARTD_NOCLAIM_SHUTDOWN`). */
  readonly idleMinutes: number;
  /** If given, only these users' jobs may start on the annex (in addition to the annex-name match). */
  readonly allowedJobOwners?: readonly string[];
  /** Extra HTCondor configuration lines appended to the instance's annex config. */
  readonly extraCondorConfig?: string;
}

/** Where the lease Lambda's zip lies; absent on the first setup pass (the bucket does not exist yet). */
export interface LeaseCodeLocation {
  /** Bucket holding the zip; default: the setup stack's own token bucket. */
  readonly s3Bucket?: string;
  /** Object key, by convention `lambda/lease-<sha256>.zip`. */
  readonly s3Key: string;
}

/** Everything the per-account setup stack is rendered from. */
export interface SetupStackParams {
  /**
   * The lease Lambda's code. Without it the template holds the bucket, the roles and the log group
   * but no function or schedule: setup creates that first, uploads the zip into the bucket under
   * `lambda/`, then updates the stack with the code location.
   */
  readonly leaseCode?: LeaseCodeLocation;
  /** Explicit token bucket name; default: generated by CloudFormation. */
  readonly bucketName?: string;
  /** EventBridge schedule of the sweeper (default `rate(5 minutes)`). */
  readonly sweepSchedule?: string;
  /** Retention of the Lambda's log group in days (default 30; a value CloudWatch Logs allows). */
  readonly logRetentionDays?: number;
  /** Token objects expire after this many days whatever happens (default 30). */
  readonly tokenExpirationDays?: number;
  /** Token objects younger than this are never swept as orphans (default 900 s: create in flight). */
  readonly orphanTokenGraceSeconds?: number;
}

/** A `{ Key, Value }` pair as CreateStack's `Tags` takes it. */
export interface StackTag {
  readonly Key: string;
  readonly Value: string;
}

/** Raised by the renderers when parameters are invalid; `problems` names each one. */
export class TemplateParamsError extends Error {
  readonly problems: readonly string[];
  constructor(what: string, problems: readonly string[]) {
    super(`invalid ${what} parameters: ${problems.join("; ")}`);
    this.name = "TemplateParamsError";
    this.problems = problems;
  }
}

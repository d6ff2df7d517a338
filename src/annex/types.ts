/**
 * Types of the annex domain: the request, the defaults it is completed with, and the plain
 * result objects of the operations (the GAHP wiring turns them into ClassAds).
 */

/** A value of a request attribute after ClassAd evaluation, as plain data. */
export type RequestValue = string | number | boolean | readonly string[] | Readonly<Record<string, string>>;

/** The image an annex boots: an AMI id, or an SSM parameter path that resolves to one. */
export type ImageRef =
  | { readonly kind: "ami"; readonly id: string }
  | { readonly kind: "ssm"; readonly parameter: string };

/**
 * A validated, complete AnnexRequest (DESIGN §4): every attribute has a value, from the
 * request or from the configured defaults.
 */
export interface AnnexRequest {
  /** DNS-safe annex name; the stack is `HTCondorAnnex-<name>`. */
  readonly name: string;
  /** Instance types for the mixed-instances group, in order of preference. */
  readonly instanceTypes: readonly string[];
  /** Upper bound of the group (its MaxSize). */
  readonly maxInstances: number;
  /** An explicit size (a person creating an annex by hand); absent when demand decides. */
  readonly count: number | undefined;
  /** Whether instances above the on-demand base are spot instances. */
  readonly spot: boolean;
  /** How many instances are always on-demand. */
  readonly onDemandBase: number;
  /** The heartbeat window: the lease fires after this many minutes without heartbeats. */
  readonly leaseMinutes: number;
  /** The hard deadline, in hours from creation. */
  readonly maxHours: number;
  /** An instance shuts down after this many minutes unclaimed. */
  readonly idleMinutes: number;
  readonly image: ImageRef;
  /** Subnet ids; empty means the default VPC's subnets in every availability zone. */
  readonly subnets: readonly string[];
  readonly region: string;
  /** HTCondor user(s) whose jobs may run on the annex; undefined means no owner restriction. */
  readonly owner: string | undefined;
  /** Extra tags for the annex's resources. */
  readonly tags: Readonly<Record<string, string>>;
  /** The collector the annex's machines report to. */
  readonly collectorHost: string;
}

/** Defaults a request is completed with; from configuration knobs (see `loadAnnexDefaults`). */
export interface AnnexDefaults {
  readonly region: string;
  readonly instanceTypes: readonly string[];
  readonly maxInstances: number;
  readonly spot: boolean;
  readonly onDemandBase: number;
  readonly leaseMinutes: number;
  readonly maxHours: number;
  readonly idleMinutes: number;
  readonly image: ImageRef;
  readonly subnets: readonly string[];
  readonly owner: string | undefined;
  /** Undefined when neither ANNEX_COLLECTOR nor COLLECTOR_HOST is set: then requests must name it. */
  readonly collectorHost: string | undefined;
}

/** One problem with one request attribute. */
export interface RequestIssue {
  /** The attribute as the request spelled it (or the canonical spelling when it is missing). */
  readonly attribute: string;
  /** What is wrong and the expected form. */
  readonly message: string;
}

/** The result of validating a request: the request, or every problem found. */
export type RequestValidation =
  | { readonly ok: true; readonly request: AnnexRequest }
  | { readonly ok: false; readonly issues: readonly RequestIssue[] };

/** What the stack tags of an annex say about it: the durable record, rebuilt from AWS alone. */
export interface AnnexRecord {
  readonly name: string;
  readonly stackName: string;
  readonly stackId: string | undefined;
  readonly stackStatus: string;
  readonly region: string;
  readonly pool: string | undefined;
  readonly owner: string | undefined;
  /** The hard deadline, or undefined when the tag is missing or unreadable. */
  readonly deadline: Date | undefined;
  readonly requestDigest: string | undefined;
  /** The request rebuilt from the tags, or undefined when they are missing or damaged. */
  readonly request: AnnexRequest | undefined;
  readonly createdAt: Date | undefined;
  readonly outputs: Readonly<Record<string, string>>;
}

/** One instance of an annex, as its AutoScaling group reports it. */
export interface AnnexInstance {
  readonly instanceId: string;
  readonly instanceType: string | undefined;
  readonly availabilityZone: string | undefined;
  /** AutoScaling lifecycle state: Pending, InService, Terminating… */
  readonly lifecycleState: string | undefined;
  readonly healthStatus: string | undefined;
}

/** The lease alarm of an annex. */
export interface LeaseAlarmStatus {
  readonly alarmName: string;
  /** OK, ALARM or INSUFFICIENT_DATA. */
  readonly state: string | undefined;
  readonly namespace: string | undefined;
  readonly metricName: string | undefined;
  readonly statistic: string | undefined;
  readonly comparisonOperator: string | undefined;
  readonly threshold: number | undefined;
  readonly periodSeconds: number | undefined;
  readonly evaluationPeriods: number | undefined;
  readonly treatMissingData: string | undefined;
  readonly alarmActions: readonly string[];
}

/** The AutoScaling group of an annex. */
export interface AnnexGroupStatus {
  readonly groupName: string;
  readonly desiredCapacity: number | undefined;
  readonly minSize: number | undefined;
  readonly maxSize: number | undefined;
  /** Instance types of the mixed-instances policy (or the launch template's one type). */
  readonly instanceTypes: readonly string[];
  readonly onDemandBase: number | undefined;
  readonly onDemandPercentageAboveBase: number | undefined;
  readonly instances: readonly AnnexInstance[];
}

/** Everything `status` reports about one annex. */
export interface AnnexStatus {
  readonly record: AnnexRecord;
  readonly group: AnnexGroupStatus | undefined;
  readonly alarm: LeaseAlarmStatus | undefined;
  /** Time of the newest heartbeat datapoint seen in the lease window, if any. */
  readonly lastHeartbeat: Date | undefined;
}

/** What `create` did. */
export interface CreateResult {
  readonly name: string;
  readonly stackName: string;
  readonly stackId: string | undefined;
  /** The stack's status when create returned (CREATE_COMPLETE, or CREATE_IN_PROGRESS when not waited for). */
  readonly stackStatus: string;
  /** `created`: a new stack; `adopted`: the stack existed (same pool) and was taken over. */
  readonly outcome: "created" | "adopted";
  /** False when an adopted stack was created from a different request (its digest differs). */
  readonly requestMatches: boolean;
  readonly clientRequestToken: string;
  readonly deadline: Date;
  /** The size set by this call (undefined when an adopted annex kept its size). */
  readonly desiredCapacity: number | undefined;
  /** Subnets chosen for a new stack (empty when adopted). */
  readonly subnets: readonly string[];
}

/** One annex's heartbeat: how many matching jobs are idle or running on it. */
export interface LeaseHeartbeat {
  readonly annexName: string;
  readonly value: number;
}

/** What one heartbeat round did. */
export interface HeartbeatRoundResult {
  readonly annexes: number;
  readonly putMetricDataCalls: number;
}

/** The setup stack as `setup` leaves it. */
export interface SetupResult {
  readonly stackName: string;
  readonly stackId: string | undefined;
  readonly stackStatus: string;
  readonly outcome: "created" | "updated" | "unchanged";
  readonly outputs: SetupOutputs;
}

/** Outputs of the setup stack that annex operations need. */
export interface SetupOutputs {
  readonly tokenBucket: string;
  readonly leaseFunctionArn: string;
  readonly cloudFormationRoleArn: string;
  /** Every output, by key. */
  readonly all: Readonly<Record<string, string>>;
}

import type { InstanceTypeInfo } from "./demand/types.js";
import type { AnnexGroupStatus, LeaseAlarmStatus } from "./types.js";

/**
 * The annex engine's one port to the cloud provider: everything create, resize, status, extend,
 * delete, setup, heartbeats and demand need, in the engine's own terms. `src/aws/annex-cloud.ts`
 * implements it over SDK v3 (nothing under src/annex imports the SDK; the lint config enforces
 * it); unit tests use the in-memory account of `test/annex/fake-cloud.ts`.
 *
 * Failures are `AwsError`s (src/aws/errors.ts) carrying the engine's error codes: the engine acts on `E_CONFLICT` (CreateStack lost a race) and `E_NO_CHANGE` (an update that
 * changes nothing); everything else is reported as it is.
 */
export interface AnnexCloud {
  /** The region of requests that name none. */
  readonly defaultRegion: string;
  /** The same account in `region` (cached; shares credentials, retries and the call counter). */
  inRegion(region: string): RegionCloud;
}

/** What the engine sends with each call, for error messages (which annex, which stack). */
export interface CallSubject {
  readonly annex?: string;
  readonly stack?: string;
}

/** The account in one region. */
export interface RegionCloud {
  readonly region: string;

  /** The stack by name or id; undefined when there is none (or only a deleted one). */
  describeStack(stackName: string, subject?: CallSubject): Promise<CloudStack | undefined>;
  /** Every stack of the region that is not DELETE_COMPLETE, all pages. */
  listStacks(): Promise<CloudStack[]>;
  /** Starts creating a stack; resolves to its id. `E_CONFLICT` when the name is taken. */
  createStack(creation: StackCreation, subject?: CallSubject): Promise<string | undefined>;
  /** Starts updating a stack. `E_NO_CHANGE` when the update would change nothing. */
  updateStack(update: StackUpdate, subject?: CallSubject): Promise<void>;
  /** Starts deleting a stack (by id when known: a name may already belong to a newer stack). */
  deleteStack(stackNameOrId: string, subject?: CallSubject): Promise<void>;

  /** The named AutoScaling groups that exist (at most 100 names per call; all pages). */
  describeGroups(groupNames: readonly string[], subject?: CallSubject): Promise<AnnexGroupStatus[]>;
  /** Sets a group's desired capacity. */
  setDesiredCapacity(groupName: string, count: number, subject?: CallSubject): Promise<void>;
  /** The group's latest scaling activities, newest first (one call). */
  scalingActivities(groupName: string, maxRecords: number, annex: string): Promise<ScalingActivity[]>;

  /** What EC2 says about these instance types; unknown types are absent (all pages). */
  describeInstanceTypes(types: readonly string[]): Promise<InstanceTypeInfo[]>;
  /** The default VPC's id, or undefined when the region has none. */
  defaultVpc(annex: string): Promise<string | undefined>;
  /** The named subnets (an unknown id fails the call). */
  describeSubnets(subnetIds: readonly string[], annex: string): Promise<SubnetInfo[]>;
  /** The VPC's default-for-zone subnets. */
  defaultSubnets(vpcId: string, annex: string): Promise<SubnetInfo[]>;

  /** One PutMetricData of at most 1000 datums; `label` names the batch in errors. */
  putMetricData(namespace: string, data: readonly MetricDatum[], label: string): Promise<void>;
  /** The newest datapoint time of each query (by its label) between `start` and `end`; all pages. */
  latestDatapoints(queries: readonly MetricQuery[], start: Date, end: Date): Promise<Map<string, Date>>;
  /** The named metric alarms that exist (at most 100 names per call; all pages). */
  describeAlarms(alarmNames: readonly string[]): Promise<LeaseAlarmStatus[]>;

  /** Puts an object, encrypted at rest (SSE-S3). */
  putObject(object: StoredObject, subject?: CallSubject): Promise<void>;
  /** Every key under `prefix` (all pages). */
  listObjectKeys(bucket: string, prefix: string, subject?: CallSubject): Promise<string[]>;
  /** Deletes one object (absent is not an error). */
  deleteObject(bucket: string, key: string, subject?: CallSubject): Promise<void>;
}

/** A CloudFormation stack as the engine reads it. */
export interface CloudStack {
  readonly name: string;
  readonly id: string | undefined;
  /** CREATE_COMPLETE, UPDATE_IN_PROGRESS, …; "UNKNOWN" when AWS sent none. */
  readonly status: string;
  readonly statusReason: string | undefined;
  readonly createdAt: Date | undefined;
  readonly tags: ReadonlyMap<string, string>;
  readonly outputs: Readonly<Record<string, string>>;
  /** The template parameters the stack was created or last updated with. */
  readonly parameterKeys: readonly string[];
}

/** A template parameter value; `usePrevious` keeps what the stack has. */
export type StackParameter =
  | { readonly key: string; readonly value: string }
  | { readonly key: string; readonly usePrevious: true };

/** A stack tag, in CloudFormation's own shape (the templates build them so). */
export interface CloudTag {
  readonly Key: string;
  readonly Value: string;
}

/** What a template may do that CloudFormation asks to be acknowledged. */
export type StackCapability = "CAPABILITY_IAM" | "CAPABILITY_NAMED_IAM" | "CAPABILITY_AUTO_EXPAND";

/** A CreateStack. */
export interface StackCreation {
  readonly stackName: string;
  readonly templateBody: string;
  readonly parameters?: readonly StackParameter[];
  readonly tags: readonly CloudTag[];
  readonly capabilities: readonly StackCapability[];
  /** The service role CloudFormation acts as. */
  readonly roleArn?: string;
  /** Idempotency: a repeated CreateStack with the same token is the same create. */
  readonly clientRequestToken: string;
  /** Delete what was built when creation fails (default: roll back and keep the stack). */
  readonly deleteOnFailure?: boolean;
}

/** An UpdateStack: a new template, or the previous one. */
export interface StackUpdate {
  readonly stackName: string;
  readonly template: { readonly body: string } | "previous";
  readonly parameters?: readonly StackParameter[];
  readonly tags: readonly CloudTag[];
  readonly capabilities: readonly StackCapability[];
  readonly clientRequestToken?: string;
}

/** A scaling activity as far as the capacity-failure parser needs it. */
export interface ScalingActivity {
  readonly statusCode: string | undefined;
  /** Status message, description and cause, joined. */
  readonly message: string;
  readonly startTime: Date | undefined;
}

/** A subnet: its id, VPC and availability zone. */
export interface SubnetInfo {
  readonly subnetId: string | undefined;
  readonly vpcId: string | undefined;
  readonly availabilityZone: string | undefined;
}

/** One CloudWatch datum. */
export interface MetricDatum {
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly value: number;
  readonly unit: "Count";
  readonly timestamp: Date;
  /** 1 = high resolution (seconds), 60 = standard. */
  readonly storageResolution: 1 | 60;
}

/** One metric read by {@link RegionCloud.latestDatapoints}. */
export interface MetricQuery {
  /** Names the answer. */
  readonly label: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly periodSeconds: number;
  readonly stat: "Maximum";
}

/** An object to store. */
export interface StoredObject {
  readonly bucket: string;
  readonly key: string;
  readonly body: Uint8Array | string;
  readonly contentType: string;
}

/**
 * What the lease Lambda needs from AWS, as a narrow typed interface. `aws.ts` implements it with
 * SDK v3 clients; unit tests implement it with an in-memory account.
 */

export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";

/** The parts of a CloudWatch alarm the Lambda reads. */
export interface AlarmInfo {
  readonly name: string;
  readonly state: AlarmState;
  readonly namespace: string | undefined;
  readonly metricName: string | undefined;
  readonly dimensions: readonly { readonly name: string; readonly value: string }[];
  /** Seconds. */
  readonly period: number;
  readonly evaluationPeriods: number;
}

/** The parts of a CloudFormation stack the Lambda reads. */
export interface StackInfo {
  readonly name: string;
  readonly status: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** An object under the token prefix. */
export interface TokenObject {
  readonly key: string;
  readonly lastModified: Date | undefined;
}

/** Calls into AWS; every list method returns all pages. */
export interface LeaseAws {
  /** The alarm, or undefined when it does not exist. */
  describeAlarm(name: string): Promise<AlarmInfo | undefined>;
  /** Every alarm whose name starts with `prefix` and whose state is ALARM. */
  listAlarmsInAlarm(prefix: string): Promise<AlarmInfo[]>;
  /** The highest value of the alarm's metric between `start` and `end`, or undefined when there is none. */
  maxMetricValue(alarm: AlarmInfo, start: Date, end: Date): Promise<number | undefined>;
  /** Sets the alarm's state to OK with a reason. */
  setAlarmOk(name: string, reason: string): Promise<void>;
  /** The stack, or undefined when it does not exist (or is DELETE_COMPLETE). */
  describeStack(name: string): Promise<StackInfo | undefined>;
  /** Every stack that is not DELETE_COMPLETE. */
  listStacks(): Promise<StackInfo[]>;
  /** Starts deleting a stack with the given service role (idempotent on AWS). */
  deleteStack(name: string, roleArn: string): Promise<void>;
  /** Every object under `prefix` in the token bucket. */
  listObjects(prefix: string): Promise<TokenObject[]>;
  /** Deletes these keys from the token bucket (any number; batched). */
  deleteObjects(keys: readonly string[]): Promise<void>;
}

/** Settings from the function's environment. */
export interface LeaseConfig {
  readonly tokenBucket: string;
  readonly serviceRoleArn: string;
  /** Token objects younger than this are never treated as orphans (an annex may be being created). */
  readonly orphanTokenGraceSeconds: number;
}

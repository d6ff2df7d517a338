/**
 * An in-memory AWS account implementing the lease Lambda's LeaseAws port: stacks, alarms,
 * heartbeat datapoints and token objects, with a log of every mutating call and optional
 * failures per method, so tests state behaviour in terms of what ends up deleted or reset.
 */
import type {
  AlarmInfo,
  AlarmState,
  LeaseAws,
  StackInfo,
  TokenObject,
} from "../../../lambdas/lease/ports.js";
import {
  annexStackName,
  leaseAlarmName,
  METRIC_DIMENSION,
  METRIC_NAME,
  METRIC_NAMESPACE,
  TAG_ANNEX_NAME,
  TAG_DEADLINE,
  tokenObjectKey,
} from "../../../templates/constants.js";

export const SERVICE_ROLE = "arn:aws:iam::123456789012:role/HTCondorAnnexSetup-ServiceRole-ABC";
export const config = {
  tokenBucket: "tokens-bucket",
  serviceRoleArn: SERVICE_ROLE,
  orphanTokenGraceSeconds: 900,
};

export class FakeAccount implements LeaseAws {
  stacks = new Map<string, StackInfo>();
  alarms = new Map<string, AlarmInfo>();
  /** Heartbeats: annex name → datapoints. */
  metrics = new Map<string, { at: Date; value: number }[]>();
  objects = new Map<string, Date>();
  calls: string[] = [];
  failures = new Map<keyof LeaseAws, Error>();

  /** An annex as the annex stack would create it, heartbeating `value` at `at` when given. */
  addAnnex(
    name: string,
    opts: {
      state?: AlarmState;
      deadline?: string;
      status?: string;
      heartbeat?: { at: Date; value: number };
      leaseMinutes?: number;
    } = {},
  ): void {
    const stackName = annexStackName(name);
    const tags: Record<string, string> = { [TAG_ANNEX_NAME]: name };
    if (opts.deadline !== undefined) tags[TAG_DEADLINE] = opts.deadline;
    this.stacks.set(stackName, { name: stackName, status: opts.status ?? "CREATE_COMPLETE", tags });
    this.alarms.set(leaseAlarmName(name), {
      name: leaseAlarmName(name),
      state: opts.state ?? "OK",
      namespace: METRIC_NAMESPACE,
      metricName: METRIC_NAME,
      dimensions: [{ name: METRIC_DIMENSION, value: name }],
      period: 60,
      evaluationPeriods: opts.leaseMinutes ?? 20,
    });
    this.objects.set(tokenObjectKey(name), new Date(0));
    if (opts.heartbeat !== undefined) this.metrics.set(name, [opts.heartbeat]);
  }

  private check(method: keyof LeaseAws): void {
    const failure = this.failures.get(method);
    if (failure !== undefined) throw failure;
  }

  async describeAlarm(name: string): Promise<AlarmInfo | undefined> {
    this.check("describeAlarm");
    return this.alarms.get(name);
  }
  async listAlarmsInAlarm(prefix: string): Promise<AlarmInfo[]> {
    this.check("listAlarmsInAlarm");
    return [...this.alarms.values()].filter((a) => a.name.startsWith(prefix) && a.state === "ALARM");
  }
  async maxMetricValue(alarm: AlarmInfo, start: Date, end: Date): Promise<number | undefined> {
    this.check("maxMetricValue");
    const annex = alarm.dimensions.find((d) => d.name === METRIC_DIMENSION)?.value ?? "";
    const points = (this.metrics.get(annex) ?? []).filter((p) => p.at >= start && p.at <= end);
    return points.length === 0 ? undefined : Math.max(...points.map((p) => p.value));
  }
  async setAlarmOk(name: string, reason: string): Promise<void> {
    this.check("setAlarmOk");
    this.calls.push(`SetAlarmState ${name} OK`);
    const alarm = this.alarms.get(name);
    if (alarm === undefined) throw new Error(`ResourceNotFound: ${name}`);
    expectReason(reason);
    this.alarms.set(name, { ...alarm, state: "OK" });
  }
  async describeStack(name: string): Promise<StackInfo | undefined> {
    this.check("describeStack");
    return this.stacks.get(name);
  }
  async listStacks(): Promise<StackInfo[]> {
    this.check("listStacks");
    return [...this.stacks.values()];
  }
  async deleteStack(name: string, roleArn: string): Promise<void> {
    this.check("deleteStack");
    this.calls.push(`DeleteStack ${name} ${roleArn}`);
    const stack = this.stacks.get(name);
    if (stack === undefined) return;
    // The stack's resources go with it: here, the alarm.
    this.stacks.set(name, { ...stack, status: "DELETE_IN_PROGRESS" });
    for (const [alarmName] of this.alarms) if (alarmName === `${name}-lease`) this.alarms.delete(alarmName);
  }
  async listObjects(prefix: string): Promise<TokenObject[]> {
    this.check("listObjects");
    return [...this.objects.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, lastModified]) => ({ key, lastModified }));
  }
  async deleteObjects(keys: readonly string[]): Promise<void> {
    this.check("deleteObjects");
    this.calls.push(`DeleteObjects ${keys.join(",")}`);
    for (const k of keys) this.objects.delete(k);
  }
}

function expectReason(reason: string): void {
  if (reason.length < 10) throw new Error("SetAlarmState needs a reason people can read");
}

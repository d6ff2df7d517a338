/**
 * An in-memory {@link AnnexCloud} for the engine's unit tests: one account, any number of regions,
 * holding stacks, groups, instance types, subnets, metrics, alarms and objects. Every call is
 * recorded (`calls`) so a test can say what the engine asked for; `before(method, hook)` runs a
 * hook before a call (another helper winning a race, a call that fails). Stacks settle at once:
 * CreateStack leaves CREATE_COMPLETE unless `createdStatus` says otherwise.
 */
import type {
  AnnexCloud,
  CallSubject,
  CloudStack,
  MetricDatum,
  MetricQuery,
  RegionCloud,
  ScalingActivity,
  StackCreation,
  StackUpdate,
  StoredObject,
  SubnetInfo,
} from "../../src/annex/cloud.js";
import type { InstanceTypeInfo } from "../../src/annex/demand/types.js";
import type { AnnexGroupStatus, LeaseAlarmStatus } from "../../src/annex/types.js";
import { AWS_ERROR_CODES, AwsError } from "../../src/aws/errors.js";

/** The name of a {@link RegionCloud} method. */
export type CloudMethod = Exclude<keyof RegionCloud, "region">;

/** One recorded call. */
export interface FakeCall {
  readonly region: string;
  readonly method: CloudMethod;
  readonly args: readonly unknown[];
}

/** What a fake stack keeps besides the engine's view: what created it. */
export interface FakeStack extends CloudStack {
  readonly creation?: StackCreation;
}

/** The state of one region of the fake account; tests fill and read it directly. */
export class FakeRegion implements RegionCloud {
  readonly stacks = new Map<string, FakeStack>();
  readonly groups = new Map<string, AnnexGroupStatus>();
  readonly activities = new Map<string, ScalingActivity[]>();
  readonly instanceTypes = new Map<string, InstanceTypeInfo>();
  readonly subnets: SubnetInfo[] = [];
  defaultVpcId: string | undefined;
  readonly metrics: { namespace: string; datum: MetricDatum }[] = [];
  readonly alarms = new Map<string, LeaseAlarmStatus>();
  readonly objects = new Map<string, StoredObject>();
  /** The status a created stack is left in. */
  createdStatus = "CREATE_COMPLETE";
  #stackIds = 0;

  constructor(
    readonly region: string,
    private readonly account: FakeCloud,
  ) {}

  async #call(method: CloudMethod, args: readonly unknown[]): Promise<void> {
    this.account.calls.push({ region: this.region, method, args });
    await this.account.hooks.get(method)?.(this, args);
  }

  /** Adds (or replaces) a stack as another party would. */
  putStack(stack: Partial<FakeStack> & { name: string }): FakeStack {
    const full: FakeStack = {
      id: `arn:aws:cloudformation:${this.region}:123456789012:stack/${stack.name}/${++this.#stackIds}`,
      status: "CREATE_COMPLETE",
      statusReason: undefined,
      createdAt: new Date(0),
      tags: new Map(),
      outputs: {},
      parameterKeys: [],
      ...stack,
    };
    this.stacks.set(full.name, full);
    return full;
  }

  async describeStack(stackName: string, subject?: CallSubject): Promise<CloudStack | undefined> {
    await this.#call("describeStack", [stackName, subject]);
    return this.stacks.get(stackName) ?? [...this.stacks.values()].find((stack) => stack.id === stackName);
  }

  async listStacks(): Promise<CloudStack[]> {
    await this.#call("listStacks", []);
    return [...this.stacks.values()];
  }

  async createStack(creation: StackCreation, subject?: CallSubject): Promise<string | undefined> {
    await this.#call("createStack", [creation, subject]);
    if (this.stacks.has(creation.stackName)) {
      throw new AwsError(
        AWS_ERROR_CODES.conflict,
        { operation: "CloudFormation.CreateStack", stack: creation.stackName, ...subject },
        { awsCode: "AlreadyExistsException", message: `Stack [${creation.stackName}] already exists` },
      );
    }
    return this.putStack({
      name: creation.stackName,
      status: this.createdStatus,
      tags: new Map(creation.tags.map((tag) => [tag.Key, tag.Value])),
      parameterKeys: (creation.parameters ?? []).map((parameter) => parameter.key),
      creation,
    }).id;
  }

  async updateStack(update: StackUpdate, subject?: CallSubject): Promise<void> {
    await this.#call("updateStack", [update, subject]);
    const stack = this.stacks.get(update.stackName);
    if (stack === undefined) throw notFound("CloudFormation.UpdateStack", update.stackName);
    this.stacks.set(stack.name, {
      ...stack,
      status: "UPDATE_COMPLETE",
      tags: new Map(update.tags.map((tag) => [tag.Key, tag.Value])),
    });
  }

  async deleteStack(stackNameOrId: string, subject?: CallSubject): Promise<void> {
    await this.#call("deleteStack", [stackNameOrId, subject]);
    for (const [name, stack] of this.stacks) {
      if (name === stackNameOrId || stack.id === stackNameOrId) this.stacks.delete(name);
    }
  }

  async describeGroups(groupNames: readonly string[], subject?: CallSubject): Promise<AnnexGroupStatus[]> {
    await this.#call("describeGroups", [groupNames, subject]);
    return groupNames.flatMap((name) => {
      const group = this.groups.get(name);
      return group === undefined ? [] : [group];
    });
  }

  async setDesiredCapacity(groupName: string, count: number, subject?: CallSubject): Promise<void> {
    await this.#call("setDesiredCapacity", [groupName, count, subject]);
    const group = this.groups.get(groupName);
    if (group !== undefined) this.groups.set(groupName, { ...group, desiredCapacity: count });
  }

  async scalingActivities(groupName: string, maxRecords: number, annex: string): Promise<ScalingActivity[]> {
    await this.#call("scalingActivities", [groupName, maxRecords, annex]);
    return (this.activities.get(groupName) ?? []).slice(0, maxRecords);
  }

  async describeInstanceTypes(types: readonly string[]): Promise<InstanceTypeInfo[]> {
    await this.#call("describeInstanceTypes", [types]);
    return types.flatMap((type) => {
      const info = this.instanceTypes.get(type);
      return info === undefined ? [] : [info];
    });
  }

  async defaultVpc(annex: string): Promise<string | undefined> {
    await this.#call("defaultVpc", [annex]);
    return this.defaultVpcId;
  }

  async describeSubnets(subnetIds: readonly string[], annex: string): Promise<SubnetInfo[]> {
    await this.#call("describeSubnets", [subnetIds, annex]);
    const found = this.subnets.filter(
      (subnet) => subnet.subnetId !== undefined && subnetIds.includes(subnet.subnetId),
    );
    const missing = subnetIds.filter((id) => !found.some((subnet) => subnet.subnetId === id));
    if (missing.length > 0) {
      throw new AwsError(
        AWS_ERROR_CODES.notFound,
        { operation: "EC2.DescribeSubnets", annex },
        {
          awsCode: "InvalidSubnetID.NotFound",
          message: `The subnet ID '${missing.join(", ")}' does not exist`,
        },
      );
    }
    return found;
  }

  async defaultSubnets(vpcId: string, annex: string): Promise<SubnetInfo[]> {
    await this.#call("defaultSubnets", [vpcId, annex]);
    return this.subnets.filter((subnet) => subnet.vpcId === vpcId);
  }

  async putMetricData(namespace: string, data: readonly MetricDatum[], label: string): Promise<void> {
    await this.#call("putMetricData", [namespace, data, label]);
    for (const datum of data) this.metrics.push({ namespace, datum });
  }

  async latestDatapoints(
    queries: readonly MetricQuery[],
    start: Date,
    end: Date,
  ): Promise<Map<string, Date>> {
    await this.#call("latestDatapoints", [queries, start, end]);
    const found = new Map<string, Date>();
    for (const query of queries) {
      for (const { namespace, datum } of this.metrics) {
        const matches =
          namespace === query.namespace &&
          datum.metricName === query.metricName &&
          Object.entries(query.dimensions).every(([key, value]) => datum.dimensions[key] === value) &&
          datum.timestamp >= start &&
          datum.timestamp <= end;
        const previous = found.get(query.label);
        if (matches && (previous === undefined || datum.timestamp > previous))
          found.set(query.label, datum.timestamp);
      }
    }
    return found;
  }

  async describeAlarms(alarmNames: readonly string[]): Promise<LeaseAlarmStatus[]> {
    await this.#call("describeAlarms", [alarmNames]);
    return alarmNames.flatMap((name) => {
      const alarm = this.alarms.get(name);
      return alarm === undefined ? [] : [alarm];
    });
  }

  async putObject(object: StoredObject, subject?: CallSubject): Promise<void> {
    await this.#call("putObject", [object, subject]);
    this.objects.set(`${object.bucket}/${object.key}`, object);
  }

  async listObjectKeys(bucket: string, prefix: string, subject?: CallSubject): Promise<string[]> {
    await this.#call("listObjectKeys", [bucket, prefix, subject]);
    return [...this.objects.values()]
      .filter((object) => object.bucket === bucket && object.key.startsWith(prefix))
      .map((object) => object.key);
  }

  async deleteObject(bucket: string, key: string, subject?: CallSubject): Promise<void> {
    await this.#call("deleteObject", [bucket, key, subject]);
    this.objects.delete(`${bucket}/${key}`);
  }
}

function notFound(operation: string, stack: string): AwsError {
  return new AwsError(
    AWS_ERROR_CODES.notFound,
    { operation, stack },
    { awsCode: "ValidationError", message: `Stack with id ${stack} does not exist` },
  );
}

/** The fake account: regions made on first use, one call log, hooks by method. */
export class FakeCloud implements AnnexCloud {
  readonly calls: FakeCall[] = [];
  readonly hooks = new Map<
    CloudMethod,
    (region: FakeRegion, args: readonly unknown[]) => void | Promise<void>
  >();
  readonly #regions = new Map<string, FakeRegion>();

  constructor(readonly defaultRegion = "us-east-1") {}

  inRegion(region: string): FakeRegion {
    let found = this.#regions.get(region);
    if (found === undefined) {
      found = new FakeRegion(region, this);
      this.#regions.set(region, found);
    }
    return found;
  }

  /** The default region. */
  get home(): FakeRegion {
    return this.inRegion(this.defaultRegion);
  }

  /** Runs `hook` before every call of `method` (replacing an earlier hook). */
  before(
    method: CloudMethod,
    hook: (region: FakeRegion, args: readonly unknown[]) => void | Promise<void>,
  ): void {
    this.hooks.set(method, hook);
  }

  /** The argument lists of every call of `method`, in order. */
  argsOf(method: CloudMethod): (readonly unknown[])[] {
    return this.calls.filter((call) => call.method === method).map((call) => call.args);
  }
}

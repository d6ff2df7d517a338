import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_DEMAND_SETTINGS, DemandController } from "../../../src/annex/demand/controller.js";
import { OtherPoolError } from "../../../src/annex/errors.js";
import type { AnnexOperations } from "../../../src/annex/operations.js";
import type { AnnexDefaults, AnnexRequest, AnnexStatus, LeaseHeartbeat } from "../../../src/annex/types.js";
import type { ClassAd } from "../../../src/classad/classad.js";
import { parseClassAd } from "../../../src/classad/parse.js";
import { FakeCloud } from "../fake-cloud.js";
import { TEST_DEFAULTS } from "../support.js";

const DEFAULTS: AnnexDefaults = { ...TEST_DEFAULTS, collectorHost: "cm.example.org" };

let cloud: FakeCloud;

function ad(text: string): ClassAd {
  const parsed = parseClassAd(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

function jobs(count: number, request: string): ClassAd[] {
  return Array.from({ length: count }, (_, i) =>
    ad(
      `[ ClusterId = 1; ProcId = ${i}; JobStatus = 1; RequestCpus = 1; RequestMemory = 1024; Requirements = true; AnnexRequest = ${request} ]`,
    ),
  );
}

/** A stand-in for AnnexOperations that records what demand asks of it. */
class FakeOperations {
  readonly context = { cloud };
  statuses: AnnexStatus[] = [];
  readonly created: AnnexRequest[] = [];
  readonly resized: Array<[string, number]> = [];
  readonly heartbeats: LeaseHeartbeat[][] = [];
  createError: Error | undefined;

  async status(): Promise<AnnexStatus[]> {
    return this.statuses;
  }
  async create(request: AnnexRequest) {
    if (this.createError) throw this.createError;
    this.created.push(request);
    return { stackStatus: "CREATE_IN_PROGRESS", outcome: "created", desiredCapacity: request.count };
  }
  async resize(name: string, count: number) {
    this.resized.push([name, count]);
    return { name, groupName: name, desiredCapacity: count };
  }
  async heartbeat(beats: readonly LeaseHeartbeat[]) {
    this.heartbeats.push([...beats]);
    return { annexes: beats.length, putMetricDataCalls: Math.ceil(beats.length / 1000) };
  }
}

function existingStatus(
  name: string,
  request: AnnexRequest,
  desired: number,
  instances: number,
): AnnexStatus {
  return {
    record: {
      name,
      stackName: `HTCondorAnnex-${name}`,
      stackId: "id",
      stackStatus: "CREATE_COMPLETE",
      region: "us-east-1",
      pool: "cm.example.org",
      owner: "alice",
      deadline: undefined,
      requestDigest: undefined,
      request,
      createdAt: undefined,
      outputs: {},
    },
    group: {
      groupName: `HTCondorAnnex-${name}`,
      desiredCapacity: desired,
      minSize: 0,
      maxSize: request.maxInstances,
      instanceTypes: request.instanceTypes,
      onDemandBase: 0,
      onDemandPercentageAboveBase: 0,
      instances: Array.from({ length: instances }, (_, i) => ({
        instanceId: `i-${i}`,
        instanceType: request.instanceTypes[0],
        availabilityZone: "us-east-1a",
        lifecycleState: "InService",
        healthStatus: "Healthy",
      })),
    },
    alarm: undefined,
    lastHeartbeat: undefined,
  };
}

const TWO_TYPES = '[ Name = "two"; InstanceTypes = { "c6i.2xlarge", "c5.xlarge" }; MaxInstances = 10 ]';

describe("DemandController", () => {
  let now = 1_800_000_000_000;
  let fake: FakeOperations;
  let controller: DemandController;

  beforeEach(() => {
    cloud = new FakeCloud("us-east-1");
    for (const info of [
      { name: "c6i.2xlarge", cpus: 8, memoryMiB: 16_384, gpus: 0, arch: "X86_64" },
      { name: "c5.xlarge", cpus: 4, memoryMiB: 8_192, gpus: 0, arch: "X86_64" },
      { name: "m6i.large", cpus: 2, memoryMiB: 8_192, gpus: 0, arch: "X86_64" },
    ]) {
      cloud.home.instanceTypes.set(info.name, info);
    }
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    fake = new FakeOperations();
    controller = new DemandController({
      ops: fake as unknown as AnnexOperations,
      defaults: DEFAULTS,
      settings: {
        ...DEFAULT_DEMAND_SETTINGS,
        ramp: { attenuation: 1, minStep: 1 },
        heartbeatIntervalMs: 60_000,
      },
      now: () => now,
    });
  });
  afterEach(() => {
    controller.close();
    vi.useRealTimers();
  });

  it("creates a missing annex at the packed size and heartbeats it when the snapshot is fresh", async () => {
    const result = await controller.snapshot({
      jobs: jobs(5, '[ Name = "chem"; InstanceTypes = { "m6i.large" } ]'),
      snapshotTime: now / 1000,
      dryRun: false,
    });
    expect(result.fresh).toBe(true);
    expect(fake.created.map((r) => [r.name, r.count])).toEqual([["chem", 3]]);
    expect(fake.heartbeats).toEqual([[{ annexName: "chem", value: 5 }]]);
    expect(result.heartbeatCalls).toBe(1);
    expect(result.annexes[0]).toMatchObject({ action: "create", heartbeatSent: true, desiredCapacity: 3 });
    expect(controller.heartbeating).toBe(true);
  });

  it("a dry run computes and reports but creates and heartbeats nothing", async () => {
    const result = await controller.snapshot({
      jobs: jobs(5, '[ Name = "chem" ]'),
      snapshotTime: now / 1000,
      dryRun: true,
    });
    expect(result.annexes[0]?.action).toBe("create");
    expect(fake.created).toEqual([]);
    expect(fake.heartbeats).toEqual([]);
  });

  it("sends no heartbeat for a stale snapshot, and stops the timer", async () => {
    await controller.snapshot({
      jobs: jobs(1, '[ Name = "chem" ]'),
      snapshotTime: now / 1000,
      dryRun: false,
    });
    expect(controller.heartbeating).toBe(true);
    const stale = await controller.snapshot({
      jobs: jobs(1, '[ Name = "chem" ]'),
      snapshotTime: now / 1000 - 301,
      dryRun: false,
    });
    expect(stale.fresh).toBe(false);
    expect(stale.annexes[0]?.heartbeatSent).toBe(false);
    expect(fake.heartbeats).toHaveLength(1);
    expect(controller.heartbeating).toBe(false);
  });

  it("re-sends heartbeats every interval while the snapshot is fresh, then stops", async () => {
    await controller.snapshot({
      jobs: jobs(2, '[ Name = "chem" ]'),
      snapshotTime: now / 1000,
      dryRun: false,
    });
    expect(fake.heartbeats).toHaveLength(1);
    now += 60_000;
    await vi.advanceTimersByTimeAsync(60_000);
    now += 60_000;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fake.heartbeats).toHaveLength(3);
    expect(fake.heartbeats[2]).toEqual([{ annexName: "chem", value: 2 }]);
    now += 200_000; // 320 s after the snapshot: stale
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fake.heartbeats).toHaveLength(3);
    expect(controller.heartbeating).toBe(false);
  });

  it("stops heartbeating when a snapshot has no demand", async () => {
    await controller.snapshot({
      jobs: jobs(2, '[ Name = "chem" ]'),
      snapshotTime: now / 1000,
      dryRun: false,
    });
    const empty = await controller.snapshot({ jobs: [], snapshotTime: now / 1000, dryRun: false });
    expect(empty.annexes).toEqual([]);
    expect(controller.heartbeating).toBe(false);
  });

  it("grows an existing annex with one resize, never shrinks it", async () => {
    const request = { ...(await requestOf(TWO_TYPES)) };
    fake.statuses = [existingStatus("two", request, 1, 1)];
    const grown = await controller.snapshot({
      jobs: jobs(16, TWO_TYPES),
      snapshotTime: now / 1000,
      dryRun: false,
    });
    expect(grown.annexes[0]).toMatchObject({ action: "resize", currentCapacity: 1, desiredCapacity: 2 });
    expect(fake.resized).toEqual([["two", 2]]);
    const fewer = await controller.snapshot({
      jobs: jobs(1, TWO_TYPES),
      snapshotTime: now / 1000,
      dryRun: false,
    });
    expect(fewer.annexes[0]).toMatchObject({ action: "none", desiredCapacity: 2 });
    expect(fake.resized).toHaveLength(1);
  });

  it("blocks a type whose launches failed for lack of capacity and packs onto the next type", async () => {
    const request = await requestOf(TWO_TYPES);
    fake.statuses = [existingStatus("two", request, 2, 0)];
    cloud.home.activities.set("HTCondorAnnex-two", [
      {
        startTime: new Date(now - 30_000),
        statusCode: "Failed",
        message:
          "We currently do not have sufficient c6i.2xlarge capacity in the Availability Zone you requested (us-east-1a). desired capacity changed",
      },
    ]);
    const result = await controller.snapshot({
      jobs: jobs(8, TWO_TYPES),
      snapshotTime: now / 1000,
      dryRun: false,
    });
    expect(result.annexes[0]?.blockedTypes).toEqual(["c6i.2xlarge"]);
    expect([...(result.annexes[0]?.instancesByType ?? [])]).toEqual([["c5.xlarge", 2]]);
  });

  it("reports another pool's annex name as a conflict instead of failing the snapshot", async () => {
    fake.createError = new OtherPoolError(
      "chem",
      "HTCondorAnnex-chem",
      "other.example.org",
      "cm.example.org",
    );
    const result = await controller.snapshot({
      jobs: jobs(1, '[ Name = "chem" ]'),
      snapshotTime: now / 1000,
      dryRun: false,
    });
    expect(result.annexes[0]).toMatchObject({ action: "conflict", actionErrorCode: "E_OTHER_POOL" });
    expect(result.annexes[0]?.actionError).toMatch(/other\.example\.org/);
  });
});

async function requestOf(text: string): Promise<AnnexRequest> {
  const { annexRequestFromClassAd } = await import("../../../src/annex/classad-request.js");
  const validation = annexRequestFromClassAd(ad(text), DEFAULTS);
  if (!validation.ok) throw new Error(JSON.stringify(validation.issues));
  return validation.request;
}

import { describe, expect, it } from "vitest";
import { annexRequestFromClassAd } from "../../../src/annex/classad-request.js";
import {
  computeDemand,
  type DemandInputs,
  type ExistingAnnex,
  groupJobsByAnnex,
  type RequestResolver,
} from "../../../src/annex/demand/compute.js";
import type { InstanceTypeInfo } from "../../../src/annex/demand/types.js";
import type { AnnexDefaults, AnnexRequest } from "../../../src/annex/types.js";
import type { ClassAd } from "../../../src/classad/classad.js";
import { parseClassAd } from "../../../src/classad/parse.js";
import { TEST_DEFAULTS } from "../support.js";

const DEFAULTS: AnnexDefaults = {
  ...TEST_DEFAULTS,
  instanceTypes: ["c6i.2xlarge"],
  collectorHost: "cm.example.org",
};

const TYPES: Record<string, InstanceTypeInfo> = {
  "c6i.2xlarge": { name: "c6i.2xlarge", cpus: 8, memoryMiB: 16_384, gpus: 0, arch: "X86_64" },
  "c5.xlarge": { name: "c5.xlarge", cpus: 4, memoryMiB: 8_192, gpus: 0, arch: "X86_64" },
  "g5.xlarge": { name: "g5.xlarge", cpus: 4, memoryMiB: 16_384, gpus: 1, arch: "X86_64" },
  "m7g.large": { name: "m7g.large", cpus: 2, memoryMiB: 8_192, gpus: 0, arch: "aarch64" },
};

const resolve: RequestResolver = (ad) => annexRequestFromClassAd(ad, DEFAULTS);

function inputs(blocked: string[] = [], attenuation = 1): DemandInputs {
  return {
    instanceType: (_region, type) => TYPES[type],
    isBlocked: (_region, type) => blocked.includes(type),
    ramp: { attenuation, minStep: 1 },
  };
}

function ad(text: string): ClassAd {
  const parsed = parseClassAd(text);
  if (!parsed.ok) throw new Error(`${parsed.error.message} in ${text}`);
  return parsed.value;
}

/** A job ad: idle by default, asking for one CPU and 1 GiB, with the given AnnexRequest. */
function job(id: string, request: string, extra: Record<string, string> = {}): ClassAd {
  const [cluster, proc] = id.split(".");
  const attributes: Record<string, string> = {
    ClusterId: cluster ?? "1",
    ProcId: proc ?? "0",
    JobStatus: "1",
    Owner: '"alice"',
    RequestCpus: "1",
    RequestMemory: "1024",
    Requirements: 'TARGET.OpSys == "LINUX" && TARGET.Arch == "X86_64"',
    AnnexRequest: request,
    ...extra,
  };
  return ad(
    `[ ${Object.entries(attributes)
      .map(([k, v]) => `${k} = ${v}`)
      .join("; ")} ]`,
  );
}

const CHEM = '[ Name = "chem"; InstanceTypes = { "c6i.2xlarge" }; MaxInstances = 20 ]';

function existing(request: AnnexRequest | undefined, overrides: Partial<ExistingAnnex> = {}): ExistingAnnex {
  return {
    name: request?.name ?? "chem",
    region: "us-east-1",
    stackStatus: "CREATE_COMPLETE",
    request,
    desiredCapacity: 1,
    ...overrides,
  };
}

function requestOf(text: string): AnnexRequest {
  const validation = resolve(ad(text));
  if (!validation.ok) throw new Error(JSON.stringify(validation.issues));
  return validation.request;
}

describe("grouping jobs by AnnexRequest.Name", () => {
  it("reads the nested ad's own Name, never the job ad's attribute of the same name", () => {
    const jobs = [
      job("1.0", CHEM, { Name: '"job-name"' }),
      // A request without its own Name must not borrow the job's Name through scope fallback.
      job("2.0", "[ MaxInstances = 3 ]", { Name: '"chem"' }),
      job("3.0", "undefined"),
      ad('[ ClusterId = 4; ProcId = 0; JobStatus = 1; Name = "chem" ]'),
    ];
    const grouped = groupJobsByAnnex(jobs, resolve, new Map());
    expect([...grouped.groups.keys()]).toEqual(["chem"]);
    expect(grouped.groups.get("chem")?.candidates.map((c) => c.jobId)).toEqual(["1.0"]);
    expect(grouped.ignoredJobs).toBe(3);
    expect(grouped.jobCount).toBe(4);
  });

  it("counts idle jobs and jobs running on that annex, not jobs running elsewhere or held", () => {
    const jobs = [
      job("1.0", CHEM),
      job("1.1", CHEM, { JobStatus: "2", MachineAttrAnnexName0: '"chem"' }),
      job("1.2", CHEM, { JobStatus: "2", MachineAttrAnnexName0: '"other"' }),
      job("1.3", CHEM, { JobStatus: "2" }),
      job("1.4", CHEM, { JobStatus: "5" }),
    ];
    const group = groupJobsByAnnex(jobs, resolve, new Map()).groups.get("chem");
    expect(group?.candidates.map((c) => [c.jobId, c.state])).toEqual([
      ["1.0", "idle"],
      ["1.1", "running"],
    ]);
    expect(group?.otherJobs).toBe(3);
  });

  it("reports conflicting requests under one name against the majority, without merging them", () => {
    const other = '[ Name = "chem"; InstanceTypes = { "c5.xlarge" }; MaxInstances = 4 ]';
    const jobs = [job("1.0", CHEM), job("1.1", CHEM), job("2.0", other)];
    const group = groupJobsByAnnex(jobs, resolve, new Map()).groups.get("chem");
    expect(group?.reference?.instanceTypes).toEqual(["c6i.2xlarge"]);
    expect(group?.reference?.maxInstances).toBe(20);
    expect(group?.referenceSource).toBe("jobs");
    expect(group?.conflictingJobIds).toEqual(["2.0"]);
    expect(group?.conflict).toMatch(/InstanceTypes: \["c6i.2xlarge"\] vs \["c5.xlarge"\]/);
    expect(group?.conflict).toMatch(/MaxInstances: 20 vs 4/);
  });

  it("takes the existing annex's request as the reference when the annex exists", () => {
    const jobs = [job("1.0", CHEM), job("1.1", CHEM)];
    const stack = requestOf('[ Name = "chem"; InstanceTypes = { "c6i.2xlarge" }; MaxInstances = 5 ]');
    const group = groupJobsByAnnex(jobs, resolve, new Map([["chem", existing(stack)]])).groups.get("chem");
    expect(group?.referenceSource).toBe("existing");
    expect(group?.reference?.maxInstances).toBe(5);
    expect(group?.conflictingJobIds).toEqual(["1.0", "1.1"]);
  });

  it("reports jobs whose request is invalid, naming the attribute, and does not count them", () => {
    const jobs = [job("1.0", CHEM), job("2.0", '[ Name = "chem"; MaxInstance = 3 ]')];
    const group = groupJobsByAnnex(jobs, resolve, new Map()).groups.get("chem");
    expect(group?.candidates.map((c) => c.jobId)).toEqual(["1.0"]);
    expect(group?.invalidJobs).toHaveLength(1);
    expect(group?.invalidJobs[0]?.error).toMatch(/MaxInstance: unknown attribute/);
  });
});

describe("demand of an annex", () => {
  it("is zero when the queue is empty: no annex, no heartbeat", () => {
    const result = computeDemand([], resolve, new Map(), inputs());
    expect(result.annexes).toEqual([]);
  });

  it("packs matching idle jobs onto the instance type and asks to create the annex", () => {
    const jobs = Array.from({ length: 20 }, (_, i) => job(`1.${i}`, CHEM));
    const [chem] = computeDemand(jobs, resolve, new Map(), inputs()).annexes;
    expect(chem?.heartbeat).toBe(20);
    expect(chem?.matchedJobIds).toHaveLength(20);
    expect(chem?.targetInstances).toBe(3); // 8 one-core jobs per 8-core instance
    expect(chem?.instancesByType.get("c6i.2xlarge")).toBe(3);
    expect(chem?.desiredCapacity).toBe(3);
    expect(chem?.action).toBe("create");
  });

  it("real matchmaking: a job whose Requirements no instance type satisfies buys nothing", () => {
    const jobs = [
      job("1.0", CHEM, { Requirements: "TARGET.Gpus >= 1" }),
      job("1.1", CHEM, { Requirements: "TARGET.Memory >= 32000" }),
      job("1.2", CHEM, { Requirements: 'TARGET.Arch == "aarch64"' }),
      job("1.3", CHEM, {
        Requirements: 'TARGET.IsAnnex && TARGET.AnnexName == "chem" && TARGET.HasFileTransfer',
      }),
    ];
    const [chem] = computeDemand(jobs, resolve, new Map(), inputs()).annexes;
    expect(chem?.unmatchedJobIds).toEqual(["1.0", "1.1", "1.2"]);
    expect(chem?.matchedJobIds).toEqual(["1.3"]);
    expect(chem?.heartbeat).toBe(1);
    expect(chem?.targetInstances).toBe(1);
  });

  it("matches a GPU job to the GPU type of a mixed request and packs it there", () => {
    const mixed = '[ Name = "ml"; InstanceTypes = { "c5.xlarge", "g5.xlarge" } ]';
    const jobs = [
      job("1.0", mixed, { Requirements: "TARGET.Gpus >= 1", RequestGpus: "1" }),
      job("1.1", mixed),
    ];
    const [ml] = computeDemand(jobs, resolve, new Map(), inputs()).annexes;
    expect(ml?.matchedJobIds).toEqual(["1.0", "1.1"]);
    expect(ml?.instancesByType.get("g5.xlarge")).toBe(1);
    expect(ml?.targetInstances).toBe(1); // the CPU job fits beside the GPU job
  });

  it("the slot's START admits only this annex's jobs, and only its owners when Owner is set", () => {
    const owned = '[ Name = "lab"; InstanceTypes = { "c5.xlarge" }; Owner = "alice" ]';
    const jobs = [job("1.0", owned), job("2.0", owned, { Owner: '"mallory"' })];
    const [lab] = computeDemand(jobs, resolve, new Map(), inputs()).annexes;
    expect(lab?.matchedJobIds).toEqual(["1.0"]);
    expect(lab?.unmatchedJobIds).toEqual(["2.0"]);
  });

  it("evaluates RequestCpus and RequestMemory in the match context", () => {
    const jobs = [
      job("1.0", CHEM, { RequestCpus: "TARGET.Cpus" }), // a whole machine
      job("1.1", CHEM, { RequestCpus: "1", RequestMemory: "TARGET.Memory" }), // all its memory
      job("1.2", CHEM, { RequestCpus: "undefined", RequestMemory: "undefined", ImageSize: "2048" }),
    ];
    const [chem] = computeDemand(jobs, resolve, new Map(), inputs()).annexes;
    // 8 CPUs; 16 GiB; the third (1 CPU by default, 2 MiB from ImageSize) fits nowhere else but a third machine
    expect(chem?.targetInstances).toBe(3);
  });

  it("caps by MaxInstances", () => {
    const small = '[ Name = "small"; InstanceTypes = { "c5.xlarge" }; MaxInstances = 2 ]';
    const jobs = Array.from({ length: 40 }, (_, i) => job(`1.${i}`, small));
    const [annex] = computeDemand(jobs, resolve, new Map(), inputs()).annexes;
    expect(annex?.targetInstances).toBe(2);
    expect(annex?.desiredCapacity).toBe(2);
  });

  it("damps the ramp-up: a third of the gap per snapshot by default", () => {
    const jobs = Array.from({ length: 72 }, (_, i) => job(`1.${i}`, CHEM)); // 9 instances
    const [first] = computeDemand(jobs, resolve, new Map(), inputs([], 3)).annexes;
    expect(first?.targetInstances).toBe(9);
    expect(first?.desiredCapacity).toBe(3);
    const stack = requestOf(CHEM);
    const [second] = computeDemand(
      jobs,
      resolve,
      new Map([["chem", existing(stack, { desiredCapacity: 3 })]]),
      inputs([], 3),
    ).annexes;
    expect(second?.currentCapacity).toBe(3);
    expect(second?.desiredCapacity).toBe(5);
    expect(second?.action).toBe("resize");
  });

  it("never lowers capacity from one snapshot", () => {
    const stack = requestOf(CHEM);
    const [chem] = computeDemand(
      [job("1.0", CHEM)],
      resolve,
      new Map([["chem", existing(stack, { desiredCapacity: 6 })]]),
      inputs(),
    ).annexes;
    expect(chem?.targetInstances).toBe(1);
    expect(chem?.desiredCapacity).toBe(6);
    expect(chem?.action).toBe("none");
  });

  it("skips a blocked instance type and packs onto the next one", () => {
    const two = '[ Name = "two"; InstanceTypes = { "c6i.2xlarge", "c5.xlarge" } ]';
    const jobs = Array.from({ length: 8 }, (_, i) => job(`1.${i}`, two));
    const [open] = computeDemand(jobs, resolve, new Map(), inputs()).annexes;
    expect([...(open?.instancesByType ?? [])]).toEqual([["c6i.2xlarge", 1]]);
    const [blocked] = computeDemand(jobs, resolve, new Map(), inputs(["c6i.2xlarge"])).annexes;
    expect(blocked?.blockedTypes).toEqual(["c6i.2xlarge"]);
    expect([...(blocked?.instancesByType ?? [])]).toEqual([["c5.xlarge", 2]]);
  });

  it("buys nothing when every type is blocked, but still heartbeats for the matching jobs", () => {
    const jobs = [job("1.0", CHEM)];
    const [chem] = computeDemand(jobs, resolve, new Map(), inputs(["c6i.2xlarge"])).annexes;
    expect(chem?.unplaceableJobIds).toEqual(["1.0"]);
    expect(chem?.targetInstances).toBe(0);
    expect(chem?.action).toBe("none");
    expect(chem?.heartbeat).toBe(1);
  });

  it("counts jobs running on the annex for the heartbeat and for the capacity they occupy", () => {
    const stack = requestOf(CHEM);
    const jobs = [
      job("1.0", CHEM, { JobStatus: "2", MachineAttrAnnexName0: '"chem"', RequestCpus: "8" }),
      job("1.1", CHEM, { RequestCpus: "8" }),
    ];
    const [chem] = computeDemand(jobs, resolve, new Map([["chem", existing(stack)]]), inputs()).annexes;
    expect(chem?.runningJobs).toBe(1);
    expect(chem?.idleJobs).toBe(1);
    expect(chem?.heartbeat).toBe(2);
    expect(chem?.targetInstances).toBe(2);
    expect(chem?.action).toBe("resize");
  });

  it("waits while the stack is busy instead of resizing it", () => {
    const stack = requestOf(CHEM);
    const jobs = Array.from({ length: 24 }, (_, i) => job(`1.${i}`, CHEM));
    const [chem] = computeDemand(
      jobs,
      resolve,
      new Map([["chem", existing(stack, { stackStatus: "CREATE_IN_PROGRESS" })]]),
      inputs(),
    ).annexes;
    expect(chem?.action).toBe("wait");
  });

  it("reports requested types EC2 has no data for, and cannot match jobs to them", () => {
    const typo = '[ Name = "typo"; InstanceTypes = { "c6i.2xlargee" } ]';
    const [annex] = computeDemand([job("1.0", typo)], resolve, new Map(), inputs()).annexes;
    expect(annex?.unknownTypes).toEqual(["c6i.2xlargee"]);
    expect(annex?.unmatchedJobIds).toEqual(["1.0"]);
    expect(annex?.action).toBe("none");
  });
});

/** The Requirements condor_submit 25.14.1 writes for a plain vanilla job (from a real schedd). */
const CONDOR_SUBMIT_REQUIREMENTS =
  '(TARGET.Arch == "X86_64") && (TARGET.OpSys == "LINUX") && (versionGE(split(TARGET.CondorVersion)[1],"25.12.0") || (TARGET.Disk >= RequestDisk)) && (TARGET.Memory >= RequestMemory) && ((TARGET.FileSystemDomain == MY.FileSystemDomain) || (TARGET.HasFileTransfer))';

describe("demand over shapes of identical jobs", () => {
  it("counts a shape of n jobs as n jobs: heartbeat, packing and reports", () => {
    const singles = Array.from({ length: 150 }, (_, i) => job(`1.${i}`, CHEM));
    const shape = { ad: job("1.0", CHEM), count: 150, jobIds: singles.map((_, i) => `1.${i}`).slice(0, 100) };
    const [bySingles] = computeDemand(singles, resolve, new Map(), inputs()).annexes;
    const [byShape] = computeDemand([shape], resolve, new Map(), inputs()).annexes;
    expect(byShape?.heartbeat).toBe(150);
    expect(byShape?.matchedJobs).toBe(150);
    expect(byShape?.targetInstances).toBe(bySingles?.targetInstances);
    expect(byShape?.desiredCapacity).toBe(bySingles?.desiredCapacity);
    expect(bySingles?.matchedJobs).toBe(150);
    // Reports list at most 100 ids; the counts stay complete.
    expect(bySingles?.matchedJobIds).toHaveLength(100);
    expect(byShape?.matchedJobIds).toEqual(shape.jobIds);
  });

  it("weighs the reference request by job counts, not by entries", () => {
    const other = '[ Name = "chem"; InstanceTypes = { "c5.xlarge" }; MaxInstances = 4 ]';
    const grouped = groupJobsByAnnex(
      [
        { ad: job("1.0", CHEM), count: 1, jobIds: ["1.0"] },
        { ad: job("2.0", other), count: 30, jobIds: ["2.0"] },
        { ad: job("3.0", CHEM), count: 1, jobIds: ["3.0"] },
      ],
      resolve,
      new Map(),
    );
    const group = grouped.groups.get("chem");
    expect(group?.reference?.maxInstances).toBe(4);
    expect(group?.conflictingJobs).toBe(2);
    expect(grouped.jobCount).toBe(32);
  });

  it("matches the Requirements condor_submit ≥ 25.12 writes: the slot ad carries CondorVersion", () => {
    const real = job("1.0", CHEM, {
      Requirements: CONDOR_SUBMIT_REQUIREMENTS,
      RequestDisk: "MAX({ 1024,(TransferInputSizeMB + 1) * 1.25 }) * 1024",
      TransferInputSizeMB: "0",
      FileSystemDomain: '"ap.example.org"',
    });
    const [chem] = computeDemand([real], resolve, new Map(), inputs()).annexes;
    expect(chem?.matchedJobs).toBe(1);
    expect(chem?.unmatchedJobs).toBe(0);
  });
});

describe("verdicts on the jobs", () => {
  it("says which clause of the Requirements no instance type satisfies", () => {
    const result = computeDemand(
      [
        {
          ad: job("1.0", CHEM, { Requirements: 'TARGET.OpSys == "LINUX" && TARGET.Gpus >= 1' }),
          count: 5,
          jobIds: ["1.0"],
        },
        { ad: job("2.0", CHEM), count: 3, jobIds: ["2.0"] },
      ],
      resolve,
      new Map(),
      inputs(),
    );
    const [chem] = result.annexes;
    expect(chem?.verdicts).toEqual([
      {
        index: 0,
        annex: "chem",
        status: "Unmatched",
        reason:
          "no instance type of annex chem (c6i.2xlarge) matches the job: its Requirements clause TARGET.Gpus >= 1 holds on none of them",
      },
      {
        index: 1,
        annex: "chem",
        status: "Matched",
        reason:
          "annex chem (c6i.2xlarge, up to 20 instance(s)) will run it; condor-annex status chem shows its instances",
      },
    ]);
  });

  it("blames START for a job of another owner", () => {
    const owned = '[ Name = "lab"; InstanceTypes = { "c5.xlarge" }; Owner = "alice" ]';
    const [lab] = computeDemand(
      [job("2.0", owned, { Owner: '"mallory"' })],
      resolve,
      new Map(),
      inputs(),
    ).annexes;
    expect(lab?.verdicts[0]?.status).toBe("Unmatched");
    expect(lab?.verdicts[0]?.reason).toMatch(/START does not admit the job/);
  });

  it("marks jobs too big for every type, conflicting jobs and invalid requests", () => {
    const other = '[ Name = "chem"; InstanceTypes = { "c6i.2xlarge" }; MaxInstances = 4 ]';
    const grouped = groupJobsByAnnex(
      [
        job("1.0", CHEM, { RequestCpus: "64" }),
        job("2.0", '[ Name = "chem"; MaxInstance = 3 ]'),
        job("3.0", CHEM),
        job("3.1", CHEM),
        job("4.0", other),
      ],
      resolve,
      new Map(),
    );
    expect(grouped.verdicts).toEqual([
      {
        index: 1,
        annex: "chem",
        status: "Invalid",
        reason: expect.stringMatching(/^AnnexRequest MaxInstance: unknown attribute/),
      },
    ]);
    const demand = computeDemand(
      [job("1.0", CHEM, { RequestCpus: "64" }), job("3.0", CHEM), job("3.1", CHEM), job("4.0", other)],
      resolve,
      new Map(),
      inputs(),
    ).annexes[0];
    expect(demand?.verdicts.map((v) => [v.index, v.status])).toEqual([
      [0, "Unplaceable"],
      [1, "Matched"],
      [2, "Matched"],
      [3, "Conflicting"],
    ]);
    expect(demand?.verdicts.find((v) => v.status === "Unplaceable")?.reason).toMatch(/asks for 64 CPU\(s\)/);
  });
});

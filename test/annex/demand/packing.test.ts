import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { packJobs } from "../../../src/annex/demand/packing.js";
import type { InstanceTypeInfo, JobNeed } from "../../../src/annex/demand/types.js";

const c8: InstanceTypeInfo = { name: "c6i.2xlarge", cpus: 8, memoryMiB: 16_384, gpus: 0, arch: "X86_64" };
const c4: InstanceTypeInfo = { name: "c5.xlarge", cpus: 4, memoryMiB: 8_192, gpus: 0, arch: "X86_64" };
const g1: InstanceTypeInfo = { name: "g5.xlarge", cpus: 4, memoryMiB: 16_384, gpus: 1, arch: "X86_64" };

function job(id: string, cpus: number, memoryMiB: number, fits: string[], gpus = 0): JobNeed {
  return { jobId: id, cpus, memoryMiB, gpus, fits };
}

describe("packJobs", () => {
  it("needs no instance for no jobs", () => {
    expect(packJobs([], [c8]).instances).toBe(0);
  });

  it("puts eight one-core jobs on one eight-core instance", () => {
    const jobs = Array.from({ length: 8 }, (_, i) => job(`1.${i}`, 1, 1024, [c8.name]));
    const result = packJobs(jobs, [c8]);
    expect(result.instances).toBe(1);
    expect(result.byType.get(c8.name)).toBe(1);
  });

  it("opens a second instance when the first is full on CPUs", () => {
    const jobs = Array.from({ length: 9 }, (_, i) => job(`1.${i}`, 1, 1024, [c8.name]));
    expect(packJobs(jobs, [c8]).instances).toBe(2);
  });

  it("is limited by memory when memory runs out first", () => {
    const jobs = Array.from({ length: 4 }, (_, i) => job(`1.${i}`, 1, 6_000, [c8.name]));
    expect(packJobs(jobs, [c8]).instances).toBe(2);
  });

  it("uses the first type in preference order that the job matches and that can hold it", () => {
    const big = job("1.0", 6, 1024, [c4.name, c8.name]);
    const result = packJobs([big], [c4, c8]);
    expect(result.byType.get(c8.name)).toBe(1);
    expect(result.byType.has(c4.name)).toBe(false);
  });

  it("never places a job on a type it did not match, even with room", () => {
    const jobs = [job("1.0", 1, 512, [c8.name]), job("2.0", 1, 512, [c4.name])];
    const result = packJobs(jobs, [c8, c4]);
    expect(result.instances).toBe(2);
  });

  it("reports jobs that fit no available type and buys nothing for them", () => {
    const huge = job("3.0", 64, 1024, [c8.name]);
    const unmatched = job("4.0", 1, 1024, []);
    const result = packJobs([huge, unmatched], [c8]);
    expect(result.instances).toBe(0);
    expect(result.unplaceable.map((u) => u.job.jobId).sort()).toEqual(["3.0", "4.0"]);
  });

  it("skips types missing from the usable list (e.g. blocked after a capacity error)", () => {
    const result = packJobs([job("1.0", 2, 1024, [c4.name, c8.name])], [c8]);
    expect(result.byType.get(c8.name)).toBe(1);
  });

  it("places GPU jobs first so they get the GPU instances", () => {
    const jobs = [job("1.0", 1, 1024, [g1.name, c8.name]), job("2.0", 2, 4096, [g1.name], 1)];
    const result = packJobs(jobs, [g1, c8]);
    expect(result.instances).toBe(1);
    expect(result.byType.get(g1.name)).toBe(1);
  });

  it("does not depend on the order of the input jobs", () => {
    const jobs = [
      job("1.0", 3, 1024, [c4.name]),
      job("1.1", 2, 1024, [c4.name]),
      job("1.2", 2, 1024, [c4.name]),
    ];
    const forward = packJobs(jobs, [c4]).instances;
    const backward = packJobs([...jobs].reverse(), [c4]).instances;
    expect(forward).toBe(backward);
    expect(forward).toBe(2);
  });
});

describe("packJobs with shapes of identical jobs", () => {
  const types = [c8, c4, g1];
  const shape = fc.record({
    cpus: fc.integer({ min: 0, max: 9 }),
    memoryMiB: fc.integer({ min: 0, max: 20_000 }),
    gpus: fc.integer({ min: 0, max: 2 }),
    fits: fc.subarray(types.map((t) => t.name)),
    count: fc.integer({ min: 1, max: 40 }),
  });

  it("packs count identical jobs exactly as that many single jobs", () => {
    fc.assert(
      fc.property(fc.array(shape, { maxLength: 6 }), fc.subarray(types), (shapes, usable) => {
        const asShapes = shapes.map((s, i) => ({ ...s, jobId: `${i + 1}.0` }));
        const asSingles = shapes.flatMap((s, i) =>
          Array.from({ length: s.count }, (_, p) => ({
            ...s,
            count: 1,
            jobId: `${i + 1}.${String(p).padStart(3, "0")}`,
          })),
        );
        const bulk = packJobs(asShapes, usable);
        const single = packJobs(asSingles, usable);
        expect(bulk.instances).toBe(single.instances);
        expect([...bulk.byType].sort()).toEqual([...single.byType].sort());
        expect(bulk.unplaceable.reduce((n, u) => n + u.count, 0)).toBe(single.unplaceable.length);
      }),
      { numRuns: 300 },
    );
  });

  it("places 100,000 jobs of a few shapes without a bin per job of work", () => {
    const jobs = [
      { jobId: "1.0", cpus: 1, memoryMiB: 1024, gpus: 0, fits: [c8.name], count: 60_000 },
      { jobId: "2.0", cpus: 2, memoryMiB: 2048, gpus: 0, fits: [c8.name, c4.name], count: 40_000 },
    ];
    const result = packJobs(jobs, [c8, c4]);
    // 40,000 two-core jobs fill 10,000 eight-core instances; 60,000 one-core jobs 7,500 more.
    expect(result.instances).toBe(17_500);
    expect(result.beyondLimit).toBe(0);
  });

  it("opens no more instances than the limit and counts the jobs left over", () => {
    const result = packJobs(
      [{ jobId: "1.0", cpus: 4, memoryMiB: 1, gpus: 0, fits: [c8.name], count: 9 }],
      [c8],
      3,
    );
    expect(result.instances).toBe(3);
    expect(result.beyondLimit).toBe(3);
    expect(result.unplaceable).toEqual([]);
  });

  it("puts jobs that ask for nothing on one instance", () => {
    const result = packJobs(
      [{ jobId: "1.0", cpus: 0, memoryMiB: 0, gpus: 0, fits: [c4.name], count: 1000 }],
      [c4],
    );
    expect(result.instances).toBe(1);
  });
});

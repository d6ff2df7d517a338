import type { InstanceTypeInfo, JobNeed } from "./types.js";

/** How many instances the jobs need, and of which types. */
export interface PackingResult {
  /** Instances needed in all. */
  readonly instances: number;
  /** Instances per type name (only types that were used). */
  readonly byType: ReadonlyMap<string, number>;
  /** Jobs that fit no usable instance type (they buy nothing). */
  readonly unplaceable: readonly JobNeed[];
}

interface Bin {
  readonly type: InstanceTypeInfo;
  cpus: number;
  memoryMiB: number;
  gpus: number;
}

function fitsIn(job: JobNeed, cpus: number, memoryMiB: number, gpus: number): boolean {
  return job.cpus <= cpus && job.memoryMiB <= memoryMiB && job.gpus <= gpus;
}

/**
 * Packs jobs onto instances, first-fit decreasing over (GPUs, CPUs, memory).
 *
 * A job goes into the first open instance that has room and whose type the job matches; else it
 * opens a new instance of the first type, in the request's order of preference, that it matches
 * and that can hold it. Types absent from `types` (unknown, or blocked after a capacity error)
 * are not used. The AutoScaling group may launch any of the request's types, so the count is
 * exact only for the preferred types; it never assumes a job fits a type it did not match.
 */
export function packJobs(jobs: readonly JobNeed[], types: readonly InstanceTypeInfo[]): PackingResult {
  const typeByName = new Map(types.map((type) => [type.name, type]));
  const ordered = [...jobs].sort(
    (a, b) => b.gpus - a.gpus || b.cpus - a.cpus || b.memoryMiB - a.memoryMiB || (a.jobId < b.jobId ? -1 : 1),
  );
  const bins: Bin[] = [];
  const unplaceable: JobNeed[] = [];
  for (const job of ordered) {
    const fitting = new Set(job.fits);
    const open = bins.find(
      (bin) => fitting.has(bin.type.name) && fitsIn(job, bin.cpus, bin.memoryMiB, bin.gpus),
    );
    if (open) {
      open.cpus -= job.cpus;
      open.memoryMiB -= job.memoryMiB;
      open.gpus -= job.gpus;
      continue;
    }
    const newType = job.fits
      .map((name) => typeByName.get(name))
      .find((type) => type !== undefined && fitsIn(job, type.cpus, type.memoryMiB, type.gpus));
    if (!newType) {
      unplaceable.push(job);
      continue;
    }
    bins.push({
      type: newType,
      cpus: newType.cpus - job.cpus,
      memoryMiB: newType.memoryMiB - job.memoryMiB,
      gpus: newType.gpus - job.gpus,
    });
  }
  const byType = new Map<string, number>();
  for (const bin of bins) byType.set(bin.type.name, (byType.get(bin.type.name) ?? 0) + 1);
  return { instances: bins.length, byType, unplaceable };
}

/**
 * Types of the demand computation: what one instance type offers and what one job needs.
 * Memory is in MiB and disk in KiB, the units HTCondor uses in machine and job ads.
 */

/** The shape of one EC2 instance type, as DescribeInstanceTypes reports it. */
export interface InstanceTypeInfo {
  /** e.g. `c6i.2xlarge`. */
  readonly name: string;
  readonly cpus: number;
  readonly memoryMiB: number;
  readonly gpus: number;
  /** HTCondor's spelling: `X86_64` or `aarch64`. */
  readonly arch: string;
  /** Local instance storage in KiB, when the type has any (else the root volume is assumed). */
  readonly diskKiB?: number;
}

/**
 * What one job — or `count` identical jobs — asks of a slot, after evaluating its Request*
 * attributes against the slot.
 */
export interface JobNeed {
  /** `ClusterId.ProcId` (of the first job, for a shape), for reports. */
  readonly jobId: string;
  /** How many identical jobs this stands for (default 1). */
  readonly count?: number;
  readonly cpus: number;
  readonly memoryMiB: number;
  readonly gpus: number;
  /**
   * Instance types, in the request's order of preference, whose slot ad this job matches
   * (real matchmaking, done by the caller).
   */
  readonly fits: readonly string[];
}

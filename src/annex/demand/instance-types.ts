import type { InstanceTypeInfo as Ec2InstanceTypeInfo } from "@aws-sdk/client-ec2";
import { type AwsClients, awsCall } from "../../aws/index.js";
import type { InstanceTypeInfo } from "./types.js";

/**
 * Instance data for demand (CPUs, memory, GPUs, architecture, local disk) from EC2
 * `DescribeInstanceTypes`, cached per region and type (default an hour: the catalogue changes
 * rarely, and the cache keeps a snapshot's API cost flat however many jobs it holds). Types EC2
 * does not know are cached as unknown too, so a typo is not asked about on every snapshot.
 */

/** Default lifetime of a cached answer. */
export const INSTANCE_TYPE_CACHE_MS = 3_600_000;

/** Converts EC2's description to what demand needs (HTCondor units: MiB, KiB, `X86_64`). */
export function instanceTypeInfoFrom(description: Ec2InstanceTypeInfo): InstanceTypeInfo | undefined {
  const name = description.InstanceType;
  const cpus = description.VCpuInfo?.DefaultVCpus;
  const memoryMiB = description.MemoryInfo?.SizeInMiB;
  if (name === undefined || cpus === undefined || memoryMiB === undefined) return undefined;
  const gpus = (description.GpuInfo?.Gpus ?? []).reduce((sum, gpu) => sum + (gpu.Count ?? 0), 0);
  const architectures = description.ProcessorInfo?.SupportedArchitectures ?? [];
  const arch = architectures.includes("arm64") && !architectures.includes("x86_64") ? "aarch64" : "X86_64";
  const storageGB = description.InstanceStorageInfo?.TotalSizeInGB;
  return {
    name,
    cpus,
    memoryMiB,
    gpus,
    arch,
    ...(storageGB !== undefined && storageGB > 0 ? { diskKiB: storageGB * 1024 * 1024 } : {}),
  };
}

interface Cached {
  readonly info: InstanceTypeInfo | undefined;
  readonly at: number;
}

/** The cache in front of DescribeInstanceTypes. */
export class InstanceTypeCatalog {
  readonly #cache = new Map<string, Cached>();

  constructor(
    private readonly clients: AwsClients,
    private readonly ttlMs: number = INSTANCE_TYPE_CACHE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached answer for a type (undefined when unknown or not fetched yet). */
  get(region: string, type: string): InstanceTypeInfo | undefined {
    return this.#fresh(region, type)?.info;
  }

  #fresh(region: string, type: string): Cached | undefined {
    const cached = this.#cache.get(`${region}/${type}`);
    if (cached === undefined || this.now() - cached.at >= this.ttlMs) return undefined;
    return cached;
  }

  /**
   * Makes sure every type has a fresh answer: one DescribeInstanceTypes (paginated) per region
   * for the types not cached, filtered by name so unknown types are simply absent.
   */
  async load(region: string, types: Iterable<string>): Promise<void> {
    const missing = [...new Set(types)].filter((type) => this.#fresh(region, type) === undefined);
    if (missing.length === 0) return;
    const ec2 = await this.clients.forRegion(region).ec2();
    const { paginateDescribeInstanceTypes } = await import("@aws-sdk/client-ec2");
    const found = new Map<string, InstanceTypeInfo>();
    await awsCall({ operation: "EC2.DescribeInstanceTypes" }, async () => {
      const pages = paginateDescribeInstanceTypes(
        { client: ec2 },
        { Filters: [{ Name: "instance-type", Values: missing }] },
      );
      for await (const page of pages) {
        for (const description of page.InstanceTypes ?? []) {
          const info = instanceTypeInfoFrom(description);
          if (info !== undefined) found.set(info.name, info);
        }
      }
    });
    const at = this.now();
    for (const type of missing) this.#cache.set(`${region}/${type}`, { info: found.get(type), at });
  }
}

import type { AnnexCloud } from "../cloud.js";
import type { InstanceTypeInfo } from "./types.js";

/**
 * Instance data for demand (CPUs, memory, GPUs, architecture, local disk) from EC2
 * `DescribeInstanceTypes`, cached per region and type (default an hour: the catalogue changes
 * rarely, and the cache keeps a snapshot's API cost flat however many jobs it holds). Types EC2
 * does not know are cached as unknown too, so a typo is not asked about on every snapshot.
 */

/** Default lifetime of a cached answer. */
export const INSTANCE_TYPE_CACHE_MS = 3_600_000;

interface Cached {
  readonly info: InstanceTypeInfo | undefined;
  readonly at: number;
}

/** The cache in front of DescribeInstanceTypes. */
export class InstanceTypeCatalog {
  readonly #cache = new Map<string, Cached>();

  constructor(
    private readonly cloud: AnnexCloud,
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
    const found = new Map<string, InstanceTypeInfo>();
    for (const info of await this.cloud.inRegion(region).describeInstanceTypes(missing))
      found.set(info.name, info);
    const at = this.now();
    for (const type of missing) this.#cache.set(`${region}/${type}`, { info: found.get(type), at });
  }
}

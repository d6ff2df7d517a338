/**
 * Instance types that recently failed with an insufficient-capacity error, blocked for a while
 * (Karpenter blocks an offering for 3 minutes, ParallelCluster a compute resource for 10), so
 * packing stops counting on a type AWS cannot deliver and the other types take the jobs.
 */
export class OfferingBlocklist {
  private readonly until = new Map<string, number>();

  /**
   * @param ttlMs how long a failed offering stays blocked
   * @param now the clock (injected for tests)
   */
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Blocks `key` (an instance type, or `type:zone:capacityType`) from now for the TTL. */
  block(key: string): void {
    this.until.set(key, this.now() + this.ttlMs);
  }

  /** Whether `key` is still blocked; expired entries are forgotten. */
  isBlocked(key: string): boolean {
    const until = this.until.get(key);
    if (until === undefined) return false;
    if (until <= this.now()) {
      this.until.delete(key);
      return false;
    }
    return true;
  }

  /** The keys still blocked, for status reports. */
  blocked(): string[] {
    return [...this.until.keys()].filter((key) => this.isBlocked(key));
  }
}

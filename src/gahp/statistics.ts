/** The four counters `STATISTICS` reports, in wire order. */
export interface GahpStatisticsSnapshot {
  readonly requests: number;
  readonly distinctRequests: number;
  readonly requestsExceedingLimit: number;
  readonly expiredSignatures: number;
}

/**
 * Service-call counters behind `STATISTICS`, as in ec2_gahp: calls made to the cloud service,
 * how many were distinct, how many were throttled, and how many failed on an expired signature.
 * The code that calls AWS records into it; the server only reports it.
 */
export class GahpStatistics {
  private requests = 0;
  private readonly distinct = new Set<string>();
  private exceedingLimit = 0;
  private expiredSignatures = 0;

  /** Counts one service request; `key` identifies it (e.g. `cloudformation:DescribeStacks:name`). */
  recordRequest(key: string): void {
    this.requests++;
    // Bounded so a long-lived helper does not grow without limit; past the bound the distinct
    // count stops increasing, which is visible as a plateau rather than a leak.
    if (this.distinct.size < 100_000) this.distinct.add(key);
  }

  /** Counts a request refused for exceeding the service's rate limit. */
  recordLimitExceeded(): void {
    this.exceedingLimit++;
  }

  /** Counts a request refused because its signature had expired (clock skew). */
  recordExpiredSignature(): void {
    this.expiredSignatures++;
  }

  snapshot(): GahpStatisticsSnapshot {
    return {
      requests: this.requests,
      distinctRequests: this.distinct.size,
      requestsExceedingLimit: this.exceedingLimit,
      expiredSignatures: this.expiredSignatures,
    };
  }
}

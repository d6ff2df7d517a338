import type { ApiCallCounter } from "./call-counter.js";

/** Static credentials, for tests against an emulator; production uses the SDK's default chain. */
export interface StaticCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** How the client factory builds its clients. Everything is optional. */
export interface AwsClientOptions {
  /** Region; default `AWS_REGION`, then `AWS_DEFAULT_REGION`, then us-east-1. */
  readonly region?: string;
  /**
   * Endpoint override (an emulator, LocalStack); default `AWS_ENDPOINT_URL`. When set, S3 uses
   * path-style addressing, since emulators do not serve virtual-hosted bucket names.
   */
  readonly endpoint?: string;
  /** Explicit credentials; when absent the SDK's standard provider chain is used. */
  readonly credentials?: StaticCredentials;
  /** Total attempts per call (SDK retry strategy). */
  readonly maxAttempts?: number;
  /** SDK retry mode. */
  readonly retryMode?: "standard" | "adaptive";
  /** Counts every call (and every attempt) the clients make. */
  readonly callCounter?: ApiCallCounter;
}

/** Which call failed, and for what: carried by every translated error. */
export interface AwsCallContext {
  /** `Service.Operation`, e.g. `CloudFormation.CreateStack`. */
  readonly operation: string;
  readonly annex?: string;
  readonly stack?: string;
}

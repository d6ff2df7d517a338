import type { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { S3Client } from "@aws-sdk/client-s3";
import type { STSClient } from "@aws-sdk/client-sts";
import type { MiddlewareStack } from "@smithy/types";
import { addCallCounter } from "./call-counter.js";
import { AWS_DEFAULTS, AWS_ENV } from "./constants.js";
import type { AwsClientOptions, StaticCredentials } from "./types.js";

/** The configuration every client shares, resolved once from options and environment. */
export interface ResolvedAwsConfig {
  readonly region: string;
  readonly endpoint: string | undefined;
  readonly credentials: StaticCredentials | undefined;
  readonly maxAttempts: number;
  readonly retryMode: "standard" | "adaptive";
}

/** Resolves client options against the environment (`AWS_ENDPOINT_URL`, `AWS_REGION`, …). */
export function resolveAwsConfig(
  options: AwsClientOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedAwsConfig {
  const endpoint = options.endpoint ?? nonEmpty(env[AWS_ENV.endpoint]);
  return {
    region:
      options.region ??
      nonEmpty(env[AWS_ENV.region]) ??
      nonEmpty(env[AWS_ENV.defaultRegion]) ??
      AWS_DEFAULTS.region,
    endpoint,
    credentials: options.credentials,
    maxAttempts: options.maxAttempts ?? AWS_DEFAULTS.maxAttempts,
    retryMode: options.retryMode ?? AWS_DEFAULTS.retryMode,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/**
 * Builds and caches one SDK client per service, on first use. The SDK packages are imported
 * dynamically, so a process that never touches a service never loads its client (annex-gahp
 * answers its banner before any of them is loaded). All clients share region, endpoint,
 * credentials (the SDK's default chain unless given), the retry strategy and the call counter.
 */
export class AwsClients {
  readonly config: ResolvedAwsConfig;
  readonly #options: AwsClientOptions;
  readonly #cache = new Map<string, Promise<unknown>>();
  /** Factories for other regions, built once and destroyed with this one. */
  readonly #regions = new Map<string, AwsClients>();

  constructor(options: AwsClientOptions = {}, env: NodeJS.ProcessEnv = process.env) {
    this.#options = options;
    this.config = resolveAwsConfig(options, env);
  }

  /** The same factory (endpoint, credentials, retries, counter) for another region; cached. */
  forRegion(region: string): AwsClients {
    if (region === this.config.region) return this;
    let other = this.#regions.get(region);
    if (other === undefined) {
      const { endpoint, credentials, maxAttempts, retryMode } = this.config;
      other = new AwsClients(
        {
          ...this.#options,
          region,
          maxAttempts,
          retryMode,
          ...(endpoint === undefined ? {} : { endpoint }),
          ...(credentials === undefined ? {} : { credentials }),
        },
        {},
      );
      this.#regions.set(region, other);
    }
    return other;
  }

  /** Options common to every client constructor. */
  #common(): {
    region: string;
    maxAttempts: number;
    retryMode: string;
    endpoint?: string;
    credentials?: StaticCredentials;
  } {
    const { region, endpoint, credentials, maxAttempts, retryMode } = this.config;
    return {
      region,
      maxAttempts,
      retryMode,
      ...(endpoint === undefined ? {} : { endpoint }),
      ...(credentials === undefined ? {} : { credentials }),
    };
  }

  #cached<T>(key: string, build: () => Promise<T>): Promise<T> {
    let client = this.#cache.get(key) as Promise<T> | undefined;
    if (client === undefined) {
      client = build();
      // A failed import must not poison the cache for the next caller.
      client.catch(() => this.#cache.delete(key));
      this.#cache.set(key, client);
    }
    return client;
  }

  /** Adds the call counter, when one was given, to a freshly built client. */
  #instrument<Input extends object, Output extends object>(stack: MiddlewareStack<Input, Output>): void {
    if (this.#options.callCounter !== undefined) addCallCounter(stack, this.#options.callCounter);
  }

  cloudFormation(): Promise<CloudFormationClient> {
    return this.#cached("cloudformation", async () => {
      const sdk = await import("@aws-sdk/client-cloudformation");
      const client = new sdk.CloudFormationClient(this.#common());
      this.#instrument(client.middlewareStack);
      return client;
    });
  }

  autoScaling(): Promise<AutoScalingClient> {
    return this.#cached("autoscaling", async () => {
      const sdk = await import("@aws-sdk/client-auto-scaling");
      const client = new sdk.AutoScalingClient(this.#common());
      this.#instrument(client.middlewareStack);
      return client;
    });
  }

  /**
   * CloudWatch pinned to AWS JSON 1.0: emulators (moto) do not speak Smithy RPC v2 CBOR, and the
   * pin keeps that true if a later SDK changes its default protocol. Request compression is off
   * when an endpoint override is set (see below).
   */
  cloudWatch(): Promise<CloudWatchClient> {
    return this.#cached("cloudwatch", async () => {
      const [sdk, protocols] = await Promise.all([
        import("@aws-sdk/client-cloudwatch"),
        import("@aws-sdk/core/protocols"),
      ]);
      const client = new sdk.CloudWatchClient({
        ...this.#common(),
        protocol: protocols.AwsJson1_0Protocol,
        // The SDK gzips PutMetricData bodies over 10 KB; moto 5.2.1 then fails to decode them
        // (BadGzipFile, HTTP 500). Compression is kept for AWS itself.
        disableRequestCompression: this.config.endpoint !== undefined,
      });
      this.#instrument(client.middlewareStack);
      return client;
    });
  }

  ec2(): Promise<EC2Client> {
    return this.#cached("ec2", async () => {
      const sdk = await import("@aws-sdk/client-ec2");
      const client = new sdk.EC2Client(this.#common());
      this.#instrument(client.middlewareStack);
      return client;
    });
  }

  /** Path-style addressing whenever an endpoint override is set (emulators serve no bucket hosts). */
  s3(): Promise<S3Client> {
    return this.#cached("s3", async () => {
      const sdk = await import("@aws-sdk/client-s3");
      const client = new sdk.S3Client({
        ...this.#common(),
        forcePathStyle: this.config.endpoint !== undefined,
      });
      this.#instrument(client.middlewareStack);
      return client;
    });
  }

  iam(): Promise<IAMClient> {
    return this.#cached("iam", async () => {
      const sdk = await import("@aws-sdk/client-iam");
      const client = new sdk.IAMClient(this.#common());
      this.#instrument(client.middlewareStack);
      return client;
    });
  }

  sts(): Promise<STSClient> {
    return this.#cached("sts", async () => {
      const sdk = await import("@aws-sdk/client-sts");
      const client = new sdk.STSClient(this.#common());
      this.#instrument(client.middlewareStack);
      return client;
    });
  }

  /** Closes every client built so far, in every region (sockets of keep-alive agents). */
  async destroy(): Promise<void> {
    await Promise.all([...this.#regions.values()].map((other) => other.destroy()));
    this.#regions.clear();
    const clients = await Promise.allSettled(this.#cache.values());
    this.#cache.clear();
    for (const result of clients) {
      if (result.status === "fulfilled") {
        const client = result.value as { destroy?: () => void };
        client.destroy?.();
      }
    }
  }
}

/**
 * AWS SDK v3 clients for the end-to-end target (our emulator, another endpoint, or a real
 * account): endpoint, region us-east-1, static test credentials, path-style S3.
 *
 * CloudWatch is pinned to the AWS JSON 1.0 protocol: moto does not speak Smithy RPC v2 CBOR
 * (getmoto/moto#9195), and pinning keeps the tests working if a later SDK changes its default.
 */
import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import { STSClient } from "@aws-sdk/client-sts";
import { AwsJson1_0Protocol } from "@aws-sdk/core/protocols";
import { type AwsTarget, emulatorTarget } from "./emulator.js";

/** Region every emulator test uses. */
export const TEST_REGION = "us-east-1";

/** The account moto reports for any credentials. */
export const MOTO_ACCOUNT_ID = "123456789012";

/** Static credentials accepted by moto (ignored by a real account, which uses the default chain). */
export const TEST_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" } as const;

/** Constructor options shared by every client for `target`. */
export function clientConfig(target: AwsTarget = emulatorTarget()): {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
} {
  if (target.kind === "real-aws") return { region: process.env.AWS_REGION ?? TEST_REGION };
  if (target.endpoint === undefined) {
    throw new Error(`no AWS endpoint for target ${target.kind}: ${target.reason ?? ""}`);
  }
  return { region: TEST_REGION, endpoint: target.endpoint, credentials: { ...TEST_CREDENTIALS } };
}

/** One client per service the harness and the tests use. */
export interface AwsClients {
  cloudFormation: CloudFormationClient;
  cloudWatch: CloudWatchClient;
  lambda: LambdaClient;
  s3: S3Client;
  sns: SNSClient;
  sts: STSClient;
  /** Destroys every client's sockets. */
  destroy(): void;
}

/** CloudWatch client that speaks AWS JSON 1.0 whatever the SDK's default protocol is. */
export function cloudWatchClient(target: AwsTarget = emulatorTarget()): CloudWatchClient {
  return new CloudWatchClient({
    ...clientConfig(target),
    protocol: AwsJson1_0Protocol,
  });
}

/** S3 client with path-style addressing (bucket in the path, not the host name). */
export function s3Client(target: AwsTarget = emulatorTarget()): S3Client {
  return new S3Client({ ...clientConfig(target), forcePathStyle: target.kind !== "real-aws" });
}

/** Clients for `target` (default: the one the e2e global setup provides). */
export function awsClients(target: AwsTarget = emulatorTarget()): AwsClients {
  const config = clientConfig(target);
  const clients = {
    cloudFormation: new CloudFormationClient(config),
    cloudWatch: cloudWatchClient(target),
    lambda: new LambdaClient(config),
    s3: s3Client(target),
    sns: new SNSClient(config),
    sts: new STSClient(config),
  };
  return {
    ...clients,
    destroy() {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}

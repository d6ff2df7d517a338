/**
 * LocalStack as the end-to-end target (`ANNEX_TEST_TARGET=localstack`), started through
 * testcontainers when a Docker engine answers. LocalStack runs only in a container, and since
 * March 2026 new images need an auth token, so the last free release is pinned. Its community
 * edition evaluates no alarms and lacks Auto Scaling, so tests that need annex_moto's powers
 * skip themselves on this target (it is reported as `external`).
 */
import type { AwsTarget } from "../../src/emulator/process.js";

/** The last LocalStack release that starts without an auth token. */
export const LOCALSTACK_IMAGE = "localstack/localstack:4.14.0";

/** Why no container can be started here (no Docker engine, …), or undefined when one can. */
export async function dockerEngineProblem(): Promise<string | undefined> {
  try {
    const { getContainerRuntimeClient } = await import("testcontainers");
    await getContainerRuntimeClient();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** A running LocalStack container and how to stop it. */
export interface LocalStack {
  readonly target: AwsTarget;
  stop(): Promise<void>;
}

/** Starts LocalStack and waits until its health endpoint answers. */
export async function startLocalStack(): Promise<LocalStack> {
  const { GenericContainer, Wait } = await import("testcontainers");
  const container = await new GenericContainer(LOCALSTACK_IMAGE)
    .withExposedPorts(4566)
    // LocalStack runs Lambda functions in sibling containers, through the engine's socket.
    .withBindMounts([{ source: "/var/run/docker.sock", target: "/var/run/docker.sock" }])
    .withWaitStrategy(Wait.forHttp("/_localstack/health", 4566).forStatusCode(200))
    .withStartupTimeout(180_000)
    .start();
  const endpoint = `http://${container.getHost()}:${container.getMappedPort(4566)}`;
  return {
    target: {
      kind: "external",
      endpoint,
      reason: `LocalStack ${LOCALSTACK_IMAGE} at ${endpoint} (testcontainers); tests that need annex_moto (alarm evaluation, Node Lambdas without Docker) are skipped`,
    },
    stop: async () => {
      await container.stop();
    },
  };
}

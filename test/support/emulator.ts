/**
 * The AWS emulator of the end-to-end suite: moto 5.2.1 with condor-annex's extension
 * (emulator/annex_moto), started on 127.0.0.1 on a free port. See docs/emulator.md.
 *
 * - `startEmulator()` starts one server and returns a handle (endpoint, reset, advance, stop).
 * - `emulatorTarget()` tells a test file what it runs against (our emulator, another endpoint,
 *   a real account) and `extensionSkipReason()` why extension-only tests must be skipped.
 * - `useEmulator()` registers the per-file hooks: wait for exclusive use of the shared server,
 *   reset its state, release it afterwards.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, inject } from "vitest";
import { type AwsTarget, resetEmulator, targetFromEnvironment } from "./emulator-process.js";
import { repoRoot, withDirLock } from "./python-env.js";

export * from "./emulator-process.js";

declare module "vitest" {
  export interface ProvidedContext {
    annexAwsTarget: AwsTarget;
  }
}

/** The target provided by the e2e global setup (falls back to the environment outside it). */
export function emulatorTarget(): AwsTarget {
  try {
    return inject("annexAwsTarget");
  } catch {
    return targetFromEnvironment() ?? { kind: "unavailable", reason: "the e2e global setup did not run" };
  }
}

/**
 * Why tests that need the extension's powers (alarm clock, Lambda in Node, reset) cannot run on
 * this target, or undefined when they can. Use with `describe.skipIf(reason !== undefined)`.
 */
export function extensionSkipReason(target: AwsTarget = emulatorTarget()): string | undefined {
  if (target.kind === "moto-ext") return undefined;
  return `needs condor-annex's moto extension (alarm clock control, local Lambda): ${target.reason ?? target.kind}`;
}

/** Why no AWS-compatible target is reachable at all, or undefined. */
export function targetSkipReason(target: AwsTarget = emulatorTarget()): string | undefined {
  return target.kind === "unavailable" ? (target.reason ?? "no AWS target") : undefined;
}

/**
 * Per-file hooks for a test file that uses the shared emulator: waits for exclusive use of it
 * (files run in parallel, and reset is server-wide), resets it, and releases it after the file.
 * Returns a getter for the target. On other targets nothing is reset or locked.
 */
export function useEmulator(): () => AwsTarget {
  const target = emulatorTarget();
  let release: (() => void) | undefined;
  let held: Promise<void> | undefined;
  beforeAll(async () => {
    if (target.kind !== "moto-ext" || target.endpoint === undefined) return;
    const endpoint = target.endpoint;
    mkdirSync(join(repoRoot, ".emulator-logs"), { recursive: true });
    // One lease per server: separate vitest runs (each with its own server) never wait on each other.
    const leaseDir = join(repoRoot, ".emulator-logs", `lease-${new URL(endpoint).port}`);
    await new Promise<void>((acquired, failed) => {
      held = withDirLock(leaseDir, async () => {
        acquired();
        await new Promise<void>((done) => {
          release = done;
        });
      });
      held.catch(failed);
    });
    await resetEmulator(endpoint);
  }, 900_000);
  afterAll(async () => {
    release?.();
    await held; // the lock directory is removed before the worker may exit
  });
  return () => target;
}

/**
 * The AWS emulator of the end-to-end suite: moto 5.2.1 with condor-annex's extension
 * (emulator/annex_moto), started on 127.0.0.1 on a free port. See docs/emulator.md.
 *
 * - `startEmulator()` starts one server and returns a handle (endpoint, reset, advance, stop).
 * - `emulatorTarget()` tells a test file what it runs against (its own emulator, another
 *   endpoint, a real account) and `extensionSkipReason()` why extension-only tests must be skipped.
 * - `useEmulator()` registers the per-file hooks: reset the file's server before the file.
 *
 * Every worker slot of the e2e run has a server of its own (test/support/emulator-global-setup.ts),
 * and a slot runs one file at a time, so files that use the emulator run in parallel without
 * seeing each other's stacks, alarms or alarm clock.
 */
import { mkdirSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, inject } from "vitest";
import { type AwsTarget, resetEmulator, targetFromEnvironment } from "./emulator-process.js";
import { type Lease, takeLease } from "./lease.js";
import { repoRoot } from "./python-env.js";

export * from "./emulator-process.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** One target per worker slot, provided by the e2e global setup. */
    annexAwsTargets: AwsTarget[];
  }
  export interface TaskMeta {
    /** The log of the emulator a test file used (the global setup keeps it if the file failed). */
    annexEmulatorLog?: string;
  }
}

/** This worker's slot, 0-based: vitest numbers the workers that run at once `VITEST_POOL_ID` 1…maxWorkers. */
function workerSlot(): number {
  const id = Number.parseInt(process.env.VITEST_POOL_ID ?? "", 10);
  return Number.isInteger(id) && id >= 1 ? id - 1 : 0;
}

/**
 * The target of this test file: the emulator of its worker slot as provided by the e2e global
 * setup (or the one external target), else — outside the e2e project — what the environment says.
 * Known synchronously, so files may read it at module level.
 */
export function emulatorTarget(): AwsTarget {
  let targets: AwsTarget[] | undefined;
  try {
    targets = inject("annexAwsTargets");
  } catch {
    targets = undefined;
  }
  const target = targets?.[workerSlot() % Math.max(targets.length, 1)];
  return (
    target ?? targetFromEnvironment() ?? { kind: "unavailable", reason: "the e2e global setup did not run" }
  );
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
 * The lock directory that gives one test file at a time a target: one per server
 * (`.emulator-logs/lease-<host>-<port>`), one for a real account; none when there is no target.
 */
function leaseDir(target: AwsTarget): string | undefined {
  if (target.kind === "unavailable") return undefined;
  let name = "real-aws";
  if (target.endpoint !== undefined) {
    const url = new URL(target.endpoint);
    name = `${url.hostname}-${url.port || url.protocol.replace(":", "")}`.replace(/[^A-Za-z0-9.-]/g, "_");
  }
  return join(repoRoot, ".emulator-logs", `lease-${name}`);
}

/**
 * Per-file hooks for a test file that uses the emulator: before the file, its server (the one of
 * its worker slot) is reset and marked with the file's name in the server log, and the file
 * records that log in its `meta`, so that the log is kept if the file fails. Returns a getter
 * for the target. On other targets nothing is reset.
 *
 * The file also holds a lease on its target (a lock directory, see `leaseDir`; broken
 * automatically if its holder dies). On our emulator it never waits, since each worker slot has
 * a server of its own; it only guards that rule. On a shared target (`AWS_ENDPOINT_URL`, a real
 * account) the files take turns, as tests that take an inventory of the whole account need.
 */
export function useEmulator(): () => AwsTarget {
  const target = emulatorTarget();
  let lease: Lease | undefined;
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a hook's first parameter as a fixture pattern
  beforeAll(async ({}, suite) => {
    const dir = leaseDir(target);
    if (dir === undefined) return;
    mkdirSync(join(repoRoot, ".emulator-logs"), { recursive: true });
    lease = await takeLease(dir, 900_000);
    if (target.kind !== "moto-ext" || target.endpoint === undefined) return;
    const endpoint = target.endpoint;
    suite.file.meta.annexEmulatorLog = target.logFile;
    // The server log is shared by the files of one slot: a request naming the file marks where
    // its part begins.
    const file = relative(repoRoot, suite.file.filepath);
    await fetch(`${endpoint}/moto-api/ext/health?file=${encodeURIComponent(file)}`).catch(() => undefined);
    await resetEmulator(endpoint);
  }, 960_000);
  afterAll(async () => {
    await lease?.release();
  });
  return () => target;
}

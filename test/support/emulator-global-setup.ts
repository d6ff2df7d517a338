/**
 * Vitest global setup of the e2e project. Unless the environment names another target, it starts
 * one emulator per worker slot — as many as the run has workers (`maxWorkers`), all at once —
 * and provides their targets to the test files as `annexAwsTargets`; a file uses the one of the
 * slot it runs in (`VITEST_POOL_ID`, see test/support/emulator.ts), and no two files run in one
 * slot at a time, so every file has a server to itself. They are stopped at the end. A server's
 * log is kept when a file that used it failed (its path printed), deleted otherwise
 * (`ANNEX_KEEP_EMULATOR_LOG=1` keeps every log).
 */

import { rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import type { TestProject } from "vitest/node";
import { type EmulatorHandle, startEmulator, targetFromEnvironment } from "./emulator-process.js";
import { dockerEngineProblem, startLocalStack } from "./localstack.js";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let external = targetFromEnvironment();
  if (external?.kind === "unavailable" && process.env.ANNEX_TEST_TARGET === "localstack") {
    // LocalStack needs a Docker engine: start it when one answers, else skip with the reason.
    const problem = await dockerEngineProblem();
    if (problem === undefined) {
      const localStack = await startLocalStack();
      process.stderr.write(`[emulator] ${localStack.target.reason}\n`);
      project.provide("annexAwsTargets", [localStack.target]);
      return () => localStack.stop();
    }
    external = { ...external, reason: `${external.reason} (testcontainers: ${problem})` };
  }
  if (external !== undefined) {
    // One shared target for every slot: the files that use it take turns (useEmulator's lease).
    process.stderr.write(`[emulator] ${external.reason ?? external.kind}\n`);
    project.provide("annexAwsTargets", [external]);
    return async () => {};
  }
  const emulators = await startAll(workerSlots(project));
  // No signal handlers here: if vitest is interrupted or killed, each server notices that its
  // stdin pipe closed and exits by itself (see emulator/launch.py --watch-stdin).
  project.provide(
    "annexAwsTargets",
    emulators.map((handle) => ({ kind: "moto-ext", endpoint: handle.endpoint, logFile: handle.logFile })),
  );
  project.onTestsRerun(async () => {
    await Promise.all(emulators.map((handle) => handle.reset()));
  });
  let stopped = false;
  return async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(emulators.map((handle) => handle.stop()));
    const keep = logsToKeep(project, emulators);
    for (const handle of emulators) {
      const files = keep.get(handle.logFile);
      if (files === undefined) rmSync(handle.logFile, { force: true });
      else process.stderr.write(`[emulator] server log kept: ${handle.logFile}${files}\n`);
    }
  };
}

/**
 * How many files can use a server at once: vitest's `maxWorkers` as its pool resolves it (the
 * project's, else the run's, else one less than the CPUs), but no more than this run has e2e
 * files (a single file needs one server, not one per worker; in watch mode all slots, as later
 * runs may have more files). Should it ever be too few, files of two slots share a server and
 * take turns on it (useEmulator's lease), which is slower but still correct.
 */
function workerSlots(project: TestProject): number {
  const configured = Number(project.config.maxWorkers || project.vitest.config.maxWorkers || 0);
  const workers =
    Number.isInteger(configured) && configured > 0 ? configured : Math.max(availableParallelism() - 1, 1);
  if (project.vitest.config.watch) return workers;
  try {
    const files = project.vitest.state.getPaths().filter((path) => project.matchesTestGlob(path)).length;
    return Math.max(1, Math.min(workers, files));
  } catch {
    return workers;
  }
}

/** Starts `count` emulators in parallel; if one fails, stops the others and throws. */
async function startAll(count: number): Promise<EmulatorHandle[]> {
  const started = await Promise.allSettled(Array.from({ length: count }, () => startEmulator()));
  const handles = started.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const failure = started.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failure === undefined) return handles;
  await Promise.all(handles.map((handle) => handle.stop()));
  throw failure.reason;
}

/**
 * The logs to keep, each with a note naming the failed files that used its server (test files
 * record their server's log in their `meta`, see useEmulator). Every log when that cannot be
 * told, or with ANNEX_KEEP_EMULATOR_LOG=1.
 */
function logsToKeep(project: TestProject, emulators: readonly EmulatorHandle[]): Map<string, string> {
  const all = () => new Map(emulators.map((handle) => [handle.logFile, ""]));
  if (process.env.ANNEX_KEEP_EMULATOR_LOG === "1") return all();
  try {
    const state = project.vitest.state;
    const keep = new Map<string, string>();
    const failedFiles = state
      .getFiles()
      .filter((file) => file.result?.state === "fail" || (file.result?.errors?.length ?? 0) > 0);
    for (const file of failedFiles) {
      const log = file.meta.annexEmulatorLog;
      if (log === undefined) continue;
      const name = file.name;
      const note = keep.get(log);
      keep.set(log, note === undefined ? ` (failed: ${name})` : `${note.slice(0, -1)}, ${name})`);
    }
    // A failure no file owns (a crashed worker, an unhandled error): keep them all.
    if (state.getUnhandledErrors().length > 0) return all();
    return keep;
  } catch {
    return all();
  }
}

/**
 * Vitest global setup of the e2e project: starts one emulator for the whole run (unless the
 * environment names another target), provides it to test files as `annexAwsTarget`, and stops
 * it at the end. The server log is kept when the run failed, deleted otherwise
 * (`ANNEX_KEEP_EMULATOR_LOG=1` keeps it always).
 */
import { rmSync } from "node:fs";
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
      project.provide("annexAwsTarget", localStack.target);
      return () => localStack.stop();
    }
    external = { ...external, reason: `${external.reason} (testcontainers: ${problem})` };
  }
  if (external !== undefined) {
    process.stderr.write(`[emulator] ${external.reason ?? external.kind}\n`);
    project.provide("annexAwsTarget", external);
    return async () => {};
  }
  let emulator: EmulatorHandle | undefined = await startEmulator();
  const handle = emulator;
  // No signal handlers here: if vitest is interrupted or killed, the server notices that its
  // stdin pipe closed and exits by itself (see emulator/launch.py --watch-stdin).
  project.provide("annexAwsTarget", { kind: "moto-ext", endpoint: handle.endpoint, logFile: handle.logFile });
  project.onTestsRerun(() => handle.reset());
  return async () => {
    if (emulator === undefined) return;
    await emulator.stop();
    const keep = process.env.ANNEX_KEEP_EMULATOR_LOG === "1" || hasFailures(project);
    if (keep) process.stderr.write(`[emulator] server log kept: ${emulator.logFile}\n`);
    else rmSync(emulator.logFile, { force: true });
    emulator = undefined;
  };
}

function hasFailures(project: TestProject): boolean {
  try {
    return (
      project.vitest.state.getCountOfFailedTests() > 0 ||
      project.vitest.state.getFiles().some((file) => file.result?.state === "fail")
    );
  } catch {
    return true;
  }
}

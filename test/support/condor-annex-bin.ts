/** Running the built `condor-annex` from end-to-end tests, as a user's shell would. */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../../src/emulator/python-env.js";

/** The launcher `npm ci` builds for. */
export const CONDOR_ANNEX_BIN = join(repoRoot, "bin", "condor-annex.js");

/** How a finished run ended and what it printed. */
export interface BinRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command` to completion and collects its output (killed after `timeoutMs`, when given). */
export function runProgram(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number },
): Promise<BinRun> {
  return new Promise((resolve) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A program that exits without reading its stdin makes this write fail (EPIPE): its exit
    // status and output say what happened, so the pipe's error is not one.
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? "");
  });
}

/** Runs condor-annex with `args` in the repository (stdin an empty pipe: not a terminal). */
export function runCondorAnnex(args: readonly string[], env: NodeJS.ProcessEnv): Promise<BinRun> {
  return runProgram(process.execPath, [CONDOR_ANNEX_BIN, ...args], { cwd: repoRoot, env });
}

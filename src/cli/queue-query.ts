import { spawn } from "node:child_process";
import type { ClassAd } from "../classad/classad.js";
import { parseOldAds } from "../classad/old-format.js";

/**
 * The watch loop's queue query: runs a command (by default `condor_q` over all users, long form,
 * constrained to jobs with an `AnnexRequest` and projected to what demand reads) and parses its
 * old-format output incrementally as it streams from the child's stdout.
 *
 * Any doubt fails the query, so the loop keeps its last good snapshot rather than forward a
 * partial queue (which would under-count demand): a non-zero exit, a signal, output that does not
 * parse, or no answer within the timeout (the whole process group is killed).
 */

/** The job attributes demand reads (docs/annex-commands.md, ANNEX_JOBS), and what Requirements usually references. */
export const QUEUE_ATTRIBUTES = [
  "ClusterId",
  "ProcId",
  "Owner",
  "User",
  "JobStatus",
  "JobUniverse",
  "AnnexRequest",
  "TargetAnnexName",
  "Requirements",
  "RequestCpus",
  "RequestMemory",
  "RequestDisk",
  "RequestGpus",
  "MemoryUsage",
  "DiskUsage",
  "ImageSize",
  "ExecutableSize",
  "MachineAttrAnnexName0",
] as const;

/** The default of `ANNEX_WATCH_QUEUE_COMMAND` (a shell command line). */
export const DEFAULT_QUEUE_COMMAND = `condor_q -allusers -long -constraint 'AnnexRequest =!= undefined' -attributes ${QUEUE_ATTRIBUTES.join(",")}`;

/** Options of {@link readQueue}. */
export interface QueueQueryOptions {
  /** Kill the query after this long (default 120 s). */
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs `command` with `/bin/sh -c` and resolves with the ads it printed, or rejects saying why. */
export function readQueue(command: string, options: QueueQueryOptions = {}): Promise<ClassAd[]> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  return new Promise<ClassAd[]>((resolve, reject) => {
    // Its own process group, so a timeout kills the shell and whatever it started.
    const child = spawn("/bin/sh", ["-c", command], {
      stdio: ["ignore", "pipe", "pipe"],
      env: options.env ?? process.env,
      detached: true,
    });
    let settled = false;
    let stderr = "";
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      killGroup("SIGKILL");
      reject(new Error(message));
    };
    const timer = setTimeout(() => {
      killGroup("SIGTERM");
      setTimeout(() => killGroup("SIGKILL"), 2000).unref();
      fail(`the queue query did not finish within ${Math.round(timeoutMs / 1000)} s: ${command}`);
    }, timeoutMs);
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-2000);
    });
    child.on("error", (error) => fail(`cannot run the queue query (${error.message}): ${command}`));
    const ads: ClassAd[] = [];
    const parsing = (async () => {
      for await (const result of parseOldAds(child.stdout)) {
        if (!result.ok) {
          throw new Error(
            `the queue query printed something that is not a long-form ClassAd: ${result.error.message}`,
          );
        }
        ads.push(result.value);
      }
    })();
    parsing.catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
    child.on("close", (code, signal) => {
      void parsing.then(
        () => {
          if (settled) return;
          if (code !== 0) {
            const tail = stderr.trim().split("\n").slice(-3).join(" / ");
            fail(
              `the queue query exited with ${signal ?? `status ${code}`}${tail === "" ? "" : `: ${tail}`}`,
            );
            return;
          }
          settled = true;
          clearTimeout(timer);
          resolve(ads);
        },
        () => {},
      );
    });
  });
}

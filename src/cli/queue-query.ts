import { spawn } from "node:child_process";
import { shellQuote } from "../../templates/bootstrap.js";
import type { ClassAd } from "../classad/classad.js";
import { parseOldAds } from "../classad/old-format.js";

/**
 * The watch loop's queue query: runs a command (by default `condor_q` over all users, long form,
 * constrained to jobs with an `AnnexRequest` and projected to what demand reads) and parses its
 * old-format output incrementally as it streams from the child's stdout, handing each ad on as
 * it is read (the watch collapses them into shapes; the queue is never held whole).
 *
 * Any doubt fails the query, so the loop keeps its last good snapshot rather than forward a
 * partial queue (which would under-count demand): a non-zero exit, a signal, output that does not
 * parse, or no answer within the timeout (the whole process group is killed).
 */

/**
 * The job attributes demand reads (docs/annex-commands.md, ANNEX_JOBS), and what condor_submit's
 * Requirements and Request* refer to. The watch adds whatever else the jobs' expressions turn
 * out to refer to (see queue-shapes.ts `missingReferences`).
 */
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
  "FileSystemDomain",
  "TransferInputSizeMB",
] as const;

/** The default queue query, projected to `attributes` (a shell command line). */
export function defaultQueueCommand(attributes: readonly string[] = QUEUE_ATTRIBUTES): string {
  return `condor_q -allusers -long -constraint ${shellQuote("AnnexRequest =!= undefined")} -attributes ${shellQuote(attributes.join(","))}`;
}

/** The default of `ANNEX_WATCH_QUEUE_COMMAND`, as documented. */
export const DEFAULT_QUEUE_COMMAND = defaultQueueCommand();

/**
 * What an HTCondor tool said when it failed, without its boilerplate: the `Error:`/`ERROR` lines
 * (condor_q follows them with paragraphs of "Extra Info"), else the last non-empty lines.
 */
export function toolError(stderr: string, stdout = ""): string {
  const lines = `${stderr}\n${stdout}`
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  const errors = lines.filter((line) => /^(error|failed|-- failed)/i.test(line));
  const chosen = errors.length > 0 ? errors : lines.filter((line) => !/^extra info/i.test(line)).slice(-2);
  return chosen.join(" / ").slice(0, 500);
}

/** Options of {@link readQueue}. */
export interface QueueQueryOptions {
  /** Kill the query after this long (default 120 s). */
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
  /** What the command is, in messages (default "the queue query"). */
  readonly label?: string;
}

/**
 * Runs `command` with `/bin/sh -c`, hands every ad it prints to `onAd` as it is parsed, and
 * resolves with how many there were, or rejects saying why.
 */
export function readQueue(
  command: string,
  onAd: (ad: ClassAd) => void,
  options: QueueQueryOptions = {},
): Promise<number> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const label = options.label ?? "the queue query";
  return new Promise<number>((resolve, reject) => {
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
      fail(`${label} did not finish within ${Math.round(timeoutMs / 1000)} s: ${command}`);
    }, timeoutMs);
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-8000);
    });
    child.on("error", (error) => fail(`cannot run ${label} (${error.message}): ${command}`));
    let ads = 0;
    const parsing = (async () => {
      for await (const result of parseOldAds(child.stdout)) {
        if (!result.ok) {
          throw new Error(
            `${label} printed something that is not a long-form ClassAd: ${result.error.message}`,
          );
        }
        ads++;
        onAd(result.value);
      }
    })();
    parsing.catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
    child.on("close", (code, signal) => {
      void parsing.then(
        () => {
          if (settled) return;
          if (code !== 0) {
            const said = toolError(stderr);
            fail(`${label} exited with ${signal ?? `status ${code}`}${said === "" ? "" : `: ${said}`}`);
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

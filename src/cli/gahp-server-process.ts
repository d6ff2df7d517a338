import { spawn } from "node:child_process";
import { GahpClient, type GahpClientOptions, type GahpServerProcess } from "../gahp/client.js";

/**
 * Starting and supervising a GAHP server process (annex-gahp) for condor-annex: the process side
 * of a GAHP client, kept apart from the protocol (src/gahp/client.ts), which speaks over any
 * pair of streams.
 */

/** Where and how to run the server. */
export interface GahpSpawnOptions extends GahpClientOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** How much of the server's stderr is kept for error messages. */
const STDERR_TAIL_BYTES = 4096;

/** Starts a GAHP server process and performs the GAHP startup sequence with it. */
export function spawnGahpServer(
  command: string,
  args: readonly string[],
  options: GahpSpawnOptions = {},
): Promise<GahpClient> {
  const { env, cwd, ...clientOptions } = options;
  const child = spawn(command, [...args], { stdio: ["pipe", "pipe", "pipe"], env, cwd });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-STDERR_TAIL_BYTES);
  });
  const ended = new Promise<string>((resolve) => {
    // "close", not "exit": every result already written to the pipe has been read by then.
    child.on("close", (code, signal) =>
      resolve(`the GAHP server ${command} exited (${signal ?? `status ${code}`})`),
    );
    child.on("error", (error) => resolve(`could not run the GAHP server ${command}: ${error.message}`));
  });
  const server: GahpServerProcess = {
    child,
    isRunning: () => child.exitCode === null && child.signalCode === null,
    ended,
    stderrTail: () => stderr,
    kill: (signal) => {
      child.kill(signal);
    },
  };
  return GahpClient.connect(child.stdout, child.stdin, clientOptions, server);
}

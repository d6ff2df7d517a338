import { isNullArg, splitArgs } from "./framing.js";
import type { GahpStatisticsSnapshot } from "./statistics.js";
import type { SyncCommand } from "./types.js";

/** What the standard commands need from the server they belong to. */
export interface StandardCommandHost {
  /** The version banner as written on the first line (escaped). */
  readonly banner: string;
  /** This server's `$CondorVersion: … $` string (unescaped). */
  readonly condorVersion: string;
  commandNames(): string[];
  /** Runs `action` right after the reply to the current command has been written. */
  afterReply(action: () => void): void;
  setResponsePrefix(prefix: string): void;
  setAsyncMode(on: boolean): void;
  /** Removes the waiting results and returns their formatted lines. */
  takeResults(): string[];
  /** Writes result lines (prefixed, in order). */
  writeLines(lines: readonly string[]): void;
  quit(): void;
  statistics(): GahpStatisticsSnapshot;
  log(message: string): void;
}

/** Names of the standard commands, in the order `COMMANDS` lists them. */
export const STANDARD_COMMAND_NAMES = [
  "ASYNC_MODE_ON",
  "ASYNC_MODE_OFF",
  "RESULTS",
  "QUIT",
  "VERSION",
  "COMMANDS",
  "RESPONSE_PREFIX",
  "CONDOR_VERSION",
  "STATISTICS",
] as const;

/** The protocol's own commands, bound to a server. */
export function standardCommands(host: StandardCommandHost): SyncCommand[] {
  const ok = { kind: "S" } as const;
  return [
    {
      kind: "sync",
      name: "ASYNC_MODE_ON",
      args: 0,
      handle() {
        host.afterReply(() => host.setAsyncMode(true));
        return ok;
      },
    },
    {
      kind: "sync",
      name: "ASYNC_MODE_OFF",
      args: 0,
      handle() {
        host.afterReply(() => host.setAsyncMode(false));
        return ok;
      },
    },
    {
      kind: "sync",
      name: "RESULTS",
      args: 0,
      handle() {
        const lines = host.takeResults();
        // The results follow their count as one block, so no `R` can fall inside it.
        host.afterReply(() => host.writeLines(lines));
        return { kind: "S", fields: [String(lines.length)] };
      },
    },
    {
      kind: "sync",
      name: "QUIT",
      args: 0,
      handle() {
        host.afterReply(() => host.quit());
        return ok;
      },
    },
    {
      kind: "sync",
      name: "VERSION",
      args: 0,
      handle() {
        return { kind: "S", fields: splitArgs(host.banner) };
      },
    },
    {
      kind: "sync",
      name: "COMMANDS",
      args: 0,
      handle() {
        return { kind: "S", fields: host.commandNames() };
      },
    },
    {
      kind: "sync",
      name: "RESPONSE_PREFIX",
      args: 1,
      handle(args) {
        const prefix = args[0] ?? "";
        // The reply to this command is itself unprefixed: the gridmanager reads it before it
        // starts expecting the prefix. `NULL` clears the prefix.
        host.afterReply(() => host.setResponsePrefix(isNullArg(prefix) ? "" : prefix));
        return ok;
      },
    },
    {
      kind: "sync",
      name: "CONDOR_VERSION",
      args: 1,
      handle(args) {
        host.log(`client version: ${args[0] ?? ""}`);
        return { kind: "S", fields: [host.condorVersion] };
      },
    },
    {
      kind: "sync",
      name: "STATISTICS",
      args: 0,
      handle() {
        const s = host.statistics();
        return {
          kind: "S",
          fields: [
            String(s.requests),
            String(s.distinctRequests),
            String(s.requestsExceedingLimit),
            String(s.expiredSignatures),
          ],
        };
      },
    },
  ];
}

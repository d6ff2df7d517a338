import type { AsyncCommand } from "./types.js";

/**
 * A liveness check: `<NAME> <reqid>` answers `S` and queues `<reqid> 0 <ad>`, where the ad
 * (new ClassAd syntax) carries the helper's version and how many requests it is running. It
 * exercises the whole asynchronous path (request id, queue, `R`, `RESULTS`) without touching
 * any cloud service, so it also serves conformance tests and the benchmark.
 */
export function pingCommand(name: string, version: string, runningCount: () => number): AsyncCommand {
  const versionLiteral = JSON.stringify(version);
  return {
    kind: "async",
    name,
    args: 0,
    handle() {
      return ["0", `[ GahpVersion = ${versionLiteral}; RunningRequests = ${runningCount()} ]`];
    },
  };
}

import { escapeArg, isNullArg } from "./framing.js";
import { type AsyncCommand, EscapedField, type ResultFields } from "./types.js";

/** Longest delay `<NAME> <reqid> <delay-ms>` accepts. */
export const MAX_PING_DELAY_MS = 60_000;

/**
 * A liveness check: `<NAME> <reqid> [<delay-ms> | NULL]` answers `S` and queues `<reqid> 0 <ad>`,
 * where the ad (new ClassAd syntax) carries the helper's version and how many requests it is
 * running, this one included. With a delay the result is queued that many milliseconds later
 * (at most 60 s), which checks that the helper's event loop is not blocked and exercises
 * results that arrive while other work is pending. It touches no cloud service, so it also
 * serves the conformance tests and the benchmark. A bad delay gives
 * `<reqid> 1 E_INVALID_REQUEST <message>`; a shutdown during the delay gives `1 E_SHUTDOWN`.
 */
export function pingCommand(name: string, version: string, runningCount: () => number): AsyncCommand {
  // The ad's constant parts, escaped once: only the count changes from call to call.
  const head = escapeArg(`[ GahpVersion = ${JSON.stringify(version)}; RunningRequests = `);
  const tail = escapeArg(" ]");
  const pong = (): ResultFields => ["0", new EscapedField(`${head}${runningCount()}${tail}`)];
  return {
    kind: "async",
    name,
    args: { min: 0, max: 1 },
    handle(args, context) {
      const delayText = args[0];
      if (delayText === undefined || isNullArg(delayText)) return pong();
      const delay = /^[0-9]{1,6}$/.test(delayText) ? Number(delayText) : Number.NaN;
      if (!(delay <= MAX_PING_DELAY_MS)) {
        return [
          "1",
          "E_INVALID_REQUEST",
          `delay must be whole milliseconds from 0 to ${MAX_PING_DELAY_MS}, got ${delayText}`,
        ];
      }
      return new Promise<ResultFields>((resolve) => {
        const timer = setTimeout(() => resolve(pong()), delay);
        context.signal.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve(["1", "E_SHUTDOWN", "the helper shut down before the delay ended"]);
        });
      });
    },
  };
}
